"""The pages: a plan made on its form (bad input answered in Chinese), drawn, checked (复核),
exported and announced; an inspector's tasks and the result form; the public page; the registers."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.inspections.models import CreditRating, Link, Plan, Publication, Visit


def _form(cast: Any, **overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    values = {
        "title": "第四季度联合抽查",
        "plan_items": "审批事项事中事后监管",
        "unit_0": str(cast.world.shuyang_gov.pk),
        "unit_items_0": "",
        "ratio_a": "0",
        "ratio_b": "20",
        "ratio_c": "50",
        "ratio_d": "100",
        "team_size": "2",
        "starts_on": str(today - dt.timedelta(days=5)),
        "ends_on": str(today + dt.timedelta(days=25)),
    }
    values.update(overrides)
    return values


def _made(cast: Any, login: Any) -> tuple[Any, Plan]:
    client = login(cast.head)
    response = client.post("/inspections/plans/new/", _form(cast))
    assert response.status_code == 302
    return client, Plan.objects.get()


def test_a_plan_form_answers_bad_input_in_chinese(cast: Any, login: Any) -> None:
    client = login(cast.head)
    blank = client.get("/inspections/plans/new/").content.decode()
    # (The unit picker carries its own hidden message, `data-picker-error`, until it is needed.)
    assert "dict_items" not in blank and 'class="invalid-feedback">' not in blank
    missing = client.post("/inspections/plans/new/", _form(cast, plan_items=""))
    assert missing.status_code == 400 and "请填写检查事项" in missing.content.decode()
    ratio = client.post("/inspections/plans/new/", _form(cast, ratio_b="120"))
    assert ratio.status_code == 400 and "0 到 100" in ratio.content.decode()
    alone = client.post("/inspections/plans/new/", _form(cast, unit_0=""))
    assert alone.status_code == 400 and "参加部门" in alone.content.decode()
    assert not Plan.objects.exists()
    assert login(cast.world.handler_shuyang).get("/inspections/plans/new/").status_code == 403


def test_draw_verify_export_and_announce_on_the_plan_page(cast: Any, login: Any) -> None:
    client, plan = _made(cast, login)
    page = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert 'data-testid="not-drawn"' in page and 'data-testid="draw"' in page
    assert (
        client.post(f"/inspections/plans/{plan.pk}/", {"action": "draw", "version": plan.version}).status_code
        == 302
    )
    plan.refresh_from_db()
    page = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert plan.seed in page and plan.snapshot_digest in page
    assert page.count('data-testid="visit-row"') == plan.visits.count() > 0
    verified = client.post(f"/inspections/plans/{plan.pk}/", {"action": "verify"}).content.decode()
    assert "复核一致" in verified
    export = client.get(f"/inspections/plans/{plan.pk}/draw.xlsx")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "任务编号")
    numbers = sorted(r[0] for r in rows[header + 1 :] if r and r[0])
    assert numbers == sorted(plan.visits.values_list("task_number", flat=True))
    assert AuditEvent.objects.filter(action="inspections.draw_export").exists()
    assert (
        client.post(
            f"/inspections/plans/{plan.pk}/", {"action": "announce", "version": plan.version}
        ).status_code
        == 302
    )
    again = client.post(f"/inspections/plans/{plan.pk}/", {"action": "draw"})
    assert again.status_code == 409 and "不能重新抽取" in again.content.decode()
    # Another county's handler does not see the plan.
    assert login(cast.world.handler_siyang).get(f"/inspections/plans/{plan.pk}/").status_code == 404


def test_an_inspector_records_a_result_on_the_task_page_and_it_goes_public(cast: Any, login: Any) -> None:
    client, plan = _made(cast, login)
    client.post(f"/inspections/plans/{plan.pk}/", {"action": "draw"})
    client.post(f"/inspections/plans/{plan.pk}/", {"action": "announce"})
    visit = Visit.objects.filter(plan=plan).order_by("task_number").first()
    assert visit is not None
    inspector = visit.team_members[0].inspector
    team = login(inspector)
    tasks = team.get("/inspections/tasks/").content.decode()
    assert visit.task_number in tasks and visit.enterprise.name in tasks
    path = f"/inspections/visits/{visit.pk}/"
    assert 'data-testid="result-form"' in team.get(path).content.decode()
    missing = team.post(path, {"result": "case", "note": "", "visited_on": str(timezone.localdate())})
    assert missing.status_code == 400 and "写明发现的问题" in missing.content.decode()
    done = team.post(path, {"result": "case", "note": "无证生产", "visited_on": str(timezone.localdate())})
    assert done.status_code == 302
    client.post(f"/inspections/plans/{plan.pk}/", {"action": "publish"})
    assert Visit.objects.get(pk=visit.pk).state == Publication.PUBLISHED
    public = login(cast.world.enterprise_user).get("/inspections/public/").content.decode()
    assert visit.task_number in public and "无证生产" in public and plan.seed in public
    assert 'data-testid="result-form"' not in team.get(path).content.decode()


def test_the_public_page_and_the_lists_have_empty_states(cast: Any, login: Any) -> None:
    assert (
        'data-testid="no-public-plans"'
        in login(cast.world.enterprise_user).get("/inspections/public/").content.decode()
    )
    assert (
        'data-testid="no-tasks"' in login(cast.lead_inspectors[0]).get("/inspections/tasks/").content.decode()
    )
    assert 'data-testid="no-plans"' in login(cast.head).get("/inspections/").content.decode()
    assert login(cast.world.enterprise_user).get("/inspections/").status_code == 404
    assert login(cast.world.handler_shuyang).get("/inspections/tasks/").status_code == 404
    assert login(cast.world.handler_shuyang).get("/inspections/?status=nope").status_code == 404


def test_the_registers_page_imports_tiers_and_declares_links(cast: Any, login: Any) -> None:
    client = login(cast.head)
    target = cast.enterprises[2]
    bad = client.post("/inspections/registers/", {"action": "import", "lines": f"{target.uscc} X\nabc A"})
    assert bad.status_code == 400 and "第 1、2 行" in bad.content.decode()
    ok = client.post("/inspections/registers/", {"action": "import", "lines": f"{target.uscc} A\n"})
    assert ok.status_code == 302 and CreditRating.objects.get(enterprise=target).tier == "A"
    inspector = cast.lead_inspectors[1]
    declared = client.post(
        "/inspections/registers/",
        {"action": "link", "inspector": inspector.pk, "enterprise": target.pk, "kind": "former"},
    )
    assert (
        declared.status_code == 302 and Link.objects.filter(inspector=inspector, enterprise=target).exists()
    )
    page = client.get("/inspections/registers/").content.decode()
    assert target.name in page and re.search(r"曾任职", page)
    # The head of another unit may not declare links for this unit's inspectors.
    other = login(cast.world.handler_shuyang)
    assert other.get("/inspections/registers/").status_code == 404


def test_an_announced_draw_is_public_with_its_seed_and_teams(cast: Any, login: Any) -> None:
    client, plan = _made(cast, login)
    client.post(f"/inspections/plans/{plan.pk}/", {"action": "draw"})
    path = f"/inspections/public/plans/{plan.pk}/"
    assert login(cast.world.enterprise_user).get(path).status_code == 404  # drawn, not yet announced
    client.post(f"/inspections/plans/{plan.pk}/", {"action": "announce"})
    plan.refresh_from_db()
    page = login(cast.world.enterprise_user).get(path).content.decode()
    assert plan.seed in page
    for visit in plan.visits.all():
        assert visit.task_number in page and visit.enterprise.name in page
    assert page.count('data-testid="public-visit"') == plan.visits.count()
    assert cast.lead_inspectors[0].full_name in page or cast.lead_inspectors[1].full_name in page


def test_the_plan_form_picks_units_with_the_unit_picker(cast: Any, login: Any) -> None:
    # The head of the lead unit picks the joining units; the office (a manager) also the lead unit.
    client = login(cast.head)
    blank = client.get("/inspections/plans/new/").content.decode()
    assert 'data-testid="unit-picker-f-unit-0"' in blank and "<select" not in blank.split("参加单位")[1][:600]
    picked = str(cast.world.shuyang_gov.pk)
    again = client.post("/inspections/plans/new/", _form(cast, plan_items="", unit_0=picked))
    assert again.status_code == 400 and f'data-chip="{picked}"' in again.content.decode()
    for unknown in ("999999", "不是单位"):
        refused = client.post("/inspections/plans/new/", _form(cast, unit_1=unknown))
        assert refused.status_code == 400 and "参加单位不存在或已停用" in refused.content.decode()
    assert not Plan.objects.exists()
    office = login(cast.world.admin)
    form = office.get("/inspections/plans/new/").content.decode()
    assert 'data-testid="unit-picker-f-lead"' in form
    refused = office.post("/inspections/plans/new/", _form(cast, lead_unit="999999"))
    assert refused.status_code == 400 and "所选单位不存在或已停用" in refused.content.decode()
    made = office.post(
        "/inspections/plans/new/",
        _form(cast, lead_unit=str(cast.head.unit_id), unit_0=picked, unit_1=str(cast.world.siyang_gov.pk)),
    )
    assert made.status_code == 302, made.content.decode()
    plan = Plan.objects.get()
    assert plan.lead_unit_id == cast.head.unit_id
    assert set(plan.plan_units.values_list("unit_id", flat=True)) >= {
        cast.world.shuyang_gov.pk,
        cast.world.siyang_gov.pk,
    }
