"""`/api/v1`: one NinjaAPI, token or session authentication, errors as `{code, message}`.

Each app contributes routers (its `AppConfig.api_routers`, `bangban.core.plugins`); the shell
mounts them and adds token authentication (`bangban.shell.api`).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from bangban.core.answers import document_errors
from bangban.core.errors import ApplicationError

log = logging.getLogger(__name__)


class VendoredSwagger(Swagger):
    """Swagger UI from the vendored copy under `core/vendor/swagger-ui` (works offline, no inline
    script): django-ninja would load it from a CDN unless `ninja` were an installed app."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, ensure_ascii=False),
            "api": api,
            "add_csrf": True,
        }
        return render(request, "core/api_docs.html", context)


class BangbanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """`<module>_<function>`, where the module is the one callers import the view from: a view
        in a submodule of a split module (`app/api/<job>.py`) that the package re-exports keeps
        the operation id it had before the split."""
        func = operation.view_func
        module = func.__module__
        package = module.rpartition(".")[0]
        if getattr(sys.modules.get(package), func.__name__, None) is func:
            module = package
        return f"{module}_{func.__name__}".replace(".", "_")

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        return document_errors(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = BangbanAPI(
    title="帮办 bangban API",
    version="1.0",
    description="宿迁市涉企服务平台接口。认证：`Authorization: Bearer <令牌>`（或 `X-API-Key`），"
    "错误统一返回 `{code, message}`，`code` 为稳定的机器码。",
    # Session sign-in here; the shell adds the API tokens of `accounts` (bangban.shell.api).
    auth=[django_auth],
    urls_namespace="api",
    docs_url="/docs",
    docs=VendoredSwagger(),
)


def error(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A lost or refused database connection: the transaction was rolled back (nothing of the
    request was kept) and the client may retry; Django drops the broken connection when the
    request ends."""
    log.warning("database unavailable during %s %s: %s", request.method, request.path, exc)
    response = error(request, 503, "database_unavailable", "数据库暂时不可用，请求未被处理，请稍后重试")
    response["Retry-After"] = "5"
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors
    ]
    return error(request, 422, "validation_error", "提交的数据格式不正确", details)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, "unauthorized", "未登录或令牌无效/已吊销")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error(request, 404, "not_found", "未找到该记录，或您无权查看")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        401: "unauthorized",
        403: "permission_denied",
        404: "not_found",
        405: "method_not_allowed",
        413: "payload_too_large",
        429: "too_many_requests",
    }
    return error(request, exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.message))


@csrf_exempt  # it changes nothing; a CSRF refusal here would be Django's HTML page
def api_not_found(request: HttpRequest) -> HttpResponse:
    """An `/api/` address no operation serves (e.g. `/api/v1/org/units/abc`): the same
    `{code, message}` 404 as a missing record, not Django's HTML page."""
    return JsonResponse({"code": "not_found", "message": "接口不存在，或记录不存在"}, status=404)
