"""Uploaded files are never rendered as active content in the site's origin (R0.4): only raster
images are shown inline, everything else downloads, and every file gets a sandboxing policy."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bangban.core.security import DOWNLOAD_POLICY
from bangban.tickets.models import Attachment, Visibility


@pytest.mark.parametrize(
    ("content_type", "disposition"),
    [
        ("image/png", "inline"),
        ("application/pdf", "attachment"),
        ("image/svg+xml", "attachment"),
        ("text/html", "attachment"),
    ],
)
def test_attachments_are_sandboxed_and_only_raster_images_inline(cases, login, content_type, disposition):
    ticket = cases.new()
    item = Attachment.objects.create(
        ticket=ticket,
        file=ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', name="x.bin"),
        original_name="材料",
        content_type=content_type,
        size=60,
        sha256="0" * 64,
        visibility=Visibility.PUBLIC,
    )
    response = login(cases.enterprise_user).get(reverse("tickets:attachment", args=[ticket.pk, item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(disposition)
    assert response["Content-Type"] == content_type
    assert response["Content-Security-Policy"] == DOWNLOAD_POLICY
    assert "sandbox" in DOWNLOAD_POLICY and "script-src" not in DOWNLOAD_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_exports_get_the_download_policy_too(cases, login):
    response = login(cases.dispatcher).get(reverse("tickets:attachment", args=[cases.new().pk, 999999]))
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]
