"""`/api/v1/enterprises`: scope, paging, USCC error codes, concurrency and permissions."""

from __future__ import annotations

import json

import pytest

from bangban.audit.models import AuditEvent
from bangban.conftest import make_enterprise
from bangban.enterprises.models import Enterprise

from .conftest import code

API = "/api/v1/enterprises"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def new_body(**overrides):
    body = {
        "uscc": code(1),
        "name": "接口登记有限公司",
        "region": "321322001",
        "industry": "C",
        "scale": "small",
        "tier": "county_key",
        "liaison_name": "周八",
        "liaison_phone": "13900000001",
        "established": "2020-01-02",
    }
    body.update(overrides)
    return body


# --- read -----------------------------------------------------------------------------------------


def test_list_pages_and_filters(world, login):
    for n in range(5):
        make_enterprise(f"泗阳接口{n}有限公司", world.siyang, "321323", 50 + n)
    client = login(world.admin)
    data = client.get(API, {"size": 3, "page": 2}).json()
    assert (data["count"], data["page"], data["size"], len(data["items"])) == (7, 2, 3, 3)
    data = client.get(API, {"region": "321322"}).json()
    assert [i["name"] for i in data["items"]] == ["沭阳示例纺织有限公司"]
    item = data["items"][0]
    assert item["region_code"] == "321322001"
    assert item["industry_name"] == "制造业"
    assert item["liaison_phone"] == "13812345678"
    assert client.get(API, {"page": 99}).json()["items"] == []


def test_list_is_scoped_and_masked_for_a_county_handler(world, login):
    data = login(world.handler_shuyang).get(API).json()
    assert data["count"] == 1
    assert data["items"][0]["name"] == "沭阳示例纺织有限公司"
    assert data["items"][0]["liaison_phone"] == "138****5678"


def test_enterprise_user_lists_only_its_own_enterprise(world, login):
    data = login(world.enterprise_user).get(API).json()
    assert [i["id"] for i in data["items"]] == [world.ent_shuyang.pk]


