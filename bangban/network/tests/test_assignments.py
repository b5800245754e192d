"""R3.1: officers are assigned under the rank rules, changes keep their history (动态调整), the
coverage view shows key enterprises without an officer (全覆盖), and sheets assign in bulk."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook

from bangban.accounts.roles import Rank
from bangban.audit.models import AuditEvent
from bangban.core.errors import ApplicationError
from bangban.enterprises.models import Tier
from bangban.network import rules
from bangban.network.actions import do_assign
from bangban.network.models import Assignment, AssignmentBatch
from bangban.org.models import RegionLevel

API = "/api/v1/network"


def assign(net: Any, enterprise: Any, officer: Any, **kwargs: Any) -> Assignment:
    return do_assign(
        acting_user=net.world.admin, enterprise_id=enterprise.pk, officer_id=officer.pk, **kwargs
    )


# --- the rules (pure) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "level", "path", "tier", "code"),
    [
        (Rank.FU_CHU, RegionLevel.CITY, "/321300/", Tier.CITY_TOP100, None),
        (Rank.ZHENG_TING, RegionLevel.CITY, "/321300/", Tier.CITY_TOP100, None),
        (Rank.ZHENG_KE, RegionLevel.CITY, "/321300/", Tier.CITY_TOP100, "rank_too_low"),
        (Rank.ZHENG_CHU, RegionLevel.COUNTY, "/321300/321322/", Tier.CITY_TOP100, "officer_not_city_level"),
        (Rank.FU_KE, RegionLevel.COUNTY, "/321300/321322/", Tier.COUNTY_KEY, None),
        (Rank.FU_KE, RegionLevel.CITY, "/321300/", Tier.COUNTY_KEY, None),
        (Rank.KEYUAN, RegionLevel.COUNTY, "/321300/321322/", Tier.COUNTY_KEY, "rank_too_low"),
        (Rank.FU_KE, RegionLevel.COUNTY, "/321300/321323/", Tier.COUNTY_KEY, "officer_out_of_region"),
        (Rank.KEYUAN, RegionLevel.TOWNSHIP, "/321300/321322/321322001/", Tier.GENERAL, None),
        (Rank.BANSHIYUAN, RegionLevel.COUNTY, "/321300/321322/", Tier.GENERAL, None),
        (Rank.FU_CHU, RegionLevel.CITY, "/321300/", Tier.GENERAL, "officer_not_local"),
        (Rank.KEYUAN, RegionLevel.COUNTY, "/321300/321323/", Tier.GENERAL, "officer_out_of_region"),
        (Rank.FU_CHU, None, None, Tier.CITY_TOP100, "officer_without_unit"),
    ],
)
def test_rank_rules(rank: str, level: str | None, path: str | None, tier: str, code: str | None) -> None:
    found = rules.check_assignment(
        rules.Officer(name="某干部", rank=rank, region_level=level, region_path=path),
        tier,
        "/321300/321322/321322001/",
    )
    assert (found.code if found else None) == code


def test_quarter_parsing_and_months() -> None:
    q = rules.Quarter.parse("2026Q4")
    assert q == rules.Quarter(2026, 4)
    assert q is not None and q.start == dt.date(2026, 10, 1) and q.end == dt.date(2026, 12, 31)
    assert rules.Quarter.parse("2026-5") is None
    assert rules.Quarter(2026, 1).previous() == rules.Quarter(2025, 4)


# --- assigning ----------------------------------------------------------------------------------------


def test_assign_a_city_officer_to_a_top100_enterprise(net: Any, login: Any) -> None:
    client = login(net.world.admin)
    response = client.post(
        f"{API}/assignments",
        {"enterprise_id": net.top100.pk, "officer_id": net.city_officer.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["officer_name"] == "沈卫国" and body["ended_on"] is None
    assignment = Assignment.objects.get()
    assert assignment.started_on == timezone.localdate()
    event = AuditEvent.objects.filter(action="network.assign").get()
    assert event.object_id == str(assignment.pk)
    assert (event.after or {})["enterprise_name"] == net.top100.name


def test_officer_below_the_required_rank_for_a_top100_enterprise_is_refused(net: Any, login: Any) -> None:
    client = login(net.world.admin)
    response = client.post(
        f"{API}/assignments",
        {"enterprise_id": net.top100.pk, "officer_id": net.city_officer_low.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "rank_too_low"
    assert body["message"] == "市工业百强企业须由副处级以上干部挂钩，王科长的职级为正科级"
    assert not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="network.").exists()


def test_a_county_officer_may_not_serve_a_top100_enterprise_whatever_the_rank(net: Any) -> None:
    net.county_officer.rank = Rank.ZHENG_CHU
    net.county_officer.save()
    with pytest.raises(ApplicationError) as caught:
        assign(net, net.top100, net.county_officer)
    assert caught.value.code == "officer_not_city_level"
    assert "市级层面" in caught.value.message


def test_county_key_and_general_enterprises(net: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        assign(net, net.county_key, net.county_officer_low)
    assert caught.value.code == "rank_too_low" and "副科级以上" in caught.value.message
    assign(net, net.county_key, net.county_officer)
    with pytest.raises(ApplicationError) as caught:
        assign(net, net.general, net.city_officer)
    assert caught.value.code == "officer_not_local"
    with pytest.raises(ApplicationError) as caught:
        assign(net, net.general, net.siyang_officer)
    assert caught.value.code == "officer_out_of_region"
    assign(net, net.general, net.township_officer)
    # One officer, several enterprises (一对多).
    assign(net, net.siyang_general, net.siyang_officer)
    assert Assignment.objects.filter(ended_on__isnull=True).count() == 3


def test_not_an_officer(net: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        assign(net, net.general, net.world.handler_shuyang)
    assert caught.value.code == "not_an_officer"


def test_changing_the_officer_keeps_the_history(net: Any, login: Any) -> None:
    first = assign(
        net, net.county_key, net.county_officer, started_on=timezone.localdate() - dt.timedelta(days=30)
    )
    with pytest.raises(ApplicationError) as caught:
        assign(net, net.county_key, net.city_officer_low)
    assert caught.value.code == "enterprise_has_officer" and caught.value.status == 409
    with pytest.raises(ApplicationError) as caught:
        assign(net, net.county_key, net.county_officer)
    assert caught.value.code == "already_assigned"

    second = assign(net, net.county_key, net.city_officer_low, replace=True, note="工作调动")
    first.refresh_from_db()
    assert first.ended_on == timezone.localdate() and first.end_reason == "工作调动"
    assert second.ended_on is None
    assert AuditEvent.objects.filter(action="network.reassign", object_id=str(second.pk)).exists()

    page = login(net.world.admin).get(f"/network/enterprises/{net.county_key.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="history-row"') == 2 and "现任" in text and "工作调动" in text

    listed = login(net.world.admin).get(f"{API}/assignments", {"enterprise_id": net.county_key.pk}).json()
    assert listed["count"] == 2


def test_end_an_assignment(net: Any, login: Any) -> None:
    a = assign(net, net.county_key, net.county_officer)
    client = login(net.world.admin)
    refused = client.post(f"{API}/assignments/{a.pk}/end", {"reason": ""}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    ended = client.post(
        f"{API}/assignments/{a.pk}/end",
        {"reason": "企业搬迁", "version": a.version},
        content_type="application/json",
    )
    assert ended.status_code == 200 and ended.json()["ended_on"] == timezone.localdate().isoformat()
    again = client.post(f"{API}/assignments/{a.pk}/end", {"reason": "再次"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "assignment_ended"


def test_a_county_manager_assigns_only_in_its_county(net: Any, login: Any) -> None:
    client = login(net.shuyang_head)
    outside = client.post(
        f"{API}/assignments",
        {"enterprise_id": net.siyang_general.pk, "officer_id": net.siyang_officer.pk},
        content_type="application/json",
    )
    assert outside.status_code == 404
    inside = client.post(
        f"{API}/assignments",
        {"enterprise_id": net.general.pk, "officer_id": net.township_officer.pk},
        content_type="application/json",
    )
    assert inside.status_code == 201
    officer_client = login(net.county_officer)
    denied = officer_client.post(
        f"{API}/assignments",
        {"enterprise_id": net.county_key.pk, "officer_id": net.county_officer.pk},
        content_type="application/json",
    )
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


def test_assignment_page_shows_the_refusal_next_to_the_officer(net: Any, login: Any) -> None:
    client = login(net.world.admin)
    response = client.post(
        "/network/assignments/new/", {"enterprise": net.top100.uscc, "officer": net.city_officer_low.pk}
    )
    assert response.status_code == 400
    assert 'data-testid="error-officer"' in response.content.decode()
    assert "副处级以上" in response.content.decode()
    ok = client.post(
        "/network/assignments/new/", {"enterprise": net.top100.uscc, "officer": net.city_officer.pk}
    )
    assert ok.status_code == 302
    listing = client.get("/network/assignments/").content.decode()
    assert net.top100.name in listing and "沈卫国" in listing


# --- coverage (全覆盖) -------------------------------------------------------------------------------


def test_coverage_lists_key_enterprises_without_an_officer_by_region(net: Any, login: Any) -> None:
    client = login(net.world.biz_office)
    body = client.get(f"{API}/coverage").json()
    assert body["count"] == 2
    assert {e["name"] for e in body["items"]} == {net.top100.name, net.county_key.name}
    assert body["regions"] == [
        {"region_code": "321322", "region_name": "沭阳县", "key_total": 2, "uncovered": 2, "mismatched": 0}
    ]

    assign(net, net.top100, net.city_officer)
    body = client.get(f"{API}/coverage").json()
    assert [e["name"] for e in body["items"]] == [net.county_key.name]
    page = client.get("/network/coverage/").content.decode()
    assert net.county_key.name in page and net.top100.name not in page

    # A county's manager sees its county; someone of another county sees none of it.
    siyang = login(net.world.handler_siyang).get(f"{API}/coverage")
    assert siyang.status_code == 404


# --- bulk assignment from .xlsx -----------------------------------------------------------------------


def sheet(rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["统一社会信用代码", "帮办专员账号", "企业名称", "开始日期", "调整", "备注"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "挂钩安排.xlsx"
    return buffer


def test_bulk_assignment_preview_then_apply(net: Any, login: Any) -> None:
    client = login(net.world.admin)
    upload = sheet(
        [
            [net.top100.uscc, "officer_city", "", "", "", "百强挂钩"],
            [net.county_key.uscc, "officer_sy_low", "", "", "", ""],  # rank too low
            [net.general.uscc, "officer_town", "", "", "", ""],
            [net.general.uscc, "officer_sy", "", "", "", ""],  # same enterprise twice
            ["91321322MA0000000X", "officer_city", "", "", "", ""],  # bad code
            [net.siyang_general.uscc, "nobody", "", "", "", ""],
        ]
    )
    response = client.post("/network/assignments/import/", {"file": upload})
    assert response.status_code == 302
    batch = AssignmentBatch.objects.get()
    assert (batch.valid_count, batch.invalid_count) == (2, 4)
    reasons = {r["row"]: r["reason"] for r in batch.rows}
    assert "副科级以上" in reasons[3]
    assert "与第 4 行是同一家企业" in reasons[5]
    assert "统一社会信用代码有误" in reasons[6]
    assert "未找到账号" in reasons[7]
    assert not Assignment.objects.exists()

    preview = client.get(f"/network/assignments/import/{batch.pk}/").content.decode()
    assert preview.count('data-testid="preview-row"') == 6 and "副科级以上" in preview

    applied = client.post(f"/network/assignments/import/{batch.pk}/apply/")
    assert applied.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "applied" and batch.result == {"created": 2, "replaced": 0, "failed": 0}
    assert set(Assignment.objects.values_list("enterprise_id", "officer__username")) == {
        (net.top100.pk, "officer_city"),
        (net.general.pk, "officer_town"),
    }
    assert AuditEvent.objects.filter(action="network.assignment_import", object_id=str(batch.pk)).count() == 1
    again = client.post(f"{API}/assignments/imports/{batch.pk}/apply")
    assert again.status_code == 409 and again.json()["code"] == "batch_already_applied"


def test_bulk_assignment_rejects_a_file_that_is_not_xlsx(net: Any, login: Any) -> None:
    client = login(net.world.admin)
    bogus = io.BytesIO(b"not a workbook")
    bogus.name = "a.xlsx"
    response = client.post(f"{API}/assignments/imports", {"file": bogus})
    assert response.status_code == 400 and response.json()["code"] == "not_xlsx"
    assert not AssignmentBatch.objects.exists()
