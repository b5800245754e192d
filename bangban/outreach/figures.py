"""Monthly figures of the investment-project service (R1.3, R1.4), read-only.

`criticism_records(year, month)` lists the 通报批评 candidates the monthly notices are built
from: chief service officers and counties/zones whose projects, in that month,
* met a "办不成事" report — a collected problem marked 办不成事, or a case filed at the 「办不成事」
  window about the project's enterprise;
* were delayed — a collected problem marked as delaying the project, or a 全程代办 procedure due
  that month and not finished by its date;
and counties/zones that reported the month's problems late (or not at all, once due).
It changes nothing and depends only on the database state, so notices can be rebuilt.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from bangban.org.models import Region
from bangban.tickets.models import Channel
from bangban.tickets.public import all_cases
from bangban.tickets.workflow import Status
from bangban.workdays.arithmetic import SHANGHAI

from .models import (
    CollectionRound,
    InvestmentProject,
    Policy,
    PolicyDelivery,
    PolicyQuestion,
    ProblemOutcome,
    ProcedureMode,
    ProcedureStatus,
    ProjectProblem,
    ProjectProcedure,
)


@dataclass
class CriticismRecord:
    kind: str  # "officer" or "region"
    subject_id: int
    subject_name: str
    region_name: str
    cannot_do: int = 0
    delays: int = 0
    late_report: bool = False
    projects: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return "首席服务员" if self.kind == "officer" else "县区/功能区"

    @property
    def summary(self) -> str:
        return "；".join(self.reasons)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _county_code(path: str) -> str:
    codes = [c for c in path.split("/") if c]
    return codes[1] if len(codes) > 1 else codes[0]


def criticism_records(year: int, month: int, *, today: dt.date | None = None) -> list[CriticismRecord]:

    first, last = month_bounds(year, month)
    today = today or timezone.localdate()
    # (project id, reason text, is 办不成事)
    incidents: list[tuple[int, str, bool]] = []

    for p in ProjectProblem.objects.filter(round__year=year, round__month=month).filter(
        Q(cannot_do=True) | Q(delays_project=True)
    ):
        if p.cannot_do:
            incidents.append((p.project_id, f"“办不成事”：{p.title}", True))
        if p.delays_project:
            incidents.append((p.project_id, f"影响项目进度：{p.title}", False))

    horizon = min(last, today)
    for proc in ProjectProcedure.objects.filter(
        mode=ProcedureMode.PROXY, due_date__gte=first, due_date__lte=horizon
    ).exclude(status=ProcedureStatus.DONE, done_at__date__lte=F("due_date")):
        incidents.append(
            (proc.project_id, f"代办事项“{proc.name}”逾期未办结（计划 {proc.due_date:%m月%d日}）", False)
        )

    projects_by_enterprise: dict[int, list[int]] = defaultdict(list)
    for pid, eid in InvestmentProject.objects.filter(enterprise__isnull=False).values_list(
        "pk", "enterprise_id"
    ):
        projects_by_enterprise[eid].append(pid)
    if projects_by_enterprise:
        window_cases = (
            all_cases()
            .filter(
                channel=Channel.WINDOW,
                enterprise_id__in=list(projects_by_enterprise),
                received_at__date__gte=first,
                received_at__date__lte=last,
            )
            .values_list("enterprise_id", "number")
        )
        for eid, number in window_cases:
            for pid in projects_by_enterprise[eid]:
                incidents.append((pid, f"“办不成事”窗口反映（{number}）", True))

    projects = {
        p.pk: p
        for p in InvestmentProject.objects.filter(pk__in={i[0] for i in incidents}).select_related(
            "region", "chief_officer", "chief_officer__unit"
        )
    }
    county_names = {}
    officers: dict[int, CriticismRecord] = {}
    regions: dict[str, CriticismRecord] = {}
    for pid, reason, cannot in incidents:
        project = projects[pid]
        code = _county_code(project.region.path)
        if code not in county_names:
            county_names[code] = (
                Region.objects.filter(code=code).values_list("name", flat=True).first() or code
            )
        officer = project.chief_officer
        o = officers.setdefault(
            officer.pk,
            CriticismRecord("officer", officer.pk, officer.display_name, county_names[code]),
        )
        r = regions.setdefault(code, CriticismRecord("region", 0, county_names[code], county_names[code]))
        for rec in (o, r):
            if cannot:
                rec.cannot_do += 1
            else:
                rec.delays += 1
            if project.name not in rec.projects:
                rec.projects.append(project.name)
            rec.reasons.append(f"{project.name}：{reason}")

    for rnd in CollectionRound.objects.filter(year=year, month=month).select_related("region"):
        late = (
            rnd.submitted_at is not None and timezone.localtime(rnd.submitted_at).date() > rnd.due_date
        ) or (rnd.submitted_at is None and today > rnd.due_date)
        if not late:
            continue
        code = rnd.region.code
        r = regions.setdefault(
            code, CriticismRecord("region", rnd.region_id, rnd.region.name, rnd.region.name)
        )
        r.late_report = True
        r.reasons.append(
            f"{month}月项目问题{'逾期报送' if rnd.submitted_at else '逾期未报送'}（截止 {rnd.due_date:%m月%d日}）"
        )
    region_ids = dict(Region.objects.filter(code__in=list(regions)).values_list("code", "pk"))
    for code, rec in regions.items():
        rec.subject_id = region_ids.get(code, rec.subject_id)

    def weight(rec: CriticismRecord) -> tuple[int, int, int, str]:
        return (-rec.cannot_do, -rec.delays, -int(rec.late_report), rec.subject_name)

    return sorted(officers.values(), key=weight) + sorted(regions.values(), key=weight)


@dataclass
class RoundRow:
    round: CollectionRound
    total: int
    open: int
    solved: int
    transferred: int
    late: bool
    coordinated: int = 0


def monthly_overview(year: int, month: int, *, today: dt.date | None = None) -> dict[str, Any]:
    """市商务局's monthly page: every county/zone round (reported, late), the problems solved
    locally and transferred (with the cases' states), and those of city-level officers."""
    today = today or timezone.localdate()
    rounds = (
        CollectionRound.objects.filter(year=year, month=month)
        .select_related("region", "lead_unit", "submitted_by")
        .annotate(
            n_total=Count("problems"),
            n_open=Count("problems", filter=Q(problems__outcome=ProblemOutcome.OPEN)),
            n_solved=Count("problems", filter=Q(problems__outcome=ProblemOutcome.SOLVED)),
            n_transferred=Count("problems", filter=Q(problems__outcome=ProblemOutcome.TRANSFERRED)),
            n_coordinated=Count("problems", filter=Q(problems__outcome=ProblemOutcome.COORDINATED)),
        )
        .order_by("region__path")
    )
    rows = []
    for rnd in rounds:
        late = (
            rnd.submitted_at is not None and timezone.localtime(rnd.submitted_at).date() > rnd.due_date
        ) or (rnd.submitted_at is None and today > rnd.due_date)
        rows.append(
            RoundRow(rnd, rnd.n_total, rnd.n_open, rnd.n_solved, rnd.n_transferred, late, rnd.n_coordinated)  # type: ignore[attr-defined]
        )
    transferred = list(
        ProjectProblem.objects.filter(
            round__year=year, round__month=month, outcome=ProblemOutcome.TRANSFERRED
        )
        .select_related("project", "project__region", "ticket", "round__region")
        .order_by("round__region__path", "-raised_at")
    )
    city_level = list(
        ProjectProblem.objects.filter(
            round__year=year, round__month=month, round__region__parent__isnull=True
        )
        .select_related("project", "ticket", "project__chief_officer")
        .order_by("-raised_at")
    )
    return {
        "rows": rows,
        "transferred": transferred,
        "city_level": city_level,
        "totals": {
            "rounds": len(rows),
            "submitted": sum(1 for r in rows if r.round.submitted_at),
            "late": sum(1 for r in rows if r.late),
            "problems": sum(r.total for r in rows),
            "solved": sum(r.solved for r in rows),
            "coordinated": sum(r.coordinated for r in rows),
            "transferred": sum(r.transferred for r in rows),
            "open": sum(r.open for r in rows),
        },
    }


# --- 惠企政策落地见效 (R10) ----------------------------------------------------------------------
# 惠企政策落地见效 (R10): the effect of each policy, defined once here and read by the policy page,
# the overview, its Excel export and the API.
#
# Definitions (the only ones):
# - 送达 (delivered): enterprises the policy was pushed to (`PolicyDelivery` rows).
# - 已读 (read): of those, the enterprises that opened it (`read_at` set); 阅读率 = 已读 / 送达.
# - 提问 (questions): questions enterprises asked back about it (`PolicyQuestion` rows).
# - 涉及本政策的诉求 (cases about the policy): the union of
#   (a) the cases its questions became (`PolicyQuestion.ticket`), and
#   (b) cases received on or after the policy's publication date (or its entry into the library when
#       none is given) whose title or content contains one of the policy's 关联关键词 (`keywords`),
#       or its 文号 when it has one.
#   A policy with neither keywords nor 文号 counts only (a). Cases set aside (merged duplicates,
#   invalid) are counted like any other case: the figure measures demand, not handling.
# - 已办结 (closed): of those cases, the ones closed (办结).

POLICY_EFFECT_RULE = (
    "涉及本政策的诉求：企业就本政策提问形成的诉求，以及政策发布日（未填写时为录入日）起受理、"
    "标题或内容含本政策关联关键词或文号的诉求"
)
POLICY_EFFECT_HEADERS = [
    "政策",
    "文号",
    "送达企业",
    "已读企业",
    "阅读率",
    "企业提问",
    "涉及诉求",
    "其中已办结",
]


@dataclass
class PolicyEffect:
    policy: Policy
    delivered: int
    read: int
    questions: int
    cases: int
    closed: int

    @property
    def read_rate(self) -> float | None:
        return round(self.read * 100.0 / self.delivered, 1) if self.delivered else None

    def row(self) -> list[Any]:
        rate = "—" if self.read_rate is None else f"{self.read_rate:.1f}%"
        p = self.policy
        return [
            p.title,
            p.doc_number,
            self.delivered,
            self.read,
            rate,
            self.questions,
            self.cases,
            self.closed,
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy.pk,
            "title": self.policy.title,
            "doc_number": self.policy.doc_number,
            "delivered": self.delivered,
            "read": self.read,
            "read_rate": self.read_rate,
            "questions": self.questions,
            "cases": self.cases,
            "closed": self.closed,
        }


def policy_terms(policy: Policy) -> list[str]:
    """The words that tie a case to the policy: its keywords and its 文号 (each at least 2 chars)."""
    words = [str(k).strip() for k in (policy.keywords or [])]
    if policy.doc_number:
        words.append(policy.doc_number.strip())
    return [w for w in dict.fromkeys(words) if len(w) >= 2]


def policy_since(policy: Policy) -> dt.datetime:
    day = policy.published_on or policy.created_at.astimezone(SHANGHAI).date()
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def policy_cases(policy: Policy) -> QuerySet[Any]:
    """The cases about the policy (definition (a) ∪ (b) above)."""
    q = Q(pk__in=PolicyQuestion.objects.filter(delivery__policy=policy).values("ticket_id"))
    words = policy_terms(policy)
    if words:
        match = Q()
        for w in words:
            match |= Q(title__icontains=w) | Q(content__icontains=w)
        q |= Q(received_at__gte=policy_since(policy)) & match
    return all_cases().filter(q)


def policy_effect(policy: Policy) -> PolicyEffect:
    deliveries = PolicyDelivery.objects.filter(policy=policy).aggregate(
        n=Count("id"), r=Count("id", filter=Q(read_at__isnull=False))
    )
    cases = policy_cases(policy).aggregate(n=Count("id"), c=Count("id", filter=Q(status=Status.CLOSED)))
    return PolicyEffect(
        policy=policy,
        delivered=deliveries["n"],
        read=deliveries["r"],
        questions=PolicyQuestion.objects.filter(delivery__policy=policy).count(),
        cases=cases["n"],
        closed=cases["c"],
    )


def policy_effects(policies: QuerySet[Policy]) -> list[PolicyEffect]:
    return [policy_effect(p) for p in policies]
