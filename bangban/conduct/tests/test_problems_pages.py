"""The 直通车企业 and 问题清单 pages (R7.1): what 作风办, a county's supervisor, a unit and an enterprise
see, the forms' Chinese errors, the monthly list and the .xlsx exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.conduct.actions import ProblemInput, do_designate, do_record_problem, do_transfer_problem
from bangban.conduct.models import Designation, ProblemItem
from bangban.tickets.defaults import ensure_defaults
from bangban.tickets.models import Ticket


@pytest.fixture(autouse=True)
def _deadline_policies(db: Any) -> None:
    ensure_defaults()


def _sheets(response: Any) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _item(cast: Any, text: str, region: str = "321322", **kw: Any) -> ProblemItem:
    data = ProblemInput(source="covert", region_code=region, text=text, found_on=timezone.localdate(), **kw)
    return do_record_problem(acting_user=cast.zuofeng, data=data, now=timezone.now())


def test_designating_on_the_page_lists_exports_and_the_enterprise_sees_it(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(cast.zuofeng)
    empty = client.get("/conduct/ztc/")
    assert empty.status_code == 200 and "暂无符合条件的直通车企业" in empty.content.decode()
    bad = client.post(
        "/conduct/ztc/new/", {"enterprise": "不存在的企业", "kind": "through_train", "starts_on": ""}
    )
    assert bad.status_code == 400 and "请填写起始日期" in bad.content.decode()
    today = timezone.localdate().isoformat()
    done = client.post(
        "/conduct/ztc/new/", {"enterprise": w.ent_shuyang.name, "kind": "through_train", "starts_on": today}
    )
    assert done.status_code == 302
    html = client.get("/conduct/ztc/", {"q": "沭阳"}).content.decode()
    assert w.ent_shuyang.name in html and "直通车企业" in html
    assert w.ent_shuyang.name not in client.get("/conduct/ztc/", {"region": "321323"}).content.decode()
    sheets = _sheets(client.get("/conduct/ztc/export.xlsx"))
    rows = sheets["名单"]
    assert rows[0][0] == "企业名称" and rows[1][0] == w.ent_shuyang.name and rows[1][5] == "长期"
    assert AuditEvent.objects.filter(action="conduct.ztc_export").count() == 1
    # The enterprise user sees that it is a 直通车企业 and the channel to use.
    own = login(w.enterprise_user).get("/conduct/ztc/").content.decode()
    assert "本企业是<strong>直通车企业</strong>" in own and "企业诉求" in own
    other = login(cast.enterprise_other).get("/conduct/ztc/").content.decode()
    assert "目前不是直通车企业" in other
    # A unit's staff see nothing of it; nobody but 作风办 may designate or end.
    assert login(w.handler_shuyang).get("/conduct/ztc/").status_code == 404
    assert login(w.biz_office).get("/conduct/ztc/new/").status_code == 403
    designation = Designation.objects.get()
    ended = client.post(f"/conduct/ztc/{designation.pk}/end/", {"ends_on": today, "note": "试点结束"})
    assert ended.status_code == 302
    designation.refresh_from_db()
    assert designation.ends_on == timezone.localdate() and designation.end_note == "试点结束"


def test_recording_and_transferring_a_problem_on_the_pages(cast: Any, login: Any) -> None:
    w = cast.world
    client = login(cast.zuofeng)
    form = client.get("/conduct/problems/new/")
    assert form.status_code == 200 and "明察暗访" in form.content.decode()
    missing = client.post("/conduct/problems/new/", {"source": "covert", "region": "321322", "text": ""})
    assert missing.status_code == 400 and "请填写问题描述" in missing.content.decode()
    created = client.post(
        "/conduct/problems/new/",
        {"source": "covert", "region": "321322", "text": "窗口人员上班时间玩手机，企业排队无人受理",
         "found_on": timezone.localdate().isoformat(), "source_ref": "沭阳县政务服务中心"},
    )  # fmt: skip
    assert created.status_code == 302
    item = ProblemItem.objects.get()
    detail = client.get(f"/conduct/problems/{item.pk}/").content.decode()
    assert "待转办" in detail and "转办（生成诉求并派单）" in detail
    no_unit = client.post(f"/conduct/problems/{item.pk}/", {"do": "transfer", "version": item.version})
    assert no_unit.status_code == 400 and "请选择责任单位" in no_unit.content.decode()
    moved = client.post(
        f"/conduct/problems/{item.pk}/", {"do": "transfer", "unit": w.shuyang_gov.pk, "version": item.version}
    )
    assert moved.status_code == 302
    case = Ticket.objects.get()
    page = client.get(f"/conduct/problems/{item.pk}/").content.decode()
    assert case.number in page and "办理中" in page and "转办（生成诉求并派单）" not in page
    # The unit sees the case in its queue; the 问题清单 itself stays 作风办's.
    assert case.number in login(w.handler_shuyang).get("/cases/unit/").content.decode()
    assert login(w.handler_shuyang).get(f"/conduct/problems/{item.pk}/").status_code == 404
    stale = client.post(
        f"/conduct/problems/{item.pk}/", {"do": "resolve", "closed_note": "x", "version": item.version}
    )
    assert stale.status_code == 409


def test_the_monthly_list_counts_per_region_and_unit_and_exports(cast: Any, login: Any) -> None:
    w = cast.world
    first = _item(cast, "审批窗口要求重复提交材料", unit_id=w.shuyang_gov.pk)
    _item(cast, "执法人员未出示证件", unit_id=w.shuyang_gov.pk)
    _item(cast, "泗阳县某窗口推诿", region="321323")
    do_transfer_problem(acting_user=cast.zuofeng, item_id=first.pk, now=timezone.now())
    month = timezone.localdate().strftime("%Y-%m")
    client = login(cast.zuofeng)
    html = client.get("/conduct/problems/monthly/", {"month": month}).content.decode()
    assert html.count('data-testid="monthly-row"') == 2
    sheets = _sheets(client.get("/conduct/problems/monthly/export.xlsx", {"month": month}))
    summary = next(v for k, v in sheets.items() if k != "问题明细")
    assert summary[0] == ("地区", "责任单位", "发现问题", "已转办", "已办结", "未办结", "已超期")
    assert ("沭阳县", w.shuyang_gov.name, 2, 1, 0, 2, 0) in summary
    assert ("泗阳县", "未指定", 1, 0, 0, 1, 0) in summary
    assert len(sheets["问题明细"]) == 4
    # Overdue: the case's deadline passed while it is still open.
    assert client.get("/api/v1/conduct/problems", {"progress": "overdue"}).json()["count"] == 0
    case_id = ProblemItem.objects.get(pk=first.pk).case_id
    assert case_id is not None
    Ticket.objects.filter(pk=case_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get("/api/v1/conduct/problems", {"progress": "overdue"}).json()["count"] == 1
    empty = client.get("/conduct/problems/monthly/", {"month": "2020-01"}).content.decode()
    assert "本月暂无发现的问题" in empty
    bad = client.get("/conduct/problems/monthly/", {"month": "2026-13"})
    assert bad.status_code == 400 and "月份格式不正确" in bad.content.decode()
    # 营商办 reads the list (city-wide) but changes nothing.
    assert login(w.biz_office).get("/api/v1/conduct/problems", {"region": "321323"}).json()["count"] == 1
    assert (
        login(w.biz_office)
        .post(f"/conduct/problems/{first.pk}/", {"do": "resolve", "closed_note": "x"})
        .status_code
        == 403
    )


def test_a_return_call_on_the_phone_page_adds_its_problems(cast: Any, login: Any) -> None:
    w = cast.world
    do_designate(
        acting_user=cast.zuofeng, enterprise_id=w.ent_siyang.pk, kind="through_train",
        starts_on=timezone.localdate(), now=timezone.now(),
    )  # fmt: skip
    client = login(cast.zuofeng)
    base = {"enterprise": w.ent_siyang.name, "called_on": timezone.localdate().isoformat(), "contact": "李总"}
    unanswered = client.post("/conduct/ztc/calls/new/", base)
    assert unanswered.status_code == 400 and "请选择企业是否满意" in unanswered.content.decode()
    done = client.post(
        "/conduct/ztc/calls/new/", {**base, "satisfied": "0", "problems": "消防验收排期太长\n\n环评答复慢"}
    )
    assert done.status_code == 302 and done["Location"] == "/conduct/problems/"
    texts = set(ProblemItem.objects.filter(source="callback").values_list("text", flat=True))
    assert texts == {"消防验收排期太长", "环评答复慢"}
