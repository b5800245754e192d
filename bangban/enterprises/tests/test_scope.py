"""Enterprise visibility by role, unit and region (R0.4)."""

from __future__ import annotations

from django.urls import reverse

from bangban.enterprises.access import visible_enterprises


def test_county_handler_sees_only_own_county(world):
    names = set(visible_enterprises(world.handler_shuyang).values_list("name", flat=True))
    assert names == {"沭阳示例纺织有限公司"}


def test_city_roles_see_the_whole_city(world):
    for user in (world.admin, world.biz_office, world.city_handler):
        assert visible_enterprises(user).count() == 2


def test_enterprise_user_sees_only_itself(world):
    assert list(visible_enterprises(world.enterprise_user)) == [world.ent_shuyang]


def test_enterprise_list_page_is_scoped(world, login):
    page = login(world.handler_siyang).get(reverse("enterprises:list")).content.decode()
    assert "泗阳示例食品有限公司" in page
    assert "沭阳示例纺织有限公司" not in page
