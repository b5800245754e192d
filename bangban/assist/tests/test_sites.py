"""Sites and their roster: 营商办 keeps them (audited); a level must sit in a region of that level;
a 帮办代办员 is a staff member of the site's region; a county reads its own county's sites only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bangban.accounts.roles import Role
from bangban.assist.models import RosterEntry, Site
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user

from .conftest import API, Cast

pytestmark = pytest.mark.django_db


def test_the_biz_office_adds_a_site_and_others_may_not(cast: Cast, login: Any) -> None:
    body = {"name": "沭城街道帮办点", "level": "township", "region": "321322001"}
    response = login(cast.world.biz_office).post(f"{API}/sites", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["region_name"] == "沭城街道"
    again = login(cast.world.biz_office).post(f"{API}/sites", body, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "site_duplicate")
    assert (
        login(cast.world.handler_shuyang)
        .post(f"{API}/sites", body, content_type="application/json")
        .status_code
        == 403
    )
    wrong = {**body, "name": "错层级", "level": "village"}
    answer = login(cast.world.biz_office).post(f"{API}/sites", wrong, content_type="application/json")
    assert (
        answer.json()["code"] == "level_region_mismatch"
        and "村级站点应设在村社区" in answer.json()["message"]
    )
    assert AuditEvent.objects.filter(action="assist.site_create").count() == 4  # three of the cast, one here


def test_the_roster_add_and_remove_with_dates_audited(cast: Cast, login: Any) -> None:
    w = cast.world
    client = login(w.biz_office)
    today = timezone.localdate(cast.now)
    added = client.post(
        f"{API}/sites/{cast.site.pk}/roster", {"user_id": w.handler_shuyang.pk, "start_on": today.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert added.status_code == 201 and added.json()["end_on"] is None
    twice = client.post(
        f"{API}/sites/{cast.site.pk}/roster", {"user_id": w.handler_shuyang.pk, "start_on": today.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert twice.json()["code"] == "already_on_roster"
    stranger = client.post(
        f"{API}/sites/{cast.site.pk}/roster", {"user_id": w.handler_siyang.pk, "start_on": today.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert (
        stranger.json()["code"] == "user_not_in_region"
        and "沭阳县单位的工作人员" in stranger.json()["message"]
    )
    entry_id = added.json()["id"]
    early = client.post(
        f"{API}/roster/{entry_id}/end", {"end_on": (today - dt.timedelta(days=3)).isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert early.json()["code"] == "end_before_start"
    ended = client.post(
        f"{API}/roster/{entry_id}/end", {"end_on": today.isoformat()}, content_type="application/json"
    )
    assert ended.json()["end_on"] == today.isoformat()
    actions = list(
        AuditEvent.objects.filter(object_type="assist.rosterentry", object_id=str(entry_id))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["assist.roster_add", "assist.roster_remove"]
    # Off the roster: no more recording there.
    assert not RosterEntry.objects.filter(user=w.handler_shuyang, end_on__isnull=True).exists()


def test_who_sees_which_sites(cast: Cast, login: Any) -> None:
    w = cast.world
    names = lambda user: {s["name"] for s in login(user).get(f"{API}/sites").json()["items"]}  # noqa: E731
    everything = {"沭阳县帮办代办窗口", "泗阳县帮办代办窗口", "城中社区帮办点"}
    assert names(w.biz_office) == everything and names(w.auditor) == everything
    officers = {s["name"]: s["officers"] for s in login(w.biz_office).get(f"{API}/sites").json()["items"]}
    assert officers == {"沭阳县帮办代办窗口": 1, "泗阳县帮办代办窗口": 1, "城中社区帮办点": 0}
    assert names(w.handler_shuyang) == {"沭阳县帮办代办窗口", "城中社区帮办点"}
    assert names(cast.officer_siyang) == {"泗阳县帮办代办窗口"}
    assert names(w.enterprise_user) == set()
    assert login(w.handler_siyang).get(f"{API}/sites/{cast.site.pk}").status_code == 404
    assert login(w.handler_siyang).get(f"/assist/sites/{cast.site.pk}/").status_code == 404
    volunteer = make_user("jiandu", Role.VOLUNTEER_SUPERVISOR)
    assert login(volunteer).get("/assist/").status_code == 404


def test_the_site_pages(cast: Cast, login: Any) -> None:
    client = login(cast.world.biz_office)
    listing = client.get("/assist/sites/?level=county").content.decode()
    assert "沭阳县帮办代办窗口" in listing and "城中社区帮办点" not in listing
    created = client.post(
        "/assist/sites/", {"name": "市级帮办专区", "level": "city", "region": "321300"}, follow=True
    )
    assert "已新增站点" in created.content.decode()
    site = Site.objects.get(name="市级帮办专区")
    bad = client.post("/assist/sites/", {"name": "无区划", "level": "city", "region": "000000"})
    assert bad.status_code == 400 and "请选择站点所属的行政区划" in bad.content.decode()
    city_staff = cast.world.city_handler
    today = timezone.localdate(cast.now).isoformat()
    page = client.post(
        f"/assist/sites/{site.pk}/roster/", {"user": city_staff.pk, "start_on": today}, follow=True
    )
    assert "已列入市级帮办专区帮办代办员名册" in page.content.decode()
    entry = RosterEntry.objects.get(site=site)
    ended = client.post(
        f"/assist/roster/{entry.pk}/end/", {"end_on": today, "version": entry.version}, follow=True
    )
    assert "已离岗" in ended.content.decode()
    assert (
        login(cast.officer).post(f"/assist/sites/{site.pk}/roster/", {"user": cast.officer.pk}).status_code
        == 403
    )
