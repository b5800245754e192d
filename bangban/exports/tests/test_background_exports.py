"""Large Excel exports are written by a worker while the user watches a progress page, then
downloaded by that user only; small ones still come straight back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.conftest import make_enterprise
from bangban.core import exports
from bangban.core.errors import ValidationFailed
from bangban.core.models import ExportJob
from bangban.enterprises.tests.conftest import read_xlsx, response_bytes
from bangban.notifications.models import InAppMessage

ENTERPRISES = reverse("enterprises:export")
CASES = reverse("tickets:export")


@pytest.fixture
def many(world, settings):
    """Twelve more enterprises of 泗阳县, and exports above five rows go to the background."""
    settings.BANGBAN_EXPORT_INLINE_ROWS = 5
    for n in range(12):
        make_enterprise(f"泗阳后台导出{n}有限公司", world.siyang, "321323", 300 + n)
    return world


def queue(client, url, params, capture):
    with capture(execute=True):
        response = client.get(url, params)
    assert response.status_code == 302, response.content
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("core:export_status", args=[job.pk])
    return job


def test_a_small_export_still_comes_straight_back(world, login):
    response = login(world.admin).get(ENTERPRISES)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not ExportJob.objects.exists()


def test_a_large_export_is_written_in_the_background_and_downloaded_by_its_owner(
    many, login, django_capture_on_commit_callbacks
):
    client = login(many.admin)
    job = queue(client, ENTERPRISES, {"region": "321323"}, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "done" and job.total == 13 and job.done == 13 and job.size > 0
    assert job.kind == "enterprises" and job.params == {"region": ["321323"]}

    page = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert "已完成" in page and "共 13 行" in page and 'data-testid="export-download"' in page
    download = client.get(reverse("core:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    rows = read_xlsx(response_bytes(download))
    assert rows[0][1] == "企业名称" and len(rows) == 14
    assert {r[2] for r in rows[1:]} == {"泗阳县"}

    exported = AuditEvent.objects.get(action="enterprise.export")
    assert exported.actor_id == many.admin.pk
    assert exported.after == {"filters": {"region": "321323"}, "count": 13, "unmasked_personal_data": True}
    assert AuditEvent.objects.filter(action="export.queued", object_id=str(job.pk)).exists()
    assert AuditEvent.objects.filter(action="export.downloaded", object_id=str(job.pk)).exists()
    message = InAppMessage.objects.get(user=many.admin)
    assert message.subject == "导出已完成：企业名录" and str(job.pk) in message.link

    listing = client.get(reverse("core:exports")).content.decode()
    assert "企业名录" in listing and "已完成" in listing


def test_no_one_else_sees_or_downloads_an_export(many, login, django_capture_on_commit_callbacks):
    job = queue(login(many.admin), ENTERPRISES, {}, django_capture_on_commit_callbacks)
    other = login(many.biz_office)
    assert other.get(reverse("core:export_status", args=[job.pk])).status_code == 404
    assert other.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    assert "暂无后台导出" in other.get(reverse("core:exports")).content.decode()


def test_the_progress_page_polls_until_the_file_is_ready(many, login, monkeypatch):
    client = login(many.admin)
    response = client.get(ENTERPRISES)  # the worker has not run: no commit in this test
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "pending"
    page = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page and "export-download" not in page
    fragment = client.get(reverse("core:export_status", args=[job.pk]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="export-progress"')

    original = exports.EXPORTS["enterprises"]
    seen = []

    def observed(user, params):
        plan = original.plan(user, params)
        rows = plan.rows

        def watch():
            for n, row in enumerate(rows, 1):
                if n == 11:  # what the progress page would show while row 11 is written
                    seen.append(ExportJob.objects.get(pk=job.pk).done)
                yield row

        plan.rows = watch()
        return plan

    monkeypatch.setattr(exports, "PROGRESS_EVERY", 5)
    monkeypatch.setitem(
        exports.EXPORTS, "enterprises", exports.ExportSpec("enterprises", "企业名录", observed)
    )
    assert exports.run_export(job.pk) == "done"
    assert seen == [10]
    job.refresh_from_db()
    assert job.status == "done" and job.done == 14  # 12 + the world's two
    # Running the same job again does nothing.
    assert exports.run_export(job.pk) == "skipped"
    assert AuditEvent.objects.filter(action="enterprise.export").count() == 1


def test_a_failed_export_says_why(many, login, monkeypatch):
    client = login(many.admin)
    client.get(ENTERPRISES)
    job = ExportJob.objects.get()

    def broken(user, params):
        raise ValidationFailed("筛选条件中的区划已停用", code="invalid_filter")

    monkeypatch.setitem(exports.EXPORTS, "enterprises", exports.ExportSpec("enterprises", "企业名录", broken))
    assert exports.run_export(job.pk) == "failed"
    page = client.get(reverse("core:export_status", args=[job.pk])).content.decode()
    assert "失败" in page and "筛选条件中的区划已停用" in page
    assert client.get(reverse("core:export_download", args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="enterprise.export").exists()


def test_an_invalid_filter_is_refused_before_anything_is_queued(many, login):
    response = login(many.admin).get(ENTERPRISES, {"scale": "huge"})
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_a_case_list_goes_to_the_background_too(many, login, django_capture_on_commit_callbacks):
    from bangban.tickets.tests.conftest import make_ticket

    for n in range(7):
        make_ticket(title=f"后台导出诉求{n}", enterprise=many.ent_siyang, region=many.siyang)
    job = queue(login(many.admin), CASES, {"view": "all"}, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "done" and job.done == 7 and job.label == "诉求列表"
    after = AuditEvent.objects.get(action="ticket.export").after
    assert after is not None and after["count"] == 7 and after["queue"] == "all"


def test_old_exports_are_purged_with_their_files(many, login, django_capture_on_commit_callbacks):
    job = queue(login(many.admin), ENTERPRISES, {}, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    assert exports.purge_exports(timezone.now() + dt.timedelta(days=6)) == 0
    assert exports.purge_exports(timezone.now() + dt.timedelta(days=8)) == 1
    assert not ExportJob.objects.exists() and not storage.exists(name)
