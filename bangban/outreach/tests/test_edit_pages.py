"""Edit pages of the policy library and of investment projects: prefilled forms, field messages,
a stale version refused with 409 and a clear message, every saved change audited."""

from __future__ import annotations

from bangban.audit.models import AuditEvent
from bangban.outreach.models import InvestmentProject, Policy, ProjectStage

from .conftest import API, new_project, post


def _put(client, url, body):
    import json

    return client.put(url, json.dumps(body), content_type="application/json")


def _policy(client):
    response = post(
        client,
        f"{API}/policies",
        {
            "title": "制造业智能化改造奖补政策",
            "summary": "对智能化改造设备投资给予10%补助。",
            "body": "第一条 为推动制造业智能化改造……",
            "industries": ["C"],
            "valid_until": "2027-12-31",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["body"].startswith("第一条")
    return response.json()


def _form(policy, **overrides):
    data = {
        "title": policy["title"],
        "summary": policy["summary"],
        "body": "第一条 修订后的正文",
        "industries": ["C", "I"],
        "scales": ["small"],
        "published_on": "2026-01-05",
        "valid_until": "2028-06-30",
        "is_active": "1",
        "version": str(policy["version"]),
    }
    data.update(overrides)
    return data


def test_the_policy_edit_page_saves_every_field_and_is_audited(cast, login):
    client = login(cast.world.biz_office)
    policy = _policy(client)
    url = f"/outreach/policies/{policy['id']}/edit/"
    page = client.get(url).content.decode()
    assert "制造业智能化改造奖补政策" in page and "第一条 为推动制造业智能化改造" in page
    assert 'name="version" value="1"' in page and "2027-12-31" in page
    assert (
        f"/outreach/policies/{policy['id']}/edit/"
        in client.get(f"/outreach/policies/{policy['id']}/").content.decode()
    )
    saved = client.post(url, _form(policy, title="制造业智能化改造奖补政策（2026年修订）"))
    assert saved.status_code == 302 and saved["Location"] == f"/outreach/policies/{policy['id']}/"
    row = Policy.objects.get(pk=policy["id"])
    assert row.title.endswith("（2026年修订）") and row.body == "第一条 修订后的正文"
    assert row.industries == ["C", "I"] and row.scales == ["small"]
    assert str(row.valid_until) == "2028-06-30" and row.version == 2 and row.is_active
    event = AuditEvent.objects.filter(action="outreach.policy_updated").latest("id")
    before, after = event.before or {}, event.after or {}
    assert before["title"] == "制造业智能化改造奖补政策" and after["body"] == "第一条 修订后的正文"
    # Unticking 有效 retires the policy.
    client.post(url, _form(policy, version="2", is_active=""))
    assert not Policy.objects.get(pk=policy["id"]).is_active


def test_a_stale_policy_edit_is_a_conflict_and_changes_nothing(cast, login):
    client = login(cast.world.biz_office)
    policy = _policy(client)
    first = _put(
        client,
        f"{API}/policies/{policy['id']}",
        {"title": "别人先改的标题", "summary": policy["summary"], "version": 1},
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.post(f"/outreach/policies/{policy['id']}/edit/", _form(policy, title="我改的标题"))
    text = stale.content.decode()
    assert stale.status_code == 409 and "该政策已被他人修改" in text and "请刷新页面" in text
    assert "我改的标题" in text  # the user's input is kept on the page
    api = _put(
        client, f"{API}/policies/{policy['id']}", {"title": "我改的标题", "summary": "y", "version": 1}
    )
    assert api.status_code == 409 and api.json()["code"] == "conflict"
    assert "当前为第 2 版" in api.json()["message"]
    row = Policy.objects.get(pk=policy["id"])
    assert row.title == "别人先改的标题" and row.version == 2
    assert AuditEvent.objects.filter(action="outreach.policy_updated").count() == 1


def test_bad_policy_edits_show_field_messages_and_change_nothing(cast, login):
    client = login(cast.world.biz_office)
    policy = _policy(client)
    url = f"/outreach/policies/{policy['id']}/edit/"
    empty = client.post(url, _form(policy, title=""))
    assert empty.status_code == 400 and "请填写政策名称" in empty.content.decode()
    backwards = client.post(url, _form(policy, published_on="2026-05-01", valid_until="2026-01-01"))
    assert backwards.status_code == 400 and "有效期不能早于发布日期" in backwards.content.decode()
    bad_tag = client.post(url, _form(policy, tiers=["bogus"]))
    assert bad_tag.status_code == 400 and "适用层级“bogus”无效" in bad_tag.content.decode()
    bad_date = _put(
        client,
        f"{API}/policies/{policy['id']}",
        {
            "title": "x",
            "summary": "y",
            "valid_until": "2026-01-01",
            "published_on": "2026-03-01",
            "version": 1,
        },
    )
    assert bad_date.status_code == 400 and bad_date.json()["code"] == "invalid_valid_until"
    row = Policy.objects.get(pk=policy["id"])
    assert row.version == 1 and row.title == "制造业智能化改造奖补政策"
    assert not AuditEvent.objects.filter(action="outreach.policy_updated").exists()
    # People who do not keep the library cannot open the page.
    assert login(cast.world.handler_shuyang).get(url).status_code == 403
    assert login(cast.world.enterprise_user).get(url).status_code == 404


def _project_form(project, **overrides):
    data = {
        "name": project["name"],
        "investor": "",
        "amount": "60000",
        "stage": "constructing",
        "chief_officer_id": str(cast_chief_id(project)),
        "description": "一期厂房已封顶",
        "is_active": "1",
        "version": str(project["version"]),
    }
    data.update(overrides)
    return data


def cast_chief_id(project):
    return InvestmentProject.objects.get(pk=project["id"]).chief_officer_id


def test_the_project_edit_page_covers_the_patch_fields(cast, login):
    client = login(cast.county_lead)
    project = new_project(client, cast)
    url = f"/outreach/projects/{project['id']}/edit/"
    page = client.get(url).content.decode()
    assert project["name"] in page and 'name="amount"' in page and 'name="version" value="1"' in page
    assert url in client.get(f"/outreach/projects/{project['id']}/").content.decode()
    saved = client.post(
        url, _project_form(project, name="年产12万吨功能纤维项目", chief_officer_id=str(cast.chief.pk))
    )
    assert saved.status_code == 302
    row = InvestmentProject.objects.get(pk=project["id"])
    assert (row.name, str(row.amount), row.stage, row.description) == (
        "年产12万吨功能纤维项目",
        "60000.00",
        ProjectStage.CONSTRUCTING,
        "一期厂房已封顶",
    )
    assert row.version == 2 and row.is_active
    event = AuditEvent.objects.filter(action="outreach.project_updated").latest("id")
    before, after = event.before or {}, event.after or {}
    assert after["name"] == "年产12万吨功能纤维项目" and before["stage"] == "approving"


def test_project_edit_refuses_bad_input_and_stale_versions(cast, login):
    client = login(cast.county_lead)
    project = new_project(client, cast)
    url = f"/outreach/projects/{project['id']}/edit/"
    bad = client.post(url, _project_form(project, amount="-5"))
    assert bad.status_code == 400 and "投资额（万元）应为大于 0 的数字" in bad.content.decode()
    not_chief = client.post(url, _project_form(project, chief_officer_id=str(cast.county_lead.pk)))
    assert not_chief.status_code == 400
    assert InvestmentProject.objects.get(pk=project["id"]).version == 1
    assert client.post(url, _project_form(project)).status_code == 302
    stale = client.post(url, _project_form(project, name="过期的修改"))
    assert stale.status_code == 409 and "该项目已被他人修改" in stale.content.decode()
    api = post(client, f"{API}/projects/{project['id']}", {})  # POST is not an edit
    assert api.status_code == 405
    row = InvestmentProject.objects.get(pk=project["id"])
    assert row.name == project["name"] and row.version == 2
    assert AuditEvent.objects.filter(action="outreach.project_updated").count() == 1
    # Someone outside the project's scope gets 404.
    assert login(cast.world.handler_siyang).get(url).status_code == 404
