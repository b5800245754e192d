"""System checks of the platform kernel. `core.E001`: the site address (BANGBAN_SITE_URL) that
every SMS and e-mail link is built on. In production (BANGBAN_SITE_URL_HTTPS_REQUIRED) a missing
or non-https address is an ERROR, so `manage.py check --deploy`, every management command that
runs the checks and the WSGI start-up (config/wsgi.py) refuse to start."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .urls_abs import site_url_problem

SITE_TAG = "bangban_site"


@checks.register(SITE_TAG)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    value = str(getattr(settings, "BANGBAN_SITE_URL", "") or "")
    required = bool(getattr(settings, "BANGBAN_SITE_URL_HTTPS_REQUIRED", False))
    problem = site_url_problem(value, https_required=required)
    if problem is None:
        return []
    return [
        checks.Error(
            problem,
            hint="请设置环境变量 BANGBAN_SITE_URL，例如 https://bangban.suqian.gov.cn"
            " / set BANGBAN_SITE_URL, e.g. https://bangban.suqian.gov.cn (see docs/operations.md)",
            id="core.E001",
        )
    ]
