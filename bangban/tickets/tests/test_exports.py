"""Every case list exports to Excel with the same filters as the page, phones masked for roles
that do not need them, and an audit event for each export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.tickets.export_rows import EXPORT_HEADERS
from bangban.tickets.workflow import Status

from .work_helpers import make_cast, make_ticket

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def rows_of(response) -> list[dict[str, object]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    assert header == EXPORT_HEADERS
    return [dict(zip(header, row, strict=False)) for row in values[1:]]


def test_unit_queue_export_follows_the_filters_and_masks_phones(world, login):
    cast = make_cast(world)
    overdue = make_ticket(
        world,
        status=Status.IN_PROGRESS,
        lead_unit=world.shuyang_gov,
        due_in=-DAY,
        contact_name="张三",
        contact_phone="13812345678",
    )
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov, due_in=9 * DAY)
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.siyang_gov, due_in=-DAY)

    response = login(cast.handler_shuyang).get(
        reverse("tickets:export"), {"view": "unit", "deadline": "overdue"}
    )

    rows = rows_of(response)
    assert [r["诉求编号"] for r in rows] == [overdue.number]
    assert rows[0]["联系电话"] == "138****5678"
    assert rows[0]["状态"] == "办理中"
    assert str(rows[0]["期限状态"]).startswith("超期")
    assert rows[0]["主办单位"] == "沭阳县人民政府"
    assert isinstance(rows[0]["受理时间"], dt.datetime)


def test_export_shows_phones_to_roles_that_need_them_and_records_an_audit_event(world, login):
    make_cast(world)
    make_ticket(world, contact_phone="13812345678")

    response = login(world.biz_office).get(
        reverse("tickets:export"), {"view": "all", "status": "pending_dispatch"}
    )

    rows = rows_of(response)
    assert rows[0]["联系电话"] == "13812345678"
    event = AuditEvent.objects.filter(action="ticket.export").latest("id")
    assert event.after is not None
    assert event.actor_id == world.biz_office.pk
    assert event.after["queue"] == "all"
    assert event.after["count"] == 1
    assert event.after["filters"] == {"status": ["pending_dispatch"]}
    assert event.after["unmasked_personal_data"] is True


def test_enterprise_exports_only_its_own_cases(world, login):
    cast = make_cast(world)
    own = make_ticket(world)
    make_ticket(world, enterprise=world.ent_siyang, region=world.siyang)

    rows = rows_of(login(cast.enterprise_user).get(reverse("tickets:export"), {"view": "mine"}))

    assert [r["诉求编号"] for r in rows] == [own.number]


def test_dispatch_queue_export_lists_cases_waiting_for_dispatch(world, login):
    cast = make_cast(world)
    waiting = make_ticket(world)
    make_ticket(world, status=Status.IN_PROGRESS, lead_unit=world.shuyang_gov)

    rows = rows_of(login(cast.dispatcher).get(reverse("tickets:export"), {"view": "dispatch"}))

    assert [r["诉求编号"] for r in rows] == [waiting.number]


def test_export_of_a_list_the_user_may_not_open_is_not_found(world, login):
    cast = make_cast(world)
    make_ticket(world)
    assert login(cast.handler_shuyang).get(reverse("tickets:export"), {"view": "all"}).status_code == 404
    assert login(cast.enterprise_user).get(reverse("tickets:export"), {"view": "dispatch"}).status_code == 404
    assert not AuditEvent.objects.filter(action="ticket.export").exists()


def test_export_with_a_bad_filter_is_refused_with_the_reason(world, login):
    cast = make_cast(world)
    response = login(cast.dispatcher).get(reverse("tickets:export"), {"view": "all", "deadline": "yesterday"})
    assert response.status_code == 400
    assert "期限筛选无效" in response.content.decode()


def test_export_link_on_the_page_carries_the_filters(world, login):
    cast = make_cast(world)
    html = (
        login(cast.handler_shuyang)
        .get(reverse("tickets:unit_queue"), {"deadline": "alert", "q": "电"})
        .content.decode()
    )
    assert f"{reverse('tickets:export')}?deadline=alert&amp;q=%E7%94%B5&amp;view=unit" in html
