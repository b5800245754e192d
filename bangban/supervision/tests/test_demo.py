"""The demo city comes with a frozen ranking of last month, an issued 通报 and last month's ledgers
(one submitted on time, one late), once."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bangban.shell.demo import load_demo_city
from bangban.supervision import dashboard
from bangban.supervision.models import (
    DisciplineTransfer,
    Ledger,
    Notice,
    Ranking,
    RankingStatus,
    StarRound,
    TransferStatus,
)


def test_demo_supervision_once(db: Any, client: Any, demo_clock: Any) -> None:
    load_demo_city(demo_clock)
    ranking = Ranking.objects.get()
    assert ranking.status == RankingStatus.FROZEN
    assert ranking.rows.filter(scope="all", rank__isnull=False).count() >= 2
    notice = Notice.objects.get(status="issued")
    assert notice.doc_number.startswith("宿营商办发〔")
    submitted = Ledger.objects.filter(status="submitted")
    assert sorted(x.late for x in submitted) == [False, True]
    # 作风之星: last quarter's round published with one person, this quarter's open.
    assert sorted(StarRound.objects.values_list("status", flat=True)) == ["nominating", "published"]
    published = StarRound.objects.get(status="published")
    assert list(published.nominations.values_list("decision", "person_name")) == [("selected", "孙立新")]
    # 移送纪委监委: one hand-over to 市纪委监委, acknowledged; its reader `jiwei` sees it and nothing else.
    transfer = DisciplineTransfer.objects.get()
    assert transfer.status == TransferStatus.RECEIVED and transfer.addressee.short_name == "市纪委监委"
    assert transfer.record.tickets.exists()
    counts = (
        Ranking.objects.count(), Notice.objects.count(), Ledger.objects.count(), StarRound.objects.count(),
        DisciplineTransfer.objects.count(),
    )  # fmt: skip
    load_demo_city(demo_clock)
    assert (
        Ranking.objects.count(), Notice.objects.count(), Ledger.objects.count(), StarRound.objects.count(),
        DisciplineTransfer.objects.count(),
    ) == counts  # fmt: skip
    jiwei = client.__class__()
    assert jiwei.login(username="jiwei", password="Suqian-Demo-2024")
    assert jiwei.get(f"/supervision/transfers/{transfer.pk}/").status_code == 200
    assert jiwei.get("/supervision/rankings/").status_code == 404
    assert client.login(username="yingshangban", password="Suqian-Demo-2024")
    html = client.get(f"/supervision/rankings/{ranking.year}/{ranking.month}/").content.decode()
    assert "已冻结" in html
    # The dispatching office's figure, as of the freeze: the demo's cases were all dispatched in time.
    assert 'data-testid="office-figures"' in html and "派单及时率 100.0%" in html
    assert "统计口径" in html and "不参与排名" in html
    # The dashboard's summaries of the last six months are there: it opens full at once.
    today = timezone.localdate(demo_clock)
    ids, status = dashboard.summaries(dashboard.months_ending(today.year, today.month, 6))
    assert len(ids) == 6 and status["pending"] is False
    assert "数据准备中" not in client.get("/supervision/dashboard/").content.decode()
    # The frozen ranking kept the cases behind its figures.
    assert ranking.case_sets.filter(figure="total").exists()
