"""The flags to 作风办 (R7.2): computed for a month at a given `now`, listed with filters, counted per
unit and exported."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
import time_machine
from django.utils import timezone

from bangban.accounts.models import User
from bangban.audit.models import AuditEvent
from bangban.conduct.actions import do_update_settings
from bangban.conduct.flags import compute_flags
from bangban.conduct.models import Entry, Flag, Purpose, Response, UnregisteredReport
from bangban.conduct.rules import Month
from bangban.conduct.tasks import compute_flags_task
from bangban.inspections.models import Plan, PlanStatus, Visit
from bangban.org.models import Unit

from .conftest import API

TZ = dt.timezone(dt.timedelta(hours=8))
OCTOBER = Month(2026, 10)
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ)


def _planned_task(enterprise: Any, number: str, status: str = PlanStatus.ANNOUNCED) -> Visit:
    """A joint visit of a 双随机 plan (inspections) with this task number for the enterprise."""
    creator = User.objects.order_by("pk").first()
    unit = Unit.objects.order_by("pk").first()
    assert creator is not None and unit is not None
    plan = Plan.objects.create(
        number=f"P-{number}", title="双随机抽查", lead_unit=unit, ratio_a=5, ratio_b=10, ratio_c=20, ratio_d=50,
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 31), status=status, created_by=creator,
        created_at=NOW,
    )  # fmt: skip
    return Visit.objects.create(plan=plan, task_number=number, enterprise=enterprise, tier="B")


@pytest.fixture(autouse=True)
def _plans(cast: Any) -> None:
    """Each enterprise's routine inspections cite a task of an announced plan (`T-<enterprise id>`)."""
    for enterprise in (cast.world.ent_shuyang, cast.world.ent_siyang):
        _planned_task(enterprise, f"T-{enterprise.pk}")


def _entry(
    official: Any, enterprise: Any, day: int, purpose: str = Purpose.INSPECTION, **fields: Any
) -> Entry:
    at = dt.datetime(2026, 10, day, 10, 0, tzinfo=TZ)
    defaults = {"description": "检查", "legal_basis": "依据", "task_number": f"T-{enterprise.pk}"}
    defaults.update(fields)
    return Entry.objects.create(
        enterprise=enterprise, official=official, unit_id=official.unit_id, purpose=purpose,
        entered_at=at, registered_at=at, **defaults,
    )  # fmt: skip


def _kinds(entry: Entry) -> set[str]:
    return set(Flag.objects.filter(entry=entry).values_list("kind", flat=True))


def test_each_rule_flags_what_it_should_and_nothing_else(cast: Any) -> None:
    w, sy = cast.world, cast.world.ent_shuyang
    quiet = _entry(cast.inspector, sy, 5)  # routine inspection on the 5th: quiet period
    after_quiet = _entry(cast.inspector, sy, 25)
    enforcement = _entry(cast.inspector, sy, 6, Purpose.ENFORCEMENT, task_number="")  # not routine, no number
    research = _entry(w.handler_shuyang, sy, 7, Purpose.RESEARCH, legal_basis="", task_number="")
    reported = _entry(w.handler_shuyang, w.ent_siyang, 26, Purpose.VISIT, response=Response.REPORTED)
    UnregisteredReport.objects.create(
        enterprise=sy, occurred_on=dt.date(2026, 10, 9), unit_name="某局", description="未登记",
        reported_by=w.enterprise_user, reported_at=NOW,
    )  # fmt: skip
    counts = compute_flags(OCTOBER, now=NOW)
    assert _kinds(quiet) == {"quiet_period"}
    assert _kinds(after_quiet) == set()
    assert _kinds(enforcement) == {"no_task_number"}
    assert _kinds(research) == set()
    assert _kinds(reported) == {"improper"}
    assert counts == {
        "improper": 1, "quiet_period": 1, "no_task_number": 1, "too_frequent": 0, "unregistered": 1,
        "unknown_task_number": 0,
    }  # fmt: skip
    report_flag = Flag.objects.get(kind="unregistered")
    assert report_flag.enterprise_id == sy.pk and report_flag.unit_id is None
    assert {f.month for f in Flag.objects.all()} == {dt.date(2026, 10, 1)}
    assert {f.computed_at for f in Flag.objects.all()} == {NOW}


