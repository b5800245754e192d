"""The 跑现场 pages: booking, every step on the run page (record, cancel, 交办整改, 转为诉求,
整改完成, 核验, 销号) with the Chinese errors shown beside the form, the list's overdue flag, and
another unit's head answered 404."""

from __future__ import annotations

import datetime as dt

import time_machine

from bangban.fieldruns.models import Finding, Item, Run

from .conftest import TODAY, booked, recorded

URL = "/fieldruns/"


def _page(response) -> str:
    return response.content.decode()


def test_the_unit_head_books_a_run_on_the_page(cast, login):
    client = login(cast.head)
    page = _page(client.get(URL))
    assert 'data-testid="no-runs"' in page and 'data-testid="book-run"' in page
    form = {"planned_on": "", "service": "施工许可", "place": "三楼窗口", "kind": "check", "role": "window"}
    answer = client.post(f"{URL}new/", form)
    assert answer.status_code == 400 and "请填写计划日期" in _page(answer)
    answer = client.post(f"{URL}new/", {**form, "planned_on": "2026-11-09"})
    assert answer.status_code == 400 and "计划日期不能早于今天" in _page(answer)
    answer = client.post(f"{URL}new/", {**form, "planned_on": "2026-11-12"})
    run = Run.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"{URL}{run.pk}/"
    page = _page(client.get(answer["Location"]))
    assert "施工许可" in page and "已预约" in page and 'data-testid="record-form"' in page
    assert login(cast.world.handler_shuyang).get(f"{URL}new/").status_code == 404


def test_recording_on_the_page_refuses_an_empty_record_and_a_future_day(cast, login):
    client = login(cast.head)
    run = booked(client)
    url = f"{URL}{run['id']}/"
    form = {
        "do": "record",
        "done_on": TODAY.isoformat(),
        "steps": "取号→受理",
        "minutes": "30",
        "findings": "\n \n",
    }
    answer = client.post(url, form)
    assert answer.status_code == 400
    assert "请至少记录一个发现的问题" in _page(answer) and 'data-testid="error-findings"' in _page(answer)
    answer = client.post(url, {**form, "findings": "窗口排队过长", "done_on": "2026-11-11"})
    assert answer.status_code == 400 and "跑现场日期不能晚于今天" in _page(answer)
    answer = client.post(url, {**form, "no_problem": "1", "findings": ""})
    assert answer.status_code == 400 and "请说明检查了哪些环节" in _page(answer)
    answer = client.post(url, {**form, "findings": "窗口排队过长\n自助机无法打印"})
    assert answer.status_code == 302
    page = _page(client.get(url))
    assert page.count('data-testid="finding"') == 2 and "已完成" in page and "自助机无法打印" in page


def test_cancelling_on_the_page(cast, login):
    client = login(cast.head)
    run = booked(client)
    url = f"{URL}{run['id']}/"
    answer = client.post(url, {"do": "cancel", "reason": ""})
    assert answer.status_code == 400 and "请填写取消原因" in _page(answer)
    assert client.post(url, {"do": "cancel", "reason": "会议冲突"}).status_code == 302
    page = _page(client.get(url))
    assert "已取消" in page and "会议冲突" in page and 'data-testid="record-form"' not in page
    assert client.post(url, {"do": "nonsense"}).status_code == 404


def test_items_cases_reports_verification_and_closing_on_the_page(cast, login):
    client = login(cast.head)
    run = recorded(client)
    url = f"{URL}{run['id']}/"
    first, second = Finding.objects.order_by("seq")
    item_form = {"do": "add_item", "finding": first.pk, "owner_person": "刘科长", "workdays": "5"}
    answer = client.post(url, item_form)
    assert answer.status_code == 400 and "请选择责任单位" in _page(answer)
    answer = client.post(url, {**item_form, "owner_unit": cast.world.approval_bureau.pk, "workdays": ""})
    assert answer.status_code == 400 and "请填写整改时限" in _page(answer)
    # The unit picker keeps the chosen unit when the form comes back with an error.
    assert 'data-testid="unit-chip"' in _page(answer) and "宿迁市行政审批局" in _page(answer)
    answer = client.post(url, {**item_form, "owner_unit": cast.world.approval_bureau.pk})
    assert answer.status_code == 302
    page = _page(client.get(url))
    assert "整改中" in page and "2026-11-17" in page and 'data-testid="report-form-1"' in page

    answer = client.post(url, {"do": "close"})
    assert answer.status_code == 409 and "还有问题未交办整改或转为诉求" in _page(answer)
    assert client.post(url, {"do": "raise_case", "finding": second.pk}).status_code == 302
    second.refresh_from_db()
    assert second.case is not None and second.case.number in _page(client.get(url))

    item = Item.objects.get()
    answer = client.post(url, {"do": "report", "item": item.pk, "change": ""})
    assert answer.status_code == 400 and "请填写整改情况" in _page(answer)
    # The owner unit's head reports what changed on the same page.
    owner = login(cast.head_owner)
    assert (
        owner.post(url, {"do": "report", "item": item.pk, "change": "身份证改为授权调取"}).status_code == 302
    )
    page = _page(client.get(url))
    assert "身份证改为授权调取" in page and 'data-testid="verify-form-1"' in page
    answer = client.post(url, {"do": "verify", "item": item.pk, "verdict": "send_back", "note": ""})
    assert answer.status_code == 400 and "退回须填写核验意见" in _page(answer)
    assert client.post(url, {"do": "verify", "item": item.pk, "verdict": "verify"}).status_code == 302
    assert client.post(url, {"do": "close"}).status_code == 302
    page = _page(client.get(url))
    assert "已销号" in page and "已核验销项" in page and 'data-testid="close-form"' not in page


def test_the_list_flags_overdue_items_and_other_units_get_not_found(cast, login):
    client = login(cast.head)
    run = recorded(client)
    client.post(
        f"{URL}{run['id']}/",
        {"do": "add_item", "finding": run["findings"][0]["id"], "owner_unit": cast.world.shuyang_gov.pk,
         "owner_person": "刘科长", "workdays": "1"},
    )  # fmt: skip
    assert 'data-testid="overdue-flag"' not in _page(client.get(URL))
    with time_machine.travel(dt.datetime(2026, 11, 13, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        client = login(cast.head)
        page = _page(client.get(URL))
        assert 'data-testid="overdue-flag"' in page and "超期整改 1" in page
        assert 'data-testid="item-overdue"' in _page(client.get(f"{URL}{run['id']}/"))
        assert _page(client.get(f"{URL}?overdue=1")).count('data-testid="run-row"') == 1
    other = login(cast.head_siyang)
    assert other.get(f"{URL}{run['id']}/").status_code == 404
    assert other.post(f"{URL}{run['id']}/", {"do": "close"}).status_code == 404
    assert 'data-testid="no-runs"' in _page(other.get(URL))
    assert login(cast.world.enterprise_user).get(URL).status_code == 404
    office = _page(login(cast.world.biz_office).get(URL))
    assert office.count('data-testid="run-row"') == 1 and 'data-testid="book-run"' not in office
