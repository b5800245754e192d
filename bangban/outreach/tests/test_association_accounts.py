"""R5.1 from the association's side: a 行业协会商会 account linked to its association submits the
opinions it collected (phone page and API), follows the answers and ratings, and sees nothing else."""

from __future__ import annotations

from bangban.accounts.access import scope_of
from bangban.accounts.models import RoleRecord
from bangban.accounts.roles import STAFF_ROLES, Role
from bangban.audit.models import AuditEvent
from bangban.conftest import make_user
from bangban.notifications.models import OutboxMessage
from bangban.outreach.models import Association, AssociationOpinion, OpinionStatus

from .conftest import API, post


def _put(client, url, body):
    import json

    return client.put(url, json.dumps(body), content_type="application/json")


def _associations(cast, login):
    """Two associations, each with its own account; 沭阳示例 is a member of the first."""
    staff = login(cast.world.biz_office)
    textile = make_user("xiehui", Role.ASSOCIATION, full_name="纺织商会秘书长")
    food = make_user("xiehui_food", Role.ASSOCIATION, full_name="食品协会秘书长")
    a = post(
        staff,
        f"{API}/associations",
        {
            "name": "宿迁市纺织服装商会",
            "region": "321300",
            "member_ids": [cast.world.ent_shuyang.pk],
            "account_ids": [textile.pk],
        },
    )
    assert a.status_code == 201, a.content
    b = post(staff, f"{API}/associations", {"name": "宿迁市食品行业协会", "region": "321300"})
    linked = _put(staff, f"{API}/associations/{b.json()['id']}/accounts", {"account_ids": [food.pk]})
    assert linked.status_code == 200 and linked.json()["account_ids"] == [food.pk]
    return textile, food, a.json()["id"], b.json()["id"]


def _submit(client, cast, **overrides):
    body = {
        "title": "印染企业用能指标紧张",
        "content": "会员企业反映用能指标不足，希望统筹分配。",
        "answer_unit_id": cast.world.shuyang_gov.pk,
        "enterprise_ids": [cast.world.ent_shuyang.pk],
    }
    body.update(overrides)
    return post(client, f"{API}/opinions", body)


def test_the_association_role_is_seeded_and_gives_no_data_scope(cast, world):
    # The migration's seeding step itself (a transactional test that ran earlier on this worker may
    # have flushed the row the migration made when the test database was created).
    from importlib import import_module

    from django.apps import apps as django_apps

    seed = import_module("bangban.accounts.migrations.0003_association_role").seed_association_role
    RoleRecord.objects.filter(code="association").delete()
    seed(django_apps, None)
    seed(django_apps, None)  # idempotent
    assert RoleRecord.objects.filter(code="association").count() == 1
    assert Role.ASSOCIATION.label == "行业协会商会"
    assert Role.ASSOCIATION not in STAFF_ROLES
    account = make_user("xiehui", Role.ASSOCIATION, unit=world.shuyang_gov)
    assert scope_of(account).empty


def test_an_association_account_sees_no_registry_or_cases(cast, login, world):
    account = make_user("xiehui", Role.ASSOCIATION, unit=world.shuyang_gov)
    client = login(account)
    assert client.get("/api/v1/enterprises").json()["count"] == 0
    assert client.get(f"/api/v1/enterprises/{world.ent_shuyang.pk}").status_code == 404
    assert client.get("/api/v1/cases").json()["count"] == 0
    assert client.get(f"{API}/projects").json()["count"] == 0
    assert client.get(f"{API}/policies").json()["count"] == 0
    assert client.get(f"{API}/reports").json()["count"] == 0
    assert client.get("/outreach/associations/").status_code == 404


