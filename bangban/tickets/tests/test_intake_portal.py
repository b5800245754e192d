"""The enterprise portal: an enterprise user files for its own enterprise, from a phone, and lands
on the case page; every field problem is explained in Chinese next to the field."""

from __future__ import annotations

from bangban.tickets.models import Ticket

from .intake_helpers import category

URL = "/cases/intake/new/"


def _post(client, **fields):
    data = {
        "title": "稳岗补贴迟迟未到账",
        "content": "我公司去年申请的稳岗补贴至今未拨付，请帮助协调。",
        "category": str(category("用工人才/社会保险/稳岗补贴").pk),
        "type": "help",
    }
    data.update(fields)
    return client.post(URL, data)


def test_enterprise_files_a_case_and_is_taken_to_it(cases, login):
    client = login(cases.enterprise_user)
    page = client.get(URL).content.decode()
    assert cases.ent_shuyang.name in page and 'name="viewport"' in page
    response = _post(client)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{ticket.pk}/"
    assert ticket.number.startswith("QY-") and ticket.channel == "portal" and ticket.intake_mode == "online"
    assert ticket.enterprise == cases.ent_shuyang and ticket.submitter == cases.enterprise_user
    assert ticket.category == category("用工人才/社会保险/稳岗补贴")
    assert ticket.region == cases.ent_shuyang.region


def test_missing_title_and_content_are_explained(cases, login):
    response = _post(login(cases.enterprise_user), title="", content="   ")
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写标题" in page and "请填写诉求内容" in page
    assert Ticket.objects.count() == 0


def test_oversized_fields_are_refused_with_their_length(cases, login):
    client = login(cases.enterprise_user)
    page = _post(client, title="标" * 121, content="字" * 5001).content.decode()
    assert "标题不能超过 120 个字（现有 121 个字）" in page
    assert "诉求内容不能超过 5000 个字（现有 5001 个字）" in page
    assert _post(client, title="标" * 120, content="字" * 5000).status_code == 302


def test_unknown_or_retired_category_is_refused(cases, login):
    client = login(cases.enterprise_user)
    assert "诉求分类不存在或已停用" in _post(client, category="999999").content.decode()
    assert "诉求分类不存在或已停用" in _post(client, category="abc").content.decode()
    retired = category("税费服务")
    retired.is_active = False
    retired.save()
    assert "诉求分类不存在或已停用" in _post(client, category=str(retired.pk)).content.decode()
    assert Ticket.objects.count() == 0


def test_the_category_is_optional_for_an_enterprise(cases, login):
    assert _post(login(cases.enterprise_user), category="").status_code == 302
    assert Ticket.objects.get().category is None


def test_only_enterprise_users_use_the_portal_form(cases, login):
    assert login(cases.handler_shuyang).get(URL).status_code == 403
    assert login(cases.hotline_agent).post(URL, {"title": "t", "content": "c"}).status_code == 403
    assert Ticket.objects.count() == 0


def test_a_resent_form_does_not_make_a_second_case(cases, login):
    client = login(cases.enterprise_user)
    _post(client, idempotency_key="abc123")
    _post(client, idempotency_key="abc123")
    assert Ticket.objects.count() == 1
