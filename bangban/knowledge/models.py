"""The answer knowledge base (答复知识库): standard answers to the questions enterprises most often ask
the 12345 hotline, kept by 营商办 so that an agent can answer on the spot (直接答复) with the wording
and the policy basis the city stands behind.

An entry is edited in place (`version` guards against two keepers editing at once) and retired
rather than deleted: a retired entry leaves the default search and can be restored. Among the
entries in use a question appears once."""

from __future__ import annotations

from django.conf import settings
from django.db import models

QUESTION_MAX = 200
ANSWER_MAX = 5000
KEYWORDS_MAX = 200
BASIS_MAX = 500
AREA_MAX = 30


class EntryStatus(models.TextChoices):
    ACTIVE = "active", "在用"
    RETIRED = "retired", "已停用"


class Entry(models.Model):
    """One question with its standard answer (知识条目)."""

    question = models.CharField("问题", max_length=QUESTION_MAX)
    answer = models.TextField("标准答复")
    keywords = models.CharField("关键词", max_length=KEYWORDS_MAX, blank=True)
    basis = models.CharField("政策依据/来源", max_length=BASIS_MAX, blank=True)
    area = models.CharField("领域", max_length=AREA_MAX, blank=True, db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE, db_index=True
    )
    use_count = models.PositiveIntegerField("引用次数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="最后修改人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("最后修改时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-use_count", "question", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(status="active"),
                name="knowledge_entry_one_active_question",
            ),
        ]
        verbose_name = "知识条目"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.question
