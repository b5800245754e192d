"""The 跑现场 cast on top of `world`: the unit head of 沭阳县政府 (whose runs the tests follow), the
unit head of 泗阳县政府 (another unit), the unit head of 市行政审批局 (an owner unit of items), and a
clock fixed on Tuesday 10 November 2026, 10:00 in Suqian."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from bangban.accounts.roles import Role
from bangban.conftest import World, make_user

API = "/api/v1/fieldruns"
NOW = dt.datetime(2026, 11, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
TODAY = NOW.date()


class Cast:
    world: World
    head: Any  # 单位负责人, 沭阳县政府
    head_siyang: Any  # 单位负责人, 泗阳县政府
    head_owner: Any  # 单位负责人, 市行政审批局 (owner unit of items)


@pytest.fixture
def clock() -> Iterator[dt.datetime]:
    with time_machine.travel(NOW, tick=True):
        yield NOW


@pytest.fixture
def cast(world: World, clock: dt.datetime) -> Cast:
    c = Cast()
    c.world = world
    c.head = make_user("head_sy", Role.UNIT_HEAD, unit=world.shuyang_gov, full_name="沭阳县长")
    c.head_siyang = make_user("head_sq", Role.UNIT_HEAD, unit=world.siyang_gov, full_name="泗阳县长")
    c.head_owner = make_user("head_sp", Role.UNIT_HEAD, unit=world.approval_bureau, full_name="审批局长")
    return c


def book_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "planned_on": TODAY.isoformat(),
        "service": "企业开办",
        "place": "沭阳县政务服务中心一楼",
        "kind": "experience",
        "role": "applicant",
    }
    body.update(overrides)
    return body


def record_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "done_on": TODAY.isoformat(),
        "steps": "取号→受理→审核→出照",
        "minutes": 90,
        "findings": ["网上申报要求重复上传身份证", "刻章窗口无引导标识"],
    }
    body.update(overrides)
    return body


def item_body(finding_id: int, owner_unit_id: int | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "finding_id": finding_id,
        "owner_unit_id": owner_unit_id,
        "owner_person": "刘科长",
        "workdays": 5,
    }
    body.update(overrides)
    return body


def booked(client: Any, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"{API}/runs", book_body(**overrides), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def recorded(client: Any, book: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """A run booked (with `book` changed in the booking) and recorded (with `overrides`)."""
    run = booked(client, **(book or {}))
    response = client.post(
        f"{API}/runs/{run['id']}/record", record_body(**overrides), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()
