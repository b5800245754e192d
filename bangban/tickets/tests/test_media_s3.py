"""Uploaded files on an S3-compatible bucket (several machines, docs/operations.md §10): a file
uploaded through the API lands in the bucket, not on the disk, and comes back only through the
permission-checked download page. The bucket is an in-process S3 (moto)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from bangban.shell.backup.media import copy_media
from bangban.tickets.models import Attachment

from . import intake_helpers as h

BUCKET = "bangban-media"
S3_OPTIONS = {
    "bucket_name": BUCKET,
    "access_key": "testing",
    "secret_key": "testing",
    "region_name": "us-east-1",
    "default_acl": "private",
    "querystring_auth": True,
    "file_overwrite": False,
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def bucket(settings: Any) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS},
        }
        yield client


def test_an_attachment_is_stored_in_the_bucket_and_downloaded_through_the_checked_page(
    cases: Any, login: Any, bucket: Any, tmp_path: Path
) -> None:
    owner = login(cases.enterprise_user)
    case = owner.post(
        "/api/v1/cases", {"title": "补材料", "content": "后补材料"}, content_type="application/json"
    ).json()
    content = h.pdf_bytes()
    uploaded = owner.post(
        f"/api/v1/cases/{case['id']}/attachments",
        {"files": [h.upload("营业执照.pdf", content, "application/pdf")]},
    )
    assert uploaded.status_code == 201, uploaded.content

    item = Attachment.objects.get(ticket_id=case["id"])
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [item.file.name]
    assert bucket.get_object(Bucket=BUCKET, Key=item.file.name)["Body"].read() == content
    assert type(Attachment._meta.get_field("file").storage._wrapped).__name__ == "S3Storage"  # type: ignore[attr-defined]

    url = reverse("tickets:attachment", args=[case["id"], item.pk])
    response = owner.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]

    # Someone who may not see the case gets nothing, from the bucket or otherwise.
    assert login(cases.handler_siyang).get(url).status_code == 404

    # A file gone from the bucket is a clear 404, not a server error.
    bucket.delete_object(Bucket=BUCKET, Key=item.file.name)
    assert owner.get(url).status_code == 404


def test_the_bucket_is_chosen_by_the_environment_and_the_filesystem_stays_the_default() -> None:
    program = (
        "from django.conf import settings; import django; django.setup(); print(settings.STORAGES['default'])"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("BANGBAN_MEDIA_S3_")}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    root = Path(__file__).resolve().parents[3]

    def default_storage_of(env: dict[str, str]) -> str:
        done = subprocess.run(
            [sys.executable, "-c", program], env=env, cwd=root, capture_output=True, text=True, check=True
        )
        return done.stdout

    assert "FileSystemStorage" in default_storage_of(base)
    chosen = default_storage_of(
        {
            **base,
            "BANGBAN_MEDIA_S3_BUCKET": "city-media",
            "BANGBAN_MEDIA_S3_ENDPOINT_URL": "https://oss.example.gov.cn",
            "BANGBAN_MEDIA_S3_REGION": "cn-east-1",
            "BANGBAN_MEDIA_S3_ACCESS_KEY_ID": "AK",
            "BANGBAN_MEDIA_S3_SECRET_ACCESS_KEY": "SK",
        }
    )
    assert "storages.backends.s3.S3Storage" in chosen
    assert (
        "'bucket_name': 'city-media'" in chosen and "'endpoint_url': 'https://oss.example.gov.cn'" in chosen
    )
    assert "'default_acl': 'private'" in chosen and "'region_name': 'cn-east-1'" in chosen


def test_a_backup_copies_the_files_from_the_bucket(
    cases: Any, login: Any, bucket: Any, tmp_path: Path
) -> None:
    owner = login(cases.enterprise_user)
    case = owner.post(
        "/api/v1/cases", {"title": "补材料", "content": "后补材料"}, content_type="application/json"
    ).json()
    content = h.png_bytes()
    owner.post(
        f"/api/v1/cases/{case['id']}/attachments", {"files": [h.upload("现场.png", content, "image/png")]}
    )
    name = Attachment.objects.get(ticket_id=case["id"]).file.name

    copied = copy_media(tmp_path)

    assert [item.name for item in copied] == [name]
    assert (tmp_path / "media" / name).read_bytes() == content
    assert copied[0].sha256 == hashlib.sha256(content).hexdigest() and copied[0].size == len(content)
