"""Pages and API around the items: configuration pages, lists with filters and empty states, the
monthly figures endpoint, navigation, and the documentation of the clock during a dispute."""

from __future__ import annotations

import json
from pathlib import Path

from bangban.escalation.models import AutoRule, EscalationSettings, Tier

DOC = Path(__file__).resolve().parents[3] / "docs" / "escalation.md"


def test_tier_and_settings_pages(esc, login):
    client = login(esc.biz_office)
    page = client.get("/escalation/tiers/").content.decode()
    assert "常务副市长会办" in page and 'data-testid="settings-form"' in page
    tier = Tier.objects.get(level=3)
    client.post(
        "/escalation/tiers/", {"tier_id": tier.pk, "name": "市营商办协调", "workdays": "4", "is_active": "on"}
    )
    assert Tier.objects.get(level=3).workdays == 4
    client.post("/escalation/tiers/", {"form": "settings", "auto_rule": "overdue", "auto_max_level": "2",
                                       "dispute_window_workdays": "3", "dispute_decision_workdays": "3",
                                       "supervision_workdays": "3"})  # fmt: skip
    row = EscalationSettings.objects.get(pk=1)
    assert row.auto_rule == AutoRule.OVERDUE and row.dispute_window_workdays == 3
    # A handler reads the tiers but cannot change them.
    handler = login(esc.handler_shuyang)
    assert "保存参数" not in handler.get("/escalation/tiers/").content.decode()
    assert (
        handler.post("/escalation/tiers/", {"tier_id": tier.pk, "name": "x", "workdays": "1"}).status_code
        == 404
    )
    assert Tier.objects.get(level=3).name == "市营商办协调"


def test_settings_api_validates(esc, login):
    client = login(esc.biz_office)
    body = client.get("/api/v1/escalation/settings").json()
    body["auto_rule"] = "sometimes"
    response = client.put(
        "/api/v1/escalation/settings", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "auto_rule_invalid"


def test_enterprise_sees_none_of_it(esc, login):
    client = login(esc.enterprise_user)
    for url in ("/escalation/", "/escalation/meetings/", "/escalation/tasks/", "/escalation/disputes/",
                "/escalation/supervision/", "/escalation/mayor/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    ticket = esc.in_progress()
    page = client.get(f"/cases/{ticket.pk}/").content.decode()
    assert 'data-testid="escalation-panel"' not in page


def test_empty_states(esc, login):
    client = login(esc.biz_office)
    assert "暂无督办单" in client.get("/escalation/supervision/").content.decode()
    assert "暂无超期任务" in client.get("/escalation/tasks/?view=overdue").content.decode()
    assert "暂无直达市长诉求" in login(esc.staff).get("/escalation/mayor/").content.decode()


def test_figures_endpoint_is_for_supervisors(esc, login):
    assert login(esc.handler_shuyang).get("/api/v1/escalation/figures?year=2026&month=10").status_code == 403
    response = login(esc.biz_office).get("/api/v1/escalation/figures?year=2026&month=10")
    assert response.status_code == 200 and response.json() == {}


def test_navigation_entries(esc, login):
    page = login(esc.staff).get("/escalation/").content.decode()
    assert "市长直通车" in page and "分级会办" in page
    assert "市长直通车" not in login(esc.handler_shuyang).get("/escalation/").content.decode()


def test_docs_state_how_the_clock_runs_during_a_dispute():
    text = DOC.read_text(encoding="utf-8")
    assert "How the case's clock runs during a dispute" in text
    assert "It keeps running" in text
