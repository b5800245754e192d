"""Refuses input no field may hold: NUL bytes and lone surrogates.

PostgreSQL cannot store a NUL character in text, and a lone surrogate cannot be encoded as UTF-8, so
either one reaching a query used to end in a server error. This middleware looks at the path, the
query string, url-encoded form fields and JSON bodies before any view runs, and answers 400
(`invalid_characters`): `{code, message}` under `/api/`, the error page elsewhere. Multipart bodies
are not parsed here (an upload view installs its handlers before the body is parsed); their text
fields are checked in `process_view`, once the CSRF check has parsed them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from bangban.core.errors import ValidationFailed
from bangban.core.views import error_response

FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
CODE = "invalid_characters"
MESSAGE = "提交的内容含有不允许的字符（空字符或无效的 Unicode 字符）"


def has_forbidden_characters(value: Any) -> bool:
    """Whether a string, or any string inside lists and dicts, holds a NUL or a lone surrogate."""
    if isinstance(value, str):
        return FORBIDDEN.search(value) is not None
    if isinstance(value, dict):
        return any(has_forbidden_characters(k) or has_forbidden_characters(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_forbidden_characters(v) for v in value)
    return False


def _querydict_bad(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any(has_forbidden_characters(k) or has_forbidden_characters(v) for k, v in pairs)


def request_has_forbidden_characters(request: HttpRequest) -> bool:
    if has_forbidden_characters(request.path) or _querydict_bad(request.GET.lists()):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        return _querydict_bad(request.POST.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        raw = request.body
        if b"\\u0000" not in raw and b"\x00" not in raw and b"\\ud" not in raw.lower():
            return False
        try:
            return has_forbidden_characters(json.loads(raw))
        except ValueError:
            return b"\x00" in raw
    return False


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_forbidden_characters(request):
            return _refusal(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        # A multipart body has been parsed by now (by the CSRF check) unless the view installs its
        # own upload handlers first; its text fields are checked here without parsing it early.
        if request.method == "POST" and hasattr(request, "_post") and _querydict_bad(request.POST.lists()):
            return _refusal(request)
        return None


def _refusal(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": CODE, "message": MESSAGE}, status=400)

    return error_response(request, ValidationFailed(MESSAGE, code=CODE))
