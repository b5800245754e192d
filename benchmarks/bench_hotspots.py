"""Hotspots (堵点): grouping 100,000 complaint texts into problems (target ≤ 60 s) and the 堵点 page
of a month as 营商办 sees it (target ≤ 300 ms server time).

Run from the repository root:

    python benchmarks/bench_hotspots.py [--texts 100000] [--page-cases 3000] [--skip-page]

Texts: with the 2020 message-board sample present (`../shared/data/tipdm2020/hotspot_messages.xlsx`,
or `BANGBAN_TIPDM_DIR`), each text is a real message drawn at random and perturbed the way people
re-word a complaint (a clause dropped or moved, characters deleted, a courtesy phrase added), so
the big real topics grow about 23-fold and keep their shape; without it, synthetic complaints
from templates (a place, a problem, a wording). The data is read, never copied.

Page: a scratch SQLite database (`/tmp/bangban_bench_hotspots.sqlite3`, or DATABASE_URL) with a
small city, `--page-cases` cases over 90 days drawn from the same texts, one hotspot run over the
last 30 days (timed too), then the 堵点 list page, the hottest problem's page and the API list
through the test client, 30 requests each (p50/p95 server time).
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
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

DATA_DIR = Path(os.environ.get("BANGBAN_TIPDM_DIR", REPO_ROOT.parent / "shared" / "data" / "tipdm2020"))
FILLERS = ["您好，", "请相关部门尽快处理。", "再次反映：", "希望领导重视！", "谢谢！", "麻烦帮忙协调一下。"]


def real_messages() -> list[tuple[str, str]]:
    path = DATA_DIR / "hotspot_messages.xlsx"
    if not path.exists():
        return []
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.active.iter_rows(min_row=2, values_only=True))
    return [(str(r[2] or ""), re.sub(r"\s+", "", str(r[4] or ""))) for r in rows]


def synthetic_messages(rng: random.Random, count: int = 4000) -> list[tuple[str, str]]:
    places = [f"{a}{b}" for a in "金阳翠华锦绣春江云龙天润" for b in ["花园", "小区", "新城", "苑", "家园"]]
    plants = [f"{a}{b}" for a in "宏达恒通远航鑫源华泰" for b in ["搅拌站", "化工厂", "物流园", "砖厂"]]
    problems = [
        ("噪音扰民", "夜间施工噪音很大，影响居民休息"),
        ("粉尘污染", "灰尘很大，窗户都不敢开"),
        ("道路破损", "路面坑坑洼洼，下雨积水严重"),
        ("停水停电", "经常停水停电，没有任何通知"),
        ("捆绑销售车位", "开发商要求购房必须购买车位"),
        ("拖欠工资", "工人工资拖欠半年未发"),
        ("办证难", "房产证迟迟办不下来"),
    ]
    out = []
    for _ in range(count):
        where = rng.choice(places + plants)
        short, long = rng.choice(problems)
        road = rng.choice(["人民路", "海陵路", "春晖路", "凤凰路"])
        out.append((f"{where}{short}", f"{road}{where}{long}，{rng.choice(FILLERS)}"))
    return out


def perturb(rng: random.Random, title: str, body: str) -> tuple[str, str]:
    clauses = [c for c in re.split(r"(?<=[，。！？；])", body) if c]
    if len(clauses) > 2 and rng.random() < 0.5:
        clauses.pop(rng.randrange(len(clauses)))
    if len(clauses) > 2 and rng.random() < 0.3:
        i, j = rng.randrange(len(clauses)), rng.randrange(len(clauses))
        clauses[i], clauses[j] = clauses[j], clauses[i]
    text = "".join(clauses)
    if text and rng.random() < 0.5:
        for _ in range(rng.randint(1, 4)):
            k = rng.randrange(len(text))
            text = text[:k] + text[k + 1 :]
    if rng.random() < 0.4:
        text = rng.choice(FILLERS) + text
    if rng.random() < 0.2:
        title = rng.choice(["投诉", "反映", "关于", ""]) + title
    return title, text


def make_texts(count: int, seed: int = 7) -> tuple[list[tuple[str, str]], str]:
    rng = random.Random(seed)
    source = real_messages()
    kind = f"resampled and perturbed from {len(source)} real messages" if source else "synthetic"
    if not source:
        source = synthetic_messages(rng)
    return [perturb(rng, *rng.choice(source)) for _ in range(count)], kind


def bench_clustering(count: int) -> None:
    from bangban.insight import clustering

    texts, kind = make_texts(count)
    documents = [clustering.Document(i, t, b) for i, (t, b) in enumerate(texts)]
    started, cpu = time.perf_counter(), time.process_time()
    clusters = clustering.cluster_texts(documents)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    grouped = sum(c.size for c in clusters)
    print(f"clustering {count:,} texts ({kind}): {elapsed:.1f} s wall, {cpu:.1f} s CPU (target ≤ 60 s)")
    print(f"  {len(clusters):,} problems of ≥ 2 texts holding {grouped:,} texts; largest:")
    for c in clusters[:5]:
        print(f"    {c.size:6,}  {c.label}")


SQLITE_PATH = Path("/tmp/bangban_bench_hotspots.sqlite3")


def bench_page(cases: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if "DATABASE_URL" not in os.environ:
        SQLITE_PATH.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    import django

    django.setup()
    from benchmarks._hotspots_page import run_page_benchmark

    texts, _ = make_texts(cases, seed=11)
    run_page_benchmark(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--page-cases", type=int, default=3000)
    parser.add_argument("--skip-page", action="store_true")
    args = parser.parse_args()
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M} {platform.python_version()} {os.cpu_count()} cores; {load}")
    bench_clustering(args.texts)
    if not args.skip_page:
        bench_page(args.page_cases)
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"after: {load}")


if __name__ == "__main__":
    main()
