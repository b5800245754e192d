"""Administrators manage accounts in the product's own pages (R0.4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bangban.accounts.idcard import make_id_number
from bangban.accounts.models import User
from bangban.audit.models import AuditEvent
from bangban.conftest import PASSWORD, make_user

GOOD_PASSWORD = "Shuyang-Handler-88"
VALID_ID = make_id_number("32132219850101123")


def new_user(**data):
    form = {
        "username": "li_si",
        "full_name": "李四",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "roles": [],
        "unit": "",
        "rank": "",
        "title": "",
        "phone": "",
        "id_number": "",
        "email": "",
        "enterprise_uscc": "",
    }
    form.update(data)
    return form


def test_admin_creates_a_handler_who_can_then_log_in(world, login):
    data = new_user(roles=["handler"], unit=str(world.shuyang_gov.pk), rank="keyuan", phone="13800001111")
    response = login(world.admin).post(reverse("accounts:user_create"), data)
    user = User.objects.get(username="li_si")
    assert response.status_code == 302 and response["Location"] == reverse(
        "accounts:user_detail", args=[user.pk]
    )
    assert user.role_codes() == {"handler"} and user.unit == world.shuyang_gov and user.rank == "keyuan"
    after = AuditEvent.objects.get(action="account.created", object_id=str(user.pk)).after or {}
    assert after["roles"] == ["handler"] and after["phone"] == "138****1111"
    assert "password" not in after
    fresh = Client()
    assert (
        fresh.post(reverse("accounts:login"), {"username": "li_si", "password": GOOD_PASSWORD}).status_code
        == 302
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!", "密码太短，至少需要 10 个字符"),
        ("alllowercaseletters", "密码须至少包含大写字母、小写字母、数字、符号中的三类"),
        ("12345678901234", "密码不能全部是数字"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(world, login, password, message):
    response = login(world.admin).post(
        reverse("accounts:user_create"), new_user(password1=password, password2=password)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="li_si").exists()


def test_a_password_like_the_username_is_refused(world, login):
    data = new_user(username="zhangsanfeng", password1="Zhangsanfeng1!", password2="Zhangsanfeng1!")
    response = login(world.admin).post(reverse("accounts:user_create"), data)
    assert "密码与用户名太相似" in response.content.decode()
    assert not User.objects.filter(username="zhangsanfeng").exists()


def test_mismatched_passwords_are_refused(world, login):
    response = login(world.admin).post(reverse("accounts:user_create"), new_user(password2="Other-pass-2024"))
    assert "两次输入的密码不一致" in response.content.decode()


def test_an_id_number_with_a_wrong_check_digit_is_refused(world, login):
    wrong = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    response = login(world.admin).post(reverse("accounts:user_create"), new_user(id_number=wrong))
    assert "身份证号校验位不正确" in response.content.decode()
    assert not User.objects.filter(username="li_si").exists()
    ok = login(world.admin).post(reverse("accounts:user_create"), new_user(id_number=VALID_ID.lower()))
    assert ok.status_code == 302 and User.objects.get(username="li_si").id_number == VALID_ID.upper()


def test_an_enterprise_user_needs_an_enterprise(world, login):
    response = login(world.admin).post(reverse("accounts:user_create"), new_user(roles=["enterprise"]))
    assert "企业用户必须关联所属企业" in response.content.decode()
    linked = login(world.admin).post(
        reverse("accounts:user_create"), new_user(roles=["enterprise"], enterprise_uscc=world.ent_siyang.uscc)
    )
    assert linked.status_code == 302
    assert User.objects.get(username="li_si").enterprise == world.ent_siyang


def test_an_enterprise_user_may_not_hold_staff_roles(world, login):
    data = new_user(roles=["enterprise", "handler"], enterprise_uscc=world.ent_siyang.uscc)
    response = login(world.admin).post(reverse("accounts:user_create"), data)
    assert "企业用户不能同时拥有工作人员角色（承办人）" in response.content.decode()


def test_only_enterprise_users_are_linked_to_an_enterprise(world, login):
    data = new_user(roles=["biz_office"], enterprise_uscc=world.ent_siyang.uscc)
    response = login(world.admin).post(reverse("accounts:user_create"), data)
    assert "只有企业用户才能关联企业" in response.content.decode()


def test_an_unknown_enterprise_code_is_refused(world, login):
    data = new_user(roles=["enterprise"], enterprise_uscc="91321322MA00000000")
    response = login(world.admin).post(reverse("accounts:user_create"), data)
    assert "未找到统一社会信用代码为 91321322MA00000000 的企业" in response.content.decode()


def test_a_handler_needs_a_unit(world, login):
    response = login(world.admin).post(reverse("accounts:user_create"), new_user(roles=["handler"]))
    assert "承办人须选择所在单位" in response.content.decode()


def test_a_taken_username_is_refused(world, login):
    response = login(world.admin).post(reverse("accounts:user_create"), new_user(username="Handler_SY"))
    assert "用户名 Handler_SY 已被使用" in response.content.decode()


def test_admin_changes_roles_unit_and_rank_with_an_audited_diff(world, login):
    target = world.handler_siyang
    data = {
        "full_name": "泗阳承办人",
        "roles": ["handler", "unit_head"],
        "unit": str(world.siyang_gov.pk),
        "rank": "fu_ke",
        "title": "副主任",
        "phone": "13900002222",
        "id_number": "",
        "email": "",
        "enterprise_uscc": "",
        "version": str(target.version),
    }
    response = login(world.admin).post(reverse("accounts:user_edit", args=[target.pk]), data)
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.role_codes() == {"handler", "unit_head"} and target.rank == "fu_ke" and target.version == 2
    event = AuditEvent.objects.get(action="account.updated")
    before, after = event.before or {}, event.after or {}
    assert before["roles"] == ["handler"] and after["roles"] == ["handler", "unit_head"]
    assert after["phone"] == "139****2222" and before["rank"] == ""
    stale = login(world.admin).post(reverse("accounts:user_edit", args=[target.pk]), {**data, "version": "1"})
    assert "已被他人修改" in stale.content.decode()


def test_an_admin_cannot_drop_their_own_admin_role_or_deactivate_themselves(world, login):
    client = login(world.admin)
    data = {
        "full_name": "系统管理员",
        "roles": ["auditor"],
        "unit": str(world.biz_office_unit.pk),
        "rank": "",
        "title": "",
        "phone": "",
        "id_number": "",
        "email": "",
        "enterprise_uscc": "",
    }
    response = client.post(reverse("accounts:user_edit", args=[world.admin.pk]), data)
    assert "不能取消自己的系统管理员角色" in response.content.decode()
    page = client.post(reverse("accounts:user_active", args=[world.admin.pk]), {"active": "0"}, follow=True)
    assert "不能停用自己的账号" in page.content.decode()
    assert User.objects.get(pk=world.admin.pk).is_active


def test_a_deactivated_account_can_no_longer_log_in(world, login):
    client = login(world.admin)
    client.post(reverse("accounts:user_active", args=[world.handler_siyang.pk]), {"active": "0"})
    assert not User.objects.get(pk=world.handler_siyang.pk).is_active
    response = Client().post(reverse("accounts:login"), {"username": "handler_sq", "password": PASSWORD})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="account.deactivated").count() == 1


def test_admin_unlocks_a_locked_account(world, login):
    User.objects.filter(pk=world.handler_shuyang.pk).update(
        locked_until=timezone.now() + dt.timedelta(minutes=10), failed_login_count=0
    )
    fresh = Client()
    blocked = fresh.post(reverse("accounts:login"), {"username": "handler_sy", "password": PASSWORD})
    assert "连续输错多次的账号会被暂时锁定" in blocked.content.decode()
    admin = login(world.admin)
    locked_list = admin.get(reverse("accounts:users"), {"status": "locked"})
    assert [row["user"].username for row in locked_list.context["rows"]] == ["handler_sy"]
    assert admin.post(reverse("accounts:user_unlock", args=[world.handler_shuyang.pk])).status_code == 302
    user = User.objects.get(pk=world.handler_shuyang.pk)
    assert user.locked_until is None and user.failed_login_count == 0
    event = AuditEvent.objects.get(action="account.unlocked")
    assert event.actor_id == world.admin.pk and (event.before or {})["locked_until"] is not None
    assert (
        fresh.post(reverse("accounts:login"), {"username": "handler_sy", "password": PASSWORD}).status_code
        == 302
    )


def test_admin_resets_a_password(world, login):
    client = login(world.admin)
    weak = client.post(
        reverse("accounts:user_password", args=[world.handler_siyang.pk]),
        {"password1": "short", "password2": "short"},
    )
    assert "密码太短" in weak.content.decode()
    new = "Siyang-Reset-2025!"
    ok = client.post(
        reverse("accounts:user_password", args=[world.handler_siyang.pk]),
        {"password1": new, "password2": new},
    )
    assert ok.status_code == 302
    assert User.objects.get(pk=world.handler_siyang.pk).check_password(new)
    event = AuditEvent.objects.get(action="account.password_reset")
    assert event.before is None and event.after is None


def test_users_change_their_own_password(world, login):
    client = login(world.handler_siyang)
    wrong = client.post(
        reverse("accounts:password"),
        {"old_password": "nope", "new_password": "Fresh-pass-2025", "new_password2": "Fresh-pass-2025"},
    )
    assert "原密码不正确" in wrong.content.decode()
    ok = client.post(
        reverse("accounts:password"),
        {"old_password": PASSWORD, "new_password": "Fresh-pass-2025", "new_password2": "Fresh-pass-2025"},
    )
    assert ok.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200  # the session survives the change
    assert User.objects.get(pk=world.handler_siyang.pk).check_password("Fresh-pass-2025")
    assert AuditEvent.objects.filter(
        action="account.password_changed", actor_id=world.handler_siyang.pk
    ).exists()


def test_user_list_searches_filters_and_pages(world, login):
    for n in range(25):
        make_user(f"sy_staff{n:02d}", "handler", unit=world.shuyang_gov, full_name=f"沭阳干部{n}")
    client = login(world.admin)
    by_name = client.get(reverse("accounts:users"), {"q": "沭阳干部"})
    assert by_name.context["page"].paginator.count == 25 and len(by_name.context["rows"]) == 20
    assert len(client.get(reverse("accounts:users"), {"q": "沭阳干部", "page": 2}).context["rows"]) == 5
    by_unit_name = client.get(reverse("accounts:users"), {"q": "泗阳县"})
    assert [r["user"].username for r in by_unit_name.context["rows"]] == ["handler_sq"]
    by_role = client.get(reverse("accounts:users"), {"role": "auditor"})
    assert [r["user"].username for r in by_role.context["rows"]] == ["auditor"]
    by_unit = client.get(reverse("accounts:users"), {"unit": world.approval_bureau.pk})
    assert [r["user"].username for r in by_unit.context["rows"]] == ["handler_city"]


def test_user_list_queries_do_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.admin)
    client.get(reverse("accounts:users"))
    with django_assert_max_num_queries(15) as baseline:
        client.get(reverse("accounts:users"))
    for n in range(15):
        make_user(f"extra{n}", "handler", unit=world.shuyang_gov)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(reverse("accounts:users"))


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("accounts:users", [], "get"),
        ("accounts:user_create", [], "get"),
        ("accounts:user_create", [], "post"),
        ("accounts:user_detail", ["TARGET"], "get"),
        ("accounts:user_edit", ["TARGET"], "get"),
        ("accounts:user_edit", ["TARGET"], "post"),
        ("accounts:user_password", ["TARGET"], "post"),
        ("accounts:user_unlock", ["TARGET"], "post"),
        ("accounts:user_active", ["TARGET"], "post"),
        ("accounts:tokens", [], "get"),
        ("accounts:token_create", [], "post"),
    ],
)
@pytest.mark.parametrize("who", ["biz_office", "auditor", "handler_shuyang", "enterprise_user"])
def test_only_admins_reach_account_management(world, login, name, args, method, who):
    target = world.handler_siyang
    url = reverse(name, args=[target.pk if a == "TARGET" else a for a in args])
    data = {"active": "0", "password1": "Whatever-pass-99", "password2": "Whatever-pass-99", "username": "x"}
    response = getattr(login(getattr(world, who)), method)(url, data)
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.is_active and target.check_password(PASSWORD)


def test_admin_sees_unmasked_data_that_others_see_masked(world, login):
    User.objects.filter(pk=world.handler_siyang.pk).update(phone="13911112222", id_number=VALID_ID)
    detail = login(world.admin).get(reverse("accounts:user_detail", args=[world.handler_siyang.pk]))
    assert "13911112222" in detail.content.decode() and VALID_ID in detail.content.decode()
    directory = login(world.handler_shuyang).get(reverse("org:unit_detail", args=[world.siyang_gov.pk]))
    assert "139****2222" in directory.content.decode()
