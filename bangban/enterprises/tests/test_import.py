"""Excel import of the registry (R0.2): a per-row error report, nothing written before the user
confirms, only valid rows when the file has errors, and re-importing a file changes nothing."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.test import override_settings
from django.urls import reverse

from bangban.audit.models import AuditEvent
from bangban.core.errors import ApplicationError, FileRejected, PermissionDenied
from bangban.enterprises import importing
from bangban.enterprises.actions import do_apply_import, do_cancel_import, do_preview_import
from bangban.enterprises.models import Enterprise, ImportBatch, ImportStatus
from bangban.enterprises.uscc import make_uscc

from .conftest import HEADERS, build_xlsx, code, read_xlsx, response_bytes, row, upload

IMPORT_URL = reverse("enterprises:import")


def preview(client, content: bytes, name: str = "企业名录.xlsx"):
    return client.post(IMPORT_URL, {"file": upload(content, name)})


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def errors_by_row(batch: ImportBatch) -> dict[int, list[dict]]:
    result: dict[int, list[dict]] = {}
    for e in batch.errors:
        result.setdefault(e["row"], []).append(e)
    return result


# --- clean files --------------------------------------------------------------------------------


def test_clean_file_previews_without_writing_then_imports_every_row(world, login):
    client = login(world.biz_office)
    before = Enterprise.objects.count()
    batch = batch_of(preview(client, build_xlsx([row(1), row(2), row(3)])))

    assert (batch.new_count, batch.updated_count, batch.unchanged_count, batch.invalid_count) == (3, 0, 0, 0)
    assert Enterprise.objects.count() == before
    page = client.get(reverse("enterprises:import_preview", args=[batch.pk])).content.decode()
    assert "导入全部有效行" in page
    assert 'data-testid="confirm-partial"' not in page

    response = client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    assert response.status_code == 302
    assert Enterprise.objects.count() == before + 3
    e = Enterprise.objects.get(uscc=code(2))
    assert e.name == "沭阳测试2号有限公司"
    assert e.region == world.shuyang
    assert (e.industry, e.scale, e.tier) == ("C", "small", "general")
    assert e.established == dt.date(2019, 3, 1)
    assert e.liaison_phone == "13900000002"
    assert e.contact_phone == "0527-83000000"
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert batch.result == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}


def test_labels_and_codes_are_both_understood(world, login):
    client = login(world.biz_office)
    content = build_xlsx(
        [
            row(1, 所属区划="321322001", 行业门类="制造业", 企业规模="中型", 企业层级="县区重点"),
            row(2, 所属区划="沭阳县沭城街道", 行业门类="f", 企业规模="微型企业", 企业层级="市工业百强"),
            row(3, 行业门类="I 信息传输、软件和信息技术服务业", 成立日期=dt.datetime(2001, 2, 3)),
        ]
    )
    batch = batch_of(preview(client, content))
    assert batch.invalid_count == 0, batch.errors
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    one, two, three = (Enterprise.objects.get(uscc=code(n)) for n in (1, 2, 3))
    assert (one.region, one.industry, one.scale, one.tier) == (world.shucheng, "C", "medium", "county_key")
    assert (two.region, two.industry, two.scale, two.tier) == (world.shucheng, "F", "micro", "city_top100")
    assert (three.industry, three.established) == ("I", dt.date(2001, 2, 3))


def test_reimporting_the_same_file_changes_nothing(world, login):
    client = login(world.biz_office)
    content = build_xlsx([row(1), row(2)])
    first = batch_of(preview(client, content))
    client.post(reverse("enterprises:import_apply", args=[first.pk]))
    stamps = dict(Enterprise.objects.values_list("uscc", "updated_at"))
    versions = dict(Enterprise.objects.values_list("uscc", "version"))
    events_before = AuditEvent.objects.count()

    second = batch_of(preview(client, content))
    assert (second.new_count, second.updated_count, second.unchanged_count) == (0, 0, 2)
    client.post(reverse("enterprises:import_apply", args=[second.pk]))

    second.refresh_from_db()
    assert second.result == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    assert dict(Enterprise.objects.values_list("uscc", "updated_at")) == stamps
    assert dict(Enterprise.objects.values_list("uscc", "version")) == versions
    # The only trace of the second import is its one summary event.
    new_events = list(AuditEvent.objects.filter(seq__gt=0).order_by("seq")[events_before:])
    assert [e.action for e in new_events] == ["enterprise.import"]
    assert (new_events[0].after or {})["created"] == 0
    assert (new_events[0].after or {})["updated"] == 0


def test_changed_rows_are_updated_by_code_and_others_left_alone(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1), row(2)])))
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    untouched = Enterprise.objects.get(uscc=code(2))

    changed = build_xlsx([row(1, 企业名称="沭阳测试一号有限公司", 企业规模="中型"), row(2)])
    batch = batch_of(preview(client, changed))
    assert (batch.new_count, batch.updated_count, batch.unchanged_count) == (0, 1, 1)
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))

    one = Enterprise.objects.get(uscc=code(1))
    assert (one.name, one.scale, one.version) == ("沭阳测试一号有限公司", "medium", 2)
    assert one.liaison_phone == "13900000001"  # same column, same value: kept
    two = Enterprise.objects.get(uscc=code(2))
    assert (two.version, two.updated_at) == (untouched.version, untouched.updated_at)


def test_update_touches_only_columns_the_file_has(world, login):
    client = login(world.biz_office)
    world.ent_shuyang.legal_representative = "原法人"
    world.ent_shuyang.save()
    headers = HEADERS[:6]
    content = build_xlsx(
        [[world.ent_shuyang.uscc, world.ent_shuyang.name, "沭城街道", "C", "大型", "一般"]], headers
    )
    batch = batch_of(preview(client, content))
    assert batch.updated_count == 1
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    world.ent_shuyang.refresh_from_db()
    assert world.ent_shuyang.scale == "large"
    assert world.ent_shuyang.legal_representative == "原法人"
    assert world.ent_shuyang.liaison_phone == "13812345678"


def test_import_writes_one_summary_audit_event_not_one_per_row(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(n) for n in range(1, 6)])))
    before = AuditEvent.objects.count()
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    events = list(AuditEvent.objects.order_by("-seq")[: AuditEvent.objects.count() - before])
    assert [e.action for e in events] == ["enterprise.import"]
    assert (events[0].after or {})["created"] == 5
    assert (events[0].after or {})["sha256"] == batch.sha256
    assert events[0].actor_id == world.biz_office.pk


# --- bad rows -----------------------------------------------------------------------------------


def test_preview_lists_each_bad_row_and_why_and_writes_nothing(world, login):
    client = login(world.biz_office)
    good = row(1)
    wrong_check = code(2)[:17] + ("0" if code(2)[17] != "0" else "1")
    rows = [
        good,  # row 2
        row(2, 统一社会信用代码=wrong_check),  # row 3
        row(3, 统一社会信用代码="91321322MB000000"),  # row 4: 16 characters
        row(4, 统一社会信用代码="91321322MB000O00IX"),  # row 5
        row(5, 所属区划="火星区"),  # row 6
        row(6, 行业门类="Z", 企业规模="超大型", 企业层级="省重点"),  # row 7
        row(7, 联络员手机="1234", 成立日期="2020-13-45"),  # row 8
        row(8, 企业名称="", 统一社会信用代码=""),  # row 9
    ]
    before = Enterprise.objects.count()
    response = preview(client, build_xlsx(rows))
    batch = batch_of(response)
    assert Enterprise.objects.count() == before
    assert batch.invalid_count == 7
    assert batch.new_count == 1
    errors = errors_by_row(batch)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert errors[3][0]["code"] == "uscc_check_char"
    assert errors[3][0]["reason"].startswith("统一社会信用代码校验位错误：第18位应为")
    assert errors[4][0]["reason"] == "统一社会信用代码应为18位，当前为16位"
    assert errors[5][0]["code"] == "uscc_forbidden_char"
    assert errors[6][0]["column"] == "所属区划"
    assert "未找到区划“火星区”" in errors[6][0]["reason"]
    assert {e["column"] for e in errors[7]} == {"行业门类", "企业规模", "企业层级"}
    assert {e["code"] for e in errors[8]} == {"invalid_phone", "invalid_date"}
    assert {e["code"] for e in errors[9]} == {"uscc_empty", "name_required"}

    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="error-row"') == batch.error_count
    for header in ("行号", "列", "值", "原因"):
        assert f"<th>{header}</th>" in page
    assert "统一社会信用代码应为18位，当前为16位" in page
    assert "仅导入 1 条有效行" in page
    assert 'data-testid="confirm-partial"' in page


def test_bad_rows_need_confirmation_then_only_valid_rows_are_imported(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1), row(2, 行业门类="?"), row(3)])))
    apply_url = reverse("enterprises:import_apply", args=[batch.pk])

    refused = client.post(apply_url)
    assert refused.status_code == 400
    assert "confirmation_required" in refused.content.decode()
    assert not Enterprise.objects.filter(uscc__in=[code(1), code(3)]).exists()

    client.post(apply_url, {"confirm_partial": "1"})
    assert set(Enterprise.objects.filter(uscc__startswith="91321322MB").values_list("uscc", flat=True)) == {
        code(1),
        code(3),
    }


def test_a_code_twice_in_the_file_names_both_rows_and_imports_neither(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1), row(2), row(1, 企业名称="另一个名称")])))
    errors = errors_by_row(batch)
    assert set(errors) == {2, 4}
    assert errors[2][0]["code"] == "uscc_duplicate_in_file"
    assert "第 4 行" in errors[2][0]["reason"]
    assert "第 2 行" in errors[4][0]["reason"]
    client.post(reverse("enterprises:import_apply", args=[batch.pk]), {"confirm_partial": "1"})
    assert not Enterprise.objects.filter(uscc=code(1)).exists()
    assert Enterprise.objects.filter(uscc=code(2)).exists()


def test_a_code_already_registered_updates_that_enterprise(world, login):
    client = login(world.biz_office)
    content = build_xlsx(
        [row(1, 统一社会信用代码=world.ent_siyang.uscc, 所属区划="泗阳县", 企业名称="泗阳新名称")]
    )
    batch = batch_of(preview(client, content))
    assert (batch.new_count, batch.updated_count) == (0, 1)
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    world.ent_siyang.refresh_from_db()
    assert world.ent_siyang.name == "泗阳新名称"
    assert Enterprise.objects.filter(uscc=world.ent_siyang.uscc).count() == 1


def test_county_editor_cannot_import_into_or_over_another_county(world, login, head_shuyang):
    client = login(head_shuyang)
    content = build_xlsx(
        [
            row(1),
            row(2, 所属区划="泗阳县"),
            row(3, 统一社会信用代码=world.ent_siyang.uscc),
        ]
    )
    batch = batch_of(preview(client, content))
    errors = errors_by_row(batch)
    assert set(errors) == {3, 4}
    assert errors[3][0]["code"] == "region_out_of_scope"
    assert errors[4][0]["code"] == "uscc_out_of_scope"
    assert world.ent_siyang.name not in str(batch.errors)
    client.post(reverse("enterprises:import_apply", args=[batch.pk]), {"confirm_partial": "1"})
    world.ent_siyang.refresh_from_db()
    assert world.ent_siyang.region == world.siyang
    assert Enterprise.objects.filter(uscc=code(1), region=world.shuyang).exists()
    assert not Enterprise.objects.filter(uscc=code(2)).exists()


def test_template_example_row_is_refused(world, login):
    client = login(world.biz_office)
    example = dict(importing.TEMPLATE_EXAMPLE)
    batch = batch_of(preview(client, build_xlsx([example, row(1)])))
    assert errors_by_row(batch)[2][0]["code"] == "example_row"


def test_uscc_typed_as_a_number_gets_a_hint(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1, 统一社会信用代码=9.14403001922038e17)])))
    reason = batch.errors[0]["reason"]
    assert "数值格式" in reason


def test_title_rows_above_the_header_and_blank_rows_keep_excel_row_numbers(world, login):
    client = login(world.biz_office)
    content = build_xlsx([row(1), [None] * 12, row(2, 行业门类="??")], title_rows=[["宿迁市企业名录"], []])
    batch = batch_of(preview(client, content))
    # title (1), blank (2), header (3), row(1) (4), blank (5), bad row (6)
    assert batch.total_rows == 2
    assert [e["row"] for e in batch.errors] == [6]


# --- file-level refusals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("企业.xlsx", "统一社会信用代码,企业名称\n913213,甲\n".encode()),  # a CSV renamed
        ("企业.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504),  # an old .xls renamed
        ("企业.xlsx", "这是一个文本文件".encode()),
        ("企业.xlsx", b"PK\x03\x04" + b"\0" * 100),  # a truncated zip
        ("企业.xlsx", b""),
    ],
)
def test_a_file_that_is_not_excel_is_refused(world, login, name, content):
    client = login(world.biz_office)
    response = client.post(IMPORT_URL, {"file": upload(content, name)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件不是有效的 Excel（.xlsx）文件" in page
    assert "not_xlsx" in page
    assert not ImportBatch.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(world, login):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    response = login(world.biz_office).post(IMPORT_URL, {"file": upload(buf.getvalue())})
    assert response.status_code == 400
    assert "not_xlsx" in response.content.decode()


def test_missing_required_columns_are_named(world, login):
    client = login(world.biz_office)
    content = build_xlsx([["x", "y"]], ["统一社会信用代码", "企业名称", "地址"])
    response = client.post(IMPORT_URL, {"file": upload(content)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "缺少必填列：所属区划、行业门类、企业规模、企业层级" in page
    assert "missing_columns" in page
    assert not ImportBatch.objects.exists()


def test_headers_with_spaces_and_required_marks_are_recognised(world, login):
    headers = [f" {h} *" if i < 6 else h for i, h in enumerate(HEADERS)]
    values = [row(1)[h] for h in HEADERS]
    batch = batch_of(preview(login(world.biz_office), build_xlsx([values], headers)))
    assert batch.new_count == 1


@override_settings(BANGBAN_MAX_UPLOAD_BYTES=4096)
def test_an_upload_over_the_limit_is_refused_through_the_page(world, login):
    client = login(world.biz_office)
    content = build_xlsx([row(n) for n in range(1, 60)])
    assert len(content) > 4096
    response = client.post(IMPORT_URL, {"file": upload(content)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件超过 4 KB" in page
    assert "file_too_large" in page
    assert not ImportBatch.objects.exists()


def test_a_100_mb_file_is_refused_without_being_read(world):
    """A sparse 100 MB temporary upload: refused on its size before a byte is parsed."""
    upload_file = TemporaryUploadedFile("大文件.xlsx", "application/octet-stream", 0, "utf-8")
    try:
        fh = upload_file.file
        assert fh is not None
        fh.truncate(100 * 1024 * 1024)
        upload_file.size = 100 * 1024 * 1024
        path = upload_file.temporary_file_path()
        assert os.stat(path).st_size == 100 * 1024 * 1024
        assert os.stat(path).st_blocks * 512 < 1024 * 1024  # sparse: nothing allocated
        with pytest.raises(FileRejected) as info:
            do_preview_import(acting_user=world.biz_office, uploaded_file=upload_file)
        assert info.value.code == "file_too_large"
        assert info.value.message.startswith("文件超过 20 MB")
        assert fh.tell() == 0
    finally:
        upload_file.close()


def test_upload_handler_drops_an_oversized_file_while_it_arrives(world, login, monkeypatch):
    """Through the client with the limit lowered: the upload handler drops the file as it arrives,
    so the import never even sees it."""

    def never(**kwargs):
        raise AssertionError("the oversized file reached the import")

    monkeypatch.setattr("bangban.enterprises.actions.do_preview_import", never)
    client = login(world.biz_office)
    big = upload(b"PK\x03\x04" + b"\0" * 5000, "big.xlsx")
    with override_settings(BANGBAN_MAX_UPLOAD_BYTES=1000):
        response = client.post(IMPORT_URL, {"file": big})
    assert response.status_code == 400
    page = response.content.decode()
    assert "file_too_large" in page
    assert "文件超过 1000 字节" in page


def test_too_many_rows_is_refused(world, login):
    with override_settings(BANGBAN_IMPORT_MAX_ROWS=3):
        response = preview(login(world.biz_office), build_xlsx([row(n) for n in range(1, 5)]))
    assert response.status_code == 400
    assert "too_many_rows" in response.content.decode()


def test_no_file_chosen(world, login):
    response = login(world.biz_office).post(IMPORT_URL, {})
    assert response.status_code == 400
    assert "请选择要上传的 Excel 文件" in response.content.decode()


# --- batches --------------------------------------------------------------------------------------


def test_applying_a_batch_twice_is_refused(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1)])))
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    again = client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    assert again.status_code == 409
    assert "batch_already_applied" in again.content.decode()
    with pytest.raises(ApplicationError) as info:
        do_apply_import(acting_user=world.biz_office, batch_id=batch.pk)
    assert info.value.code == "batch_already_applied"
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 1


def test_cancelled_batch_writes_nothing_and_cannot_be_applied(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1)])))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprises:import_cancel", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED
    assert not importing.default_storage.exists(batch.rows_path)
    refused = client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    assert "batch_cancelled" in refused.content.decode()
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


def test_a_file_with_no_valid_row_cannot_be_applied(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1, 企业层级="x")])))
    page = client.get(reverse("enterprises:import_preview", args=[batch.pk])).content.decode()
    assert "disabled" in page.split('data-testid="apply-button"')[1].split(">")[0]
    refused = client.post(reverse("enterprises:import_apply", args=[batch.pk]), {"confirm_partial": "1"})
    assert "no_valid_rows" in refused.content.decode()


def test_a_batch_is_private_to_its_uploader(world, login):
    batch = batch_of(preview(login(world.biz_office), build_xlsx([row(1)])))
    other = login(world.admin)
    assert other.get(reverse("enterprises:import_preview", args=[batch.pk])).status_code == 404
    assert other.post(reverse("enterprises:import_apply", args=[batch.pk])).status_code == 404
    assert not Enterprise.objects.filter(uscc=code(1)).exists()


def test_valid_rows_wait_in_storage_not_in_the_session(world, login, django_capture_on_commit_callbacks):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1), row(2)])))
    assert batch.rows_path.startswith("imports/enterprises/")
    assert [r["uscc"] for r in importing.iter_stored_rows(batch.rows_path)] == [code(1), code(2)]
    # Another process (a fresh client, same user) can apply it.
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.biz_office).post(reverse("enterprises:import_apply", args=[batch.pk]))
    assert response.status_code == 302
    assert not importing.default_storage.exists(batch.rows_path)


@pytest.mark.parametrize("who", ["handler_shuyang", "enterprise_user", "auditor"])
def test_only_editors_may_import(world, login, who):
    user = getattr(world, who)
    client = login(user)
    assert client.get(IMPORT_URL).status_code == 403
    assert preview(client, build_xlsx([row(1)])).status_code == 403
    assert client.get(reverse("enterprises:import_template")).status_code == 403
    with pytest.raises(PermissionDenied):
        do_preview_import(acting_user=user, uploaded_file=upload(build_xlsx([row(1)])))


def test_cancel_through_the_action_records_it(world, login):
    batch = batch_of(preview(login(world.biz_office), build_xlsx([row(1)])))
    do_cancel_import(acting_user=world.biz_office, batch_id=batch.pk)
    assert AuditEvent.objects.filter(action="enterprise.import_cancel", object_id=str(batch.pk)).exists()


# --- the template and the page --------------------------------------------------------------------


def test_template_has_the_header_an_example_and_reference_sheets(world, login):
    response = login(world.biz_office).get(reverse("enterprises:import_template"))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    content = response_bytes(response)
    data = read_xlsx(content)
    assert data[0] == HEADERS
    assert data[1][0] == importing.EXAMPLE_USCC
    assert make_uscc(importing.EXAMPLE_USCC[:17]) == importing.EXAMPLE_USCC
    regions = read_xlsx(content, sheet=2)
    assert ["321322", "沭阳县", "宿迁市", "县区"] in regions
    industries = read_xlsx(content, sheet=3)
    assert ["C", "制造业"] in industries
    assert len(industries) == 21


def test_template_round_trip_after_removing_the_example(world, login):
    client = login(world.biz_office)
    content = response_bytes(client.get(reverse("enterprises:import_template")))
    header = read_xlsx(content)[0]
    batch = batch_of(preview(client, build_xlsx([row(1)], header)))
    assert batch.new_count == 1


def test_upload_page_shows_a_progress_indicator(world, login):
    page = login(world.biz_office).get(IMPORT_URL).content.decode()
    assert "正在校验，请稍候…" in page
    assert 'hx-indicator="#import-progress"' in page
    assert 'hx-disabled-elt="find button"' in page


def test_htmx_upload_redirects_with_a_header_and_errors_come_back_as_the_form(world, login):
    client = login(world.biz_office)
    ok = client.post(IMPORT_URL, {"file": upload(build_xlsx([row(1)]))}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 204
    assert ok["HX-Redirect"].startswith("/enterprises/import/")
    bad = client.post(IMPORT_URL, {"file": upload(b"not excel")}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    assert "not_xlsx" in bad.content.decode()
    assert "<html" not in bad.content.decode()


def test_error_report_download_lists_the_bad_rows(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1), row(2, 企业规模="巨型")])))
    data = read_xlsx(response_bytes(client.get(reverse("enterprises:import_errors", args=[batch.pk]))))
    assert data[0] == ["行号", "列", "值", "原因"]
    assert data[1][:3] == [3, "企业规模", "巨型"]


def test_the_city_itself_is_not_a_region_for_an_enterprise(world, login):
    batch = batch_of(preview(login(world.biz_office), build_xlsx([row(1, 所属区划="宿迁市")])))
    assert batch.errors[0]["code"] == "region_too_broad"


def test_present_columns_are_authoritative_dates_update_and_blanks_clear(world, login):
    client = login(world.biz_office)
    batch = batch_of(preview(client, build_xlsx([row(1)])))
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    batch = batch_of(
        preview(client, build_xlsx([row(1, 成立日期="2001年2月3日", 法定代表人="", 联络员手机=None)]))
    )
    assert batch.updated_count == 1
    client.post(reverse("enterprises:import_apply", args=[batch.pk]))
    e = Enterprise.objects.get(uscc=code(1))
    assert e.established == dt.date(2001, 2, 3)
    assert (e.legal_representative, e.liaison_phone) == ("", "")
    assert (e.version, e.liaison_name) == (2, "赵六")


def test_upload_still_requires_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.biz_office)
    refused = client.post(IMPORT_URL, {"file": upload(build_xlsx([row(1)]))})
    assert refused.status_code == 403
    assert not ImportBatch.objects.exists()
    client.get(IMPORT_URL)
    token = client.cookies["csrftoken"].value
    accepted = client.post(IMPORT_URL, {"file": upload(build_xlsx([row(1)])), "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
