"""`/api/v1/org`: the directory for integrations and its maintenance by administrators."""

from __future__ import annotations

import json

from bangban.audit.models import AuditEvent
from bangban.conftest import make_region
from bangban.org.models import Region, Unit

API = "/api/v1/org"


def send(client, method, path, body=None):
    return getattr(client, method)(
        f"{API}{path}", data=json.dumps(body or {}), content_type="application/json"
    )


def test_regions_are_paged_and_filtered(org, login):
    client = login(org.handler_siyang)
    data = client.get(f"{API}/regions", {"size": 2}).json()
    assert data["count"] == 5 and data["size"] == 2 and data["page"] == 1
    assert [r["code"] for r in data["items"]] == ["321300", "321322"]
    page3 = client.get(f"{API}/regions", {"size": 2, "page": 3}).json()
    assert [r["code"] for r in page3["items"]] == ["321323"]
    townships = client.get(f"{API}/regions", {"level": "township"}).json()
    assert [r["code"] for r in townships["items"]] == ["321322001"]
    children = client.get(f"{API}/regions", {"parent": "321300"}).json()
    assert {r["code"] for r in children["items"]} == {"321322", "321323"}
    by_name = client.get(f"{API}/regions", {"q": "泗阳"}).json()
    assert [r["code"] for r in by_name["items"]] == ["321323"]


