"""Attachments are checked by their real type and size: the extension, the declared type and the
first bytes must agree; at most 5 files of 10 MB each per case (defaults)."""

from __future__ import annotations

import io

import pytest

from bangban.core.errors import ValidationFailed
from bangban.tickets.attachments import check_file, check_files, sniff
from bangban.tickets.models import Attachment, Ticket, TicketEvent

from . import intake_helpers as h

# --- what a file really is -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,kind",
    [
        (h.jpeg_bytes(), "jpeg"),
        (h.png_bytes(), "png"),
        (h.gif_bytes(), "gif"),
        (h.webp_bytes(), "webp"),
        (h.pdf_bytes(), "pdf"),
        (h.docx_bytes(), "docx"),
        (h.xlsx_bytes(), "xlsx"),
        (h.docm_bytes(), None),
        (h.plain_zip_bytes(), None),
        (h.EXE_BYTES, None),
        (b"just some text", None),
    ],
)
def test_sniffing_recognises_each_accepted_type_and_nothing_else(content, kind):
    assert sniff(content[:2048], io.BytesIO(content)) == kind


@pytest.mark.parametrize(
    "name,content,declared",
    [
        ("现场照片.jpg", h.jpeg_bytes(), "image/jpeg"),
        ("photo.JPEG", h.jpeg_bytes(), "image/pjpeg"),
        ("截图.png", h.png_bytes(), "image/png"),
        ("动图.gif", h.gif_bytes(), "image/gif"),
        ("图.webp", h.webp_bytes(), "image/webp"),
        ("申请材料.pdf", h.pdf_bytes(), "application/pdf"),
        (
            "情况说明.docx",
            h.docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("清单.xlsx", h.xlsx_bytes(), "application/octet-stream"),
    ],
)
def test_accepted_files(name, content, declared):
    checked = check_file(h.upload(name, content, declared))
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    "name,content,declared",
    [
        ("photo.jpg", h.EXE_BYTES, "image/jpeg"),  # a program posing as an image
        ("photo.jpg", b"<html>not an image</html>", "image/jpeg"),
        ("scan.png", h.pdf_bytes(), "image/png"),  # a PDF renamed .png
        ("photo.jpg", h.png_bytes(), "image/jpeg"),  # a PNG named .jpg
        ("report.docx", h.xlsx_bytes(), "application/octet-stream"),
        ("report.docx", h.plain_zip_bytes(), "application/zip"),
        ("macro.docx", h.docm_bytes(), "application/octet-stream"),
        ("photo.jpg", h.jpeg_bytes(), "application/x-msdownload"),  # declared type disagrees
        ("photo.jpg", h.jpeg_bytes(), "image/png"),
    ],
)
def test_a_file_posing_as_another_type_is_refused(name, content, declared):
    with pytest.raises(ValidationFailed) as exc:
        check_file(h.upload(name, content, declared))
    assert exc.value.code == "attachment_type_mismatch"
    assert name in exc.value.message


@pytest.mark.parametrize("name", ["setup.exe", "notes.txt", "macro.docm", "archive.zip", "noextension"])
def test_other_types_are_not_allowed(name):
    with pytest.raises(ValidationFailed) as exc:
        check_file(h.upload(name, h.jpeg_bytes()))
    assert exc.value.code == "attachment_type_not_allowed"
    assert "只能上传" in exc.value.message


def test_size_limit_per_file(settings):
    settings.BANGBAN_ATTACHMENT_MAX_BYTES = 1024
    big = h.jpeg_bytes() + b"\x00" * 2000
    with pytest.raises(ValidationFailed) as exc:
        check_file(h.upload("big.jpg", big, "image/jpeg"))
    assert exc.value.code == "attachment_too_large"
    assert "1 KB" in exc.value.message
    assert check_file(h.upload("small.jpg", h.jpeg_bytes(), "image/jpeg")).size < 1024


