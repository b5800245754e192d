"""The registry's pages: list and filters, detail, create and edit forms, deactivation and the
enterprise's own page — scoped by role and region (R0.2, R0.4)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_enterprise, make_region, make_user
from bangban.enterprises.models import Enterprise, Tier
from bangban.org.models import RegionLevel, Unit, UnitType

from .conftest import code

LIST_URL = reverse("enterprises:list")
CREATE_URL = reverse("enterprises:create")


def form_data(**overrides):
    data = {
        "uscc": code(1),
        "name": "沭阳新登记有限公司",
        "region": "",
        "industry": "C",
        "scale": "small",
        "tier": "general",
        "legal_representative": "王五",
        "address": "沭阳县人民路1号",
        "established": "2018-06-01",
        "liaison_name": "赵六",
        "liaison_phone": "13900000001",
        "liaison_id_number": "",
        "contact_phone": "0527-83000000",
    }
    data.update(overrides)
    return data


def edit_data(enterprise: Enterprise, **overrides):
    """What the edit form posts back unchanged (for someone who sees phone numbers)."""
    data = {
        name: getattr(enterprise, name) or ""
        for name in (
            "uscc",
            "name",
            "industry",
            "scale",
            "tier",
            "legal_representative",
            "address",
            "liaison_name",
            "liaison_phone",
            "liaison_id_number",
            "contact_phone",
        )
    }
    data["region"] = str(enterprise.region_id)
    data["established"] = enterprise.established.isoformat() if enterprise.established else ""
    data["version"] = str(enterprise.version)
    data.update(overrides)
    return data


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_the_columns_of_the_registry(world, login):
    page = login(world.admin).get(LIST_URL).content.decode()
    for header in ("名称", "统一社会信用代码", "区划", "层级", "行业", "规模", "工作联络员", "联络员手机"):
        assert f"<th>{header}</th>" in page
    assert world.ent_shuyang.uscc in page
    assert "沭城街道" in page
    assert "张三" in page


def test_phone_numbers_masked_for_a_handler_but_not_for_an_admin(world, login):
    handler_page = login(world.handler_shuyang).get(LIST_URL).content.decode()
    assert "138****5678" in handler_page
    assert "13812345678" not in handler_page
    admin_page = login(world.admin).get(LIST_URL).content.decode()
    assert "13812345678" in admin_page


def test_filters_narrow_the_list(world, login):
    make_enterprise("沭阳百强机械有限公司", world.shuyang, "321322", 11, tier=Tier.CITY_TOP100, industry="I")
    client = login(world.admin)

    def names(**params):
        page = client.get(LIST_URL, params).content.decode()
        return {e.name for e in Enterprise.objects.all() if e.name in page}

    assert names(tier="city_top100") == {"沭阳百强机械有限公司"}
    assert names(industry="i") == {"沭阳百强机械有限公司"}
    assert names(region="321322") == {"沭阳百强机械有限公司", "沭阳示例纺织有限公司"}
    assert names(region="321322001") == {"沭阳示例纺织有限公司"}
    assert names(q="泗阳") == {"泗阳示例食品有限公司"}
    assert names(q=world.ent_siyang.uscc[-8:].lower()) == {"泗阳示例食品有限公司"}
    assert names(scale="large") == set()


def test_bad_filter_values_are_ignored_with_a_message(world, login):
    response = login(world.admin).get(LIST_URL, {"tier": "bogus", "region": "999999"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="filter-errors"' in page
    assert "企业层级“bogus”无效" in page
    assert "区划“999999”不存在或不在您的查看范围内" in page
    assert "沭阳示例纺织有限公司" in page and "泗阳示例食品有限公司" in page


def test_region_filter_cannot_reach_outside_the_users_scope(world, login):
    response = login(world.handler_shuyang).get(LIST_URL, {"region": "321323"})
    page = response.content.decode()
    assert "泗阳示例食品有限公司" not in page
    assert "不在您的查看范围内" in page


def test_region_select_lists_only_regions_in_scope(world, login):
    page = login(world.handler_shuyang).get(LIST_URL).content.decode()
    select = page.split('id="f-region"')[1].split("</select>")[0]
    assert "沭阳县" in select and "沭城街道" in select
    assert "泗阳县" not in select
    assert "宿迁市" not in select


def test_empty_states(world, login):
    sihong = make_region("321324", "泗洪县", RegionLevel.COUNTY, world.city)
    unit = Unit.objects.create(
        code="sihong-gov", name="泗洪县人民政府", type=UnitType.COUNTY_GOVERNMENT, region=sihong
    )
    client = login(make_user("handler_sh", Role.HANDLER, unit=unit))
    page = client.get(LIST_URL).content.decode()
    assert 'data-testid="empty"' in page
    assert "暂无企业" in page
    page = login(world.admin).get(LIST_URL, {"q": "不存在"}).content.decode()
    assert "没有符合条件的企业" in page


def test_enterprise_user_sees_only_its_own_enterprise_in_the_list(world, login):
    page = login(world.enterprise_user).get(LIST_URL).content.decode()
    assert "沭阳示例纺织有限公司" in page
    assert "泗阳示例食品有限公司" not in page


def test_list_query_count_does_not_grow_with_the_page_size(world, login):
    client = login(world.admin)
    for n in range(60):
        make_enterprise(f"批量企业{n}有限公司", world.siyang, "321323", 100 + n)
    client.get(LIST_URL)  # warm the session

    def count(size):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST_URL, {"size": size})
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="enterprise-row"') == size
        return len(ctx.captured_queries)

    assert count(5) == count(50)
    with CaptureQueriesContext(connection) as ctx:
        client.get(LIST_URL, {"size": 50, "region": "321323", "tier": "general"})
    assert len(ctx.captured_queries) <= count(50) + 1  # the region lookup


# --- detail ---------------------------------------------------------------------------------------


def test_county_handler_gets_404_for_another_countys_enterprise(world, login):
    client = login(world.handler_shuyang)
    assert client.get(reverse("enterprises:detail", args=[world.ent_shuyang.pk])).status_code == 200
    response = client.get(reverse("enterprises:detail", args=[world.ent_siyang.pk]))
    assert response.status_code == 404
    assert "泗阳示例食品有限公司" not in response.content.decode()
    assert client.get(reverse("enterprises:detail", args=[999999])).status_code == 404


def test_enterprise_user_gets_404_for_any_other_enterprise(world, login):
    client = login(world.enterprise_user)
    assert client.get(reverse("enterprises:detail", args=[world.ent_siyang.pk])).status_code == 404


def test_detail_masks_for_a_handler_and_records_unmasked_views(world, login):
    world.ent_shuyang.liaison_id_number = "320102199001011234"
    world.ent_shuyang.save()
    url = reverse("enterprises:detail", args=[world.ent_shuyang.pk])
    page = login(world.handler_shuyang).get(url).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "320102********1234" in page
    assert not AuditEvent.objects.filter(action="personal_data.view").exists()

    page = login(world.admin).get(url).content.decode()
    assert "13812345678" in page and "320102199001011234" in page
    event = AuditEvent.objects.get(action="personal_data.view")
    assert event.actor_id == world.admin.pk
    assert event.object_id == str(world.ent_shuyang.pk)


def test_detail_shows_edit_buttons_only_to_editors(world, login, head_shuyang):
    url = reverse("enterprises:detail", args=[world.ent_shuyang.pk])
    assert 'data-testid="enterprise-edit"' not in login(world.handler_shuyang).get(url).content.decode()
    assert 'data-testid="enterprise-edit"' in login(head_shuyang).get(url).content.decode()


# --- create ---------------------------------------------------------------------------------------


def test_editor_registers_an_enterprise(world, login):
    client = login(world.biz_office)
    response = client.post(CREATE_URL, form_data(region=str(world.shucheng.pk)))
    assert response.status_code == 302
    e = Enterprise.objects.get(uscc=code(1))
    assert response["Location"] == reverse("enterprises:detail", args=[e.pk])
    assert (e.region, e.liaison_phone, e.version) == (world.shucheng, "13900000001", 1)
    event = AuditEvent.objects.get(action="enterprise.create")
    assert event.object_id == str(e.pk)
    assert (event.after or {})["uscc"] == code(1)


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("", "统一社会信用代码不能为空"),
        ("91321322MB00000", "统一社会信用代码应为18位，当前为15位"),
        ("91321322MB0000I01X", "统一社会信用代码第15位含有不允许的字符“I”"),
        (
            code(1)[:17] + ("1" if code(1)[17] != "1" else "2"),
            f"统一社会信用代码校验位错误：第18位应为“{code(1)[17]}”",
        ),
    ],
)
def test_each_uscc_error_has_its_own_message_in_the_form(world, login, uscc, message):
    response = login(world.biz_office).post(CREATE_URL, form_data(uscc=uscc, region=str(world.shuyang.pk)))
    assert response.status_code == 400
    page = response.content.decode()
    error = page.split('data-testid="error-uscc"')[1].split("</div>")[0]
    assert message in error
    assert not Enterprise.objects.filter(name="沭阳新登记有限公司").exists()


def test_duplicate_uscc_names_the_registered_enterprise(world, login):
    response = login(world.biz_office).post(
        CREATE_URL, form_data(uscc=world.ent_siyang.uscc, region=str(world.shuyang.pk))
    )
    assert response.status_code == 400
    assert "该统一社会信用代码已登记：泗阳示例食品有限公司" in response.content.decode()


def test_duplicate_uscc_outside_scope_does_not_reveal_the_holder(world, login, head_shuyang):
    response = login(head_shuyang).post(
        CREATE_URL, form_data(uscc=world.ent_siyang.uscc, region=str(world.shuyang.pk))
    )
    page = response.content.decode()
    assert "该统一社会信用代码已登记" in page
    assert "泗阳示例食品有限公司" not in page


def test_county_editor_can_only_choose_regions_of_the_county(world, login, head_shuyang):
    client = login(head_shuyang)
    page = client.get(CREATE_URL).content.decode()
    select = page.split('name="region"')[1].split("</select>")[0]
    assert "沭城街道" in select and "泗阳县" not in select
    response = client.post(CREATE_URL, form_data(region=str(world.siyang.pk)))
    assert response.status_code == 400
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


@pytest.mark.parametrize("who", ["handler_shuyang", "enterprise_user", "auditor"])
def test_non_editors_cannot_create(world, login, who):
    client = login(getattr(world, who))
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, form_data(region=str(world.shuyang.pk))).status_code == 403
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


def test_form_rejects_bad_phone_and_id_numbers(world, login):
    response = login(world.biz_office).post(
        CREATE_URL,
        form_data(
            region=str(world.shuyang.pk), liaison_phone="12345", liaison_id_number="320102199001011235"
        ),
    )
    page = response.content.decode()
    assert "联络员手机“12345”格式不正确" in page
    assert "联络员身份证号校验位错误" in page


# --- edit -----------------------------------------------------------------------------------------


def test_edit_saves_and_bumps_the_version(world, login):
    e = world.ent_shuyang
    client = login(world.biz_office)
    response = client.post(reverse("enterprises:edit", args=[e.pk]), edit_data(e, name="沭阳改名有限公司"))
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.name, e.version) == ("沭阳改名有限公司", 2)
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.before == {
        "name": "沭阳示例纺织有限公司",
        "version": 1,
        "updated_at": (event.before or {})["updated_at"],
    }
    assert (event.after or {})["name"] == "沭阳改名有限公司"


def test_stale_version_is_refused_with_the_conflict_message(world, login):
    e = world.ent_shuyang
    stale = edit_data(e, name="甲的修改")
    login(world.admin).post(reverse("enterprises:edit", args=[e.pk]), edit_data(e, name="乙的修改"))
    response = login(world.biz_office).post(reverse("enterprises:edit", args=[e.pk]), stale)
    assert response.status_code == 409
    assert "记录已被他人修改，请刷新后重试" in response.content.decode()
    e.refresh_from_db()
    assert e.name == "乙的修改"


def test_saving_without_changes_leaves_no_trace(world, login):
    e = world.ent_shuyang
    login(world.biz_office).post(reverse("enterprises:edit", args=[e.pk]), edit_data(e))
    e.refresh_from_db()
    assert e.version == 1
    assert not AuditEvent.objects.filter(action="enterprise.update").exists()


def test_editing_to_a_registered_uscc_is_refused(world, login):
    e = world.ent_shuyang
    response = login(world.admin).post(
        reverse("enterprises:edit", args=[e.pk]), edit_data(e, uscc=world.ent_siyang.uscc)
    )
    assert "该统一社会信用代码已登记：泗阳示例食品有限公司" in response.content.decode()
    e.refresh_from_db()
    assert e.uscc != world.ent_siyang.uscc


def test_edit_by_a_role_without_personal_data_keeps_hidden_numbers(world, login, head_shuyang):
    e = world.ent_shuyang
    client = login(head_shuyang)
    page = client.get(reverse("enterprises:edit", args=[e.pk])).content.decode()
    assert "13812345678" not in page
    assert "138****5678（留空则不修改）" in page
    data = edit_data(e, liaison_phone="", name="沭阳负责人改名有限公司")
    assert client.post(reverse("enterprises:edit", args=[e.pk]), data).status_code == 302
    e.refresh_from_db()
    assert (e.name, e.liaison_phone) == ("沭阳负责人改名有限公司", "13812345678")


def test_edit_of_another_county_is_404_and_of_own_without_role_is_403(world, login, head_shuyang):
    assert login(head_shuyang).get(reverse("enterprises:edit", args=[world.ent_siyang.pk])).status_code == 404
    response = login(world.handler_shuyang).get(reverse("enterprises:edit", args=[world.ent_shuyang.pk]))
    assert response.status_code == 403


# --- deactivate -----------------------------------------------------------------------------------


def test_deactivate_keeps_the_record_and_can_be_undone(world, login):
    e = world.ent_shuyang
    client = login(world.biz_office)
    response = client.post(reverse("enterprises:deactivate", args=[e.pk]), {"version": e.version})
    assert response.status_code == 302
    e.refresh_from_db()
    assert (e.is_active, e.version) == (False, 2)
    assert AuditEvent.objects.filter(action="enterprise.deactivate", object_id=str(e.pk)).exists()
    assert "已注销" in client.get(LIST_URL).content.decode()
    assert (
        client.get(LIST_URL, {"is_active": "1"}).content.decode().count('data-testid="enterprise-row"') == 1
    )

    client.post(reverse("enterprises:reactivate", args=[e.pk]), {"version": e.version})
    e.refresh_from_db()
    assert e.is_active


def test_deactivate_is_refused_for_non_editors_and_out_of_scope(world, login, head_shuyang):
    assert (
        login(world.handler_shuyang)
        .post(reverse("enterprises:deactivate", args=[world.ent_shuyang.pk]))
        .status_code
        == 403
    )
    assert (
        login(head_shuyang).post(reverse("enterprises:deactivate", args=[world.ent_siyang.pk])).status_code
        == 404
    )
    assert Enterprise.objects.filter(is_active=False).count() == 0


def test_deactivate_rejects_a_stale_version(world, login):
    e = world.ent_shuyang
    response = login(world.admin).post(reverse("enterprises:deactivate", args=[e.pk]), {"version": 7})
    assert response.status_code == 409
    e.refresh_from_db()
    assert e.is_active


# --- the enterprise's own page --------------------------------------------------------------------


def test_enterprise_user_sees_and_updates_its_liaison(world, login):
    client = login(world.enterprise_user)
    page = client.get(reverse("enterprises:mine")).content.decode()
    assert "沭阳示例纺织有限公司" in page
    assert 'data-testid="liaison-form"' in page
    response = client.post(
        reverse("enterprises:mine"), {"liaison_name": "孙七", "liaison_phone": "13700000000", "version": "1"}
    )
    assert response.status_code == 302
    world.ent_shuyang.refresh_from_db()
    assert (world.ent_shuyang.liaison_name, world.ent_shuyang.liaison_phone) == ("孙七", "13700000000")
    assert AuditEvent.objects.filter(
        action="enterprise.update_liaison", actor_id=world.enterprise_user.pk
    ).exists()


def test_enterprise_user_cannot_change_anything_else(world, login):
    client = login(world.enterprise_user)
    e = world.ent_shuyang
    assert client.get(reverse("enterprises:edit", args=[e.pk])).status_code == 403
    client.post(
        reverse("enterprises:mine"),
        {"liaison_name": "孙七", "liaison_phone": "1", "name": "改名", "version": "1"},
    )
    e.refresh_from_db()
    assert e.name == "沭阳示例纺织有限公司"
    assert e.liaison_phone == "13812345678"


def test_mine_is_404_for_staff_without_an_enterprise(world, login):
    assert login(world.handler_shuyang).get(reverse("enterprises:mine")).status_code == 404
