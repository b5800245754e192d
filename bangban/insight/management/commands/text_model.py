"""`manage.py text_model evaluate --train FILE (--test FILE | --cv K)`: measure the routing
classifier on labelled `.jsonl` files (`{"title", "text", "label"}` per line) with the same code the
product trains with. Prints macro-F1, accuracy, F1 per label, training time and texts per second;
a malformed file stops with a message naming the line and the problem (exit status 1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bangban.insight.classifier import TrainingRefused
from bangban.insight.evaluation import DatasetError, cross_validate, evaluate, read_examples


class Command(BaseCommand):
    help = "评估诉求文本分类模型（智能分派）：evaluate --train FILE (--test FILE | --cv K)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="在标注文件上训练并评估 (train and measure on labelled files)")
        ev.add_argument("--train", required=True, help="训练文件 .jsonl (training file)")
        group = ev.add_mutually_exclusive_group(required=True)
        group.add_argument("--test", help="测试文件 .jsonl (test file)")
        group.add_argument("--cv", type=int, help="在训练文件上做 K 折交叉验证 (K-fold cross-validation)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            train = read_examples(options["train"])
            if options.get("test"):
                report = evaluate(train, read_examples(options["test"]))
            else:
                report = cross_validate(train, options["cv"])
        except (DatasetError, TrainingRefused) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
