"""惠企政策落地见效 (R10): per policy, uptake (delivered, read), questions, and the cases about it —
its questions' cases plus cases naming one of its keywords or its 文号 since it was published
(`outreach.figures`)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from bangban.outreach.models import PolicyDelivery
from bangban.tickets.models import Channel, Ticket
from bangban.workdays.arithmetic import SHANGHAI

from .conftest import API, post


def _case(
    number: str, title: str, content: str, received: dt.datetime, status: str = "in_progress"
) -> Ticket:
    return Ticket.objects.create(
        number=number,
        channel=Channel.HOTLINE,
        title=title,
        content=content,
        received_at=received,
        status=status,
    )


def test_the_effect_of_a_policy_counts_uptake_questions_and_cases_about_it(cast, login):
    w = cast.world
    staff = login(w.biz_office)
    bad = post(staff, f"{API}/policies", {"title": "x", "summary": "y", "keywords": ["改"]})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_keywords"
    created = post(
        staff,
        f"{API}/policies",
        {
            "title": "制造业智能化改造奖补政策",
            "doc_number": "宿政发〔2026〕8号",
            "summary": "对智能化改造设备投资给予10%补助。",
            "published_on": "2026-09-01",
            "keywords": ["智能化改造", "技改补助"],
        },
    )
    assert created.status_code == 201, created.content
    policy = created.json()
    assert policy["keywords"] == ["智能化改造", "技改补助"]
    post(staff, f"{API}/policies/{policy['id']}/push", {})
    delivery = PolicyDelivery.objects.get(enterprise=w.ent_shuyang)
    asked = post(
        login(w.enterprise_user), f"{API}/deliveries/{delivery.pk}/questions", {"content": "二手设备算不算？"}
    )
    assert asked.status_code == 201
    on = dt.datetime(2026, 10, 10, 9, tzinfo=SHANGHAI)
    _case("RX-P1", "技改补助迟迟未到账", "去年申报的补助", on, status="closed")
    _case("RX-P2", "咨询", "宿政发〔2026〕8号的申报材料有哪些", on)
    _case("RX-P3", "智能化改造补助", "发布前的诉求不计入", dt.datetime(2026, 8, 1, 9, tzinfo=SHANGHAI))
    _case("RX-P4", "道路积水", "与政策无关", on)

    effect = staff.get(f"{API}/policies/{policy['id']}/effect").json()
    assert effect == {
        "policy_id": policy["id"],
        "title": "制造业智能化改造奖补政策",
        "doc_number": "宿政发〔2026〕8号",
        "delivered": 2,
        "read": 1,
        "read_rate": 50.0,
        "questions": 1,
        "cases": 3,  # the question's case, RX-P1 (keyword), RX-P2 (文号)
        "closed": 1,
    }
    page = staff.get(f"/outreach/policies/{policy['id']}/").content.decode()
    assert 'data-testid="effect-cases">3（已办结 1）' in page
    overview = staff.get("/outreach/policies/effects/").content.decode()
    assert "制造业智能化改造奖补政策" in overview and "50.0%" in overview and "涉及本政策的诉求" in overview
    listing = staff.get(f"{API}/policies/effects").json()["items"]
    assert [(r["questions"], r["cases"]) for r in listing] == [(1, 3)]
    response = staff.get("/outreach/policies/effects.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book.active[2]][:8] == [
        "制造业智能化改造奖补政策",
        "宿政发〔2026〕8号",
        2,
        1,
        "50.0%",
        1,
        3,
        1,
    ]
    # An enterprise user sees no effect figures.
    assert login(w.enterprise_user).get(f"{API}/policies/{policy['id']}/effect").status_code == 404
    assert login(w.enterprise_user).get("/outreach/policies/effects/").status_code == 404
