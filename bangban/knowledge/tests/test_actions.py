"""Keeping the knowledge base: validation with Chinese messages and stable codes, who may change it,
versions, retire and restore, and one audit event per change."""

from __future__ import annotations

import datetime as dt

import pytest

from bangban.audit.models import AuditEvent
from bangban.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from bangban.knowledge import actions
from bangban.knowledge.models import Entry, EntryStatus

from .conftest import NOW, add


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_create_stores_cleaned_fields_and_records_one_event(cast):
    entry = add(
        cast,
        "  企业开办\n要多久？ ",
        "全程0.5个工作日办结。\r\n可免费寄递。",
        area=" 企业开办 ",
        keywords="开办  时限",
    )
    assert entry.question == "企业开办 要多久？" and entry.answer == "全程0.5个工作日办结。\n可免费寄递。"
    assert (entry.area, entry.keywords, entry.status, entry.version) == ("企业开办", "开办 时限", "active", 1)
    assert entry.created_by == cast.keeper and entry.updated_at == NOW
    assert _events("knowledge.entry_create") == 1


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"question": " "}, "question_required", "请填写问题"),
        ({"answer": ""}, "answer_required", "请填写标准答复"),
        ({"question": "问" * 201}, "question_too_long", "问题不能超过 200 个字"),
        ({"answer": "答" * 5001}, "answer_too_long", "标准答复不能超过 5000 个字"),
        ({"keywords": "词" * 201}, "keywords_too_long", "关键词不能超过 200 个字"),
        ({"basis": "据" * 501}, "basis_too_long", "政策依据/来源不能超过 500 个字"),
        ({"area": "域" * 31}, "area_too_long", "领域不能超过 30 个字"),
        ({"answer": "含\x00空字符"}, "invalid_characters", "不允许的字符"),
        ({"area": ["税费"]}, "invalid_area", "领域应为文字"),
    ],
)
def test_create_refuses_bad_input_with_a_code_and_a_chinese_message(cast, fields, code, message):
    data = {"question": "问题", "answer": "答复", **fields}
    with pytest.raises(ValidationFailed) as exc:
        actions.do_create_entry(acting_user=cast.keeper, data=actions.EntryInput(**data), now=NOW)
    assert exc.value.code == code and message in exc.value.message
    assert not Entry.objects.exists() and _events("knowledge.entry_create") == 0


def test_an_active_question_appears_once(cast):
    add(cast, "留抵退税怎么申请？")
    with pytest.raises(ValidationFailed) as exc:
        add(cast, " 留抵退税怎么申请？")
    assert exc.value.code == "question_duplicate" and "已有在用的同一问题" in exc.value.message


@pytest.mark.parametrize("who", ["agent", "dispatcher", "handler", "enterprise"])
def test_only_the_keepers_change_it(cast, who):
    entry = add(cast, "用电报装要多久？")
    user = getattr(cast, who)
    with pytest.raises(PermissionDenied):
        actions.do_create_entry(
            acting_user=user, data=actions.EntryInput(question="问", answer="答"), now=NOW
        )
    for do in (actions.do_retire_entry, actions.do_restore_entry):
        with pytest.raises(PermissionDenied):
            do(acting_user=user, entry_id=entry.pk, now=NOW)
    with pytest.raises(PermissionDenied):
        actions.do_update_entry(
            acting_user=user, entry_id=entry.pk, data=actions.EntryInput(question="改", answer="改"),
            expected_version=1, now=NOW,
        )  # fmt: skip
    assert Entry.objects.get(pk=entry.pk).question == "用电报装要多久？"


def test_the_admin_keeps_it_too(cast):
    entry = actions.do_create_entry(
        acting_user=cast.world.admin, data=actions.EntryInput(question="问", answer="答"), now=NOW
    )
    assert entry.created_by == cast.world.admin


