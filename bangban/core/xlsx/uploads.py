"""Size-limited uploads: the limit, the upload handler that stops an oversized body, and the refusal."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from bangban.core.errors import FileRejected

from ._common import OVERSIZED_FLAG


def max_upload_bytes() -> int:
    return int(getattr(settings, "BANGBAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def human_size(num_bytes: int) -> str:
    """20971520 → "20 MB"; 1536 → "1.5 KB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= factor:
            value = num_bytes / factor
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    return f"{num_bytes} 字节"


def too_large_error(max_bytes: int) -> FileRejected:
    """The refusal of a file above `max_bytes` (code file_too_large)."""
    return FileRejected(
        f"文件超过 {human_size(max_bytes)}，请拆分为多个文件后分批上传",
        code="file_too_large",
        details={"max_bytes": max_bytes},
    )


# --- uploads ------------------------------------------------------------------------------------


class UploadLimitHandler(FileUploadHandler):
    """Drops any uploaded file that grows past `max_bytes` while it is being received, so an
    oversized upload is neither kept in memory nor written to disk. The rest of the form is still
    parsed (the CSRF token stays readable); the view sees the file missing and the flag set."""

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:  # type: ignore[override]
        if content_length is not None and int(content_length) > self.max_bytes:
            setattr(self.request, OVERSIZED_FLAG, True)
            raise SkipFile()
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.max_bytes:
            setattr(self.request, OVERSIZED_FLAG, True)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_upload_size(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorate an upload view so oversized files are dropped while they arrive.

    Upload handlers can only be changed before the body is parsed, and the CSRF middleware parses
    it; hence the documented pattern: exempt the outer view, install the handler, then run the
    CSRF check on the inner one. Put `login_required` above this decorator."""

    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST" and not hasattr(request, "_files"):
            handlers = request.upload_handlers
            if isinstance(handlers, list):
                handlers.insert(0, UploadLimitHandler(request, max_upload_bytes()))
        return protected(request, *args, **kwargs)

    return wrapper


def upload_was_too_large(request: HttpRequest) -> bool:
    """Whether `UploadLimitHandler` dropped a file of this request (parses the body if needed)."""
    _ = request.FILES  # the handler only runs while the body is parsed
    return bool(getattr(request, OVERSIZED_FLAG, False))


def check_upload_size(uploaded_file: Any, max_bytes: int) -> None:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise too_large_error(max_bytes)
