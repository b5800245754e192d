"""The foundation's main journey in a real browser (issue: Foundation, item 9): an administrator
imports an enterprise file with one bad row, sees that row's error, fixes the file, imports it and
finds the enterprise by name; a county handler cannot open another county's enterprise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bangban.conftest import PASSWORD
from bangban.enterprises.models import Enterprise
from bangban.enterprises.tests.conftest import build_xlsx, code, row

from .conftest import log_in


def write(tmp_path: Path, name: str, rows: list[dict[str, Any]]) -> str:
    path = tmp_path / name
    path.write_bytes(build_xlsx(rows))
    return str(path)


def test_admin_imports_fixes_and_finds_an_enterprise(
    world: Any, live_server: Any, page: Any, tmp_path: Path
) -> None:
    good_code = code(501)
    bad_code = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")  # wrong check character
    rows = [
        row(500, 企业名称="沭阳浏览器测试纺织有限公司"),
        row(501, 企业名称="沭阳浏览器测试食品有限公司", 统一社会信用代码=bad_code),
    ]
    log_in(page, live_server.url, "admin", PASSWORD)

    page.goto(f"{live_server.url}/enterprises/")
    page.click("[data-testid=enterprise-import]")
    page.set_input_files("#id_file", write(tmp_path, "有误.xlsx", rows))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=error-table]")
    error_rows = page.locator("[data-testid=error-row]")
    assert error_rows.count() == 1
    assert "校验位错误" in error_rows.first.inner_text()
    assert page.inner_text("[data-testid=count-invalid]") == "1"
    assert not Enterprise.objects.filter(name__startswith="沭阳浏览器测试").exists(), "preview must not write"
    page.click("[data-testid=cancel-button]")

    rows[1]["统一社会信用代码"] = good_code
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("#id_file", write(tmp_path, "已修正.xlsx", rows))
    page.click("[data-testid=import-submit]")
    page.wait_for_selector("[data-testid=no-errors]")
    assert page.inner_text("[data-testid=count-new]") == "2"
    page.click("[data-testid=apply-button]")
    page.wait_for_selector("[data-testid=apply-result]")
    assert "新增 2 家" in page.inner_text("[data-testid=apply-result]")

    page.goto(f"{live_server.url}/enterprises/")
    page.fill("#f-q", "浏览器测试食品")
    page.press("#f-q", "Enter")
    page.wait_for_url("**/enterprises/?*q=*")
    table = page.locator("[data-testid=enterprise-table]")
    assert "沭阳浏览器测试食品有限公司" in table.inner_text()
    assert "沭阳浏览器测试纺织有限公司" not in table.inner_text()


def test_county_handler_cannot_open_another_countys_enterprise(
    world: Any, live_server: Any, page: Any
) -> None:
    log_in(page, live_server.url, "handler_sq", PASSWORD)
    own = page.goto(f"{live_server.url}/enterprises/{world.ent_siyang.pk}/")
    assert own is not None and own.status == 200
    assert world.ent_siyang.name in page.inner_text("[data-testid=enterprise-detail]")

    other = page.goto(f"{live_server.url}/enterprises/{world.ent_shuyang.pk}/")
    assert other is not None and other.status == 404
    assert world.ent_shuyang.name not in page.content()
    page.goto(f"{live_server.url}/enterprises/")
    assert world.ent_shuyang.name not in page.inner_text("main")
