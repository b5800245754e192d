"""The auditor's page (R0.5): only audit readers see it; filters, before/after, export to Excel,
and the hash-chain check run in the background with its result on the page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bangban.audit.actions import record
from bangban.audit.models import AuditEvent, ChainVerification

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def events(world):
    """A small log: two people, three kinds of action, two addresses."""
    with transaction.atomic():
        record(
            "enterprise.update",
            actor=world.biz_office,
            obj=world.ent_shuyang,
            before={"name": "沭阳示例纺织有限公司", "liaison_phone": "13812345678"},
            after={"name": "沭阳示例纺织股份有限公司", "liaison_phone": "13800001111"},
            ip="10.1.0.5",
        )
        record(
            "enterprise.update",
            actor=world.handler_siyang,
            obj=world.ent_siyang,
            before={"scale": "small"},
            after={"scale": "medium"},
            ip="10.2.0.9",
        )
        record("account.login", actor=world.handler_siyang, obj=world.handler_siyang, ip="10.2.0.9")
    return list(AuditEvent.objects.order_by("seq"))


def listed_seqs(response) -> list[int]:
    html = response.content.decode()
    return [int(part.split('"', 1)[0]) for part in html.split('data-testid="audit-event" data-seq="')[1:]]


def test_auditor_sees_the_log(world, login, events):
    response = login(world.auditor).get(reverse("audit:events"))
    assert response.status_code == 200
    assert listed_seqs(response) == [3, 2, 1]
    html = response.content.decode()
    assert "营商办王科长" in html and "10.1.0.5" in html


def test_admin_sees_the_log_too(world, login, events):
    assert login(world.admin).get(reverse("audit:events")).status_code == 200


@pytest.mark.parametrize("who", ["handler_shuyang", "biz_office", "enterprise_user"])
def test_others_get_not_found_everywhere(world, login, events, who):
    client = login(getattr(world, who))
    assert client.get(reverse("audit:events")).status_code == 404
    assert client.get(reverse("audit:event", args=[1])).status_code == 404
    assert client.get(reverse("audit:export")).status_code == 404
    assert client.post(reverse("audit:verify")).status_code == 404
    assert not ChainVerification.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()


def test_anonymous_is_sent_to_login(db, client):
    response = client.get(reverse("audit:events"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_nav_shows_the_log_only_to_audit_readers(world, login):
    assert 'href="/audit/"' in login(world.auditor).get("/").content.decode()
    assert 'href="/audit/"' not in login(world.handler_shuyang).get("/").content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "王科长"}, [1]),
        ({"actor": "泗阳"}, [3, 2]),
        ({"action": "account.login"}, [3]),
        ({"action": "enterprise."}, [2, 1]),
        ({"object_type": "enterprises.enterprise"}, [2, 1]),
        ({"object_type": "enterprises.enterprise", "object_id": "{ent_siyang}"}, [2]),
        ({"ip": "10.2.0.9"}, [3, 2]),
        ({"ip": "10.1."}, [1]),
        ({"actor": "没有这个人"}, []),
    ],
)
def test_filters_narrow_the_list(world, login, events, params, expected):
    params = {k: v.format(ent_siyang=world.ent_siyang.pk) for k, v in params.items()}
    response = login(world.auditor).get(reverse("audit:events"), params)
    assert listed_seqs(response) == expected
    if not expected:
        assert "没有符合筛选条件的事件" in response.content.decode()


def test_date_range_filter_uses_local_days(world, login, events):
    today = timezone.localdate()
    client = login(world.auditor)
    url = reverse("audit:events")
    assert listed_seqs(client.get(url, {"date_from": today.isoformat(), "date_to": today.isoformat()})) == [
        3,
        2,
        1,
    ]
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert listed_seqs(client.get(url, {"date_from": tomorrow})) == []
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    assert listed_seqs(client.get(url, {"date_to": yesterday})) == []


def test_bad_dates_are_reported_not_crashing(world, login, events):
    response = login(world.auditor).get(reverse("audit:events"), {"date_from": "2026-13-40"})
    assert response.status_code == 200
    assert "日期格式应为 YYYY-MM-DD" in response.content.decode()


def test_action_filter_offers_known_actions(world, login, events):
    html = login(world.auditor).get(reverse("audit:events")).content.decode()
    assert '<option value="account.login">登录</option>' in html
    assert '<option value="enterprise.update">修改企业信息</option>' in html


def test_list_is_paged(world, login):
    with transaction.atomic():
        for i in range(25):
            record("ticket.update", object_type="tickets.ticket", object_id=i)
    client = login(world.auditor)
    first = client.get(reverse("audit:events"))
    assert listed_seqs(first) == list(range(25, 5, -1))
    assert "共 25 条" in first.content.decode()
    assert listed_seqs(client.get(reverse("audit:events"), {"page": 2})) == [5, 4, 3, 2, 1]


def test_list_page_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    with transaction.atomic():
        for i in range(20):
            record(
                "ticket.update",
                object_type="tickets.ticket",
                object_id=i,
                before={"a": i},
                after={"a": i + 1},
            )
    client = login(world.auditor)
    client.get(reverse("audit:events"))  # warm the choices cache and the session
    with django_assert_max_num_queries(12):
        client.get(reverse("audit:events"))


def test_rows_expand_to_a_before_after_table(world, login, events):
    html = login(world.auditor).get(reverse("audit:events")).content.decode()
    assert 'id="ev-2"' in html and 'data-testid="event-diff"' in html
    assert "small" in html and "medium" in html


def test_detail_page_shows_a_readable_diff_with_field_names(world, login, events):
    response = login(world.auditor).get(reverse("audit:event", args=[1]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "企业名称" in html  # the model's verbose name for "name"
    assert "沭阳示例纺织有限公司" in html and "沭阳示例纺织股份有限公司" in html
    # The auditor does not need the liaison's phone: it is masked.
    assert "13812345678" not in html and "138****5678" in html
    assert events[0].hash in html and events[0].prev_hash in html


def test_detail_of_missing_event_is_not_found(world, login, events):
    assert login(world.auditor).get(reverse("audit:event", args=[99])).status_code == 404


def test_admin_may_unmask_personal_data_and_that_view_is_recorded(world, login, events):
    client = login(world.admin)
    masked_html = client.get(reverse("audit:event", args=[1])).content.decode()
    assert "13812345678" not in masked_html and 'data-testid="unmask"' in masked_html
    assert not AuditEvent.objects.filter(action="personal_data.view").exists()
    html = client.get(reverse("audit:event", args=[1]), {"unmask": "1"}).content.decode()
    assert "13812345678" in html
    view = AuditEvent.objects.get(action="personal_data.view")
    assert view.actor_id == world.admin.pk and view.object_id == "1"


def test_auditor_cannot_unmask(world, login, events):
    html = login(world.auditor).get(reverse("audit:event", args=[1]), {"unmask": "1"}).content.decode()
    assert "13812345678" not in html
    assert not AuditEvent.objects.filter(action="personal_data.view").exists()


def read_xlsx(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return [tuple(row) for row in wb.active.iter_rows(values_only=True)]


def test_export_gives_an_xlsx_of_the_filtered_events_and_is_audited(world, login, events):
    response = login(world.auditor).get(reverse("audit:export"), {"actor": "泗阳"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response["Content-Disposition"]
    rows = read_xlsx(response)
    assert rows[0][:5] == ("序号", "时间", "操作人", "操作人ID", "动作")
    assert [r[0] for r in rows[1:]] == [2, 3]
    assert {r[2] for r in rows[1:]} == {"泗阳承办人"}
    assert rows[2][4] == "account.login" and rows[2][5] == "登录"
    assert isinstance(rows[1][1], dt.datetime)
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor_id == world.auditor.pk
    assert export.after == {"filters": {"actor": "泗阳"}, "rows": 2}


def test_export_masks_personal_data_and_keeps_text_as_text(world, login, events):
    with transaction.atomic():
        record("ticket.update", object_type="tickets.ticket", object_id=1, object_repr='=HYPERLINK("x")')
    rows = read_xlsx(login(world.admin).get(reverse("audit:export")))
    text = repr(rows)
    assert "13812345678" not in text and "138****5678" in text
    assert rows[-1][8] == '=HYPERLINK("x")'


def test_verify_button_runs_the_check_in_the_background_and_shows_the_result(
    world, login, events, django_capture_on_commit_callbacks
):
    client = login(world.auditor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("audit:verify"), **HTMX)
    assert len(callbacks) == 1
    # The page answers at once with a polling progress panel; the task runs after the commit.
    html = response.content.decode()
    assert 'data-state="running"' in html and 'hx-trigger="every 2s"' in html
    verification = ChainVerification.objects.get()
    polled = client.get(reverse("audit:verification", args=[verification.pk])).content.decode()
    assert 'data-state="ok"' in polled and "审计链完整：共 4 个事件" in polled
    verification.refresh_from_db()
    assert verification.ok and verification.requested_by == world.auditor
    assert AuditEvent.objects.filter(action="audit.verify", actor_id=world.auditor.pk).exists()
    page = client.get(reverse("audit:events")).content.decode()
    assert "最近一次校验" in page and "审计链完整：共 4 个事件" in page


def test_a_running_check_is_polled_until_it_finishes(world, login, events):
    verification = ChainVerification.objects.create(started_at=timezone.now(), total=3, checked=1)
    client = login(world.auditor)
    url = reverse("audit:verification", args=[verification.pk])
    running = client.get(url).content.decode()
    assert 'data-state="running"' in running and 'hx-trigger="every 2s"' in running
    assert "已校验 1 / 3" in running
    ChainVerification.objects.filter(pk=verification.pk).update(
        finished_at=timezone.now(),
        ok=False,
        checked=1,
        broken_seq=2,
        reason="事件内容与其哈希不符（事件被改动）",
    )
    done = client.get(url).content.decode()
    assert 'data-state="broken"' in done and "hx-trigger" not in done
    assert "审计链在第 2 号事件处断裂" in done


def test_verify_button_reports_a_broken_chain(world, login, events, django_capture_on_commit_callbacks):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("UPDATE audit_auditevent SET ip = %s WHERE seq = 2", ["10.9.9.9"])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    client = login(world.auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:verify"), **HTMX)
    html = client.get(reverse("audit:events")).content.decode()
    assert 'data-state="broken"' in html and "审计链在第 2 号事件处断裂" in html
    assert 'href="/audit/2/"' in html


def test_verify_without_htmx_redirects_back_to_the_list(
    world, login, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.auditor).post(reverse("audit:verify"))
    assert response.status_code == 302 and response["Location"] == reverse("audit:events")
    assert ChainVerification.objects.get().ok


def test_audit_event_admin_is_read_only(world, login, events):
    client = login(world.admin)
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    assert client.get("/django-admin/audit/auditevent/").status_code == 200
    assert client.get("/django-admin/audit/auditevent/add/").status_code == 403
    pk = events[0].pk
    change = client.get(f"/django-admin/audit/auditevent/{pk}/change/")
    assert change.status_code == 200 and "保存" not in change.content.decode()
    assert client.post(f"/django-admin/audit/auditevent/{pk}/delete/").status_code == 403
