"""The knowledge base's pages as people see them: the list (search, filters, empty state, paging,
export), an entry's page, 营商办's forms, and the lookup panel on the 12345 intake page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.knowledge.models import Entry, EntryStatus

from .conftest import add

LIST = "/knowledge/"


def test_the_list_searches_filters_and_pages(cast, login):
    for n in range(23):
        add(cast, f"税费问题{n:02d}", area="税费")
    add(cast, "用电报装要多久？", area="用电", basis="获得电力服务承诺")
    client = login(cast.agent)
    page = client.get(LIST).content.decode()
    assert page.count('data-testid="entry-row"') == 20 and "共 24 条" in page
    assert 'data-testid="new-entry"' not in page and 'data-testid="filter-status"' not in page
    assert client.get(LIST, {"page": 2}).content.decode().count('data-testid="entry-row"') == 4
    found = client.get(LIST, {"q": "报装"}).content.decode()
    assert found.count('data-testid="entry-row"') == 1 and "获得电力服务承诺" in found
    by_area = client.get(LIST, {"area": "用电"}).content.decode()
    assert by_area.count('data-testid="entry-row"') == 1
    empty = client.get(LIST, {"q": "不存在的问题"}).content.decode()
    assert 'data-testid="no-entries"' in empty and "没有符合条件的条目" in empty


def test_an_empty_knowledge_base_invites_the_keeper(cast, login):
    page = login(cast.keeper).get(LIST).content.decode()
    assert "知识库中暂无条目，可点击“新增条目”添加" in page and 'data-testid="new-entry"' in page


@pytest.mark.parametrize("who", ["handler", "enterprise"])
def test_outsiders_are_refused(cast, login, who):
    entry = add(cast, "企业开办要多久？")
    client = login(getattr(cast, who))
    for path in (LIST, f"{LIST}export.xlsx", f"{LIST}{entry.pk}/"):
        assert client.get(path).status_code == 404
    for path in (f"{LIST}new/", f"{LIST}{entry.pk}/edit/"):
        assert client.get(path).status_code == 403
    for path in (f"{LIST}{entry.pk}/retire/", f"{LIST}{entry.pk}/restore/"):
        assert client.post(path).status_code == 403
    assert Entry.objects.get().status == EntryStatus.ACTIVE


def test_agents_read_but_do_not_keep(cast, login):
    entry = add(cast, "企业开办要多久？")
    client = login(cast.agent)
    detail = client.get(f"{LIST}{entry.pk}/").content.decode()
    assert 'data-testid="entry-answer"' in detail and 'data-testid="edit"' not in detail
    assert client.get(f"{LIST}new/").status_code == 403
    assert client.post(f"{LIST}{entry.pk}/retire/").status_code == 403


def test_the_keeper_adds_edits_retires_and_restores(cast, login):
    client = login(cast.keeper)
    refused = client.post(f"{LIST}new/", {"question": "", "answer": "答复"})
    assert refused.status_code == 400 and 'data-testid="error-question"' in refused.content.decode()
    assert "请填写问题" in refused.content.decode()
    made = client.post(
        f"{LIST}new/",
        {"question": "技改补贴怎么申报？", "answer": "关注市工信局通知。", "area": "工业和信息化"},
    )
    entry = Entry.objects.get()
    assert made.status_code == 302 and made["Location"] == f"{LIST}{entry.pk}/"
    form = client.get(f"{LIST}{entry.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in form and "关注市工信局通知。" in form
    saved = client.post(
        f"{LIST}{entry.pk}/edit/", {"question": "技改补贴怎么申报？", "answer": "新答复", "version": "1"}
    )
    assert saved.status_code == 302
    stale = client.post(
        f"{LIST}{entry.pk}/edit/", {"question": "技改补贴怎么申报？", "answer": "又改", "version": "1"}
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    detail = client.get(f"{LIST}{entry.pk}/").content.decode()
    assert 'data-confirm="停用该条目？' in detail and "onclick" not in detail
    client.post(f"{LIST}{entry.pk}/retire/", {"version": "2"})
    assert Entry.objects.get().status == EntryStatus.RETIRED
    assert "已停用" in client.get(f"{LIST}{entry.pk}/").content.decode()
    assert client.get(f"{LIST}{entry.pk}/edit/").status_code == 302
    assert 'data-testid="entry-row"' in client.get(LIST, {"status": "retired"}).content.decode()
    client.post(f"{LIST}{entry.pk}/restore/", {"version": "3"})
    assert Entry.objects.get().status == EntryStatus.ACTIVE
    assert list(AuditEvent.objects.filter(action__startswith="knowledge.").order_by("seq").values_list("action", flat=True)) == [
        "knowledge.entry_create", "knowledge.entry_update", "knowledge.entry_retire", "knowledge.entry_restore",
    ]  # fmt: skip


def test_the_export_follows_the_filters_and_is_audited(cast, login):
    add(cast, "用电报装要多久？", "一证办电。", area="用电", basis="获得电力服务承诺")
    add(cast, "企业开办要多久？", area="企业开办")
    response = login(cast.agent).get(f"{LIST}export.xlsx", {"area": "用电"})
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("问题", "标准答复", "关键词", "领域", "政策依据/来源")
    assert [r[0] for r in rows[1:]] == ["用电报装要多久？"] and rows[1][5] == "在用"
    event = AuditEvent.objects.get(action="knowledge.export")
    assert event.actor_id == cast.agent.pk and event.after == {"count": 1, "area": "用电"}


def test_the_hotline_page_offers_the_lookup_panel(cast, login):
    page = login(cast.agent).get("/cases/intake/hotline/").content.decode()
    assert 'data-testid="knowledge-lookup"' in page and "knowledge/lookup.js" in page
    assert 'data-target="#id_answer"' in page and 'id="id_answer"' in page
    assert 'id="outcome-direct_answer"' in page


def test_the_header_shows_the_entry_to_readers_only(cast, login):
    def labels(user):
        context = login(user).get("/").context
        return [i["label"] for i in context["nav_items"]]

    assert "答复知识库" in labels(cast.agent) and "答复知识库" in labels(cast.keeper)
    assert "答复知识库" not in labels(cast.handler) and "答复知识库" not in labels(cast.enterprise)
