"""The decision aid page, the register and the monthly figures as a user sees them."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import load_workbook

from bangban.leniency.demo import FIRST
from bangban.leniency.models import Decision


def aid_form(cast, **overrides):
    form = {
        "item": cast.items["HB-01"].pk,
        "enterprise": cast.world.ent_shuyang.name,
        "case_date": timezone.localdate().isoformat(),
        "narrative": "危废间标志缺失，当场补设。",
        **{f"fact_{k}": "1" if v else "0" for k, v in FIRST.items()},
    }
    form.update(overrides)
    return form


def test_the_aid_proposes_then_records(cast, login):
    client = login(cast.inspector)
    missing = aid_form(cast)
    del missing["fact_corrected"]
    page = client.post("/leniency/decisions/new/", {**missing, "do": "propose"})
    assert (
        page.status_code == 400 and "请逐项回答案件事实：是否在责令期限内及时改正？" in page.content.decode()
    )
    page = client.post("/leniency/decisions/new/", {**aid_form(cast), "do": "propose"}).content.decode()
    assert 'data-testid="proposal-outcome">不予处罚<' in page and "首违不罚" in page
    assert "违法依据：《中华人民共和国固体废物污染环境防治法》第七十七条" in page
    assert not Decision.objects.exists()
    refused = client.post(
        "/leniency/decisions/new/", {**aid_form(cast), "outcome": "lighter", "do": "record"}
    )
    assert (
        refused.status_code == 400
        and "决定与系统建议（不予处罚）不一致，请填写理由" in refused.content.decode()
    )
    done = client.post(
        "/leniency/decisions/new/", {**aid_form(cast), "outcome": "no_penalty", "do": "record"}
    )
    decision = Decision.objects.get()
    assert done.url == f"/leniency/decisions/{decision.pk}/"
    assert decision.enterprise_id == cast.world.ent_shuyang.pk and decision.outcome == "no_penalty"


def test_the_register_and_figures_export(cast, login):
    client = login(cast.inspector)
    client.post(
        "/leniency/decisions/new/",
        {**aid_form(cast), "outcome": "penalty", "reason": "屡教不改", "do": "record"},
    )
    listing = login(cast.head).get("/leniency/", {"deviated": "1"}).content.decode()
    assert "偏离建议（建议不予处罚）" in listing
    assert "暂无免罚轻罚决定" in login(cast.inspector_siyang).get("/leniency/").content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    answer = login(cast.sifa).get("/leniency/figures/export.xlsx", {"month": month})
    rows = list(
        load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[1] == (cast.world.shuyang_gov.name, 1, 0, 0, 0, 1, 1, 0)
    assert login(cast.world.enterprise_user).get("/leniency/figures/").status_code == 404
