"""The demo city comes with a mayor-channel case waiting for the 秘书长, a case escalated to 市营商办
and treated in a 专题会办 with a task, and a 督办 — once, however often it is loaded."""

from __future__ import annotations

from typing import Any

from bangban.escalation.models import CaseEscalation, MayorReview, Meeting, MeetingTask, SupervisionOrder
from bangban.shell.demo import load_demo_city


def test_demo_escalation_once(db: Any, client: Any) -> None:
    load_demo_city()
    review = MayorReview.objects.get()
    assert review.stage == "secretary"
    assert CaseEscalation.objects.get().level == 3
    assert Meeting.objects.count() == 1 and MeetingTask.objects.count() == 1
    assert SupervisionOrder.objects.count() == 1
    counts = (MayorReview.objects.count(), Meeting.objects.count(), SupervisionOrder.objects.count())
    load_demo_city()
    assert (MayorReview.objects.count(), Meeting.objects.count(), SupervisionOrder.objects.count()) == counts
    assert client.login(username="mishuzhang", password="Suqian-Demo-2024")
    assert review.ticket.number in client.get("/escalation/mayor/?stage=secretary").content.decode()
    assert client.login(username="danwei_sy", password="Suqian-Demo-2024")
    assert "完成现场核查并形成处理意见" in client.get("/escalation/tasks/").content.decode()