def test_more_than_n_entries_a_month_flags_those_beyond_n(cast: Any) -> None:
    sy = cast.world.ent_shuyang
    entries = [
        _entry(cast.world.handler_shuyang, sy, 21 + i, Purpose.RESEARCH, task_number="") for i in range(6)
    ]
    compute_flags(OCTOBER, now=NOW)
    # One flag for the enterprise and month, on the entry that went over the limit of 4.
    assert [bool(_kinds(e)) for e in entries] == [False, False, False, False, True, False]
    flag = Flag.objects.get()
    assert (
        flag.kind == "too_frequent"
        and flag.entries_in_month == 6
        and flag.unit_id == cast.world.shuyang_gov.pk
    )
    # A higher limit, and a quiet period that ends on the 3rd: the run replaces the month's flags.
    do_update_settings(
        acting_user=cast.zuofeng,
        values={"quiet_first_day": 1, "quiet_last_day": 3, "max_entries_per_month": 5, "gate_code_days": 30},
    )
    compute_flags(OCTOBER, now=NOW)
    assert [bool(_kinds(e)) for e in entries] == [False, False, False, False, False, True]
    assert Flag.objects.count() == 1


def test_the_quiet_period_follows_the_settings(cast: Any) -> None:
    sy = cast.world.ent_shuyang
    fifth = _entry(cast.inspector, sy, 5)
    do_update_settings(
        acting_user=cast.zuofeng,
        values={
            "quiet_first_day": 10,
            "quiet_last_day": 31,
            "max_entries_per_month": 4,
            "gate_code_days": 30,
        },
    )
    last_day = _entry(cast.inspector, sy, 31)
    compute_flags(OCTOBER, now=NOW)
    assert _kinds(fifth) == set() and _kinds(last_day) == {"quiet_period"}


def test_settings_are_checked(cast: Any, login: Any) -> None:
    client = login(cast.zuofeng)
    bad = client.post(
        "/conduct/settings/",
        {
            "quiet_first_day": "21",
            "quiet_last_day": "20",
            "max_entries_per_month": "4",
            "gate_code_days": "30",
        },
    )
    assert bad.status_code == 400 and "起始日不能晚于截止日" in bad.content.decode()
    ok = client.post(
        "/conduct/settings/",
        {
            "quiet_first_day": "1",
            "quiet_last_day": "15",
            "max_entries_per_month": "3",
            "gate_code_days": "30",
            "version": "1",
        },
    )
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action="conduct.settings_update").count() == 1
    assert (
        login(cast.world.biz_office).post("/conduct/settings/", {"quiet_first_day": "1"}).status_code == 403
    )
    assert login(cast.world.handler_shuyang).get("/conduct/settings/").status_code == 404


def test_the_hourly_job_computes_this_month_and_early_in_a_month_the_last(cast: Any) -> None:
    _entry(cast.inspector, cast.world.ent_shuyang, 5)
    with time_machine.travel(NOW, tick=False):
        result = compute_flags_task.call()
    assert set(result) == {"2026-11", "2026-10"} and result["2026-10"]["quiet_period"] == 1
    with time_machine.travel(dt.datetime(2026, 11, 18, 9, 0, tzinfo=TZ), tick=False):
        assert set(compute_flags_task.call()) == {"2026-11"}


