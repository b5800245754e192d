"""Case numbers: <channel prefix>-<yyyymmdd in Asia/Shanghai>-<sequence of at least 4 digits>,
unique with several processes taking numbers at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction

from bangban.tickets.models import Channel, NumberCounter
from bangban.tickets.numbering import format_number, next_number
from bangban.workdays.arithmetic import SHANGHAI

NOON = dt.datetime(2026, 11, 27, 12, 0, tzinfo=SHANGHAI)


def test_number_names_channel_day_and_sequence(db):
    assert next_number(Channel.HOTLINE, NOON) == "RX-20261127-0001"
    assert next_number(Channel.HOTLINE, NOON) == "RX-20261127-0002"


def test_each_channel_has_its_own_sequence(db):
    next_number(Channel.HOTLINE, NOON)
    assert next_number(Channel.MAYOR, NOON) == "SZ-20261127-0001"
    assert next_number(Channel.WINDOW, NOON) == "BC-20261127-0001"


def test_sequence_restarts_on_the_next_shanghai_day(db):
    late = dt.datetime(2026, 11, 27, 23, 59, tzinfo=SHANGHAI)
    assert next_number(Channel.PORTAL, late) == "QY-20261127-0001"
    # 16:30 UTC on the 27th is already 00:30 on the 28th in Suqian.
    after_midnight = dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC)
    assert next_number(Channel.PORTAL, after_midnight) == "QY-20261128-0001"


def test_sequence_grows_past_four_digits(db):
    NumberCounter.objects.create(key="QY20261127", last=9999)
    assert next_number(Channel.PORTAL, NOON) == "QY-20261127-10000"
    assert format_number(Channel.PORTAL, NOON, 7) == "QY-20261127-0007"


def test_rolled_back_intake_leaves_a_gap_never_a_duplicate(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        next_number(Channel.API, NOON)
        raise RuntimeError
    assert next_number(Channel.API, NOON) == "JK-20261127-0001"
    assert next_number(Channel.API, NOON) == "JK-20261127-0002"


@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_never_get_the_same_number():
    if connection.vendor != "postgresql":
        pytest.skip("several connections writing at once need PostgreSQL")
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(25):
                with transaction.atomic():
                    number = next_number(Channel.PORTAL, NOON)
                with lock:
                    numbers.append(number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(numbers) == 200
    assert len(set(numbers)) == 200
    assert max(numbers) == "QY-20261127-0200"
