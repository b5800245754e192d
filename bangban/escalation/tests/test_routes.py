"""The 对口联系副秘书长 table (R8.2): 市政府办公室专人 and the administrator list, search, add, change
and delete the category → reviewer mapping through the API and the page; bad input is refused
with a Chinese message and a machine code and changes nothing; every change is audited."""

from __future__ import annotations

import json
from typing import Any

from bangban.accounts.roles import Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.escalation.models import DeputyRoute
from bangban.tickets.models import Category

URL = "/api/v1/escalation/deputy-routes"


def send(client, method, url, data):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def category(code: str, name: str, *, active: bool = True) -> Category:
    return Category.objects.create(code=code, name=name, level=1, is_active=active)


def last_route_audit() -> Any:
    return AuditEvent.objects.filter(action="escalation.deputy_route").latest("seq")


def route_audits() -> int:
    return AuditEvent.objects.filter(action="escalation.deputy_route").count()


def second_deputy(esc):
    return make_user(
        "fumishuzhang2", Role.DEPUTY_SECRETARY_GENERAL, unit=esc.gov_office, full_name="第二副秘书长"
    )


def test_staff_adds_changes_and_deletes_a_mapping_through_the_api(esc, login):
    tax = category("ESC-02", "税费服务")
    other = second_deputy(esc)
    client = login(esc.staff)
    created = send(client, "post", URL, {"category_id": tax.pk, "deputy_id": esc.deputy.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["category"] == "税费服务" and body["deputy"] == "副秘书长" and body["deputy_active"] is True
    route = DeputyRoute.objects.get(category=tax)
    event = last_route_audit()
    assert event.actor_id == esc.staff.pk and event.after["deputy"] == esc.deputy.pk and event.before is None

    changed = send(client, "put", f"{URL}/{route.pk}", {"category_id": tax.pk, "deputy_id": other.pk})
    assert changed.status_code == 200, changed.content
    route.refresh_from_db()
    assert route.deputy == other
    event = last_route_audit()
    assert event.before["deputy"] == esc.deputy.pk and event.after["deputy"] == other.pk

    deleted = client.delete(f"{URL}/{route.pk}")
    assert deleted.status_code == 204
    assert not DeputyRoute.objects.filter(category=tax).exists()
    event = last_route_audit()
    assert event.before["category"] == tax.pk and event.after is None
    assert route_audits() == 3


def test_list_is_paged_and_searchable(esc, login):
    for i in range(3):
        DeputyRoute.objects.create(category=category(f"PG-{i}", f"分页分类{i}"), deputy=esc.deputy)
    client = login(esc.admin)
    page = client.get(URL, {"size": 2, "page": 2}).json()
    assert page["count"] == 4 and page["page"] == 2 and len(page["items"]) == 2
    found = client.get(URL, {"q": "分页分类1"}).json()
    assert [x["category"] for x in found["items"]] == ["分页分类1"]
    assert client.get(URL, {"q": "涉企"}).json()["items"][0]["category_code"] == "ESC-01"


def test_reviewer_must_be_an_active_deputy_secretary_general(esc, login):
    tax = category("ESC-02", "税费服务")
    inactive = second_deputy(esc)
    inactive.is_active = False
    inactive.save()
    client = login(esc.staff)
    before = route_audits()
    for reviewer in (esc.secretary.pk, inactive.pk, 999999):
        response = send(client, "post", URL, {"category_id": tax.pk, "deputy_id": reviewer})
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "reviewer_not_deputy"
        assert "副秘书长" in response.json()["message"]
    route = DeputyRoute.objects.get(category=esc.category)
    response = send(
        client, "put", f"{URL}/{route.pk}", {"category_id": esc.category.pk, "deputy_id": esc.secretary.pk}
    )
    assert response.status_code == 400 and response.json()["code"] == "reviewer_not_deputy"
    route.refresh_from_db()
    assert route.deputy == esc.deputy
    assert not DeputyRoute.objects.filter(category=tax).exists()
    assert route_audits() == before


def test_category_must_exist_and_be_active(esc, login):
    closed = category("ESC-09", "已停用分类", active=False)
    client = login(esc.staff)
    for category_id in (closed.pk, 999999):
        response = send(client, "post", URL, {"category_id": category_id, "deputy_id": esc.deputy.pk})
        assert response.status_code == 400
        assert response.json() == {
            "code": "category_invalid",
            "message": "请选择有效的诉求分类（须存在且已启用）",
        }
    assert DeputyRoute.objects.count() == 1 and route_audits() == 0


def test_one_mapping_per_category(esc, login):
    tax = category("ESC-02", "税费服务")
    other = second_deputy(esc)
    client = login(esc.staff)
    response = send(client, "post", URL, {"category_id": esc.category.pk, "deputy_id": other.pk})
    assert response.status_code == 409
    assert response.json()["code"] == "mapping_exists" and "涉企审批" in response.json()["message"]
    # Moving another mapping onto a category that has one is refused too.
    moved = DeputyRoute.objects.create(category=tax, deputy=other)
    response = send(
        client, "put", f"{URL}/{moved.pk}", {"category_id": esc.category.pk, "deputy_id": other.pk}
    )
    assert response.status_code == 409 and response.json()["code"] == "mapping_exists"
    moved.refresh_from_db()
    assert moved.category == tax
    assert DeputyRoute.objects.get(category=esc.category).deputy == esc.deputy
    assert route_audits() == 0


def test_only_mayor_office_staff_and_the_administrator_edit(esc, login):
    tax = category("ESC-02", "税费服务")
    route = DeputyRoute.objects.get(category=esc.category)
    # The reviewers may read the table but not change it.
    reader = login(esc.deputy)
    assert reader.get(URL).status_code == 200
    denied = send(reader, "post", URL, {"category_id": tax.pk, "deputy_id": esc.deputy.pk})
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    assert reader.delete(f"{URL}/{route.pk}").status_code == 403
    # Others do not see it at all.
    outsider = login(esc.handler_shuyang)
    assert outsider.get(URL).status_code == 404
    assert send(outsider, "post", URL, {"category_id": tax.pk, "deputy_id": esc.deputy.pk}).status_code == 404
    assert outsider.get("/escalation/mayor/routes/").status_code == 404
    assert DeputyRoute.objects.count() == 1 and route_audits() == 0


def test_unknown_mapping_is_404(esc, login):
    client = login(esc.staff)
    assert client.get(f"{URL}/999999").status_code == 404
    assert client.delete(f"{URL}/999999").status_code == 404
    assert client.get("/escalation/mayor/routes/999999/").status_code == 404


# --- the page ------------------------------------------------------------------------------------


def test_page_lists_searches_and_adds(esc, login):
    tax = category("ESC-02", "税费服务")
    client = login(esc.staff)
    page = client.get("/escalation/mayor/routes/").content.decode()
    assert 'data-testid="route-row" data-category="ESC-01"' in page and "副秘书长" in page
    assert 'data-testid="route-add-form"' in page
    assert "暂无" not in page
    response = client.post(
        "/escalation/mayor/routes/", {"category": tax.pk, "deputy": esc.deputy.pk}, follow=True
    )
    assert "已为“税费服务”配置对口联系副秘书长" in response.content.decode()
    assert DeputyRoute.objects.filter(category=tax, deputy=esc.deputy).exists()
    assert route_audits() == 1
    searched = client.get("/escalation/mayor/routes/", {"q": "税费"}).content.decode()
    assert 'data-category="ESC-02"' in searched and 'data-category="ESC-01"' not in searched
    none = client.get("/escalation/mayor/routes/", {"q": "不存在的分类"}).content.decode()
    assert "没有符合条件的对口配置" in none


def test_page_empty_state(esc, login):
    DeputyRoute.objects.all().delete()
    page = login(esc.staff).get("/escalation/mayor/routes/").content.decode()
    assert 'data-testid="empty"' in page and "暂无对口联系副秘书长配置" in page


def test_page_shows_errors_next_to_the_fields_and_changes_nothing(esc, login):
    client = login(esc.staff)
    response = client.post(
        "/escalation/mayor/routes/", {"category": esc.category.pk, "deputy": esc.deputy.pk}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        'data-testid="error-category" data-code="mapping_exists"' in page and "已配置对口联系副秘书长" in page
    )
    response = client.post(
        "/escalation/mayor/routes/", {"category": esc.category.pk, "deputy": esc.secretary.pk}
    )
    assert response.status_code == 400
    assert 'data-testid="error-deputy" data-code="reviewer_not_deputy"' in response.content.decode()
    response = client.post("/escalation/mayor/routes/", {"category": "", "deputy": esc.deputy.pk})
    assert 'data-code="category_invalid"' in response.content.decode()
    assert DeputyRoute.objects.count() == 1 and route_audits() == 0


def test_page_changes_and_deletes(esc, login):
    other = second_deputy(esc)
    route = DeputyRoute.objects.get(category=esc.category)
    client = login(esc.admin)
    edit = client.get(f"/escalation/mayor/routes/{route.pk}/").content.decode()
    assert 'data-testid="route-edit-form"' in edit and "第二副秘书长" in edit
    bad = client.post(
        f"/escalation/mayor/routes/{route.pk}/",
        {"op": "save", "category": esc.category.pk, "deputy": esc.mayor.pk},
    )
    assert bad.status_code == 400 and 'data-code="reviewer_not_deputy"' in bad.content.decode()
    route.refresh_from_db()
    assert route.deputy == esc.deputy
    saved = client.post(
        f"/escalation/mayor/routes/{route.pk}/",
        {"op": "save", "category": esc.category.pk, "deputy": other.pk},
        follow=True,
    )
    assert "已保存对口联系副秘书长配置" in saved.content.decode()
    route.refresh_from_db()
    assert route.deputy == other
    gone = client.post(f"/escalation/mayor/routes/{route.pk}/", {"op": "delete"}, follow=True)
    assert "已删除“涉企审批”的对口联系副秘书长配置" in gone.content.decode()
    assert not DeputyRoute.objects.exists() and route_audits() == 2


def test_reviewers_read_the_page_without_forms_and_mayor_pages_link_it(esc, login):
    page = login(esc.deputy).get("/escalation/mayor/routes/").content.decode()
    assert 'data-testid="route-row"' in page and 'data-testid="route-add-form"' not in page
    assert 'data-testid="routes-link"' in login(esc.staff).get("/escalation/mayor/").content.decode()


def test_classification_uses_the_edited_table(esc, login):
    """A mapping added through the editor sends the next classified submission to that reviewer."""
    from bangban.escalation.models import MayorReview

    from .test_mayor import submission

    tax = category("ESC-02", "税费服务")
    other = second_deputy(esc)
    client = login(esc.staff)
    ticket = submission(esc)
    missing = send(
        client,
        "post",
        f"/api/v1/escalation/mayor/{ticket.pk}/classify",
        {"category_id": tax.pk, "kind": "general"},
    )
    assert missing.json()["code"] == "deputy_route_missing"
    send(client, "post", URL, {"category_id": tax.pk, "deputy_id": other.pk})
    done = send(
        client,
        "post",
        f"/api/v1/escalation/mayor/{ticket.pk}/classify",
        {"category_id": tax.pk, "kind": "general"},
    )
    assert done.status_code == 200, done.content
    assert MayorReview.objects.get(ticket=ticket).deputy == other