def test_flags_list_filters_and_scope(cast: Any, login: Any) -> None:
    w = cast.world
    _entry(cast.inspector, w.ent_shuyang, 5)
    _entry(cast.inspector_siyang, w.ent_siyang, 6, Purpose.ENFORCEMENT, task_number="")
    compute_flags(OCTOBER, now=NOW)
    client = login(cast.zuofeng)
    everything = client.get(f"{API}/flags", {"month": "2026-10"}).json()
    assert everything["count"] == 2
    only = client.get(f"{API}/flags", {"month": "2026-10", "kind": "no_task_number"}).json()
    assert only["count"] == 1 and only["items"][0]["unit_name"] == w.siyang_gov.name
    assert only["items"][0]["kind_label"] == "执法检查无任务编号"
    bad = client.get(f"{API}/flags", {"kind": "nope"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_kind"
    # Officials and enterprises do not read 作风办's list.
    assert login(w.handler_shuyang).get(f"{API}/flags").json()["count"] == 0
    assert login(w.enterprise_user).get(f"{API}/flags").json()["count"] == 0
    page = client.get("/conduct/flags/", {"month": "2026-10", "kind": "quiet_period"})
    html = page.content.decode()
    assert (
        page.status_code == 200
        and html.count('data-testid="flag-row"') == 1
        and "企业安静期内例行检查" in html
    )
    assert login(w.handler_shuyang).get("/conduct/flags/").status_code == 404
    # The flags show on the entry too.
    entry_id = everything["items"][0]["entry_id"]
    assert client.get(f"{API}/entries/{entry_id}").json()["flags"]


def test_monthly_figures_per_unit_and_their_export(cast: Any, login: Any) -> None:
    w = cast.world
    _entry(cast.inspector, w.ent_shuyang, 5)
    _entry(cast.inspector, w.ent_shuyang, 22)
    _entry(w.handler_shuyang, w.ent_shuyang, 23, Purpose.RESEARCH, task_number="", response=Response.REPORTED)
    _entry(cast.inspector_siyang, w.ent_siyang, 24, Purpose.VISIT)
    compute_flags(OCTOBER, now=NOW)
    client = login(cast.zuofeng)
    page = client.get("/conduct/figures/", {"month": "2026-10"})
    assert page.status_code == 200
    rows = {r.unit.name: (r.entries, r.inspections, r.flags, r.reported) for r in page.context["rows"]}
    assert rows == {w.shuyang_gov.name: (3, 2, 2, 1), w.siyang_gov.name: (1, 0, 0, 0)}
    export = client.get("/conduct/figures/export.xlsx", {"month": "2026-10"})
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["单位", "入企次数", "其中检查、执法", "作风预警", "企业反映不当"]
    assert [w.shuyang_gov.name, 3, 2, 2, 1] in values
    assert AuditEvent.objects.filter(action="conduct.figures_export").count() == 1
    assert login(w.handler_shuyang).get("/conduct/figures/export.xlsx").status_code == 404
    assert client.get("/conduct/figures/", {"month": "bad"}).status_code == 400


def test_a_month_boundary_in_local_time(cast: Any) -> None:
    """An entry at 23:30 on 31 October (Beijing time) belongs to October, not November."""
    at = dt.datetime(2026, 10, 31, 23, 30, tzinfo=TZ)
    entry = Entry.objects.create(
        enterprise=cast.world.ent_shuyang, official=cast.inspector, unit_id=cast.inspector.unit_id,
        purpose=Purpose.ENFORCEMENT, description="夜间执法", legal_basis="x", entered_at=at, registered_at=at,
    )  # fmt: skip
    compute_flags(Month(2026, 11), now=NOW)
    assert _kinds(entry) == set()
    compute_flags(OCTOBER, now=NOW)
    assert _kinds(entry) == {"no_task_number"}
    assert timezone.localdate(entry.entered_at).month == 10


def test_a_routine_inspection_must_cite_a_task_of_an_announced_plan_for_that_enterprise(cast: Any) -> None:
    sy, siyang = cast.world.ent_shuyang, cast.world.ent_siyang
    _planned_task(sy, "SSJ-DRAFT-1", status=PlanStatus.DRAWN)  # drawn, not yet announced
    planned = _entry(cast.inspector, sy, 22)
    made_up = _entry(cast.inspector, sy, 23, task_number="JC-2026-自编")
    not_announced = _entry(cast.inspector, sy, 24, task_number="SSJ-DRAFT-1")
    other_enterprise = _entry(cast.inspector, sy, 26, task_number=f"T-{siyang.pk}")
    enforcement = _entry(cast.inspector, sy, 27, Purpose.ENFORCEMENT, task_number="举报-0001")
    counts = compute_flags(OCTOBER, now=NOW)
    unknown = "unknown_task_number"
    assert unknown not in _kinds(planned)
    assert (
        unknown in _kinds(made_up)
        and unknown in _kinds(not_announced)
        and unknown in _kinds(other_enterprise)
    )
    assert unknown not in _kinds(enforcement)  # 执法 on a complaint need not come from a plan
    assert counts["unknown_task_number"] == 3


def test_a_recomputation_writes_only_what_changed(cast: Any) -> None:
    sy = cast.world.ent_shuyang
    quiet = _entry(cast.inspector, sy, 5)
    no_number = _entry(cast.inspector, sy, 22, task_number="")
    compute_flags(OCTOBER, now=NOW)
    kept = Flag.objects.get(entry=quiet, kind="quiet_period")
    later = NOW + dt.timedelta(hours=1)
    # Nothing changed: the same rows stay, with the moment they were first raised.
    assert compute_flags(OCTOBER, now=later)["quiet_period"] == 1
    assert Flag.objects.get(entry=quiet, kind="quiet_period").pk == kept.pk
    assert set(Flag.objects.values_list("computed_at", flat=True)) == {NOW}
    # The quiet period now ends on the 3rd and the missing number is filled in: those flags go,
    # and a new one (the 6th entry of a limit of 5) is raised at the later moment.
    do_update_settings(
        acting_user=cast.zuofeng,
        values={"quiet_first_day": 1, "quiet_last_day": 3, "max_entries_per_month": 1, "gate_code_days": 30},
    )
    Entry.objects.filter(pk=no_number.pk).update(task_number="SSJ-2026-0009-00001")
    counts = compute_flags(OCTOBER, now=later)
    assert counts["quiet_period"] == 0 and counts["no_task_number"] == 0 and counts["too_frequent"] == 1
    assert not Flag.objects.filter(kind__in=["quiet_period", "no_task_number"]).exists()
    frequent = Flag.objects.get(kind="too_frequent")
    assert frequent.entry_id == no_number.pk and frequent.computed_at == later


def test_flags_of_a_kind_no_rule_computes_any_more_are_removed_from_the_month(cast: Any) -> None:
    """A rule retired from the code (here a kind no rule knows) leaves no flags behind in the month
    computed; another month keeps its own until it is computed."""
    sy = cast.world.ent_shuyang
    quiet = _entry(cast.inspector, sy, 5)

    def retired(month: dt.date) -> Flag:
        return Flag.objects.create(
            kind="retired_rule", month=month, enterprise=sy, entry=quiet, occurred_at=NOW, computed_at=NOW
        )

    retired(dt.date(2026, 10, 1))
    november = retired(dt.date(2026, 11, 1))
    counts = compute_flags(OCTOBER, now=NOW)
    assert "retired_rule" not in counts
    assert set(Flag.objects.filter(month=dt.date(2026, 10, 1)).values_list("kind", flat=True)) == {
        "quiet_period"
    }
    assert list(Flag.objects.filter(kind="retired_rule")) == [november]
    # A recomputation (the month has flags now) removes them too.
    retired(dt.date(2026, 10, 1))
    compute_flags(OCTOBER, now=NOW + dt.timedelta(hours=1))
    october = Flag.objects.filter(month=dt.date(2026, 10, 1))
    assert list(october.values_list("kind", flat=True)) == ["quiet_period"]
    assert list(Flag.objects.filter(kind="retired_rule")) == [november]
