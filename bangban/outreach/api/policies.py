"""`/outreach/policies`, `/policy-imports`: the policy library and its Excel import (R4.1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Schema, Status, UploadedFile

from bangban.core.answers import answers
from bangban.core.errors import NotFound
from bangban.core.http import AuthedHttpRequest
from bangban.core.pagination import Page, PageQuery, page_body

from .. import figures, policies, policy_import, queries
from ..access import access_policy, is_enterprise_user
from ..models import Policy
from ._common import ERRORS, IMPORT_ERRORS, LIST_ERRORS, router
from .schemas import PolicyOut


def policy_out(p: Policy) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "doc_number": p.doc_number,
        "issuer": p.issuer.name if p.issuer else "",
        "summary": p.summary,
        "body": p.body,
        "url": p.url,
        "published_on": p.published_on.isoformat() if p.published_on else None,
        "valid_until": p.valid_until.isoformat() if p.valid_until else None,
        "industries": p.industries,
        "region_codes": p.region_codes,
        "scales": p.scales,
        "tiers": p.tiers,
        "keywords": p.keywords or [],
        "is_active": p.is_active,
        "version": p.version,
    }


class PolicyQuery(PageQuery):
    q: str | None = Field(None, description="名称、文号或要点包含的文字")
    industry: str | None = Field(None, description="适用行业门类 A–T")
    tier: str | None = Field(None, description="适用企业层级")


class PolicyIn(Schema):
    title: str = Field(description="政策名称")
    doc_number: str = Field("", description="文号")
    issuer_id: int | None = Field(None, description="发布单位ID")
    summary: str = Field(description="政策要点")
    body: str = Field("", description="政策正文（可选）")
    url: str = Field("", description="原文链接")
    published_on: dt.date | None = Field(None, description="发布日期")
    valid_until: dt.date | None = Field(None, description="有效期至")
    industries: list[str] = Field([], description="适用行业门类（空为不限）")
    region_codes: list[str] = Field([], description="适用区划代码（空为全市，含下级）")
    scales: list[str] = Field([], description="适用规模：large/medium/small/micro（空为不限）")
    tiers: list[str] = Field([], description="适用层级：city_top100/county_key/general（空为不限）")
    keywords: list[str] = Field([], description="关联关键词：诉求标题或内容含其一即计为涉及本政策的诉求")


class PolicyPatch(PolicyIn):
    version: int = Field(description="读取时的版本号；他人已修改时返回 409 conflict")
    is_active: bool = Field(True, description="false：政策失效")


@router.get(
    "/policies",
    response=answers(Page[PolicyOut], LIST_ERRORS),
    summary="惠企政策库（企业用户：已送达本企业的政策）",
)
def list_policies(request: HttpRequest, query: Query[PolicyQuery]) -> Any:
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(queries.policies(request.user, params).strict(), query, out=policy_out)


class PolicyEffectOut(Schema):
    policy_id: int
    title: str
    doc_number: str
    delivered: int = Field(description="送达企业数")
    read: int = Field(description="已读企业数")
    read_rate: float | None = Field(description="阅读率（%），未送达时为空")
    questions: int = Field(description="企业就本政策提问数")
    cases: int = Field(description="涉及本政策的诉求数（口径见 rule）")
    closed: int = Field(description="其中已办结")


@router.get(
    "/policies/effects",
    response=answers(Page[PolicyEffectOut], LIST_ERRORS),
    summary="惠企政策落地成效（送达、阅读、提问、涉及诉求）",
)
def list_policy_effects(request: HttpRequest, query: Query[PolicyQuery]) -> Any:
    if is_enterprise_user(request.user):
        raise NotFound()
    params = query.dict(exclude={"page", "size"}, exclude_none=True)
    return page_body(
        queries.policies(request.user, params).strict(),
        query,
        out=lambda p: figures.policy_effect(p).as_dict(),
    )


@router.get(
    "/policies/{policy_id}/effect", response=answers(PolicyEffectOut), summary="一项惠企政策的落地成效"
)
def get_policy_effect(request: HttpRequest, policy_id: int) -> Any:
    if is_enterprise_user(request.user):
        raise NotFound()
    return figures.policy_effect(access_policy(request.user, policy_id)).as_dict()


@router.get("/policies/{policy_id}", response=answers(PolicyOut), summary="惠企政策详情")
def get_policy(request: HttpRequest, policy_id: int) -> Any:
    return policy_out(access_policy(request.user, policy_id))


@router.post("/policies", response=answers({201: PolicyOut}, ERRORS), summary="录入惠企政策")
def create_policy(request: AuthedHttpRequest, payload: PolicyIn) -> Any:
    return Status(201, policy_out(policies.do_create_policy(acting_user=request.user, data=payload.dict())))


@router.put("/policies/{policy_id}", response=answers(PolicyOut, ERRORS), summary="修改惠企政策")
def update_policy(request: AuthedHttpRequest, policy_id: int, payload: PolicyPatch) -> Any:
    data = payload.dict()
    version = data.pop("version")
    return policy_out(
        policies.do_update_policy(acting_user=request.user, policy_id=policy_id, version=version, data=data)
    )


def import_out(batch: Any) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "file_name": batch.file_name,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "valid_count": batch.valid_count,
        "error_count": batch.error_count,
        "created_count": batch.created_count,
        "rows": [
            {
                "row": r["row"],
                "title": r.get("title", ""),
                "ok": r.get("data") is not None,
                "code": r.get("code", ""),
                "error": r.get("error", ""),
                "policy_id": r.get("policy_id"),
            }
            for r in batch.rows
        ],
    }


@router.post(
    "/policy-imports",
    response=answers({201: dict}, ERRORS, IMPORT_ERRORS),
    summary="上传惠企政策导入文件（.xlsx），逐行检查并返回预览；确认前不写入政策库",
)
def preview_policy_import(request: AuthedHttpRequest, file: File[UploadedFile]) -> Any:
    batch = policy_import.do_preview_policy_import(acting_user=request.user, uploaded_file=file)
    return Status(201, import_out(batch))


@router.get("/policy-imports/{import_id}", response=answers(dict), summary="政策导入预览")
def get_policy_import(request: HttpRequest, import_id: int) -> Any:
    return import_out(policy_import.access_import(request.user, import_id))


@router.post(
    "/policy-imports/{import_id}/apply",
    response=answers(dict, ERRORS, IMPORT_ERRORS),
    summary="确认导入有效行",
)
def apply_policy_import(request: AuthedHttpRequest, import_id: int) -> Any:
    return import_out(policy_import.do_apply_policy_import(acting_user=request.user, import_id=import_id))


@router.post(
    "/policy-imports/{import_id}/cancel",
    response=answers(dict, ERRORS, IMPORT_ERRORS),
    summary="取消政策导入",
)
def cancel_policy_import(request: AuthedHttpRequest, import_id: int) -> Any:
    return import_out(policy_import.do_cancel_policy_import(acting_user=request.user, import_id=import_id))
