"""双随机、一公开 joint inspections (R9.1): the registers the draw reads (credit tiers of the
enterprises, qualifications of the inspectors, declared links for recusal), the plans, their
recorded draw, and the joint visits with their teams and results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models

from bangban.accounts.models import User
from bangban.org.models import Unit


class CreditTier(models.TextChoices):
    A = "A", "A 级（守信）"
    B = "B", "B 级（一般）"
    C = "C", "C 级（失信风险）"
    D = "D", "D 级（严重失信）"


DEFAULT_TIER = CreditTier.B
TIERS = [str(t) for t in CreditTier]


class CreditRating(models.Model):
    """The credit tier of one enterprise for sampling; an enterprise without a row is tier B."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name="企业",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    tier = models.CharField("信用等级", max_length=1, choices=CreditTier.choices, default=DEFAULT_TIER)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("修改时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "企业信用等级"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.tier}"


class Qualification(models.Model):
    """An inspector's 执法证: only an inspector with one is drawn."""

    inspector = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="执法人员", primary_key=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    certificate = models.CharField("执法证号", max_length=40)
    fields = models.CharField("检查领域", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("修改时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "执法资格"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.certificate


class LinkKind(models.TextChoices):
    RELATIVE = "relative", "亲属"
    FORMER = "former", "曾任职"
    SHARES = "shares", "持股"
    OTHER = "other", "其他"


class Link(models.Model):
    """A declared link between an inspector and an enterprise: the inspector is never drawn for it."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="执法人员", on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("关联类型", max_length=10, choices=LinkKind.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["-declared_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "enterprise"], name="inspections_link_unique"),
        ]
        verbose_name = "回避关联"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.inspector_id} ↔ {self.enterprise_id}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    DRAWN = "drawn", "已抽取"
    ANNOUNCED = "announced", "已公示抽取结果"
    CLOSED = "closed", "已公开检查结果"


class Plan(models.Model):
    """One 双随机 inspection plan: who inspects what, how much of each credit tier, and its draw."""

    number = models.CharField("计划编号", max_length=20, unique=True)
    title = models.CharField("计划名称", max_length=120)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "org.Region",
        verbose_name="抽查区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industry = models.CharField("行业门类", max_length=1, blank=True)
    ratio_a = models.DecimalField("A 级抽查比例（%）", max_digits=5, decimal_places=2)
    ratio_b = models.DecimalField("B 级抽查比例（%）", max_digits=5, decimal_places=2)
    ratio_c = models.DecimalField("C 级抽查比例（%）", max_digits=5, decimal_places=2)
    ratio_d = models.DecimalField("D 级抽查比例（%）", max_digits=5, decimal_places=2)
    team_size = models.PositiveSmallIntegerField("每组执法人员数", default=2)
    starts_on = models.DateField("检查开始日期")
    ends_on = models.DateField("检查截止日期")
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    snapshot_digest = models.CharField("名录快照 SHA-256", max_length=64, blank=True)
    target_count = models.PositiveIntegerField("检查对象数", default=0)
    inspector_count = models.PositiveIntegerField("执法人员数", default=0)
    recused_count = models.PositiveIntegerField("回避人次", default=0)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    announced_at = models.DateTimeField("公示时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "抽查计划"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def ratios(self) -> dict[str, float]:
        return {
            "A": float(self.ratio_a),
            "B": float(self.ratio_b),
            "C": float(self.ratio_c),
            "D": float(self.ratio_d),
        }


class PlanUnit(models.Model):
    """A unit joining a plan (the lead unit is one of them), with its 检查事项."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_units")
    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    items = models.TextField("检查事项")

    class Meta:
        ordering = ["plan", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="inspections_plan_unit_unique")]
        verbose_name = "参加单位"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.unit_id}"


class DrawSnapshot(models.Model):
    """What a draw read — the targets by tier, the inspectors by unit, the recusal pairs — compressed,
    so 复核 recomputes the draw from it and the seed alone."""

    plan = models.OneToOneField(Plan, primary_key=True, on_delete=models.CASCADE, related_name="snapshot")
    data = models.BinaryField()

    class Meta:
        verbose_name = "抽取名录快照"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"快照 {self.plan_id}"


class Result(models.TextChoices):
    PENDING = "pending", "待检查"
    NO_ISSUE = "no_issue", "未发现问题"
    RECTIFY = "rectify", "责令整改"
    CASE = "case", "立案查处"


class Publication(models.TextChoices):
    PENDING = "pending", "待录入"
    RECORDED = "recorded", "已录入"
    PUBLISHED = "published", "已公开"


