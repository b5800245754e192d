"""Routing classifier: cross-validated macro-F1, training time, throughput and one-case latency.

Run from the repository root:

    python benchmarks/bench_routing.py [--data PATH] [--folds K] [--calibrate]

Reads the labelled message file of the 2020 "泰迪杯" C题 public data (default
`../shared/data/tipdm2020/labelled_train.jsonl`, one `{"title","text","label"}` per line; it is
not part of the repository and the script says so and exits when it is absent). Prints K-fold
macro-F1 and accuracy of `bangban.insight.classifier.TextClassifier` (the product's classifier),
the time to train one model on all rows (with the calibration of its confidence), prediction
throughput in batches, the latency of one case, and the machine's load.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "tipdm2020" / "labelled_train.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"跳过：没有找到标注数据 {args.data}（skipped: labelled data not found）")
        return 0

    from bangban.insight.classifier import TextClassifier
    from bangban.insight.evaluation import cross_validate, read_examples
    from bangban.insight.text import words

    words("预热分词词典")  # jieba loads its dictionary once per process; not part of the figures
    examples = read_examples(args.data)
    print(
        f"日期 {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, CPU 核数 {os.cpu_count()}, 负载 {os.getloadavg()}"
    )
    print(f"数据 {args.data.name}: {len(examples)} 条, {len({e.label for e in examples})} 类")

    report = cross_validate(examples, args.folds, factory=lambda: TextClassifier(calibrate=False))
    for line in report.lines():
        print(line)

    started = time.perf_counter()
    model = TextClassifier().fit(examples)
    print(f"全量训练（含置信度校准）training on all rows, calibrated: {time.perf_counter() - started:.1f} s")

    pairs = [(e.title, e.text) for e in examples[:2000]]
    started = time.perf_counter()
    model.predict_many(pairs)
    elapsed = time.perf_counter() - started
    print(f"批量预测（含依据词）batch prediction with reasons: {len(pairs) / elapsed:.0f} texts/s")

    latencies = []
    for title, text in pairs[:200]:
        started = time.perf_counter()
        model.predict(title, text)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    print(
        f"单件预测 one case: median {statistics.median(latencies):.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)]:.1f} ms"
    )
    blob = model.to_bytes()
    print(f"模型大小 model size: {len(blob) / 1e6:.1f} MB")
    print(f"结束时负载 load at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
