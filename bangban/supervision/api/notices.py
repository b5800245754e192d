"""`/supervision/notices`: 通报, their review, issue and .docx."""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.http import content_disposition_header
from ninja import Field, Schema, Status

from bangban.core.answers import answers
from bangban.core.pagination import Page, PageNumber, PageSize, page_body
from bangban.core.schemas import MonthField, YearField

from .. import access, actions
from ..models import Notice, NoticeStatus
from ._common import NOTICE_ERRORS, router
from .rankings import SupervisionVersionIn


class NoticeOut(Schema):
    id: int
    kind: str = Field(description="hotline 12345热线 / bad_rating 差评 / inspection 督查")
    year: int
    month: int
    title: str
    status: str = Field(description="draft 草稿 / reviewed 已审核 / issued 已印发")
    doc_number: str = Field(description="发文字号")
    issue_date: Any
    sha256: str = Field(description="归档文件的 SHA-256")
    version: int = Field(description="版本号；修改时原样提交")


class NoticeIn(Schema):
    kind: str = Field(description="hotline / bad_rating / inspection")
    year: YearField
    month: MonthField


@router.get("/notices", response=answers(Page[NoticeOut]), summary="通报列表")
def list_notices(request: HttpRequest, page: PageNumber = 1, size: PageSize = 20) -> Any:
    return page_body(access.visible_notices(request.user), page, size)


@router.post("/notices", response=answers({201: NoticeOut}, NOTICE_ERRORS), summary="生成通报草稿")
def create_notice(request: HttpRequest, payload: NoticeIn) -> Any:
    return Status(201, actions.do_create_notice(request.user, payload.kind, payload.year, payload.month))


@router.get("/notices/{notice_id}", response=answers(NoticeOut), summary="通报")
def get_notice(request: HttpRequest, notice_id: int) -> Any:
    return access.access_notice(request.user, notice_id)


class NoticeEditIn(Schema):
    title: str | None = Field(None, description="标题")
    requirements: str | None = Field(None, description="最后一部分（工作要求）的文字，每行一段")
    version: int | None = Field(None, description="读取时的版本号（可选）；他人已修改时返回 409 conflict")


@router.patch(
    "/notices/{notice_id}",
    response=answers(NoticeOut, NOTICE_ERRORS),
    summary="修改通报草稿（已印发的不可修改）",
)
def edit_notice(request: HttpRequest, notice_id: int, payload: NoticeEditIn) -> Any:
    access.access_notice(request.user, notice_id)
    return actions.do_edit_notice(
        request.user,
        notice_id,
        title=payload.title,
        requirements=payload.requirements,
        version=payload.version,
    )


@router.post("/notices/{notice_id}/review", response=answers(NoticeOut, NOTICE_ERRORS), summary="审核通报")
def review_notice(request: HttpRequest, notice_id: int, payload: SupervisionVersionIn) -> Any:
    access.access_notice(request.user, notice_id)
    return actions.do_review_notice(request.user, notice_id, version=payload.version)


@router.post(
    "/notices/{notice_id}/issue",
    response=answers(NoticeOut, NOTICE_ERRORS),
    summary="印发通报（编发文字号、归档）",
)
def issue_notice(request: HttpRequest, notice_id: int, payload: SupervisionVersionIn) -> Any:
    access.access_notice(request.user, notice_id)
    return actions.do_issue_notice(request.user, notice_id, version=payload.version)


@router.get("/notices/{notice_id}/docx", summary="下载通报 .docx", response=answers(None))
def notice_docx(request: HttpRequest, notice_id: int) -> Any:
    notice: Notice = access.access_notice(request.user, notice_id)
    if notice.status == NoticeStatus.ISSUED and notice.file:
        with notice.file.open("rb") as fh:
            data = fh.read()
    else:
        data = actions.render_notice(notice)
    response = FileResponse(
        io.BytesIO(data),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{notice.doc_number or '草稿'}.docx") or "attachment"
    )
    return response