@dataclass(frozen=True)
class Member:
    """One place of a visit's team, with its unit and inspector loaded (`Visit.team_members`)."""

    unit_id: int
    inspector_id: int
    unit: Any
    inspector: Any


def attach_teams(visits: Iterable[Visit]) -> None:
    """Load the units and inspectors named in these visits' teams in two queries and set each
    visit's `team_members` (what `VisitQuerySet.with_teams()` does when the rows are read)."""
    rows = [v for v in visits if isinstance(v, Visit)]
    unit_ids = {u for v in rows for u, _ in v.team}
    user_ids = {i for v in rows for _, i in v.team}
    units = Unit.objects.only("id", "name").in_bulk(unit_ids) if unit_ids else {}
    users = User.objects.only("id", "username", "full_name").in_bulk(user_ids) if user_ids else {}
    for v in rows:
        v._team_members = [Member(u, i, units.get(u), users.get(i)) for u, i in v.team]


class VisitQuerySet(models.QuerySet["Visit"]):
    """`with_teams()`: the visits read come with their team's units and inspectors (two queries for
    the whole page, like a prefetch)."""

    _with_teams = False

    # _chain and _clone are QuerySet's own (undocumented in the stubs) way of copying a queryset:
    # the flag must survive filtering, ordering and the slicing of a page.
    def with_teams(self) -> VisitQuerySet:
        clone = self._chain()  # type: ignore[attr-defined]
        clone._with_teams = True
        return clone  # type: ignore[no-any-return]

    def _clone(self) -> VisitQuerySet:
        clone = super()._clone()  # type: ignore[misc]
        clone._with_teams = self._with_teams
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._with_teams and self._result_cache:
            attach_teams(self._result_cache)


class Visit(models.Model):
    """One joint visit (联合检查) of one drawn enterprise by a team of each joining unit. The team is
    kept in the row (`team`: [unit id, inspector id] pairs, by unit then inspector) — a draw writes
    tens of thousands of visits with ten places each, and one row per place made the draw slow;
    `Duty` indexes the other direction (an inspector's visits)."""

    # Written only by the draw, which holds the plan's row lock (the plan cannot go while its visits
    # are written), so no per-row foreign-key check on the plan: 24,000 rows, 24,000 checks saved.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="visits", db_constraint=False)
    task_number = models.CharField("任务编号", max_length=40)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+",
        db_index=False,  # the (enterprise, plan) index serves every lookup by enterprise
    )  # fmt: skip
    tier = models.CharField("信用等级", max_length=1, choices=CreditTier.choices)
    result = models.CharField("检查结果", max_length=10, choices=Result.choices, default=Result.PENDING)
    note = models.CharField("结果说明", max_length=500, blank=True)
    visited_on = models.DateField("检查日期", null=True, blank=True)
    state = models.CharField(
        "公开状态", max_length=10, choices=Publication.choices, default=Publication.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_index=False,  # never looked up by who recorded the result
    )  # fmt: skip
    recorded_at = models.DateTimeField("录入时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    team = models.JSONField("检查组", default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = VisitQuerySet.as_manager()
    _team_members: list[Member]

    class Meta:
        ordering = ["plan", "task_number"]
        indexes = [models.Index(fields=["enterprise", "plan"], name="inspections_visit_ent")]
        # A constraint rather than `unique=True`: the same index without PostgreSQL's second
        # (`varchar_pattern_ops`) index for LIKE, which no query uses.
        constraints = [models.UniqueConstraint(fields=["task_number"], name="inspections_visit_task_number")]
        verbose_name = "联合检查任务"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.task_number

    @property
    def team_members(self) -> list[Member]:
        """The team with units and inspectors loaded (loaded here when the queryset did not)."""
        if not hasattr(self, "_team_members"):
            attach_teams([self])
        return self._team_members

    def has_member(self, user_id: Any) -> bool:
        return any(inspector == user_id for _, inspector in self.team)


class Duty(models.Model):
    """One inspector's visits in one plan — the inspector → visits index of a draw (one row per
    drawn inspector, written with the visits; 我的检查任务 and the access checks read it).

    Derived from the visits' `team` (which names the same inspectors and units without foreign
    keys) by the draw alone, under the plan's row lock: no database foreign-key checks on its
    inspector and unit (10,000 checks at the commit of a large draw); the ORM still protects them."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duties", db_constraint=False)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="执法人员", on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,  # the (inspector, plan) constraint's index serves lookups
    )  # fmt: skip
    unit = models.ForeignKey(
        "org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,  # never looked up by unit
    )  # fmt: skip
    visit_ids = models.JSONField("检查任务", default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspector", "plan"], name="inspections_duty_unique")]
        verbose_name = "执法人员检查任务"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.inspector_id}"
