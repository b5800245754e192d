"""The audit log is append-only and tamper-evident (R0.5): every event is chained to the one
before it, `verify_audit_chain` names the first broken link, and nothing updates or deletes events."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from bangban.audit.actions import GENESIS_HASH, event_hash, record, record_personal_data_view
from bangban.audit.models import AppendOnlyViolation, AuditEvent, ChainHead, ChainVerification
from bangban.audit.verify import verify_chain

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger and row locks are PostgreSQL's"
)


def append(n: int, **kwargs) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                record(
                    kwargs.get("action", "ticket.update"),
                    object_type="tickets.ticket",
                    object_id=i + 1,
                    object_repr=f"诉求 {i + 1}",
                    before={"status": "待派单", "n": i},
                    after={"status": "已派单", "n": i, "note": "已联系企业"},
                    ip="10.0.0.7",
                )
            )
    return events


def run_verify() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit_chain", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def tamper(sql: str, params: list) -> None:
    """What a database superuser could do behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_each_event_carries_the_hash_of_the_one_before(db):
    events = append(3)
    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3]
    assert stored[0].prev_hash == GENESIS_HASH
    assert stored[1].prev_hash == stored[0].hash
    assert stored[2].prev_hash == stored[1].hash
    assert len({e.hash for e in stored}) == 3
    # The hash is over exactly what the database gives back.
    for e in stored:
        assert e.hash == event_hash(
            seq=e.seq,
            at=e.at,
            actor_id=e.actor_id,
            actor_name=e.actor_name,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_repr=e.object_repr,
            before=e.before,
            after=e.after,
            ip=e.ip,
            source=e.source,
            prev_hash=e.prev_hash,
        )
    head = ChainHead.objects.get(pk=1)
    assert (head.last_seq, head.last_hash) == (3, events[-1].hash)


def test_clean_chain_verifies_and_the_command_says_so(db):
    append(5)
    status, output = run_verify()
    assert status == 0
    assert output.strip() == "审计链完整：共 5 个事件\n全部事件以审计密钥（HMAC-SHA256）签名"
    verification = ChainVerification.objects.get()
    assert verification.ok is True and verification.checked == 5


def test_empty_log_verifies(db):
    status, output = run_verify()
    assert status == 0 and "共 0 个事件" in output


def test_a_changed_event_breaks_the_chain_at_that_event(db):
    append(4)
    tamper("UPDATE audit_auditevent SET actor_name = %s WHERE seq = %s", ["冒名者", 3])
    status, output = run_verify()
    assert status == 1
    assert "审计链在第 3 号事件处断裂" in output
    assert "被改动" in output
    verification = ChainVerification.objects.get()
    assert verification.ok is False and verification.broken_seq == 3


def test_a_changed_before_value_is_detected(db):
    append(3)
    tamper(
        "UPDATE audit_auditevent SET after = %s WHERE seq = %s",
        ['{"status": "已办结", "n": 1, "note": "已联系企业"}', 2],
    )
    status, output = run_verify()
    assert status == 1 and "第 2 号事件处断裂" in output


def test_a_forged_event_with_a_recomputed_hash_is_caught_by_its_successor(db):
    append(3)
    forged = AuditEvent.objects.get(seq=2)
    new_hash = event_hash(
        seq=2,
        at=forged.at,
        actor_id=forged.actor_id,
        actor_name="冒名者",
        action=forged.action,
        object_type=forged.object_type,
        object_id=forged.object_id,
        object_repr=forged.object_repr,
        before=forged.before,
        after=forged.after,
        ip=forged.ip,
        source=forged.source,
        prev_hash=forged.prev_hash,
    )
    tamper("UPDATE audit_auditevent SET actor_name = %s, hash = %s WHERE seq = %s", ["冒名者", new_hash, 2])
    result = verify_chain()
    assert not result.ok
    assert result.broken_seq == 3 and "前序哈希不一致" in result.reason


def test_a_deleted_middle_event_is_named(db):
    append(5)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    status, output = run_verify()
    assert status == 1
    assert "审计链在第 3 号事件处断裂" in output and "缺少序号 3" in output


def test_a_deleted_last_event_is_named(db):
    append(4)
    tamper("DELETE FROM audit_auditevent WHERE seq = %s", [4])
    status, output = run_verify()
    assert status == 1
    assert "审计链在第 4 号事件处断裂" in output and "末尾事件被删除" in output


def test_events_appended_after_the_check_started_are_not_mistaken_for_damage(db):
    append(3)
    # The chain head says 3; an event appended later is beyond what this check covers.
    seen = []

    def progress(checked: int, total: int) -> None:
        seen.append((checked, total))

    assert verify_chain(chunk_size=2, progress=progress).ok
    assert seen[-1] == (3, 3)


