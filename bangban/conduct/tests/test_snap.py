"""随手拍 and the complaint phone (R7.3): a visitor reports with photos or a short video under a number
confirmed by SMS and gets a tracking code; 作风办 registers calls to the complaint phone and takes
each report through 核实 → 查处 → 办结 → 曝光; bad input gets a clear message and a stable code."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bangban.audit.models import AuditEvent
from bangban.conduct.actions import SnapInput, do_submit_snap
from bangban.conduct.models import ConductComplaint, SnapStatus
from bangban.core.errors import ApplicationError
from bangban.notifications.models import OutboxMessage
from bangban.tickets.intake import do_send_phone_code, do_verify_phone_code
from bangban.tickets.models import Channel
from bangban.tickets.privacy import NOTICE_VERSION
from bangban.tickets.tests.intake_helpers import received_sms_code

from .snap_helpers import EXE, HEIC, MOV, PNG, file_snap, photo, token_client, verify_phone, video

API = "/api/v1/conduct/snaps"
PHONE = "13912340001"


def _public_post(client: Any, **data: Any) -> Any:
    return client.post("/conduct/snap/", data)


def test_a_visitor_reports_on_the_public_page_and_follows_it_by_the_tracking_code(
    cast: Any, client: Any
) -> None:
    assert client.get("/conduct/snap/").status_code == 200
    assert (
        _public_post(client, step="send_code", privacy_consent=NOTICE_VERSION, phone=PHONE).status_code == 200
    )
    answer = _public_post(client, step="verify", phone=PHONE, code=received_sms_code(PHONE))
    assert answer.status_code == 302
    page = client.get("/conduct/snap/").content.decode()
    assert 'data-testid="snap-form"' in page and "惠企政策打折扣" in page
    answer = client.post(
        "/conduct/snap/",
        {"step": "submit", "category": "policy_discount", "content": "申报的技改补贴被要求先交“服务费”。",
         "files": [photo(), video("现场.mov", content_type="video/quicktime")]},
    )  # fmt: skip
    assert answer.status_code == 400  # the .mov holds MP4 bytes: refused by content
    assert "实际是MP4 视频" in answer.content.decode()
    answer = client.post(
        "/conduct/snap/",
        {"step": "submit", "category": "policy_discount", "content": "申报的技改补贴被要求先交“服务费”。",
         "files": [photo(), photo("截图.png", PNG, "image/png"), video()]},
    )  # fmt: skip
    assert answer.status_code == 302, answer.content.decode()[:2000]
    complaint = ConductComplaint.objects.get()
    ticket = complaint.ticket
    assert ticket.channel == Channel.CONDUCT and ticket.contact_phone == PHONE
    assert complaint.source == "snap" and complaint.status == SnapStatus.PENDING
    assert sorted(a.content_type for a in ticket.attachments.all()) == [
        "image/jpeg",
        "image/png",
        "video/mp4",
    ]
    done = client.get("/conduct/snap/done/").content.decode()
    assert ticket.number in done
    tracked = client.get("/conduct/snap/track/", {"number": ticket.number}).content.decode()
    assert "待核实" in tracked and "已受理" in tracked
    other = client.get("/conduct/snap/track/", {"number": "ZF-20000101-0001"}).content.decode()
    assert 'data-testid="not-found"' in other
    again = client.post(
        "/conduct/snap/",
        {"step": "submit", "category": "policy_discount", "content": "申报的技改补贴被要求先交“服务费”。",
         "idempotency_key": "k-1", "files": [photo()]},
    )  # fmt: skip
    twice = client.post(
        "/conduct/snap/",
        {"step": "submit", "category": "policy_discount", "content": "申报的技改补贴被要求先交“服务费”。",
         "idempotency_key": "k-1", "files": [photo()]},
    )  # fmt: skip
    assert again.status_code == twice.status_code == 302
    assert ConductComplaint.objects.count() == 2  # the second tap with the same key filed nothing


def test_bad_input_on_the_page_gets_a_chinese_message(cast: Any, client: Any) -> None:
    _public_post(client, step="send_code", privacy_consent=NOTICE_VERSION, phone=PHONE)
    wrong = _public_post(client, step="verify", phone=PHONE, code="000000")
    assert wrong.status_code == 400 and "验证码不正确" in wrong.content.decode()
    _public_post(client, step="verify", phone=PHONE, code=received_sms_code(PHONE))
    missing = client.post("/conduct/snap/", {"step": "submit", "content": "推诿。"})
    assert missing.status_code == 400 and "请选择问题类型" in missing.content.decode()
    fake = client.post(
        "/conduct/snap/",
        {"step": "submit", "category": "breach", "content": "推诿。", "files": [photo("照片.jpg", EXE)]},
    )
    assert fake.status_code == 400 and "实际内容不是该类型" in fake.content.decode()
    assert not ConductComplaint.objects.exists()


def test_the_api_refuses_bad_reports_with_stable_codes(cast: Any, client: Any, settings: Any) -> None:
    vid = verify_phone(PHONE)

    def post(**fields: Any) -> Any:
        body = {
            "phone": PHONE,
            "verification_id": vid,
            "category": "breach",
            "content": "合同约定的奖励不兑现。",
        }
        body.update(fields)
        return client.post(API, body)

    assert post(category="").json()["code"] == "category_required"
    assert post(category="other").json()["code"] == "invalid_category"
    assert (
        post(files=[photo("a.txt", b"hello", "text/plain")]).json()["code"] == "attachment_type_not_allowed"
    )
    assert post(files=[photo("a.jpg", EXE)]).json()["code"] == "attachment_type_mismatch"
    assert post(files=[photo(f"{i}.jpg") for i in range(7)]).json()["code"] == "attachment_too_many"
    settings.BANGBAN_SNAP_VIDEO_MAX_BYTES = 2000
    big = post(files=[video(size=3000)])
    assert big.status_code == 400 and big.json()["code"] == "attachment_too_large"
    unverified = client.post(API, {"phone": "13912349999", "category": "breach", "content": "推诿。"})
    assert unverified.status_code == 400 and unverified.json()["code"] == "sms_verification_required"
    heic = post(
        files=[photo("IMG_0001.HEIC", HEIC, "image/heic"), video("a.mov", content_type="video/quicktime")]
    )
    assert heic.status_code == 400 and heic.json()["code"] == "attachment_type_mismatch"  # MP4 bytes in .mov
    ok = post(files=[photo("IMG_0001.HEIC", HEIC, "image/heic"), photo("b.mov", MOV, "video/quicktime")])
    assert ok.status_code == 201, ok.content
    assert ok.json()["status"] == "pending" and ok.json()["tracking_code"].startswith(("ZF", "ZX"))


def test_a_fifty_megabyte_video_is_refused_before_anything_is_written(cast: Any) -> None:
    with pytest.raises(ApplicationError) as refused:
        file_snap(PHONE, files=(video(size=50 * 1024 * 1024),))
    assert refused.value.code == "attachment_too_large"
    assert "50" in refused.value.message and "20" in refused.value.message
    assert not ConductComplaint.objects.exists()


def test_a_wrong_or_expired_code_is_refused(cast: Any) -> None:
    now = timezone.now()
    do_send_phone_code(privacy_notice=NOTICE_VERSION, phone=PHONE, now=now)
    with pytest.raises(ApplicationError) as wrong:
        do_verify_phone_code(phone=PHONE, code="999999", now=now)
    assert wrong.value.code == "sms_code_invalid"
    with pytest.raises(ApplicationError) as expired:
        do_verify_phone_code(phone=PHONE, code=received_sms_code(PHONE), now=now + dt.timedelta(minutes=11))
    assert expired.value.code == "sms_code_expired"
    with pytest.raises(ApplicationError) as unverified:
        do_submit_snap(
            verification_id=None, phone=PHONE, data=SnapInput(category="breach", content="推诿。"), now=now
        )
    assert unverified.value.code == "sms_verification_required"


def test_the_conduct_office_takes_a_report_to_publication(cast: Any) -> None:
    complaint = file_snap(PHONE, files=(photo(),), contact_name="举报人李四")
    office = token_client(cast.world.admin, cast.zuofeng)
    listed = office.get(API, {"status": "open"}).json()["items"]
    assert [c["id"] for c in listed] == [complaint.pk]
    assert listed[0]["complainant"] == {"name": "举报人李四", "phone": PHONE, "enterprise_name": ""}
    unit = cast.world.shuyang_gov
    item = cast.items["01"] if "01" in cast.items else next(iter(cast.items.values()))
    moved = office.post(f"{API}/{complaint.pk}/verify", {"unit_id": unit.pk, "item_id": item.pk},
                        content_type="application/json")  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "verifying" and moved.json()["unit_name"] == unit.name
    told = OutboxMessage.objects.filter(recipient=cast.inspector, subject__startswith="作风投诉核实通知")
    assert told.count() == 1 and "李四" not in told.get().body and PHONE not in told.get().body
    again = office.post(f"{API}/{complaint.pk}/verify", {}, content_type="application/json")
    assert again.status_code == 409
    empty = office.post(f"{API}/{complaint.pk}/investigate", {"note": ""}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["code"] == "finding_required"
    early = office.post(f"{API}/{complaint.pk}/publish", {"title": "x", "summary": "y"},
                        content_type="application/json")  # fmt: skip
    assert early.status_code == 409 and early.json()["code"] == "not_founded"
    office.post(
        f"{API}/{complaint.pk}/investigate", {"note": "调取办件记录，属实。"}, content_type="application/json"
    )
    done = office.post(f"{API}/{complaint.pk}/conclude", {"penalty": "对科室负责人诫勉谈话。"},
                       content_type="application/json")  # fmt: skip
    assert done.json()["status"] == "founded"
    published = office.post(
        f"{API}/{complaint.pk}/publish",
        {"title": "某县直部门验收推诿被问责", "summary": "经查，该部门两个科室相互推诿，已诫勉谈话。"},
        content_type="application/json",
    )
    assert published.status_code == 200 and published.json()["published"] is True
    board = token_client(cast.world.admin, cast.inspector).get(f"{API}/published").json()["items"]
    assert [b["title"] for b in board] == ["某县直部门验收推诿被问责"]
    page = token_client(cast.world.admin, cast.inspector).get("/conduct/snap/board/").content.decode()
    assert "某县直部门验收推诿被问责" in page and "李四" not in page and PHONE not in page
    kinds = list(complaint.ticket.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-4:] == ["conduct_snap_verify", "conduct_snap_investigate", "conduct_snap_conclude",
                          "conduct_snap_publish"]  # fmt: skip
    assert AuditEvent.objects.filter(action="ticket.conduct_snap_publish").count() == 1


def test_an_unfounded_report_is_closed_and_cannot_be_published(cast: Any, login: Any) -> None:
    complaint = file_snap(PHONE)
    client = login(cast.zuofeng)
    client.post(f"/conduct/snaps/{complaint.pk}/", {"action": "verify", "version": 1})
    answer = client.post(
        f"/conduct/snaps/{complaint.pk}/", {"action": "dismiss", "finding": "查无此事。", "version": 2}
    )
    assert answer.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == SnapStatus.UNFOUNDED and complaint.concluded_at is not None
    page = client.get(f"/conduct/snaps/{complaint.pk}/").content.decode()
    assert "已办结（不属实）" in page and 'data-testid="publish-form"' not in page
    assert PHONE in page
    assert AuditEvent.objects.filter(action="personal_data.view", actor_id=cast.zuofeng.pk).exists()


def test_the_complaint_phone_is_registered_by_the_conduct_office_only(cast: Any, login: Any) -> None:
    office = login(cast.zuofeng)
    missing = office.post("/conduct/snaps/phone/", {"contact_phone": "13800001111", "content": "推诿。"})
    assert missing.status_code == 400 and "请选择问题类型" in missing.content.decode()
    made = office.post(
        "/conduct/snaps/phone/",
        {"contact_phone": "13800001111", "contact_name": "来电人赵", "category": "perfunctory",
         "content": "窗口人员答复“回去等通知”，一个月无下文。"},
    )  # fmt: skip
    assert made.status_code == 302
    complaint = ConductComplaint.objects.get()
    assert complaint.source == "phone" and complaint.ticket.contact_phone == "13800001111"
    assert login(cast.inspector).get("/conduct/snaps/phone/").status_code == 403
    assert login(cast.inspector).get("/conduct/snaps/").status_code == 404
    assert login(cast.inspector).get(f"/conduct/snaps/{complaint.pk}/").status_code == 404
    api = token_client(cast.world.admin, cast.inspector).post(
        f"{API}/phone", {"contact_phone": "13800001111", "category": "breach", "content": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert api.status_code == 403


def test_the_ledger_export_names_the_complainant_only_to_its_readers(cast: Any, login: Any) -> None:
    file_snap(PHONE, contact_name="举报人周五", enterprise_name="宿迁某电子有限公司")
    response = login(cast.zuofeng).get("/conduct/snaps/export.xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    header = next(r for r in rows if r and "编号" in r)
    assert "投诉人" in header and "联系电话" in header
    assert any(PHONE in r and "举报人周五" in r and "宿迁某电子有限公司" in r for r in rows)
    assert login(cast.inspector).get("/conduct/snaps/export.xlsx").status_code == 404
    assert AuditEvent.objects.filter(action="conduct.snap_export").count() == 1


def test_a_file_over_the_upload_limit_is_dropped_on_arrival_and_refused(
    cast: Any, client: Any, settings: Any
) -> None:
    settings.BANGBAN_MAX_UPLOAD_BYTES = 2000
    _public_post(client, step="send_code", privacy_consent=NOTICE_VERSION, phone=PHONE)
    _public_post(client, step="verify", phone=PHONE, code=received_sms_code(PHONE))
    answer = client.post(
        "/conduct/snap/",
        {"step": "submit", "category": "breach", "content": "推诿。", "files": [video(size=5000)]},
    )
    assert answer.status_code == 400 and "文件超过了上限" in answer.content.decode()
    assert not ConductComplaint.objects.exists()


def test_the_complainant_follows_a_report_through_the_api(cast: Any, client: Any) -> None:
    refused = client.post(f"{API}/phone-code", {"phone": PHONE}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "privacy_consent_required"
    sent = client.post(
        f"{API}/phone-code",
        {"phone": PHONE, "privacy_notice": NOTICE_VERSION},
        content_type="application/json",
    )
    assert sent.status_code == 202
    wrong = client.post(
        f"{API}/phone-verify", {"phone": PHONE, "code": "000000"}, content_type="application/json"
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "sms_code_invalid"
    confirmed = client.post(
        f"{API}/phone-verify",
        {"phone": PHONE, "code": received_sms_code(PHONE)},
        content_type="application/json",
    ).json()
    vid = confirmed["verification_id"]
    filed = client.post(
        API, {"phone": PHONE, "verification_id": vid, "category": "perfunctory", "content": "拖。"}
    )
    code = filed.json()["tracking_code"]
    tracked = client.get(f"{API}/track", {"number": code, "phone": PHONE, "verification_id": vid})
    assert tracked.status_code == 200 and tracked.json()["status"] == "pending"
    assert tracked.json()["events"][0]["note"].startswith("已受理")
    other = client.get(f"{API}/track", {"number": code, "phone": "13912349999", "verification_id": vid})
    assert other.status_code == 404
