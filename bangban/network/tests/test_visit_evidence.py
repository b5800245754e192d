"""R4.2 evidence of a visit: photos taken on the spot (checked by content, stored, served only to
those who may see the visit) and where it took place (the phone's position, validated, and the
place in words) — through the officer's phone form and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bangban.audit.models import AuditEvent
from bangban.network.models import Contact, ContactPhoto

from .test_contacts import API, served, visit  # noqa: F401  (the fixture and the form data)

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 400
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 400
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 400


def jpeg(name: str = "车间.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def form(net: Any, **extra: Any) -> dict[str, Any]:
    return {**visit(enterprise=str(net.general.pk)), **extra}


def test_the_phone_form_records_photos_and_the_location(served: Any, login: Any) -> None:  # noqa: F811
    net = served
    client = login(net.township_officer)
    page = client.get("/network/contacts/new/")
    html = page.content.decode()
    assert 'accept="image/*"' in html and "capture" in html and "获取位置" in html and "拍照" in html
    assert 'enctype="multipart/form-data"' in html and "network/visit-evidence.js" in html
    # The page may ask for the position; other pages may not.
    assert "geolocation=(self)" in page["Permissions-Policy"] and "camera=()" in page["Permissions-Policy"]
    assert "geolocation=()" in client.get("/network/contacts/").get("Permissions-Policy", "")

    response = client.post(
        "/network/contacts/new/",
        form(
            net,
            photos=[jpeg(), SimpleUploadedFile("门口.png", PNG, content_type="image/png")],
            latitude="33.963512",
            longitude="118.275168",
            location_accuracy="18.4",
            place="企业二号车间",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    contact = Contact.objects.get()
    assert contact.latitude == Decimal("33.963512") and contact.longitude == Decimal("118.275168")
    assert contact.location_accuracy == 18 and contact.place == "企业二号车间"
    photos = list(contact.photos.order_by("id"))
    assert [p.original_name for p in photos] == ["车间.jpg", "门口.png"]
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    event = AuditEvent.objects.get(action="network.contact_log", object_id=str(contact.pk))
    assert (event.after or {}).get("photos") == ["车间.jpg", "门口.png"]

    detail = client.get(f"/network/contacts/{contact.pk}/").content.decode()
    url = f"/network/contacts/{contact.pk}/photos/{photos[0].pk}/"
    assert f'src="{url}"' in detail and "企业二号车间" in detail and "33.963512" in detail
    listing = client.get("/network/contacts/").content.decode()
    assert f'src="{url}"' in listing and "企业二号车间" in listing
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert b"".join(got.streaming_content) == JPEG
    assert got["Cache-Control"] == "private, no-store"


def test_a_file_that_is_not_a_photo_is_refused_in_chinese(served: Any, login: Any) -> None:  # noqa: F811
    net = served
    client = login(net.township_officer)
    response = client.post(
        "/network/contacts/new/",
        form(net, photos=[SimpleUploadedFile("说明.txt", b"hello", content_type="text/plain")]),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "不支持附件“说明.txt”的文件类型，只能上传照片（JPG、PNG、WebP、HEIC）" in html
    assert "照片需重新选择" in html
    # A program renamed .jpg is recognised by its content.
    response = client.post(
        "/network/contacts/new/",
        form(net, photos=[SimpleUploadedFile("假照片.jpg", EXE, content_type="image/jpeg")]),
    )
    assert response.status_code == 400 and "实际内容不是该类型" in response.content.decode()
    assert not Contact.objects.exists() and not ContactPhoto.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"latitude": "91", "longitude": "118.2"}, "纬度应在 -90 到 90 之间"),
        ({"latitude": "33.9", "longitude": "-180.5"}, "经度应在 -180 到 180 之间"),
        ({"latitude": "北纬33", "longitude": "118.2"}, "纬度应为数字"),
        ({"latitude": "33.9", "longitude": ""}, "位置须同时有纬度和经度"),
        (
            {"latitude": "33.9", "longitude": "118.2", "location_accuracy": "-5"},
            "定位精度应在 0 到 100000 米之间",
        ),
        ({"place": "地" * 201}, "地点不能超过 200 个字"),
    ],
)
def test_a_location_out_of_range_is_refused(
    served: Any,  # noqa: F811
    login: Any,
    fields: dict[str, str],
    message: str,
) -> None:
    net = served
    response = login(net.township_officer).post("/network/contacts/new/", form(net, **fields))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Contact.objects.exists()


def test_another_officer_cannot_fetch_the_photo(served: Any, login: Any) -> None:  # noqa: F811
    net = served
    login(net.township_officer).post("/network/contacts/new/", form(net, photos=[jpeg()]))
    contact = Contact.objects.get()
    photo = contact.photos.get()
    url = f"/network/contacts/{contact.pk}/photos/{photo.pk}/"
    # Another officer (even one serving an enterprise of the same county) gets 404, as does a
    # photo id of another contact.
    other = login(net.county_officer)
    assert other.get(url).status_code == 404
    assert other.get(f"/network/contacts/{contact.pk}/").status_code == 404
    owner = login(net.township_officer)
    assert owner.get(f"/network/contacts/{contact.pk}/photos/{photo.pk + 1}/").status_code == 404
    # The enterprise sees its own visits and their photos; the county's unit head oversees them.
    assert login(net.world.enterprise_user).get(url).status_code == 200
    assert login(net.shuyang_head).get(url).status_code == 200


def test_the_api_takes_the_location_and_then_the_photos(served: Any, login: Any) -> None:  # noqa: F811
    net = served
    client = login(net.township_officer)
    body = visit(
        enterprise_id=net.general.pk, latitude=33.9635, longitude=118.2751, location_accuracy=25, place="厂区"
    )
    response = client.post(f"{API}/contacts", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["latitude"] == 33.9635 and created["longitude"] == 118.2751
    assert created["location_accuracy"] == 25 and created["place"] == "厂区" and created["photos"] == []

    photos_url = f"{API}/contacts/{created['id']}/photos"
    response = client.post(photos_url, {"files": [jpeg("现场一.jpg"), jpeg("现场二.jpg")]})
    assert response.status_code == 201, response.content
    photos = response.json()["photos"]
    assert [p["name"] for p in photos] == ["现场一.jpg", "现场二.jpg"]
    assert client.get(photos[0]["url"]).status_code == 200
    assert client.get(f"{API}/contacts/{created['id']}").json()["photos"] == photos
    assert AuditEvent.objects.filter(action="network.contact_photos").count() == 1

    # A wrong type is refused with its code and a Chinese message; nothing is stored.
    bad = SimpleUploadedFile("合同.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(photos_url, {"files": [bad]})
    assert response.status_code == 400
    assert response.json()["code"] == "attachment_type_not_allowed"
    assert "只能上传照片" in response.json()["message"]
    assert ContactPhoto.objects.count() == 2
    # Someone else's record: 404 (not theirs to see); the enterprise may see it but not add to it.
    assert login(net.county_officer).post(photos_url, {"files": [jpeg()]}).status_code == 404
    assert login(net.world.enterprise_user).post(photos_url, {"files": [jpeg()]}).status_code == 403


def test_the_api_refuses_a_location_out_of_range(served: Any, login: Any) -> None:  # noqa: F811
    net = served
    client = login(net.township_officer)
    body = visit(enterprise_id=net.general.pk, latitude=33.9, longitude=200.0)
    response = client.post(f"{API}/contacts", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "longitude_invalid"
    assert "经度应在 -180 到 180 之间" in response.json()["message"]
    assert not Contact.objects.exists()


def test_too_many_photos_are_refused(served: Any, login: Any, settings: Any) -> None:  # noqa: F811
    settings.BANGBAN_VISIT_PHOTO_MAX_FILES = 2
    net = served
    response = login(net.township_officer).post(
        "/network/contacts/new/", form(net, photos=[jpeg("1.jpg"), jpeg("2.jpg"), jpeg("3.jpg")])
    )
    assert response.status_code == 400 and "每条走访记录最多上传 2 个附件" in response.content.decode()
