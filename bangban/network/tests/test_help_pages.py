"""The 解难帮扶会办会 pages (R3.3): the list's empty state and search, the schedule form, the meeting
page's 召开 / 分办 / 批办 / 办结 forms, the refusals shown on the page, and the 会办会台账 export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import time_machine
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.network.models import HelpItem, HelpMeeting
from bangban.workdays.arithmetic import SHANGHAI

from .test_help_meetings import setup_at

NOW = dt.datetime(2026, 12, 30, 15, 0, tzinfo=SHANGHAI)


def test_the_page_journey_and_the_ledger(net: Any, login: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        s = setup_at(net, NOW)
        office = login(net.world.biz_office)
        empty = office.get("/network/help-meetings/")
        assert empty.status_code == 200 and "暂无解难帮扶会办会" in empty.content.decode()

        form = office.get("/network/help-meetings/new/", {"enterprises": [net.county_key.pk, net.top100.pk]})
        page = form.content.decode()
        assert form.status_code == 200 and "新厂房消防验收排期太久" in page and "用电增容申请未批复" in page
        assert net.general.name not in page  # not a key enterprise: not offered

        base = {
            "enterprises": [net.county_key.pk, net.top100.pk], "place": "市政府3号会议室", "host": "王明副市长",
            "units": [net.shuyang_miit.pk, net.world.shuyang_gov.pk],
        }  # fmt: skip
        past = office.post("/network/help-meetings/new/", {**base, "held_at": "2026-12-29T09:00"})
        assert past.status_code == 400 and "会议时间须晚于当前时间" in past.content.decode()
        r = office.post("/network/help-meetings/new/", {**base, "held_at": "2027-01-05T09:30"})
        assert r.status_code == 302, r.content.decode()[:2000]
        meeting = HelpMeeting.objects.get()
        url = f"/network/help-meetings/{meeting.pk}/"
        assert r["Location"] == url
        assert timezone_local(meeting.held_at) == "2027-01-05 09:30"

        assert (
            office.post(url, {"action": "hold", "minutes": "", "version": meeting.version}).status_code == 400
        )
        assert (
            office.post(
                url, {"action": "hold", "minutes": "研究两项问题。", "version": meeting.version}
            ).status_code
            == 302
        )
        first, second = HelpItem.objects.filter(meeting=meeting).order_by("id")
        refused = office.post(url, {"action": "dispose", "item": first.pk, "disposal": "assign", "unit": ""})
        assert refused.status_code == 400 and "请选择责任单位" in refused.content.decode()
        r = office.post(url, {"action": "dispose", "item": first.pk, "disposal": "assign", "unit": net.shuyang_miit.pk,
                              "version": first.version})  # fmt: skip
        assert r.status_code == 302
        r = office.post(url, {"action": "dispose", "item": second.pk, "disposal": "instruct", "unit": net.shuyang_miit.pk,
                              "workdays": "3", "instructed_by": "王明副市长", "instruction": "三日内拿出增容方案"})  # fmt: skip
        assert r.status_code == 302
        case_page = office.get(f"/cases/{HelpItem.objects.get(pk=first.pk).case_id}/").content.decode()
        assert 'data-testid="case-origin"' in case_page and url in case_page  # the case links back
        closing = office.post(url, {"action": "close"})
        assert closing.status_code == 409 and "尚有 1 项议题未处置或未办结" in closing.content.decode()

        handler_page = login(s.lead_handler).get(url).content.decode()
        assert (
            'data-testid="complete-form"' in handler_page and 'data-testid="dispose-form"' not in handler_page
        )
        r = login(s.lead_handler).post(
            url, {"action": "complete", "item": second.pk, "result": "已批复增容方案。"}
        )
        assert r.status_code == 302
        assert office.post(url, {"action": "close"}).status_code == 302

        listed = office.get("/network/help-meetings/", {"q": "沭阳重点"}).content.decode()
        assert meeting.title in listed and "已办结" in listed
        assert (
            "没有符合条件的会办会"
            in office.get("/network/help-meetings/", {"q": "不存在的企业"}).content.decode()
        )
        assert login(net.world.handler_siyang).get(url).status_code == 404

        export = office.get("/network/help-meetings/export.xlsx")
        assert export.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "会议名称" and len(rows) == 3
        by_disposal = {r[7]: r for r in rows[1:]}
        assigned_case = HelpItem.objects.get(pk=first.pk).case
        assert assigned_case is not None and by_disposal["分办"][12] == assigned_case.number
        assert by_disposal["批办"][11] == "三日内拿出增容方案" and by_disposal["批办"][15] == "已办结"
        assert AuditEvent.objects.filter(action="network.help_ledger_export").exists()


def timezone_local(at: dt.datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def test_schedule_form_is_for_managers_only(net: Any, login: Any) -> None:
    assert login(net.world.handler_shuyang).get("/network/help-meetings/new/").status_code == 403
    assert login(net.world.handler_shuyang).get("/network/help-meetings/").status_code == 200