def test_update_checks_the_version_and_records_what_changed(cast):
    entry = add(cast, "技改补贴怎么申报？", "旧答复")
    later = NOW + dt.timedelta(hours=1)
    new = actions.EntryInput(question="技改补贴怎么申报？", answer="新答复", area="工业和信息化")
    updated = actions.do_update_entry(
        acting_user=cast.world.admin, entry_id=entry.pk, data=new, expected_version=1, now=later
    )
    assert (updated.answer, updated.area, updated.version) == ("新答复", "工业和信息化", 2)
    assert updated.updated_by == cast.world.admin and updated.updated_at == later
    event = AuditEvent.objects.get(action="knowledge.entry_update")
    assert event.before == {"answer": "旧答复", "area": ""} and event.after == {
        "answer": "新答复",
        "area": "工业和信息化",
    }
    with pytest.raises(Conflict) as exc:
        actions.do_update_entry(
            acting_user=cast.keeper, entry_id=entry.pk, data=new, expected_version=1, now=NOW
        )
    assert exc.value.code == "version_conflict" and exc.value.status == 409
    assert "已被他人修改" in exc.value.message and "第 1 版" in exc.value.message
    with pytest.raises(Conflict):  # the version is required for an edit
        actions.do_update_entry(
            acting_user=cast.keeper, entry_id=entry.pk, data=new, expected_version=None, now=NOW
        )
    # Saving the same content changes nothing and records nothing.
    same = actions.do_update_entry(
        acting_user=cast.keeper, entry_id=entry.pk, data=new, expected_version=2, now=NOW
    )
    assert same.version == 2 and _events("knowledge.entry_update") == 1


def test_update_cannot_take_another_entrys_question(cast):
    add(cast, "问题一")
    second = add(cast, "问题二")
    with pytest.raises(ValidationFailed) as exc:
        actions.do_update_entry(
            acting_user=cast.keeper, entry_id=second.pk, data=actions.EntryInput(question="问题一", answer="答"),
            expected_version=1, now=NOW,
        )  # fmt: skip
    assert exc.value.code == "question_duplicate"


def test_retire_and_restore(cast):
    entry = add(cast, "不动产登记要多久？")
    retired = actions.do_retire_entry(acting_user=cast.keeper, entry_id=entry.pk, expected_version=1, now=NOW)
    assert (retired.status, retired.version) == (EntryStatus.RETIRED, 2)
    with pytest.raises(InvalidTransition) as exc:
        actions.do_retire_entry(acting_user=cast.keeper, entry_id=entry.pk, now=NOW)
    assert exc.value.code == "already_retired"
    with pytest.raises(InvalidTransition) as exc:
        actions.do_update_entry(
            acting_user=cast.keeper, entry_id=entry.pk, data=actions.EntryInput(question="改", answer="改"),
            expected_version=2, now=NOW,
        )  # fmt: skip
    assert exc.value.code == "entry_retired"
    # Its question is free again while it is retired, and blocks its restoration once taken.
    other = add(cast, "不动产登记要多久？")
    with pytest.raises(ValidationFailed) as refused:
        actions.do_restore_entry(acting_user=cast.keeper, entry_id=entry.pk, now=NOW)
    assert refused.value.code == "question_duplicate"
    actions.do_retire_entry(acting_user=cast.keeper, entry_id=other.pk, now=NOW)
    with pytest.raises(Conflict):
        actions.do_restore_entry(acting_user=cast.keeper, entry_id=entry.pk, expected_version=1, now=NOW)
    restored = actions.do_restore_entry(
        acting_user=cast.keeper, entry_id=entry.pk, expected_version=2, now=NOW
    )
    assert (restored.status, restored.version) == (EntryStatus.ACTIVE, 3)
    with pytest.raises(InvalidTransition) as exc:
        actions.do_restore_entry(acting_user=cast.keeper, entry_id=entry.pk, now=NOW)
    assert exc.value.code == "not_retired"
    assert _events("knowledge.entry_retire") == 2 and _events("knowledge.entry_restore") == 1


def test_a_citation_counts_without_a_new_version_or_an_audit_event(cast):
    entry = add(cast, "六税两费要申请吗？")
    before = AuditEvent.objects.count()
    for _ in range(2):
        used = actions.do_record_use(acting_user=cast.agent, entry_id=entry.pk)
    assert (used.use_count, used.version) == (2, 1) and AuditEvent.objects.count() == before
    actions.do_retire_entry(acting_user=cast.keeper, entry_id=entry.pk, now=NOW)
    with pytest.raises(NotFound):  # an agent no longer sees it
        actions.do_record_use(acting_user=cast.agent, entry_id=entry.pk)
    with pytest.raises(InvalidTransition) as exc:
        actions.do_record_use(acting_user=cast.keeper, entry_id=entry.pk)
    assert exc.value.code == "entry_retired"
    for user, entry_id in (
        (cast.handler, entry.pk),
        (cast.agent, "abc"),
        (cast.agent, 999999),
        (cast.agent, -1),
    ):
        with pytest.raises(NotFound):
            actions.do_record_use(acting_user=user, entry_id=entry_id)
