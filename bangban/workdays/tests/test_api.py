"""/api/v1/workdays: reading for every official, changes for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bangban.workdays.models import CalendarDay, CalendarYear, DayKind

from .conftest import SCHEDULE_2027, csv_bytes

API = "/api/v1/workdays"


def test_due_endpoint(world: Any, login: Any, package_calendar: Any) -> None:
    response = login(world.handler_shuyang).get(f"{API}/due", {"received": "2026-09-30T18:00", "n": "5"})

    assert response.status_code == 200
    assert response.json() == {
        "received": "2026-09-30T18:00:00+08:00",
        "n": 5,
        "due_date": "2026-10-13",
        "due_at": "2026-10-13T23:59:59+08:00",
        "provisional": False,
        "unloaded_years": [],
    }


def test_due_endpoint_accepts_a_date_and_flags_2027_provisional(
    world: Any, login: Any, package_calendar: Any
) -> None:
    body = login(world.city_handler).get(f"{API}/due", {"received": "2026-12-28", "n": "5"}).json()
    assert body["due_date"] == "2027-01-04"
    assert body["provisional"] is True
    assert body["unloaded_years"] == [2027]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"received": "2026-02-30", "n": "5"}, "invalid_date"),
        ({"received": "yesterday", "n": "5"}, "invalid_date"),
        ({"received": "2026-09-30", "n": "-1"}, "negative_workdays"),
        ({"received": "2026-09-30", "n": "five"}, "invalid_workdays"),
        ({"received": "9999-12-30", "n": "10"}, "date_out_of_range"),
    ],
)
def test_due_endpoint_bad_input(
    world: Any, login: Any, package_calendar: Any, params: dict, code: str
) -> None:
    response = login(world.biz_office).get(f"{API}/due", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["message"]


def test_due_endpoint_missing_parameter_is_a_validation_error(
    world: Any, login: Any, package_calendar: Any
) -> None:
    response = login(world.biz_office).get(f"{API}/due", {"received": "2026-09-30"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_between_endpoint(world: Any, login: Any, package_calendar: Any) -> None:
    body = (
        login(world.biz_office)
        .get(f"{API}/between", {"start": "2026-09-30", "end": "2026-10-13T10:00"})
        .json()
    )
    assert body["workdays"] == 5
    assert body["provisional"] is False


def test_years_and_days(world: Any, login: Any, package_calendar: Any) -> None:
    client = login(world.auditor)
    years = client.get(f"{API}/years").json()
    assert years[0]["year"] == 2026
    assert years[0]["source"] == "package"
    assert (years[0]["holidays"], years[0]["workdays"]) == (33, 6)
    assert len(years) == CalendarYear.objects.count()

    days = client.get(f"{API}/days", {"year": 2026}).json()
    assert len(days) == 39
    makeup = next(d for d in days if d["date"] == "2026-10-10")
    assert makeup == {
        "date": "2026-10-10",
        "weekday": 6,
        "kind": "workday",
        "kind_label": "调休上班",
        "name": "国庆节调休",
        "source": "package",
    }
    assert client.get(f"{API}/days", {"year": 2027}).json() == []
    refused = client.get(f"{API}/days", {"year": 1800})
    assert refused.status_code == 422 and refused.json()["code"] == "validation_error"


def test_reading_needs_a_login(db: Any) -> None:
    response = Client().get(f"{API}/due", {"received": "2026-09-30", "n": "5"})
    assert response.status_code == 401


def test_enterprise_users_do_not_get_the_calendar_api(world: Any, login: Any, package_calendar: Any) -> None:
    response = login(world.enterprise_user).get(f"{API}/due", {"received": "2026-09-30", "n": "5"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["biz_office", "auditor", "handler_shuyang", "city_handler"])
def test_non_administrators_cannot_change_days(
    world: Any, login: Any, package_calendar: Any, who: str
) -> None:
    client = login(getattr(world, who))
    response = client.post(
        f"{API}/days", {"date": "2026-12-31", "kind": "holiday", "name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    response = client.delete(f"{API}/days/2026-10-10")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    upload = SimpleUploadedFile("2027.csv", csv_bytes(SCHEDULE_2027))
    assert client.post(f"{API}/years/2027/import", {"file": upload}).status_code == 403
    assert not CalendarDay.objects.filter(date=dt.date(2026, 12, 31)).exists()
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).kind == DayKind.WORKDAY


def test_administrator_sets_and_removes_a_day(world: Any, login: Any, package_calendar: Any) -> None:
    client = login(world.admin)
    response = client.post(
        f"{API}/days",
        {"date": "2026-12-31", "kind": "holiday", "name": "市里放假"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["source"] == "manual"
    due = client.get(f"{API}/due", {"received": "2026-12-29", "n": "2"}).json()
    assert due["due_date"] == "2027-01-01"

    assert client.delete(f"{API}/days/2026-12-31").status_code == 204
    due = client.get(f"{API}/due", {"received": "2026-12-29", "n": "2"}).json()
    assert due["due_date"] == "2026-12-31"
    again = client.delete(f"{API}/days/2026-12-31")
    assert again.status_code == 404
    assert again.json()["code"] == "day_not_adjusted"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"date": "2026-13-01", "kind": "holiday"}, "invalid_date"),
        ({"date": "2026-12-31", "kind": "weekend"}, "invalid_kind"),
        ({"date": "2027-01-01", "kind": "holiday"}, "year_not_loaded"),
    ],
)
def test_administrator_bad_day_input(
    world: Any, login: Any, package_calendar: Any, payload: dict, code: str
) -> None:
    response = login(world.admin).post(f"{API}/days", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_administrator_imports_a_year_through_the_api(world: Any, login: Any, package_calendar: Any) -> None:
    client = login(world.admin)
    assert client.get(f"{API}/due", {"received": "2026-12-28", "n": "5"}).json()["provisional"] is True

    upload = SimpleUploadedFile("2027.csv", csv_bytes(SCHEDULE_2027, encoding="utf-8-sig"))
    response = client.post(f"{API}/years/2027/import", {"file": upload})

    assert response.status_code == 200
    assert response.json() == {"year": 2027, "holidays": 17, "workdays": 2, "replaced": 0, "warnings": []}
    due = client.get(f"{API}/due", {"received": "2026-12-28", "n": "5"}).json()
    assert (due["due_date"], due["provisional"]) == ("2027-01-05", False)


def test_api_import_errors_come_back_per_row(world: Any, login: Any, package_calendar: Any) -> None:
    upload = SimpleUploadedFile(
        "2027.csv", csv_bytes([("2027-01-01", "节假日", ""), ("2027-01-01", "节假日", "")])
    )
    response = login(world.admin).post(f"{API}/years/2027/import", {"file": upload})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rejected"
    assert body["details"] == [{"row": 3, "message": "日期 2027-01-01 与第 2 行重复"}]
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_bearer_token_clients_use_the_api(world: Any, package_calendar: Any) -> None:
    from bangban.accounts.models import ApiToken, hash_token

    raw = ApiToken.generate_raw()
    ApiToken.objects.create(user=world.city_handler, name="对接系统", key_hash=hash_token(raw))
    response = Client().get(
        f"{API}/due", {"received": "2026-09-30", "n": "5"}, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200
    assert response.json()["due_date"] == "2026-10-13"
