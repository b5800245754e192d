"""The Content Security Policy in a real browser (issue #12, item 7): the main pages, their forms,
htmx requests and polling, the dashboard's ECharts charts and the confirm dialogs that used inline
handlers all work, and Chromium reports no CSP violation on any of them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.accounts.models import User
from bangban.conftest import PASSWORD
from bangban.supervision import dashboard, dashboard_counts
from bangban.supervision.figures import previous_month
from bangban.supervision.tests.conftest import make_case

from .conftest import log_in

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || "") + " @" + location.pathname);
});
"""


def test_main_pages_work_under_the_policy_without_a_violation(
    world: Any, live_server: Any, page: Any, monkeypatch: Any
) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    base = live_server.url

    def no_violation() -> None:
        assert console == []
        assert page.evaluate("window.__csp") == []

    # Every page of the navigation, as an administrator.
    log_in(page, base, "admin", PASSWORD)
    no_violation()
    links = page.eval_on_selector_all(
        "nav a.nav-link[href^='/'], nav a.dropdown-item[href^='/']",
        "els => els.map(e => e.getAttribute('href'))",
    )
    assert len(set(links)) >= 8
    for href in sorted(set(links)):
        response = page.goto(base + href)
        assert response is not None and response.ok, href
        assert response.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'")
        no_violation()

    # A confirm dialog that used onsubmit=: dismissing it keeps the account, accepting deactivates it.
    person = world.handler_siyang
    page.goto(f"{base}/accounts/users/{person.pk}/")
    messages: list[str] = []

    def dismiss(dialog: Any) -> None:
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-testid=user-toggle]")
    page.wait_for_timeout(300)
    assert messages == [f"确定要停用账号 {person.username} 吗？"]
    assert User.objects.get(pk=person.pk).is_active
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=user-toggle]")
    assert not User.objects.get(pk=person.pk).is_active
    assert "启用" in page.inner_text("[data-testid=user-toggle]")
    no_violation()

    # The year selector that used onchange=.
    page.goto(f"{base}/workdays/")
    options = page.eval_on_selector_all("#year-select option", "els => els.map(e => e.value)")
    current = page.eval_on_selector("#year-select", "e => e.value")
    other = next(y for y in options if y != current)
    with page.expect_navigation():
        page.select_option("#year-select", other)
    assert f"{other} 年工作日历" in page.inner_text("[data-testid=calendar-title]")
    no_violation()

    # An htmx form (POST with the CSRF header) that swaps in the chain verification's result.
    page.goto(f"{base}/audit/")
    page.click("#bb-chain-verification button[type=submit], form[hx-post] button[type=submit]")
    # (A locator wait, not wait_for_function: Playwright evaluates a string predicate with eval,
    # which the policy rightly refuses.)
    page.get_by_text("审计链完整").first.wait_for()
    no_violation()

    # The dashboard polls with htmx until its summaries exist, then draws ECharts charts.
    today = timezone.localdate()
    year, month = previous_month(today.year, today.month)
    day = f"{year}-{month:02d}"
    make_case(
        world.shuyang_gov,
        f"{day}-06 09:00",
        dispatched_at=f"{day}-06 10:00",
        closed_at=f"{day}-08 11:00",
        status="closed",
    )
    queued: list[Any] = []
    monkeypatch.setattr(dashboard, "_enqueue", queued.append)
    page.context.clear_cookies()
    log_in(page, base, "yingshangban", PASSWORD)
    page.goto(f"{base}/supervision/dashboard/?month={day}")
    assert "数据准备中" in page.inner_text("[data-testid=dashboard-progress]")
    dashboard_counts.build_months(queued[0])
    page.wait_for_selector("[data-testid=dashboard-progress]", state="detached", timeout=15000)
    page.wait_for_selector("#chart-channel canvas")
    box = page.locator("#chart-channel canvas").first.bounding_box()
    assert box is not None and box["width"] > 100
    # The axis labels are laid out inside the chart: the plot area leaves them room below.
    layout = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById("chart-channel"));
            const rect = chart.getModel().getComponent("grid").coordinateSystem.getRect();
            return {contain: chart.getOption().grid[0].containLabel, below: chart.getHeight() - rect.y - rect.height};
        }"""
    )
    assert layout["contain"] is True and layout["below"] >= 20
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the tooltip
    page.wait_for_timeout(300)
    no_violation()
