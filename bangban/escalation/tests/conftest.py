"""The escalation cast: the `cases` cast of the case system plus the mayor's channel (市政府办公室
专人, 对口联系副秘书长, 秘书长, 分管市长, 市长), 作风办, a category routed to the 副秘书长, and helpers
to put a case at a given point of its life through the real actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.conftest import make_user
from bangban.escalation.models import DeputyRoute, VicePortfolio
from bangban.org.models import Unit, UnitType
from bangban.tickets.models import Category, Ticket
from bangban.tickets.tests.conftest import T0, Cases, cases, make_ticket  # noqa: F401
from bangban.workdays.arithmetic import SHANGHAI


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@dataclass
class Esc:
    cases: Cases
    gov_office: Unit
    conduct_unit: Unit
    staff: User
    deputy: User
    secretary: User
    vice_mayor: User
    mayor: User
    conduct: User
    category: Category

    def __getattr__(self, name: str) -> Any:
        # The world's and the case cast's people: esc.dispatcher, esc.handler_shuyang …
        cast = self.__dict__["cases"]
        if hasattr(cast, name):
            return getattr(cast, name)
        return getattr(cast.world, name)

    def dispatched(self, now: dt.datetime = T0, **fields: Any) -> Ticket:
        return self.cases.dispatched(now=now, **fields)

    def in_progress(self, now: dt.datetime = T0, **fields: Any) -> Ticket:
        return self.cases.in_progress(now=now, **fields)


@pytest.fixture
def esc(cases: Cases) -> Esc:  # noqa: F811
    from bangban.escalation.actions import ensure_default_tiers, settings_row

    # The tiers and the settings row are seeded by a migration; a transactional test that ran
    # earlier on this worker flushed them, so put them back as the product would.
    ensure_default_tiers()
    settings_row()
    w = cases.world
    gov_office = Unit.objects.create(
        code="city-gov-office", name="宿迁市人民政府办公室", short_name="市政府办公室",
        type=UnitType.CITY_DEPARTMENT, region=w.city,
    )  # fmt: skip
    conduct_unit = Unit.objects.create(
        code="city-work-style", name="宿迁市作风建设办公室", short_name="市作风办",
        type=UnitType.CITY_DEPARTMENT, region=w.city,
    )  # fmt: skip
    category, _ = Category.objects.get_or_create(
        code="ESC-01", defaults={"name": "涉企审批", "level": 1, "path": "涉企审批"}
    )
    deputy = make_user("fumishuzhang", Role.DEPUTY_SECRETARY_GENERAL, unit=gov_office, full_name="副秘书长")
    DeputyRoute.objects.create(category=category, deputy=deputy)
    vice_mayor = make_user("fenguan", Role.VICE_MAYOR, unit=gov_office, full_name="分管副市长")
    VicePortfolio.objects.create(category=category, vice_mayor=vice_mayor)
    return Esc(
        cases=cases,
        gov_office=gov_office,
        conduct_unit=conduct_unit,
        staff=make_user("shizhengfu", Role.MAYOR_OFFICE, unit=gov_office, full_name="市政府办专人"),
        deputy=deputy,
        secretary=make_user("mishuzhang", Role.SECRETARY_GENERAL, unit=gov_office, full_name="秘书长"),
        vice_mayor=vice_mayor,
        mayor=make_user("shizhang", Role.MAYOR, unit=gov_office, full_name="市长"),
        conduct=make_user("zuofeng", Role.CONDUCT_OFFICE, unit=conduct_unit, full_name="作风办"),
        category=category,
    )