def test_model_refuses_to_change_or_delete_an_event(db):
    event = append(1)[0]
    event.actor_name = "改名"
    with pytest.raises(AppendOnlyViolation):
        event.save()
    with pytest.raises(AppendOnlyViolation):
        event.delete()
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="改名")
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.bulk_update([event], ["actor_name"])
    with pytest.raises(AppendOnlyViolation):
        AuditEvent.objects.update_or_create(seq=1, defaults={"actor_name": "x"})
    assert AuditEvent.objects.get(pk=event.pk).actor_name == "系统"
    assert verify_chain().ok


@on_postgresql
def test_database_refuses_update_and_delete_on_postgresql(db):
    append(2)
    for sql in (
        "UPDATE audit_auditevent SET actor_name = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 2",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 2
    assert verify_chain().ok


def test_unparseable_source_ip_is_dropped_not_fatal(db):
    with transaction.atomic():
        event = record("ticket.update", object_type="tickets.ticket", object_id=1, ip="unknown, 10.0.0.1")
    assert event.ip is None
    stored = {}
    for raw, expected in [
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::ffff:10.0.0.1", "::ffff:10.0.0.1"),
        ("::10.0.0.2", "10.0.0.2"),
        ("fe80::1%eth0", "fe80::1"),
        (" 10.0.0.3 ", "10.0.0.3"),
    ]:
        with transaction.atomic():
            stored[record("ticket.update", object_type="tickets.ticket", object_id=1, ip=raw).pk] = expected
    assert {pk: AuditEvent.objects.get(pk=pk).ip for pk in stored} == stored
    assert verify_chain().ok


def test_login_is_recorded_with_source_ip(world, client):
    from bangban.conftest import PASSWORD

    client.post("/accounts/login/", {"username": "auditor", "password": PASSWORD}, REMOTE_ADDR="10.20.30.40")
    event = AuditEvent.objects.filter(action="account.login").get()
    assert event.ip == "10.20.30.40" and event.source == "web"
    assert event.actor_id == world.auditor.pk and event.actor_name == "审计员"


def test_viewing_personal_data_is_recorded(world):
    with transaction.atomic():
        record_personal_data_view(world.admin, world.handler_shuyang, ["phone", "id_number"])
    event = AuditEvent.objects.get(action="personal_data.view")
    assert event.actor_id == world.admin.pk
    assert event.object_type == "accounts.user" and event.object_id == str(world.handler_shuyang.pk)
    assert event.after == {"fields": ["id_number", "phone"]}


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_two_threads_keep_one_valid_chain():
    per_thread = 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record("ticket.update", object_type="tickets.ticket", object_id=i, object_repr=name)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * per_thread + 1))
    assert set(AuditEvent.objects.values_list("object_repr", flat=True)) == {"甲", "乙"}
    result = verify_chain()
    assert result.ok and result.checked == 2 * per_thread
    times = list(AuditEvent.objects.order_by("seq").values_list("at", flat=True))
    assert times == sorted(times)


def test_the_chain_is_verified_every_night(db):
    from bangban.audit.tasks import verify_audit_chain_nightly
    from bangban.core.scheduler import registered_jobs

    job = registered_jobs()["audit.verify_chain"]
    assert job.task is verify_audit_chain_nightly
    append(2)
    assert verify_audit_chain_nightly.call() == {"ok": True, "checked": 2, "broken_seq": None}
    assert ChainVerification.objects.get().ok


def test_awkward_values_survive_the_database_round_trip(db):
    import datetime as dt
    import decimal

    with transaction.atomic():
        record(
            "ticket.update",
            object_type="tickets.ticket",
            object_id=1,
            before={"big": 1e20, "small": 1e-7, "ratio": 0.1 + 0.2, "nan": float("nan"), "inf": float("inf")},
            after={
                "amount": decimal.Decimal("12.50"),
                "due": dt.date(2026, 3, 5),
                "tags": {"b", "a"},
                "nested": {"z": [1, {"y": None}], "a": "沭阳"},
                "text": 'quote " and \\ backslash \n newline \u2028',
            },
        )
    event = AuditEvent.objects.get()
    assert event.before == {
        "big": 10**20,
        "small": 1e-7,
        "ratio": 0.30000000000000004,
        "nan": "NaN",
        "inf": "Infinity",
    }
    assert event.after is not None
    assert event.after["amount"] == "12.50" and event.after["tags"] == ["a", "b"]
    result = verify_chain()
    assert result.ok, result.reason