def test_bad_filter_or_paging_is_a_clear_error(world, login):
    client = login(world.admin)
    response = client.get(API, {"tier": "nope"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"
    assert "企业层级“nope”无效" in response.json()["message"]
    assert client.get(API, {"size": 500}).status_code == 422


def test_detail_out_of_scope_is_404_not_found(world, login):
    client = login(world.handler_shuyang)
    assert client.get(f"{API}/{world.ent_shuyang.pk}").status_code == 200
    for pk in (world.ent_siyang.pk, 999999):
        response = client.get(f"{API}/{pk}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert login(world.enterprise_user).get(f"{API}/{world.ent_siyang.pk}").status_code == 404


def test_anonymous_is_refused(world, client):
    assert client.get(API).status_code == 401


# --- create ---------------------------------------------------------------------------------------


def test_create_registers_and_audits(world, login):
    response = post(login(world.biz_office), API, new_body())
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["uscc"], data["region_name"], data["tier"], data["version"]) == (
        code(1),
        "沭城街道",
        "county_key",
        1,
    )
    assert AuditEvent.objects.filter(action="enterprise.create", object_id=str(data["id"])).exists()


@pytest.mark.parametrize(
    ("uscc", "error_code", "message"),
    [
        ("", "uscc_empty", "统一社会信用代码不能为空"),
        ("91321322MB00000", "uscc_length", "统一社会信用代码应为18位，当前为15位"),
        ("91321322MB0000O01X", "uscc_forbidden_char", "统一社会信用代码第15位含有不允许的字符“O”"),
        (
            code(1)[:17] + ("1" if code(1)[17] != "1" else "2"),
            "uscc_check_char",
            "统一社会信用代码校验位错误",
        ),
    ],
)
def test_each_uscc_error_has_its_code_and_message(world, login, uscc, error_code, message):
    response = post(login(world.biz_office), API, new_body(uscc=uscc))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == error_code
    assert body["message"].startswith(message)
    assert not Enterprise.objects.filter(name="接口登记有限公司").exists()


def test_duplicate_uscc_is_refused_with_its_code(world, login):
    response = post(login(world.biz_office), API, new_body(uscc=world.ent_siyang.uscc))
    assert response.status_code == 400
    assert response.json() == {
        "code": "uscc_duplicate",
        "message": "该统一社会信用代码已登记：泗阳示例食品有限公司",
        "details": [{"field": "uscc"}],
    }


def test_other_field_errors_are_listed(world, login):
    response = post(login(world.biz_office), API, new_body(industry="Z", scale="huge", liaison_phone="1"))
    body = response.json()
    assert response.status_code == 400
    assert {d["field"] for d in body["details"]} == {"industry", "scale", "liaison_phone"}


def test_create_outside_scope_or_without_role(world, login, head_shuyang):
    response = post(login(head_shuyang), API, new_body(region="321323"))
    assert response.status_code == 400
    assert response.json()["code"] == "region_out_of_scope"
    response = post(login(world.handler_shuyang), API, new_body())
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


# --- update ---------------------------------------------------------------------------------------


def test_patch_changes_given_fields_and_bumps_the_version(world, login):
    e = world.ent_shuyang
    response = patch(
        login(world.biz_office), f"{API}/{e.pk}", {"version": 1, "scale": "大型", "is_active": False}
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["scale"], response.json()["is_active"], response.json()["version"]) == (
        "large",
        False,
        2,
    )
    e.refresh_from_db()
    assert (e.scale, e.is_active, e.name) == ("large", False, "沭阳示例纺织有限公司")


def test_patch_with_a_stale_version_is_a_409_conflict(world, login):
    e = world.ent_shuyang
    client = login(world.biz_office)
    assert patch(client, f"{API}/{e.pk}", {"version": 1, "name": "第一次"}).status_code == 200
    response = patch(client, f"{API}/{e.pk}", {"version": 1, "name": "第二次"})
    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": "记录已被他人修改，请刷新后重试"}
    e.refresh_from_db()
    assert e.name == "第一次"


def test_patch_bad_uscc_is_400_with_its_code(world, login):
    response = patch(login(world.admin), f"{API}/{world.ent_shuyang.pk}", {"version": 1, "uscc": "123"})
    assert response.status_code == 400
    assert response.json()["code"] == "uscc_length"


def test_patch_without_role_is_403_when_visible_and_404_when_not(world, login):
    client = login(world.handler_shuyang)
    visible = patch(client, f"{API}/{world.ent_shuyang.pk}", {"version": 1, "name": "x"})
    assert visible.status_code == 403
    assert visible.json()["code"] == "permission_denied"
    hidden = patch(client, f"{API}/{world.ent_siyang.pk}", {"version": 1, "name": "x"})
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "not_found"
    assert not Enterprise.objects.filter(name="x").exists()


def test_county_editor_cannot_move_an_enterprise_out_of_the_county(world, login, head_shuyang):
    response = patch(login(head_shuyang), f"{API}/{world.ent_shuyang.pk}", {"version": 1, "region": "321323"})
    assert response.status_code == 400
    assert response.json()["code"] == "region_out_of_scope"
    world.ent_shuyang.refresh_from_db()
    assert world.ent_shuyang.region == world.shucheng


def test_patch_without_version_is_a_validation_error(world, login):
    response = patch(login(world.admin), f"{API}/{world.ent_shuyang.pk}", {"name": "x"})
    assert response.status_code == 422


def test_openapi_describes_the_endpoints_in_chinese(world, login):
    schema = login(world.admin).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/enterprises" in paths
    assert "/api/v1/enterprises/{enterprise_id}" in paths
    props = schema["components"]["schemas"]["EnterpriseIn"]["properties"]
    assert props["uscc"]["description"].startswith("统一社会信用代码")


def test_the_city_itself_cannot_hold_an_enterprise(world, login):
    response = post(login(world.admin), API, new_body(region="321300"))
    assert response.status_code == 400
    assert response.json()["code"] == "region_too_broad"
