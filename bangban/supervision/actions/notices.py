"""通报: drafting from a frozen ranking, review, editing and issue as a GB/T 9704 document (the
content itself is built in `bangban.supervision.notices`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from bangban.accounts.models import User
from bangban.accounts.roles import Role
from bangban.audit.actions import record
from bangban.core import kit
from bangban.core.errors import InvalidTransition, ValidationFailed
from bangban.core.kit import durable_action
from bangban.notifications.actions import notify_users
from bangban.workdays.arithmetic import SHANGHAI

from .. import access, definitions, officedoc, workflow
from ..models import Notice, NoticeCounter, NoticeKind, NoticeStatus, Ranking, RankingStatus
from ..notices import build_content, notice_title, requirements_at
from ._common import _check_month
from .parameters import current_settings
from .rankings import row_dicts


def frozen_ranking(year: int, month: int, scope: str = definitions.DEFAULT_SCOPE) -> Ranking:
    """The month's frozen ranking, which every 通报 and the analysis pack of that month take their
    figures from; refused while the ranking is a draft or missing, and for a ranking frozen before
    it kept the figures of `scope`."""
    ranking = Ranking.objects.filter(year=year, month=month, status=RankingStatus.FROZEN).first()
    if ranking is None:
        raise InvalidTransition(
            f"{year}年{month}月的排名尚未冻结：请先冻结排名，通报的数字以冻结的排名为准",
            code="ranking_not_frozen",
        )
    if ranking.rows.exists() and not ranking.rows.filter(scope=scope).exists():
        raise InvalidTransition(
            f"{year}年{month}月的排名冻结时未保存「{definitions.scope(scope).label}」口径的数字，不能据此起草",
            code="ranking_scope_missing",
        )
    return ranking


NOTICE_SCOPES = {NoticeKind.HOTLINE: "hotline"}


@durable_action
def do_create_notice(user: Any, kind: str, year: int, month: int) -> Notice:

    access.require_manager(user)
    if kind not in NoticeKind.values:
        raise ValidationFailed("通报类型无效", code="notice_kind_invalid")
    year, month = _check_month(year, month)
    scope = NOTICE_SCOPES.get(NoticeKind(kind), definitions.DEFAULT_SCOPE)
    ranking = frozen_ranking(year, month, scope)
    content = build_content(
        kind,
        year,
        month,
        row_dicts(ranking, scope=scope),
        definitions.ranking_rules(ranking, scope),
        officers=ranking.officer_figures or None,
    )
    unit_ids = content.pop("units", [])
    notice = Notice.objects.create(
        kind=kind,
        year=year,
        month=month,
        title=notice_title(kind, year, month),
        content=content,
        created_by=user,
        created_at=timezone.now(),
    )
    if unit_ids:
        notice.units.set(unit_ids)
    record(
        "supervision.notice_create",
        actor=user,
        obj=notice,
        object_repr=notice.title,
        after={"kind": kind, "year": year, "month": month, "units": unit_ids},
    )
    return notice


def _locked_notice(notice_id: Any) -> Notice:
    return kit.lock(Notice, notice_id)


@durable_action
def do_review_notice(user: Any, notice_id: int, *, version: Any = None) -> Notice:
    access.require_manager(user)
    notice = _locked_notice(notice_id)
    kit.check_version(notice, version)
    notice.status = workflow.NOTICE.check(
        notice.status,
        "review",
        message=f"通报当前为“{notice.get_status_display()}”，不能审核",
        code="notice_not_draft",
    )
    notice.reviewed_by, notice.reviewed_at = user, timezone.now()
    kit.save_change(notice, ["status", "reviewed_by", "reviewed_at"])
    record(
        "supervision.notice_review",
        actor=user,
        obj=notice,
        object_repr=notice.title,
        before={"status": NoticeStatus.DRAFT},
        after={"status": NoticeStatus.REVIEWED},
    )
    return notice


@durable_action
def do_edit_notice(
    user: Any,
    notice_id: int,
    *,
    title: str | None = None,
    requirements: str | None = None,
    version: Any = None,
) -> Notice:
    """Edit a draft or reviewed notice's title and its closing 工作要求 text; an edited reviewed
    notice goes back to draft. An issued notice is immutable."""
    access.require_manager(user)
    notice = _locked_notice(notice_id)
    kit.check_version(notice, version)
    edited = workflow.NOTICE.check(
        notice.status,
        "edit",
        message=f"通报已印发（{notice.doc_number}），不能修改",
        code="notice_already_issued",
    )
    before = {"title": notice.title, "status": notice.status}
    if title is not None:
        title = title.strip()
        if not title or len(title) > 120:
            raise ValidationFailed(
                "标题不能为空且不超过 120 字",
                code="title_invalid",
                details={"fields": {"title": "请填写标题"}},
            )
        notice.title = title
    if requirements is not None:
        text = requirements.strip()
        if len(text) > 2000:
            raise ValidationFailed("工作要求不能超过 2000 字", code="requirements_invalid")
        sections = list((notice.content or {}).get("sections", []))
        at = requirements_at(sections)
        if at is not None and text:
            sections[at] = {**sections[at], "paragraphs": [p for p in text.splitlines() if p.strip()]}
            notice.content = {**notice.content, "sections": sections}
    notice.status = edited
    notice.reviewed_by, notice.reviewed_at = None, None
    kit.save_change(notice, ["title", "content", "status", "reviewed_by", "reviewed_at"])
    record(
        "supervision.notice_edit",
        actor=user,
        obj=notice,
        object_repr=notice.title,
        before=before,
        after={"title": notice.title, "status": notice.status},
    )
    return notice


def render_notice(notice: Notice, *, number: str | None = None, date: dt.date | None = None) -> bytes:
    cfg = current_settings()
    content = notice.content or {}
    return officedoc.build_document(
        authority=cfg.authority_name,
        number=number
        or notice.doc_number
        or f"{cfg.doc_prefix}〔{(date or timezone.localdate()).year}〕　号",
        title=notice.title,
        salutation=content.get("salutation", ""),
        sections=content.get("sections", []),
        signed_by=cfg.authority_name,
        date=date or notice.issue_date or timezone.localdate(),
        copy_to="市委办公室，市人大常委会办公室，市政府办公室，市政协办公室，市纪委监委",
    )


@durable_action
def do_issue_notice(
    user: Any, notice_id: int, *, version: Any = None, now: dt.datetime | None = None
) -> Notice:
    """Give the reviewed notice its 发文字号, render and archive the .docx (SHA-256 recorded)."""
    access.require_manager(user)
    now = now or timezone.now()
    notice = _locked_notice(notice_id)
    kit.check_version(notice, version)
    if notice.status == NoticeStatus.ISSUED:
        raise InvalidTransition(
            f"通报已于 {timezone.localtime(notice.issued_at):%Y-%m-%d} 印发（{notice.doc_number}），"
            "不能重复印发或修改",
            code="notice_already_issued",
        )
    issued = workflow.NOTICE.check(
        notice.status, "issue", message="通报须先审核，才能印发", code="notice_not_reviewed"
    )
    cfg = current_settings()
    day = now.astimezone(SHANGHAI).date()
    counter, _ = NoticeCounter.objects.get_or_create(year=day.year)
    counter = NoticeCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save()
    notice.doc_year, notice.doc_seq = day.year, counter.last
    notice.doc_number = officedoc.doc_number(cfg.doc_prefix, day.year, counter.last)
    notice.issue_date = day
    data = render_notice(notice, number=notice.doc_number, date=day)
    notice.sha256 = hashlib.sha256(data).hexdigest()
    notice.file.save(f"{notice.doc_number}.docx", ContentFile(data), save=False)
    notice.status = issued
    notice.issued_by, notice.issued_at = user, now
    kit.save_change(
        notice,
        [
            "doc_year",
            "doc_seq",
            "doc_number",
            "issue_date",
            "sha256",
            "file",
            "status",
            "issued_by",
            "issued_at",
        ],
    )
    _notify_named_units(notice, now)
    record(
        "supervision.notice_issue",
        actor=user,
        obj=notice,
        object_repr=notice.title,
        before={"status": NoticeStatus.REVIEWED},
        after={"status": NoticeStatus.ISSUED, "doc_number": notice.doc_number, "sha256": notice.sha256},
    )
    return notice


def _notify_named_units(notice: Notice, now: dt.datetime) -> None:
    """The heads of the units a notice names are told (in-app) once it is issued."""

    unit_ids = list(notice.units.values_list("pk", flat=True))
    if not unit_ids:
        return
    heads = User.objects.filter(unit_id__in=unit_ids, is_active=True, roles__code=Role.UNIT_HEAD).distinct()
    notify_users(
        list(heads),
        f"{notice.doc_number} 点名通报了本单位",
        f"《{notice.title}》已印发，请按通报要求整改，并在下月台账中报送整改情况。",
        link=f"/supervision/notices/{notice.pk}/",
        now=now,
    )
