"""Evidence of a visit in a real browser (R4.2): an officer, on a phone that lets the site know
where it is, records an on-site visit with a photo (拍照) and the position (获取位置); the visit
page shows the photo's thumbnail and the location; another officer cannot open the photo."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from bangban.conftest import PASSWORD, _fresh_workday_calendar, login, world  # noqa: F401
from bangban.network.actions import do_assign
from bangban.network.models import Contact
from bangban.network.tests.conftest import net  # noqa: F401

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HERE = {"latitude": 33.963512, "longitude": 118.275168, "accuracy": 20}


def png(width: int = 16, height: int = 12) -> bytes:
    """A real (decodable) small PNG: the thumbnail must render."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xc0\x30\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_officer_records_a_visit_with_a_photo_and_the_position(
    live_server: Any,
    browser: Any,
    net: Any,  # noqa: F811
) -> None:
    base = live_server.url
    do_assign(acting_user=net.world.admin, enterprise_id=net.general.pk, officer_id=net.township_officer.pk)
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        permissions=["geolocation"],
        geolocation=HERE,
    )
    context.set_default_timeout(15_000)
    phone = context.new_page()
    try:
        log_in(phone, base, net.township_officer.username, PASSWORD)
        phone.goto(f"{base}/network/contacts/new/?enterprise={net.general.pk}")
        phone.click("[data-testid=kind-visit]")
        phone.fill("[data-testid=field-summary]", "走访生产车间，查看新生产线安装进度。")
        # 拍照: the phone's camera hands the page a picture.
        photos = phone.locator("[data-testid=field-photos]")
        assert photos.get_attribute("accept") == "image/*" and photos.get_attribute("capture") is not None
        photos.set_input_files([{"name": "车间.png", "mimeType": "image/png", "buffer": png()}])
        assert "已选择 1 张照片" in phone.inner_text("[data-photo-status]")
        # 获取位置: the browser's geolocation fills the position.
        phone.click("[data-testid=geolocate]")
        phone.wait_for_selector("[data-testid=geo-status]:has-text('已获取位置')")
        assert "33.963512, 118.275168" in phone.inner_text("[data-testid=geo-status]")
        phone.fill("[data-testid=field-place]", "企业二号车间")
        phone.click("[data-testid=submit]")
        phone.wait_for_selector("[data-testid=contact-photos] img")

        contact = Contact.objects.get()
        assert float(contact.latitude or 0) == pytest.approx(33.963512)
        assert float(contact.longitude or 0) == pytest.approx(118.275168)
        assert contact.location_accuracy == 20 and contact.place == "企业二号车间"
        photo = contact.photos.get()
        assert photo.original_name == "车间.png" and photo.content_type == "image/png"
        location = phone.inner_text("[data-testid=contact-location]")
        assert "企业二号车间" in location and "33.963512" in location
        # The thumbnail really loads (through the protected view).
        thumb = phone.locator("[data-testid=contact-photos] img")
        thumb.evaluate("img => img.decode()")
        assert thumb.evaluate("img => img.naturalWidth") == 16
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        # The list shows it too.
        phone.goto(f"{base}/network/contacts/")
        assert phone.locator("[data-testid=contact-thumbs] img").count() == 1

        # Another officer cannot open the photo.
        phone.context.clear_cookies()
        log_in(phone, base, net.county_officer.username, PASSWORD)
        response = phone.goto(f"{base}/network/contacts/{contact.pk}/photos/{photo.pk}/")
        assert response is not None and response.status == 404
    finally:
        context.close()
