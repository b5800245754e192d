"""The demo city (`make run`): Suqian's structure, 320 enterprises and one account per role, loaded
any number of times without duplicates."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client
from django.urls import NoReverseMatch, reverse

from bangban.accounts.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_account_lines
from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import DEMO_NOW
from bangban.core.errors import NotFound
from bangban.enterprises.access import access_enterprise, visible_enterprises
from bangban.enterprises.models import Enterprise, Tier
from bangban.enterprises.uscc import is_valid_uscc
from bangban.org.models import Region, Unit
from bangban.shell import demo

# The units the rules (宿政办发〔2024〕15号) name.
NAMED_UNITS = [
    "市商务局",
    "市行政审批局",
    "市工业和信息化局",
    "市民政局",
    "市工商联",
    "市营商办",
    "市作风办",
    "市司法局",
    "市市场监管局",
    "市生态环境局",
    "市应急管理局",
    "市政府办公室",
    "市纪委监委",
    "市市域社会治理现代化指挥中心",
    "市发展改革委",
    "市农业农村局",
]


@pytest.fixture
def no_calendar(monkeypatch, demo_clock):
    import bangban.workdays.demo as calendar_demo

    monkeypatch.setattr(calendar_demo, "load_demo", lambda now: ["工作日历：（测试中跳过）"])


@pytest.fixture
def city(db, no_calendar):
    return demo.load_demo_city(DEMO_NOW)


def counts():
    return (Region.objects.count(), Unit.objects.count(), Enterprise.objects.count(), User.objects.count())


def test_loading_twice_creates_nothing_new_and_leaves_one_summary_event(db, no_calendar):
    first = demo.load_demo_city(DEMO_NOW)
    after_first = counts()
    events = AuditEvent.objects.count()
    second = demo.load_demo_city(DEMO_NOW)
    assert counts() == after_first
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("seq").action == "demo.loaded"
    assert f"本次新建：区划 64、单位 146、企业 320、账号 {len(DEMO_ACCOUNTS)}" in first
    assert "示范数据已存在，本次未做改动" in second
    assert (
        f"区划 64 个，单位 146 个，企业 320 家（市工业百强 100 家），示范账号 {len(DEMO_ACCOUNTS)} 个"
        in second
    )


def test_a_second_load_keeps_what_people_changed(city):
    Unit.objects.filter(code="city-commerce").update(phone="0527-84000000")
    demo.load_demo_city(DEMO_NOW)
    assert Unit.objects.get(code="city-commerce").phone == "0527-84000000"


def test_enterprises_have_valid_codes_and_exactly_100_are_city_top100(city):
    assert Enterprise.objects.count() >= 300
    assert all(is_valid_uscc(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    assert Enterprise.objects.filter(tier=Tier.CITY_TOP100).count() == 100


def test_regions_follow_the_official_codes_and_paths(city):
    assert Region.objects.get(code="321300").path == "/321300/"
    assert Region.objects.get(code="321322").name == "沭阳县"
    township = Region.objects.get(code="321322001")
    assert township.path == "/321300/321322/321322001/"
    assert township.parent is not None and township.parent.code == "321322"
    for region in Region.objects.select_related("parent"):
        assert region.path == region.compute_path()


def test_every_unit_the_rules_name_exists(city):
    units = list(Unit.objects.values_list("name", "short_name"))
    missing = [n for n in NAMED_UNITS if not any(name == "宿迁" + n or short == n for name, short in units)]
    assert missing == []


def test_service_sites_exist_at_four_levels(city):
    levels = Counter(Unit.objects.filter(type="service_site").values_list("site_level", flat=True))
    assert set(levels) == {"city", "county", "township", "village"}
    assert not Unit.objects.exclude(type="service_site").exclude(site_level="").exists()


def test_every_role_has_a_demo_account_that_can_log_in(city):
    users = User.objects.filter(username__in=[a["username"] for a in DEMO_ACCOUNTS]).prefetch_related("roles")
    held = {code for user in users for code in user.role_codes()}
    assert held == set(Role.values)
    for account in DEMO_ACCOUNTS:
        validate_password(DEMO_PASSWORD, User.objects.get(username=account["username"]))
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "chengban_sy", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_demo_accounts_sit_where_the_brief_of_each_role_puts_them(city):
    def unit_of(username):
        return User.objects.select_related("unit").get(username=username).unit

    assert unit_of("yingshangban").short_name == "市营商办"
    assert unit_of("rexian").name == "宿迁市市域社会治理现代化指挥中心"
    assert unit_of("chengban_sy").region.code == "321322"
    assert unit_of("chengban_sq").region.code == "321323"
    assert unit_of("zuofeng").short_name == "市作风办"
    assert unit_of("shouxi").name == "宿迁经济技术开发区管理委员会"
    officer = User.objects.get(username="bangban")
    assert officer.unit is not None and officer.unit.short_name == "市工信局" and officer.rank == "fu_chu"
    assert unit_of("jianduyuan") is None
    enterprise_user = User.objects.select_related("enterprise").get(username="qiye")
    assert enterprise_user.enterprise is not None and enterprise_user.enterprise.tier == Tier.CITY_TOP100


def test_a_county_handler_cannot_open_another_countys_enterprise(city):
    handler = User.objects.get(username="chengban_sy")
    own = Enterprise.objects.filter(region__path__startswith="/321300/321322/")[0]
    other = Enterprise.objects.filter(region__path__startswith="/321300/321323/")[0]
    assert access_enterprise(handler, own.pk) == own
    with pytest.raises(NotFound):
        access_enterprise(handler, other.pk)
    try:
        url = reverse("enterprises:detail", args=[other.pk])
    except NoReverseMatch:
        return
    client = Client()
    client.force_login(handler)
    assert client.get(url).status_code == 404
    assert client.get(reverse("enterprises:detail", args=[own.pk])).status_code == 200


def test_the_volunteer_supervisor_sees_no_enterprises(city):
    volunteer = User.objects.get(username="jianduyuan")
    assert visible_enterprises(volunteer).count() == 0


def test_demo_lines_name_every_account_and_the_password(city):
    lines = demo_account_lines()
    assert len(lines) == len(DEMO_ACCOUNTS) + 1 and lines[-1] == f"密码：{DEMO_PASSWORD}"
    assert any(line.startswith("chengban_sq") and "泗阳县" in line for line in lines)


def test_the_calendar_loader_is_called_and_reported(db, monkeypatch, demo_clock):
    import bangban.workdays.loader as loader

    monkeypatch.setattr(loader, "load_package_years", lambda: [2024, 2025, 2026, 2028])
    lines = demo.load_demo_city(DEMO_NOW)
    assert "工作日历：已载入 2024–2026、2028 年的法定节假日与调休" in lines
    monkeypatch.setattr(loader, "load_package_years", lambda: [])
    assert "工作日历：节假日数据已是最新" in demo.load_demo_city(DEMO_NOW)
