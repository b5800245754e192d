"""Scopes (R0.4): a unit gives a data scope only to someone holding a staff role there."""

from __future__ import annotations

from django.urls import reverse

from bangban.accounts.access import scope_of
from bangban.conftest import make_user
from bangban.enterprises.access import visible_enterprises


def test_a_volunteer_supervisor_registered_under_a_unit_sees_no_enterprises(world, login):
    volunteer = make_user("volunteer", "volunteer_supervisor", unit=world.shuyang_gov)
    assert scope_of(volunteer).empty
    assert visible_enterprises(volunteer).count() == 0
    nav = [item["label"] for item in login(volunteer).get(reverse("core:home")).context["nav_items"]]
    assert "企业库" not in nav and "组织机构" not in nav


def test_an_account_without_roles_sees_nothing_even_in_a_unit(world):
    nobody = make_user("nobody", unit=world.shuyang_gov)
    assert scope_of(nobody).empty
    assert visible_enterprises(nobody).count() == 0


def test_a_county_handler_sees_its_county_only(world):
    scope = scope_of(world.handler_shuyang)
    assert scope.region_path == "/321300/321322/"
    assert list(visible_enterprises(world.handler_shuyang)) == [world.ent_shuyang]