def test_the_association_submits_its_own_opinion_and_follows_answer_and_rating(cast, login):
    textile, _food, textile_id, _ = _associations(cast, login)
    client = login(textile)
    response = _submit(client, cast)
    assert response.status_code == 201, response.content
    opinion = response.json()
    assert opinion["association"] == "宿迁市纺织服装商会" and opinion["submitted_by"] == "纺织商会秘书长"
    row = AssociationOpinion.objects.get(pk=opinion["id"])
    assert row.association_id == textile_id and row.submitted_by == textile
    assert AuditEvent.objects.filter(action="outreach.opinion_submitted", actor_id=textile.pk).count() == 1
    # The unit answers; the association is told and sees the answer.
    answered = post(
        login(cast.world.handler_shuyang), f"{API}/opinions/{row.pk}/answer", {"answer": "县里统筹安排指标"}
    )
    assert answered.status_code == 200
    assert OutboxMessage.objects.filter(recipient=textile, subject__contains="本会提交的意见已答复").exists()
    rated = post(login(cast.world.enterprise_user), f"{API}/opinions/{row.pk}/rating", {"level": 1})
    assert rated.status_code == 201
    assert OutboxMessage.objects.filter(recipient=textile, subject__contains="会员企业评价了答复").exists()
    mine = client.get(f"{API}/opinions").json()
    assert [o["id"] for o in mine["items"]] == [row.pk]
    assert mine["items"][0]["answer"] == "县里统筹安排指标" and mine["items"][0]["ratings"][0]["level"] == 1
    page = client.get(f"/outreach/opinions/{row.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "县里统筹安排指标" in text and "非常满意" in text
    assert "协会商会自行提交" in text and "提交评价" not in text and "提交答复" not in text


def test_an_association_cannot_see_another_associations_opinions(cast, login):
    textile, food, _, _ = _associations(cast, login)
    opinion = _submit(login(textile), cast).json()
    on_behalf = _submit(login(cast.world.biz_office), cast, association_id=_food_id(food)).json()
    other = login(food)
    assert other.get(f"{API}/opinions/{opinion['id']}").status_code == 404
    assert other.get(f"/outreach/opinions/{opinion['id']}/").status_code == 404
    assert [o["id"] for o in other.get(f"{API}/opinions").json()["items"]] == [on_behalf["id"]]
    listing = other.get("/outreach/opinions/").content.decode()
    assert "印染企业用能指标紧张" in listing and listing.count("/outreach/opinions/") >= 1
    assert f"/outreach/opinions/{opinion['id']}/" not in listing
    # 营商办 entered the food association's opinion on its behalf: it says so.
    assert "营商办代为录入" in other.get(f"/outreach/opinions/{on_behalf['id']}/").content.decode()


def _food_id(food):
    return Association.objects.get(accounts=food).pk


def test_an_association_cannot_answer_as_a_unit_or_rate(cast, login):
    textile, _, _, _ = _associations(cast, login)
    client = login(textile)
    opinion = _submit(client, cast).json()
    denied = post(client, f"{API}/opinions/{opinion['id']}/answer", {"answer": "自问自答"})
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    assert "答复单位" in denied.json()["message"]
    page = client.post(f"/outreach/opinions/{opinion['id']}/", {"do": "answer", "answer": "自问自答"})
    assert page.status_code == 403  # a refusal, not a redirect as if the answer were taken
    assert "答复单位" in page.content.decode()
    row = AssociationOpinion.objects.get(pk=opinion["id"])
    assert row.status == OpinionStatus.SUBMITTED and row.answer == ""
    assert not AuditEvent.objects.filter(action="outreach.opinion_answered").exists()
    rate = post(client, f"{API}/opinions/{opinion['id']}/rating", {"level": 1})
    assert rate.status_code == 403 and rate.json()["code"] == "permission_denied"


def test_bad_submissions_are_refused_and_nothing_is_stored(cast, login):
    textile, food, _, _ = _associations(cast, login)
    client = login(textile)
    foreign = _submit(client, cast, association_id=_food_id(food))
    assert foreign.status_code == 400 and foreign.json()["code"] == "association_not_own"
    assert "本账号所属协会商会" in foreign.json()["message"]
    outsider = _submit(client, cast, enterprise_ids=[cast.world.ent_siyang.pk])
    assert outsider.status_code == 400 and outsider.json()["code"] == "enterprise_not_member"
    assert "不是本会会员企业" in outsider.json()["message"]
    empty = _submit(client, cast, title="  ")
    assert empty.status_code == 400 and empty.json()["code"] == "title_required"
    unlinked = login(make_user("xiehui_new", Role.ASSOCIATION))
    nolink = _submit(unlinked, cast)
    assert nolink.status_code == 403 and "尚未关联协会商会" in nolink.json()["message"]
    assert unlinked.get("/outreach/opinions/new/").status_code == 403
    # Linking someone who is not an association account is refused.
    staff = login(cast.world.biz_office)
    wrong = _put(
        staff,
        f"{API}/associations/{_food_id(food)}/accounts",
        {"account_ids": [cast.world.handler_shuyang.pk]},
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "not_an_association_account"
    assert list(Association.objects.get(pk=_food_id(food)).accounts.all()) == [food]
    # Only 营商办 links accounts.
    assert (
        _put(client, f"{API}/associations/{_food_id(food)}/accounts", {"account_ids": []}).status_code == 403
    )
    assert AssociationOpinion.objects.count() == 0
    assert not AuditEvent.objects.filter(action="outreach.opinion_submitted").exists()


def test_the_phone_page_submits_as_the_association(cast, login):
    textile, _, textile_id, _ = _associations(cast, login)
    client = login(textile)
    form = client.get("/outreach/opinions/new/")
    text = form.content.decode()
    assert form.status_code == 200 and "以“宿迁市纺织服装商会”的名义提交" in text
    assert 'name="association_id"' not in text
    assert cast.world.ent_shuyang.name in text and cast.world.ent_siyang.name not in text
    bad = client.post(
        "/outreach/opinions/new/",
        {"title": "", "content": "内容", "answer_unit_id": str(cast.world.shuyang_gov.pk)},
    )
    assert bad.status_code == 400 and "请填写议题" in bad.content.decode()
    assert AssociationOpinion.objects.count() == 0
    done = client.post(
        "/outreach/opinions/new/",
        {
            "title": "物流成本高",
            "content": "希望开通园区货运专线",
            "answer_unit_id": str(cast.world.shuyang_gov.pk),
            "enterprise_ids": [str(cast.world.ent_shuyang.pk)],
        },
    )
    opinion = AssociationOpinion.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/outreach/opinions/{opinion.pk}/"
    assert opinion.association_id == textile_id and opinion.submitted_by == textile
    listing = client.get("/outreach/opinions/").content.decode()
    assert "物流成本高" in listing and "提交协会意见" in listing
    assert "监督员反映" not in listing and "企业家座谈会" not in listing


def test_biz_office_links_accounts_on_the_page_and_still_enters_on_behalf(cast, login):
    textile, _, textile_id, _ = _associations(cast, login)
    staff = login(cast.world.biz_office)
    listing = staff.get("/outreach/associations/").content.decode()
    assert "纺织商会秘书长" in listing and f"/outreach/associations/{textile_id}/accounts/" in listing
    second = make_user("xiehui2", Role.ASSOCIATION, full_name="纺织商会副秘书长")
    saved = staff.post(
        f"/outreach/associations/{textile_id}/accounts/", {"account_ids": [str(textile.pk), str(second.pk)]}
    )
    assert saved.status_code == 302
    assert set(Association.objects.get(pk=textile_id).accounts.all()) == {textile, second}
    event = AuditEvent.objects.filter(action="outreach.association_accounts").latest("id")
    assert event.after == {"accounts": ["xiehui", "xiehui2"]}
    bad = staff.post(f"/outreach/associations/{textile_id}/accounts/", {"account_ids": ["abc"]})
    assert bad.status_code == 400 and "行业协会商会" in bad.content.decode()
    assert login(textile).get(f"/outreach/associations/{textile_id}/accounts/").status_code == 404
    # 营商办 still enters on the association's behalf (association required).
    missing = _submit(staff, cast)
    assert missing.status_code == 400 and missing.json()["code"] == "association_required"
    entered = _submit(staff, cast, association_id=textile_id)
    assert entered.status_code == 201
    assert [o["id"] for o in login(textile).get(f"{API}/opinions").json()["items"]] == [entered.json()["id"]]