def test_default_limits_are_10_mb_and_5_files():
    with pytest.raises(ValidationFailed) as exc:
        check_file(h.upload("big.pdf", h.pdf_bytes() + b"0" * (10 * 1024 * 1024)))
    assert exc.value.code == "attachment_too_large"
    files = [h.upload(f"{i}.png", h.png_bytes(), "image/png") for i in range(6)]
    with pytest.raises(ValidationFailed) as exc:
        check_files(files)
    assert exc.value.code == "attachment_too_many"
    assert len(check_files(files[:5])) == 5
    with pytest.raises(ValidationFailed):
        check_files(files[:2], already=4)


def test_empty_file_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        check_file(h.upload("empty.pdf", b""))
    assert exc.value.code == "attachment_empty"


# --- through the pages and the API ---------------------------------------------------------------


def _portal_post(client, *files):
    return client.post(
        "/cases/intake/new/",
        {"title": "现场照片", "content": "厂区道路破损", "attachments": list(files)},
    )


def test_portal_stores_checked_attachments_under_a_random_name(cases, login):
    client = login(cases.enterprise_user)
    response = _portal_post(
        client, h.upload("现场照片.jpg", h.jpeg_bytes(), "image/jpeg"), h.upload("说明.pdf", h.pdf_bytes())
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    files = list(Attachment.objects.filter(ticket=ticket).order_by("original_name"))
    assert [a.original_name for a in files] == ["现场照片.jpg", "说明.pdf"]
    assert files[0].content_type == "image/jpeg" and files[1].content_type == "application/pdf"
    assert "现场照片" not in files[0].file.name and files[0].file.name.endswith(".jpg")
    assert files[0].uploaded_by == cases.enterprise_user


def test_portal_refuses_a_file_posing_as_an_image_and_creates_nothing(cases, login):
    client = login(cases.enterprise_user)
    response = _portal_post(client, h.upload("photo.jpg", h.EXE_BYTES, "image/jpeg"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "photo.jpg" in page and "文件已被拒绝" in page
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0


def test_api_adds_attachments_to_an_open_case(cases, login):
    client = login(cases.enterprise_user)
    case = client.post(
        "/api/v1/cases", {"title": "补材料", "content": "后补材料"}, content_type="application/json"
    ).json()
    response = client.post(
        f"/api/v1/cases/{case['id']}/attachments",
        {
            "files": [
                h.upload("补充.pdf", h.pdf_bytes(), "application/pdf"),
                h.upload("表.xlsx", h.xlsx_bytes()),
            ]
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [f["name"] for f in body] == ["补充.pdf", "表.xlsx"]
    assert body[1]["content_type"].endswith("spreadsheetml.sheet")
    assert TicketEvent.objects.filter(
        ticket_id=case["id"], kind="attachments_added", visibility="public"
    ).exists()


def test_api_refuses_a_mismatched_file_and_the_sixth_file(cases, login):
    client = login(cases.enterprise_user)
    case = client.post(
        "/api/v1/cases", {"title": "补材料", "content": "后补材料"}, content_type="application/json"
    ).json()
    url = f"/api/v1/cases/{case['id']}/attachments"
    bad = client.post(url, {"files": [h.upload("fake.png", h.pdf_bytes(), "image/png")]})
    assert bad.status_code == 400 and bad.json()["code"] == "attachment_type_mismatch"
    five = [h.upload(f"{i}.png", h.png_bytes(), "image/png") for i in range(5)]
    assert client.post(url, {"files": five}).status_code == 201
    sixth = client.post(url, {"files": [h.upload("6.png", h.png_bytes(), "image/png")]})
    assert sixth.status_code == 400 and sixth.json()["code"] == "attachment_too_many"
    assert Attachment.objects.filter(ticket_id=case["id"]).count() == 5


def test_only_people_of_the_case_may_add_attachments(cases, login):
    client = login(cases.enterprise_user)
    case = client.post(
        "/api/v1/cases", {"title": "补材料", "content": "后补材料"}, content_type="application/json"
    ).json()
    url = f"/api/v1/cases/{case['id']}/attachments"

    def files():
        return {"files": [h.upload("a.png", h.png_bytes(), "image/png")]}

    # An auditor sees every case but is not part of it; another county's handler does not see it.
    assert login(cases.auditor).post(url, files()).status_code == 403
    assert login(cases.handler_siyang).post(url, files()).status_code == 404
    assert login(cases.dispatcher).post(url, files()).status_code == 201
