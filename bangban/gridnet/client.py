"""The HTTP call of the connector: POST a JSON body to the platform. Kept apart so tests can point
it at a local fake server (or replace it)."""

from __future__ import annotations

import urllib.error
import urllib.request


class DeliveryFailed(Exception):
    """The platform did not take the report (network error or a non-2xx answer)."""


def post_json(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST `body`; the status code of a 2xx answer, else `DeliveryFailed`."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"平台返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryFailed(f"无法连接平台：{exc}"[:300]) from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"平台返回 HTTP {status}")
    return status
