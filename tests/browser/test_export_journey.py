"""A large export in a real browser: the list's 导出 button leads to a progress page that follows
the worker until the file is ready, and the file downloads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bangban.conftest import PASSWORD, make_enterprise
from bangban.core import export_actions, exports
from bangban.core.models import ExportJob

from .conftest import log_in


def test_a_large_export_shows_its_progress_and_downloads(
    world: Any, live_server: Any, page: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.BANGBAN_EXPORT_INLINE_ROWS = 3
    for n in range(8):
        make_enterprise(f"泗阳浏览器导出{n}有限公司", world.siyang, "321323", 400 + n)
    # The worker is busy: the job waits until this test runs it.
    monkeypatch.setattr(export_actions, "_enqueue", lambda job_id: None)
    log_in(page, live_server.url, "admin", PASSWORD)

    page.goto(f"{live_server.url}/enterprises/")
    page.click("[data-testid=enterprise-export]")
    page.wait_for_url("**/exports/*/")
    progress = page.locator("[data-testid=export-progress]")
    assert progress.get_attribute("data-status") == "pending"
    assert page.inner_text("[data-testid=export-state]") == "排队中"
    assert page.locator("[data-testid=export-download]").count() == 0

    job = ExportJob.objects.get()
    assert exports.run_export(job.pk) == "done"
    # The page polls every second and turns into the download once the file is written.
    page.wait_for_selector("[data-testid=export-download]", timeout=10_000)
    assert page.inner_text("[data-testid=export-state]") == "已完成"
    with page.expect_download() as info:
        page.click("[data-testid=export-download]")
    download = info.value
    assert download.suggested_filename.startswith("企业名录_")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 10 and "泗阳浏览器导出7有限公司" in names
