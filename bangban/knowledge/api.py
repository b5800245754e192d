"""`/api/v1/knowledge`: the answer knowledge base — search and read (12345 hotline agents, dispatchers,
营商办, administrators), keep (营商办 and administrators: create, update with the version read,
retire, restore), and count a citation (`/use`, when an agent inserts an answer into a 直接答复).

Reading outside the readers → 404 `not_found`; changing it without being a keeper → 403
`permission_denied`; a broken rule → 400 with its code (`question_required`, `answer_too_long`,
`question_duplicate` …); a stale version → 409 `version_conflict`; a move the entry's state does not
allow → 409 (`entry_retired`, `already_retired`, `not_retired`). Search rules: docs/knowledge.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from bangban.core.answers import Router, answers
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from . import actions, queries
from .access import access_entry, require_reader
from .models import ANSWER_MAX, AREA_MAX, BASIS_MAX, KEYWORDS_MAX, QUESTION_MAX, Entry

router = Router(tags=["答复知识库"])

CONTENT_ERRORS = [
    *(f"{name}_required" for name in ("question", "answer")),
    *(f"{name}_too_long" for name in actions.FIELDS),
    "question_duplicate",
]
VERSION_CONFLICT = (409, "version_conflict")


class KnowledgeEntryOut(Schema):
    id: int = Field(description="条目ID")
    question: str = Field(description="问题")
    answer: str = Field(description="标准答复")
    keywords: str = Field(description="关键词（空格分隔）")
    basis: str = Field(description="政策依据/来源")
    area: str = Field(description="领域，如 企业开办、税费、用电")
    status: str = Field(description="状态：active 在用 / retired 已停用")
    use_count: int = Field(description="坐席引用次数")
    created_by: str = Field(description="创建人")
    created_at: dt.datetime = Field(description="创建时间")
    updated_by: str = Field(description="最后修改人")
    updated_at: dt.datetime = Field(description="最后修改时间")
    version: int = Field(description="版本号；修改、停用、恢复时原样提交")


class KnowledgeListQuery(PageQuery):
    q: str | None = Field(
        None, max_length=200, description="检索词，空格分隔；每个词须出现在问题、关键词、领域或答复中"
    )
    area: str | None = Field(None, max_length=AREA_MAX, description="领域（完全一致）")
    status: str | None = Field(
        None, description="active 在用（默认）/ retired 已停用 / all 全部；已停用的条目仅营商办可见"
    )


class KnowledgeEntryIn(Schema):
    question: str = Field(description=f"问题，必填，不超过 {QUESTION_MAX} 字")
    answer: str = Field(description=f"标准答复，必填，不超过 {ANSWER_MAX} 字")
    keywords: str = Field("", description=f"关键词，空格分隔，不超过 {KEYWORDS_MAX} 字")
    basis: str = Field("", description=f"政策依据/来源，不超过 {BASIS_MAX} 字")
    area: str = Field("", description=f"领域，不超过 {AREA_MAX} 字")


class KnowledgeEntryUpdateIn(KnowledgeEntryIn):
    version: int = Field(description="读取时的版本号；他人已修改时返回 409 version_conflict")


class KnowledgeVersionIn(Schema):
    version: int | None = Field(
        None, description="读取时的版本号（可选）；他人已修改时返回 409 version_conflict"
    )


class KnowledgeUseOut(Schema):
    id: int = Field(description="条目ID")
    use_count: int = Field(description="引用后的引用次数")


def entry_out(e: Entry) -> dict[str, Any]:
    return {
        "id": e.pk, "question": e.question, "answer": e.answer, "keywords": e.keywords, "basis": e.basis,
        "area": e.area, "status": e.status, "use_count": e.use_count,
        "created_by": e.created_by.display_name, "created_at": e.created_at,
        "updated_by": e.updated_by.display_name, "updated_at": e.updated_at, "version": e.version,
    }  # fmt: skip


def _input(payload: KnowledgeEntryIn) -> actions.EntryInput:
    return actions.EntryInput(
        question=payload.question,
        answer=payload.answer,
        keywords=payload.keywords,
        basis=payload.basis,
        area=payload.area,
    )


def _fresh(request: HttpRequest, entry: Entry) -> dict[str, Any]:
    return entry_out(access_entry(request.user, entry.pk))


@router.get("", response=answers(Page[KnowledgeEntryOut], "invalid_status"), summary="检索答复知识库")
def list_entries(request: HttpRequest, query: Query[KnowledgeListQuery]) -> Any:
    require_reader(request.user)
    params = query.dict(exclude={"page", "size"})
    qs = queries.search(request.user, params).select_related("created_by")
    return page_body(qs, query, out=entry_out)


@router.post("", response=answers({201: KnowledgeEntryOut}, CONTENT_ERRORS), summary="新增知识条目（营商办）")
def create_entry(request: AuthedHttpRequest, payload: KnowledgeEntryIn) -> Any:
    entry = actions.do_create_entry(acting_user=request.user, data=_input(payload), now=timezone.now())
    return Status(201, _fresh(request, entry))


@router.get("/{entry_id}", response=answers(KnowledgeEntryOut), summary="知识条目详情")
def get_entry(request: HttpRequest, entry_id: int) -> Any:
    return entry_out(access_entry(request.user, entry_id))


@router.put(
    "/{entry_id}",
    response=answers(KnowledgeEntryOut, CONTENT_ERRORS, VERSION_CONFLICT, (409, "entry_retired")),
    summary="修改知识条目（营商办）",
    description="提交全部字段及读取时的 version；已停用的条目须先恢复。",
)
def update_entry(request: AuthedHttpRequest, entry_id: int, payload: KnowledgeEntryUpdateIn) -> Any:
    entry = actions.do_update_entry(
        acting_user=request.user,
        entry_id=entry_id,
        data=_input(payload),
        expected_version=payload.version,
        now=timezone.now(),
    )
    return _fresh(request, entry)


@router.post(
    "/{entry_id}/retire",
    response=answers(KnowledgeEntryOut, VERSION_CONFLICT, (409, "already_retired")),
    summary="停用知识条目（营商办）",
)
def retire_entry(request: AuthedHttpRequest, entry_id: int, payload: KnowledgeVersionIn) -> Any:
    entry = actions.do_retire_entry(
        acting_user=request.user, entry_id=entry_id, expected_version=payload.version, now=timezone.now()
    )
    return _fresh(request, entry)


@router.post(
    "/{entry_id}/restore",
    response=answers(KnowledgeEntryOut, "question_duplicate", VERSION_CONFLICT, (409, "not_retired")),
    summary="恢复已停用的知识条目（营商办）",
)
def restore_entry(request: AuthedHttpRequest, entry_id: int, payload: KnowledgeVersionIn) -> Any:
    entry = actions.do_restore_entry(
        acting_user=request.user, entry_id=entry_id, expected_version=payload.version, now=timezone.now()
    )
    return _fresh(request, entry)


@router.post(
    "/{entry_id}/use",
    response=answers(KnowledgeUseOut, (409, "entry_retired")),
    summary="记录一次引用（坐席将标准答复插入直接答复时）",
)
def use_entry(request: AuthedHttpRequest, entry_id: int) -> Any:
    entry = actions.do_record_use(acting_user=request.user, entry_id=entry_id)
    return {"id": entry.pk, "use_count": entry.use_count}
