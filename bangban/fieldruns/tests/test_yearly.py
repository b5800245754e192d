"""The yearly list: its figures per unit, recomputed here from the raw rows, are the same on the
page, in the API and in the Excel file; a unit head sees his unit's, 营商办 every unit's."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.fieldruns.models import Finding, Item, ItemStatus, Run, RunStatus

from .conftest import API, TODAY, item_body, recorded

J = "application/json"


def _city(cast, login):
    """Two runs of 沭阳 (one closed with an item on time, one with an item open and a case), one of
    泗阳 without problems, one 沭阳 run only booked and one of last year (not counted)."""
    sy, sq = login(cast.head), login(cast.head_siyang)
    a = recorded(sy, findings=["材料清单与网上不一致"])
    item = sy.post(f"{API}/runs/{a['id']}/items", item_body(a["findings"][0]["id"], cast.world.shuyang_gov.pk),
                   content_type=J).json()  # fmt: skip
    sy.post(f"{API}/items/{item['id']}/report", {"change": "清单统一为网上版本"}, content_type=J)
    sy.post(f"{API}/items/{item['id']}/verify", {"verdict": "verify"}, content_type=J)
    sy.post(f"{API}/runs/{a['id']}/close", {}, content_type=J)
    b = recorded(sy, book={"service": "施工许可"}, findings=["图审意见需人工转录", "出证需二次签字"])
    sy.post(f"{API}/runs/{b['id']}/items", item_body(b["findings"][0]["id"], cast.world.approval_bureau.pk),
            content_type=J)  # fmt: skip
    sy.post(f"{API}/findings/{b['findings'][1]['id']}/case", content_type=J)
    recorded(sq, findings=[], no_problem=True, checked="取号、受理、出证")
    sy.post(f"{API}/runs", {"planned_on": "2026-12-01", "service": "水电气报装", "place": "联办窗口",
                            "kind": "check", "role": "escort"}, content_type=J)  # fmt: skip
    old = recorded(sy, book={"service": "去年的事项"}, findings=["旧问题"])
    Run.objects.filter(pk=old["id"]).update(done_on=dt.date(2025, 6, 1), planned_on=dt.date(2025, 6, 1))


def _raw_figures(year: int, today: dt.date) -> dict[str, list[int]]:
    """The figures from the tables directly, without the app's code."""
    out: dict[str, list[int]] = defaultdict(lambda: [0] * 7)
    for run in Run.objects.select_related("unit").all():
        if (
            run.status not in (RunStatus.DONE, RunStatus.RECTIFYING, RunStatus.CLOSED)
            or run.done_on is None
            or run.done_on.year != year
        ):
            continue
        row = out[run.unit.name]
        row[0] += 1
        for f in Finding.objects.filter(run=run):
            row[1] += 1
            row[6] += f.case_id is not None
        for i in Item.objects.filter(run=run):
            row[2] += 1
            row[3] += i.status == ItemStatus.VERIFIED
            row[4] += i.status == ItemStatus.VERIFIED and i.done_on is not None and i.done_on <= i.deadline
            row[5] += i.status == ItemStatus.OPEN and i.deadline < today
    return dict(out)


def test_the_figures_are_one_definition_on_page_api_and_excel(cast, login):
    _city(cast, login)
    raw = _raw_figures(2026, TODAY)
    assert raw == {"沭阳县人民政府": [2, 3, 2, 1, 1, 0, 1], "泗阳县人民政府": [1, 0, 0, 0, 0, 0, 0]}
    office = login(cast.world.biz_office)

    body = office.get(f"{API}/yearly?year=2026").json()
    fields = ["runs", "findings", "items", "items_verified", "items_on_time", "items_overdue", "cases"]
    assert {u["unit_name"]: [u[f] for f in fields] for u in body["units"]} == raw
    assert [r["service"] for r in body["runs"]] == ["企业开办", "施工许可", "企业开办"]

    page = office.get("/fieldruns/yearly/?year=2026").content.decode()
    assert page.count('data-testid="yearly-row"') == 3 and page.count('data-testid="figure-row"') == 2
    assert "清单统一为网上版本" in page and "图审意见需人工转录" in page and "未发现问题" in page

    answer = office.get("/fieldruns/yearly/export.xlsx?year=2026")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(
        io.BytesIO(b"".join(answer.streaming_content) if answer.streaming else answer.content)
    ).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ("编号", "单位", "跑现场人", "跑现场日期")
    assert [r[4] for r in rows[1:4]] == ["企业开办", "施工许可", "企业开办"]
    assert "1. 材料清单与网上不一致" in rows[1][10] and "清单统一为网上版本" in rows[1][11]
    figures = {r[1]: list(r[2:9]) for r in rows[5:] if r[1] and r[1] != "单位"}
    assert figures == {**raw, "合计": [3, 3, 2, 1, 1, 0, 1]}
    assert AuditEvent.objects.filter(action="fieldruns.export").count() == 1


def test_a_unit_head_sees_his_units_list_and_bad_years_are_refused(cast, login):
    _city(cast, login)
    body = login(cast.head_siyang).get(f"{API}/yearly").json()
    assert body["year"] == 2026 and [u["unit_name"] for u in body["units"]] == ["泗阳县人民政府"]
    # The owner unit's head sees his item's run but his yearly list is his own unit's (none).
    assert login(cast.head_owner).get(f"{API}/yearly").json()["units"] == []
    assert login(cast.head).get(f"{API}/yearly?year=2025").json()["units"][0]["runs"] == 1
    assert login(cast.head).get(f"{API}/yearly?year=abc").json()["code"] == "invalid_year"
    assert login(cast.head).get("/fieldruns/yearly/?year=abc").status_code == 400
    assert login(cast.world.handler_shuyang).get("/fieldruns/yearly/").status_code == 404
    assert login(cast.world.handler_shuyang).get("/fieldruns/yearly/export.xlsx").status_code == 404
    assert login(cast.world.handler_shuyang).get(f"{API}/yearly").status_code == 404