def test_unknown_level_is_a_validation_error(org, login):
    response = login(org.admin).get(f"{API}/regions", {"level": "planet"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_one_region_by_code(org, login):
    client = login(org.handler_siyang)
    region = client.get(f"{API}/regions/321322001").json()
    assert (
        region["name"] == "沭城街道" and region["parent"] == "321322" and region["level_label"] == "乡镇街道"
    )
    missing = client.get(f"{API}/regions/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_admin_creates_and_patches_a_region(org, login):
    client = login(org.admin)
    created = send(
        client, "post", "/regions", {"code": "321371", "name": "经开区", "level": "zone", "parent": "321300"}
    )
    assert created.status_code == 201 and created.json()["path"] == "/321300/321371/"
    patched = send(client, "patch", "/regions/321371", {"name": "宿迁经济技术开发区", "version": 1})
    assert patched.status_code == 200 and patched.json()["name"] == "宿迁经济技术开发区"
    assert patched.json()["version"] == 2
    stale = send(client, "patch", "/regions/321371", {"name": "又改了", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    assert AuditEvent.objects.filter(action__startswith="org.region.").count() == 2


def test_region_rules_apply_to_the_api(org, login):
    client = login(org.admin)
    bad = send(
        client, "post", "/regions", {"code": "3213", "name": "X", "level": "county", "parent": "321300"}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "validation_error"
    assert bad.json()["details"][0] == {
        "field": "code",
        "message": "县区级区划的行政区划代码应为 6 位数字（当前 4 位）",
    }
    cycle = send(client, "patch", "/regions/321322", {"level": "township", "parent": "321322001"})
    assert cycle.status_code == 400
    messages = {d["message"] for d in cycle.json()["details"]}
    assert "上级区划不能是本区划或其下级区划" in messages
    assert Region.objects.get(code="321322").parent == org.city


def test_non_admins_may_not_write(org, login):
    for user in (org.handler_shuyang, org.biz_office, org.auditor):
        client = login(user)
        created = send(
            client, "post", "/regions", {"code": "321399", "name": "X", "level": "zone", "parent": "321300"}
        )
        assert created.status_code == 403 and created.json()["code"] == "permission_denied"
        patched = send(client, "patch", "/regions/321322", {"name": "改名"})
        assert patched.status_code == 403
        unit = send(client, "patch", f"/units/{org.shuyang_gov.pk}", {"name": "改名"})
        assert unit.status_code == 403 and unit.json()["code"] == "permission_denied"
        new_unit = send(
            client,
            "post",
            "/units",
            {"code": "x", "name": "x", "type": "city_department", "region": "321300"},
        )
        assert new_unit.status_code == 403
    assert not Region.objects.filter(code="321399").exists()
    assert Region.objects.get(code="321322").name == "沭阳县"


def test_enterprise_users_see_no_directory(org, login):
    client = login(org.enterprise_user)
    assert client.get(f"{API}/regions").json()["count"] == 0
    assert client.get(f"{API}/units").json()["count"] == 0
    assert client.get(f"{API}/units/{org.shuyang_gov.pk}").status_code == 404
    assert send(client, "patch", f"/units/{org.shuyang_gov.pk}", {"name": "x"}).status_code == 404


def test_units_filter_by_region_subtree_type_and_site_level(org, login):
    Unit.objects.create(code="shucheng", name="沭阳县沭城街道办事处", type="township", region=org.shucheng)
    client = login(org.handler_siyang)
    shuyang = client.get(f"{API}/units", {"region": "321322"}).json()
    assert {u["code"] for u in shuyang["items"]} == {"shuyang-gov", "site-shuyang", "shucheng"}
    sites = client.get(f"{API}/units", {"type": "service_site", "site_level": "county"}).json()
    assert [u["name"] for u in sites["items"]] == ["沭阳县政务服务中心"]
    search = client.get(f"{API}/units", {"q": "营商"}).json()
    assert [u["code"] for u in search["items"]] == ["yingshangban"]
    one = client.get(f"{API}/units/{org.site.pk}").json()
    assert (
        one["parent_id"] == org.shuyang_gov.pk and one["region"] == "321322" and one["site_level"] == "county"
    )


def test_admin_creates_a_unit_and_the_site_level_rule_holds(org, login):
    client = login(org.admin)
    body = {"code": "site-siyang", "name": "泗阳县政务服务中心", "type": "service_site", "region": "321323"}
    refused = send(client, "post", "/units", body)
    assert refused.status_code == 400 and "场所层级" in refused.json()["message"]
    body["site_level"] = "county"
    body["parent_id"] = org.siyang_gov.pk
    created = send(client, "post", "/units", body)
    assert created.status_code == 201 and created.json()["parent_name"] == "泗阳县人民政府"


def test_unit_patch_refuses_cycles_and_stale_versions(org, login):
    client = login(org.admin)
    cycle = send(client, "patch", f"/units/{org.shuyang_gov.pk}", {"parent_id": org.site.pk})
    assert cycle.status_code == 400 and "下级单位" in cycle.json()["message"]
    ok = send(client, "patch", f"/units/{org.site.pk}", {"phone": "0527-88888888", "version": 1})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = send(client, "patch", f"/units/{org.site.pk}", {"phone": "0527-1", "version": 1})
    assert stale.status_code == 409
    off = send(client, "patch", f"/units/{org.site.pk}", {"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False


def test_me_describes_the_caller(org, login):
    me = login(org.handler_shuyang).get(f"{API}/me").json()
    assert me["username"] == "handler_sy" and me["name"] == "沭阳承办人"
    assert me["roles"] == [{"code": "handler", "label": "承办人"}]
    assert me["unit"]["name"] == "沭阳县人民政府"
    assert me["scope"] == {"city_wide": False, "region_path": "/321300/321322/", "enterprise_id": None}
    ent = login(org.enterprise_user).get(f"{API}/me").json()
    assert (
        ent["scope"]["enterprise_id"] == org.ent_shuyang.pk
        and ent["enterprise"]["name"] == org.ent_shuyang.name
    )


def test_the_api_needs_authentication(org, client):
    response = client.get(f"{API}/regions")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


def test_a_new_region_in_the_api_appears_under_its_parent(org, login):
    make_region("321324", "泗洪县", "county", org.city)
    data = login(org.admin).get(f"{API}/regions", {"parent": "321300"}).json()
    assert [r["code"] for r in data["items"]] == ["321322", "321323", "321324"]
