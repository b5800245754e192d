"""Browser tests: Playwright for Python driving Debian's chromium against a live server.

Without /usr/bin/chromium the tests are skipped with the reason, unless BANGBAN_REQUIRE_BROWSER=1
(CI), where a missing browser fails the run instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bangban.conftest import _fresh_workday_calendar, login, workday_calendar, world  # noqa: F401  (shared cast)

CHROMIUM = os.environ.get("BANGBAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("BANGBAN_TEST_ARTIFACTS", tempfile.gettempdir())) / "bangban-browser"

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM use inside
# a running loop would otherwise refuse the test's own database set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("BANGBAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"浏览器测试需要 {CHROMIUM}（Debian 的 chromium 包），但未找到")
        pytest.skip(
            f"未找到 {CHROMIUM}：浏览器测试已跳过（安装 Debian 的 chromium 与 fonts-noto-cjk 后即可运行）"
        )
    from playwright.sync_api import sync_playwright

    user_data = tempfile.mkdtemp(prefix="bangban-chromium-")
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()
    shutil.rmtree(user_data, ignore_errors=True)


@pytest.fixture
def page(browser: Any, request: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def log_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]", state="attached")


def pick_unit(scope: Any, field: str, query: str, name: str) -> None:
    """Choose a unit in a unit picker by the keyboard: type `query` into the picker whose search box
    id ends with `field` (e.g. "-lead"), wait for `name` to be the highlighted option, press Enter."""
    box = scope.locator(f"input[data-picker-input][id$='{field}']")
    box.fill(query)
    active = scope.locator("[data-unit-option].active")
    active.filter(has_text=name).wait_for()
    box.press("Enter")
    scope.locator("[data-testid=unit-chip]", has_text=name).wait_for()


def fill_reply(
    page: Any, content: str, *, result: str = "已解决", method: str = "电话", person: str = "张经理"
) -> None:
    """Fill the structured reply on the case page (panel 提交答复): the result, the text and the
    contact record (contacted now, Beijing time, to the minute)."""
    from django.utils import timezone

    panel = page.locator("[data-testid=panel-reply]")
    panel.get_by_label(result, exact=True).check()
    panel.locator("textarea[name=content]").fill(content)
    panel.locator("select[name=contact_method]").select_option(label=method)
    panel.locator("input[name=contacted_at]").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    panel.locator("input[name=contact_person]").fill(person)
