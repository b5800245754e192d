"""Helpers the supervision pages share."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils import timezone as tz
from django.utils.http import content_disposition_header

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.http import AuthedHttpRequest
from bangban.core.views import error_response
from bangban.core.xlsx import xlsx_response

from .. import figures

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in, within supervision (404 otherwise), errors as the standard error page."""

    @login_required
    @wraps(view)
    def wrapper(request: AuthedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            return error_response(request, exc)

    return wrapper


def docx_response(filename: str, data: bytes) -> FileResponse:
    response = FileResponse(io.BytesIO(data), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _last_month() -> tuple[int, int]:
    today = timezone.localdate()
    return figures.previous_month(today.year, today.month)


def _cases_xlsx(filename: str, qs: Any) -> FileResponse:

    def fmt(v: Any) -> str:
        return tz.localtime(v).strftime("%Y-%m-%d %H:%M") if v else ""

    headers = [
        "诉求编号",
        "标题",
        "来源渠道",
        "主办单位",
        "状态",
        "受理时间",
        "派单时间",
        "签收时间",
        "办理期限",
        "办结时间",
        "重复反映",
    ]
    rows = (
        [
            t.number, t.title, t.get_channel_display(), t.lead_unit.name if t.lead_unit else "", t.get_status_display(),
            fmt(t.received_at), fmt(t.dispatched_at), fmt(t.accepted_at), fmt(t.due_at), fmt(t.closed_at),
            "是" if t.is_repeat else "",
        ]
        for t in qs.iterator(chunk_size=1000)
    )  # fmt: skip
    return xlsx_response(filename, headers, rows, "诉求")
