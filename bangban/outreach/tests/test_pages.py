"""Every outreach page answers each role: its own content, an empty state, or "not found"."""

from __future__ import annotations

import pytest

PAGES = [
    "/outreach/projects/",
    "/outreach/projects/new/",
    "/outreach/rounds/",
    "/outreach/overview/",
    "/outreach/policies/",
    "/outreach/policies/new/",
    "/outreach/my-policies/",
    "/outreach/opinions/",
    "/outreach/opinions/new/",
    "/outreach/associations/",
    "/outreach/associations/new/",
    "/outreach/reports/",
    "/outreach/reports/new/",
    "/outreach/events/",
    "/outreach/events/new/",
    "/outreach/symposia/",
    "/outreach/symposia/new/",
]

EXPECTED = {
    # (role attribute on the cast / world) → pages that must be 200 (the others 200, 302 or 404)
    "biz_office": {p for p in PAGES if p not in ("/outreach/reports/new/",)},
    "enterprise_user": {"/outreach/my-policies/", "/outreach/opinions/", "/outreach/symposia/"},
    "supervisor": {"/outreach/reports/", "/outreach/reports/new/"},
    "chief": {"/outreach/projects/", "/outreach/projects/new/", "/outreach/rounds/", "/outreach/policies/"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_pages_answer_each_role(cast, login, who):
    user = getattr(cast, who, None) or getattr(cast.world, who)
    client = login(user)
    for url in PAGES:
        status = client.get(url).status_code
        if url in EXPECTED[who]:
            assert status == 200, (url, status)
        else:
            assert status in (200, 302, 404), (url, status)


def test_outsiders_do_not_get_the_forms(cast, login):
    client = login(cast.world.enterprise_user)
    for url in (
        "/outreach/projects/new/",
        "/outreach/policies/new/",
        "/outreach/reports/new/",
        "/outreach/symposia/new/",
    ):
        assert client.get(url).status_code == 404
    assert login(cast.supervisor).get("/outreach/overview/").status_code == 404


def test_nav_shows_entries_by_role(cast, login):
    assert "招商项目" in login(cast.chief).get("/").content.decode()
    home = login(cast.world.enterprise_user).get("/").content.decode()
    assert "惠企政策" in home and "招商项目" not in home
    assert "反映问题" in login(cast.supervisor).get("/").content.decode()


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_do_not_query_per_row(cast, login):
    from decimal import Decimal

    from bangban.outreach.models import InvestmentProject, Policy

    def add(n):
        for i in range(n):
            InvestmentProject.objects.create(
                name=f"项目{i}",
                enterprise=cast.world.ent_shuyang,
                region=cast.world.shuyang,
                amount=Decimal("100"),
                chief_officer=cast.chief,
                created_by=cast.chief,
            )
            Policy.objects.create(title=f"政策{i}", summary="要点", created_by=cast.world.biz_office)

    client = login(cast.world.biz_office)
    add(2)
    client.get("/outreach/projects/")  # first request of the session warms caches
    few = {url: _queries(client, url) for url in ("/outreach/projects/", "/outreach/policies/")}
    add(8)
    many = {url: _queries(client, url) for url in ("/outreach/projects/", "/outreach/policies/")}
    assert many == few
