"""What an API operation answers: its success schema and, per error status, the machine codes it can
return — declared once, next to the operation, and published in `/api/v1/openapi.json`.

Every operation is registered on a `bangban.core.answers.Router` with `response=answers(...)`:

    @router.post("/x", response=answers({201: XOut}, NotFound, "title_required", (409, "x_in_use")))

An error is named by its class (`NotFound`, `Conflict`: its status and code), by a bare code (a 400
`ValidationFailed` code), or by `(status, code)`. The codes the API's own machinery answers are not
declared per operation: `document_errors` adds them from `COMMON_CODES`, according to what the
operation takes (authentication, parameters, a body). Each error response of the document then
carries `x-error-codes` (the list) and the same codes in its description; the contract and fuzz
tests fail when an operation answers a code its document does not list for that status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from ninja import Router as NinjaRouter
from ninja.constants import NOT_SET

from bangban.core.errors import REFUSALS, ApplicationError
from bangban.core.schemas import ErrorOut

CODES_KEY = "x-error-codes"

# The codes the API's machinery answers, by what an operation takes. Keys of `COMMON_CODES`:
# `any` every operation (the input guard's refusal of NUL bytes and lone surrogates anywhere in the
# request; a lost database connection), `input` an operation with parameters or a body (the schema
# check), `body` an operation with a JSON body (a body that is not JSON), `path` an operation with
# path parameters (an address whose parameter does not convert, e.g. `/units/abc`, answers the
# catch-all 404), `authenticated` an operation that needs a signed-in caller (no or a revoked token;
# the two refusals: outside the caller's scope looks missing, visible but not theirs is forbidden).
COMMON_CODES: dict[str, dict[int, tuple[str, ...]]] = {
    "any": {400: ("invalid_characters",), 503: ("database_unavailable",)},
    "input": {422: ("validation_error",)},
    "body": {400: ("bad_request",)},
    "path": {404: ("not_found",)},
    "authenticated": {401: ("unauthorized",), **{cls.status: (cls.code,) for cls in REFUSALS}},
}

ERROR_STATUS_TEXT = {
    400: "请求无效",
    401: "未认证",
    403: "无权执行此操作",
    404: "记录不存在或无权查看",
    409: "冲突（记录已被修改，或当前状态不允许）",
    410: "已停用",
    422: "参数格式不正确",
    429: "请求过于频繁",
    503: "服务暂时不可用，请稍后重试",
}


def _status_and_code(item: object) -> tuple[int, str]:
    if isinstance(item, str):
        return 400, item
    if isinstance(item, tuple) and _is_pair(item):
        return int(item[0]), str(item[1])
    if isinstance(item, type) and issubclass(item, ApplicationError):
        return item.status, item.code
    raise TypeError(f"not an error declaration: {item!r}")


def merge_codes(*tables: Mapping[int, Iterable[str]]) -> dict[int, tuple[str, ...]]:
    """The union of several `{status: codes}` tables, each status's codes sorted."""
    merged: dict[int, set[str]] = {}
    for table in tables:
        for status, codes in table.items():
            merged.setdefault(int(status), set()).update(codes)
    return {status: tuple(sorted(codes)) for status, codes in sorted(merged.items())}


class Answers(dict[int, Any]):
    """A Ninja response map (`{status: schema}`) that also knows the error codes it declares."""

    codes: dict[int, tuple[str, ...]]


def answers(ok: Any, *errors: object) -> Answers:
    """The response map of an operation: `ok` (a schema, or `{status: schema}` for several success
    answers) and the operation's own error codes (see the module docstring); a tuple or list of
    declarations (a module's shared set) counts as its members."""
    table: dict[int, set[str]] = {}
    for item in errors:
        group = isinstance(item, list) or (isinstance(item, tuple) and not _is_pair(item))
        items: Iterable[object] = item if group else [item]  # type: ignore[assignment]
        for one in items:
            status, code = _status_and_code(one)
            table.setdefault(status, set()).add(code)
    success = dict(ok) if isinstance(ok, dict) else {200: ok}
    result = Answers(success)
    for status in table:
        if status in success:
            raise ImproperlyConfigured(f"status {status} is both a success and an error answer")
        result[status] = ErrorOut
    result.codes = merge_codes(table)
    return result


def _is_pair(item: tuple[Any, ...]) -> bool:
    return len(item) == 2 and isinstance(item[0], int) and isinstance(item[1], str)


class Router(NinjaRouter):
    """A Ninja router whose every operation declares its answers with `answers()`; the declared codes
    travel to the OpenAPI document (`document_errors` completes them)."""

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        response: Any = NOT_SET,
        openapi_extra: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(response, Answers):
            raise ImproperlyConfigured(
                f"{view_func.__module__}.{view_func.__qualname__}: declare the answers with "
                "bangban.core.answers.answers(...)"
            )
        extra = {**(openapi_extra or {}), CODES_KEY: {str(s): list(c) for s, c in response.codes.items()}}
        super().add_api_operation(
            path, methods, view_func, response=dict(response), openapi_extra=extra, **kwargs
        )


def common_codes(method: str, operation: dict[str, Any]) -> dict[int, tuple[str, ...]]:
    """The codes the API's machinery can answer for one operation of the document."""
    params = operation.get("parameters", [])
    kinds = ["any"]
    if params or "requestBody" in operation:
        kinds.append("input")
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        kinds.append("body")
    if any(p.get("in") == "path" for p in params):
        kinds.append("path")
    if operation.get("security"):
        kinds.append("authenticated")
    return merge_codes(*(COMMON_CODES[k] for k in kinds))


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Completes every operation of an OpenAPI document with its error answers: each `{code,
    message}` (`ErrorOut`), with the codes the operation declared and the common ones for what it
    takes, in `x-error-codes` and in the description."""
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            declared = {int(s): c for s, c in operation.pop(CODES_KEY, {}).items()}
            codes = merge_codes(common_codes(method, operation), declared)
            responses = operation.setdefault("responses", {})
            for status, listed in codes.items():
                entry = responses.get(status) or responses.get(str(status))
                if entry is None:
                    entry = responses[status] = {"content": {"application/json": {"schema": dict(ref)}}}
                text = "、".join(f"`{c}`" for c in listed)
                entry["description"] = f"{ERROR_STATUS_TEXT.get(status, '错误')}；错误码：{text}"
                entry[CODES_KEY] = list(listed)
            operation["responses"] = dict(sorted(responses.items(), key=lambda item: int(item[0])))
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorOut", ErrorOut.model_json_schema()
    )
    return schema
