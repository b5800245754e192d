"""The demo city shows outreach with content for the demo accounts, loaded once."""

from __future__ import annotations

from django.urls import reverse

from bangban.outreach.models import (
    AssociationOpinion,
    InvestmentProject,
    Policy,
    PolicyDelivery,
    ProblemOutcome,
    ProjectProblem,
    SupervisorReport,
    Symposium,
)
from bangban.shell.demo import load_demo_city


def test_demo_outreach_is_loaded_once_and_shows_for_the_demo_accounts(db, client, demo_clock):
    lines = load_demo_city(demo_clock)
    assert not any("没有示范账号" in line for line in lines)
    counts = (
        InvestmentProject.objects.count(),
        Policy.objects.count(),
        PolicyDelivery.objects.count(),
        SupervisorReport.objects.count(),
        Symposium.objects.count(),
    )
    # This half year's symposium, and the one before: arranged, never held (flagged on the list).
    assert counts[0] == 2 and counts[1] == 2 and counts[2] > 0 and counts[3] == 2 and counts[4] == 2
    assert (
        ProjectProblem.objects.filter(outcome=ProblemOutcome.TRANSFERRED, ticket__isnull=False).count() == 1
    )
    load_demo_city(demo_clock)
    assert (
        InvestmentProject.objects.count(),
        Policy.objects.count(),
        PolicyDelivery.objects.count(),
        SupervisorReport.objects.count(),
        Symposium.objects.count(),
    ) == counts

    assert client.login(username="shouxi", password="Suqian-Demo-2024")
    assert "新能源电池正极材料项目" in client.get(reverse("outreach:project_list")).content.decode()
    client.logout()
    assert client.login(username="qiye", password="Suqian-Demo-2024")
    mine = client.get(reverse("outreach:my_policies")).content.decode()
    assert "惠企政策" in mine and "暂无推送给本企业的政策" not in mine
    client.logout()
    assert client.login(username="jianduyuan", password="Suqian-Demo-2024")
    assert "政务服务中心窗口要求重复提交材料" in client.get(reverse("outreach:report_list")).content.decode()

    client.logout()
    # The association's own account is linked and has submitted an opinion itself.
    assert AssociationOpinion.objects.filter(submitted_by__username="xiehui").count() == 1
    assert client.login(username="xiehui", password="Suqian-Demo-2024")
    hall = client.get(reverse("outreach:opinion_list")).content.decode()
    assert "印染企业用能指标紧张" in hall and "旺季用工缺口大" in hall and "提交协会意见" in hall
