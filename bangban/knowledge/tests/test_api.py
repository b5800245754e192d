"""`/api/v1/knowledge`: search with paging, read, keep (营商办), cite; refusals and error codes."""

from __future__ import annotations

import json

import pytest

from bangban.audit.models import AuditEvent
from bangban.knowledge.models import Entry

from .conftest import API, NOW, add


def _post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def _put(client, path, body):
    return client.put(path, json.dumps(body), content_type="application/json")


BODY = {
    "question": "用电报装要多久？",
    "answer": "一证办电，低压小微企业零上门。",
    "area": "用电",
    "basis": "获得电力服务承诺",
}


def test_keeper_creates_reads_updates_retires_and_restores(cast, login):
    client = login(cast.keeper)
    created = _post(client, API, BODY)
    assert created.status_code == 201, created.content
    entry = created.json()
    assert (entry["question"], entry["status"], entry["version"], entry["created_by"]) == (
        "用电报装要多久？", "active", 1, cast.keeper.display_name,
    )  # fmt: skip
    url = f"{API}/{entry['id']}"
    assert client.get(url).json()["answer"] == BODY["answer"]
    updated = _put(client, url, {**BODY, "answer": "新的答复", "version": 1})
    assert updated.status_code == 200 and updated.json()["version"] == 2
    stale = _put(client, url, {**BODY, "answer": "另一个答复", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert "已被他人修改" in stale.json()["message"]
    retired = _post(client, f"{url}/retire", {"version": 2})
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    again = _post(client, f"{url}/retire", {})
    assert again.status_code == 409 and again.json()["code"] == "already_retired"
    restored = _post(client, f"{url}/restore", {"version": 3})
    assert restored.status_code == 200 and restored.json()["status"] == "active"
    assert AuditEvent.objects.filter(action__startswith="knowledge.entry_").count() == 4


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**BODY, "question": ""}, "question_required"),
        ({**BODY, "answer": "答" * 5001}, "answer_too_long"),
        ({**BODY, "area": "领" * 31}, "area_too_long"),
    ],
)
def test_bad_content_is_a_400_with_its_code(cast, login, body, code):
    response = _post(login(cast.keeper), API, body)
    assert response.status_code == 400 and response.json()["code"] == code
    assert response.json()["details"] == {
        "field": code.rsplit("_", 2)[0] if "too_long" in code else "question"
    }


def test_wrong_types_and_duplicates(cast, login):
    client = login(cast.keeper)
    assert _post(client, API, {**BODY, "question": 12}).status_code == 422
    assert _post(client, API, {"answer": "缺问题"}).status_code == 422
    assert _post(client, API, BODY).status_code == 201
    duplicate = _post(client, API, BODY)
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "question_duplicate"
    nul = client.post(API, json.dumps({**BODY, "question": "含\u0000"}), content_type="application/json")
    assert nul.status_code == 400 and nul.json()["code"] == "invalid_characters"


@pytest.mark.parametrize("who", ["handler", "enterprise", "agent", "dispatcher"])
def test_writes_by_anyone_but_the_keepers_are_forbidden(cast, login, who):
    entry = add(cast, "企业开办要多久？")
    client = login(getattr(cast, who))
    url = f"{API}/{entry.pk}"
    for response in (
        _post(client, API, BODY),
        _put(client, url, {**BODY, "version": 1}),
        _post(client, f"{url}/retire", {"version": 1}),
        _post(client, f"{url}/restore", {"version": 1}),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert Entry.objects.get().question == "企业开办要多久？"


@pytest.mark.parametrize("who", ["handler", "enterprise"])
def test_outsiders_read_nothing(cast, login, who):
    entry = add(cast, "企业开办要多久？")
    client = login(getattr(cast, who))
    assert client.get(API).status_code == 404
    assert client.get(f"{API}/{entry.pk}").status_code == 404
    assert _post(client, f"{API}/{entry.pk}/use").status_code == 404
    assert Entry.objects.get().use_count == 0


def test_agents_search_page_and_cite(cast, login):
    for n in range(7):
        # Odd ones hold the term in their keywords, even ones in their answer only.
        add(cast, f"退税问题{n}", "关于留抵退税的答复", keywords="留抵退税" if n % 2 else "")
    client = login(cast.agent)
    first = client.get(API, {"q": "留抵退税", "size": 3}).json()
    assert (first["count"], first["page"], first["size"], len(first["items"])) == (7, 1, 3, 3)
    assert all("留抵退税" in item["keywords"] for item in first["items"])
    last = client.get(API, {"q": "留抵退税", "size": 3, "page": 3}).json()
    assert len(last["items"]) == 1
    assert client.get(API, {"q": "留抵退税", "page": 9}).json()["items"] == []
    assert client.get(API, {"size": 1000}).status_code == 422
    bad = client.get(API, {"status": "deleted"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_status"
    target = first["items"][0]["id"]
    used = _post(client, f"{API}/{target}/use")
    assert used.status_code == 200 and used.json() == {"id": target, "use_count": 1}
    assert client.get(API, {"q": "留抵退税", "size": 1}).json()["items"][0]["id"] == target


def test_retired_entries_leave_the_default_search(cast, login):
    kept, gone = add(cast, "招聘补贴怎么申请？"), add(cast, "技改补贴怎么申报？")
    add(cast, "用电报装", now=NOW)
    keeper = login(cast.keeper)
    assert _post(keeper, f"{API}/{gone.pk}/retire").status_code == 200
    agent = login(cast.agent)
    assert [i["id"] for i in agent.get(API, {"q": "补贴"}).json()["items"]] == [kept.pk]
    assert agent.get(f"{API}/{gone.pk}").status_code == 404
    assert agent.get(API, {"status": "retired"}).json()["count"] == 0
    assert [i["id"] for i in keeper.get(API, {"status": "retired"}).json()["items"]] == [gone.pk]
    refused = _post(keeper, f"{API}/{gone.pk}/use")
    assert refused.status_code == 409 and refused.json()["code"] == "entry_retired"


def test_unknown_ids_are_404(cast, login):
    client = login(cast.keeper)
    for path in (f"{API}/999999", f"{API}/0", f"{API}/9223372036854775808"):
        assert client.get(path).status_code == 404
    assert _put(client, f"{API}/999999", {**BODY, "version": 1}).status_code == 404
    assert _post(client, f"{API}/999999/use").status_code == 404
