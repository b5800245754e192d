"""司法局's .xlsx import through the pages: per-row preview (新增 / 更新 / 无变化 / 错误), nothing
written before confirmation, a changed item becomes a new revision while decisions keep citing the
old one; missing columns refuse the file."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from bangban.leniency.actions import catalogue as module
from bangban.leniency.demo import catalogue_file
from bangban.leniency.models import CatalogueImport, CatalogueItem, Decision

from .conftest import API, case_body, catalogue_rows


def upload(client, file):
    return client.post("/leniency/catalogue/import/", {"file": file})


def test_the_preview_lists_each_row_and_writes_nothing_until_confirmed(cast, login):
    rows = catalogue_rows(cast.world)
    changed = (*rows[0][:5], "首次未按期公示且在30日内补报", *rows[0][6:])
    garbage = ("SC-99", "市场监管", "", "依据", "依据", "情形", "罚款", "不存在的单位")
    bad_discretion = ("SC-98", "市场监管", "某行为", "依据", "依据", "情形", "罚款", rows[0][7])
    new = (
        "SC-06",
        "市场监管",
        "未按规定标明价格",
        "《价格法》第十三条",
        "《价格法》第四十二条",
        "首次且及时改正",
        "不予处罚",
        rows[0][7],
    )
    client = login(cast.sifa)
    answer = upload(client, catalogue_file([changed, rows[1], garbage, bad_discretion, new, rows[1]]))
    assert answer.status_code == 302
    batch = CatalogueImport.objects.latest("pk")
    page = client.get(answer.url).content.decode()
    assert "新增 1 行 · 更新 1 行 · 无变化 1 行 · 有误 3 行" in page
    assert "“违法行为”为空" in page and "裁量“罚款”无效" in page and "编号与第 3 行重复" in page
    assert CatalogueItem.objects.count() == 12  # nothing written yet
    answer = client.post(answer.url, {"do": "apply", "version": batch.version})
    assert answer.status_code == 302
    assert CatalogueItem.objects.filter(is_current=True).count() == 13
    sc01 = CatalogueItem.objects.filter(code="SC-01").order_by("revision")
    assert [(i.revision, i.is_current) for i in sc01] == [(1, False), (2, True)]
    assert sc01[1].conditions == "首次未按期公示且在30日内补报"
    # applying twice is refused
    again = client.post(answer.url, {"do": "apply"}, follow=True)
    assert "不能再次操作" in again.content.decode()


def test_a_decision_keeps_citing_the_revision_it_was_made_under(cast, login):
    made = login(cast.inspector).post(
        f"{API}/decisions", case_body(cast, outcome="no_penalty"), content_type="application/json"
    )
    old = cast.items["SC-01"]
    rows = catalogue_rows(cast.world)
    client = login(cast.sifa)
    upload(client, catalogue_file([(*rows[0][:6], "从轻处罚", rows[0][7])]))
    batch = CatalogueImport.objects.latest("pk")
    client.post(f"/leniency/catalogue/import/{batch.pk}/", {"do": "apply"})
    decision = Decision.objects.get(pk=made.json()["id"])
    assert decision.item_id == old.pk and decision.item.discretion == "no_penalty"
    current = login(cast.inspector).get(f"{API}/catalogue", {"q": "SC-01"}).json()["items"]
    assert [(i["revision"], i["discretion"]) for i in current] == [(2, "lighter")]


def test_a_file_without_the_columns_is_refused_and_only_the_keeper_imports(cast, login):
    book = Workbook()
    book.active.append(["编号", "领域", "违法行为"])
    book.active.append(["SC-01", "市场监管", "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = upload(login(cast.sifa), SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert (
        answer.status_code == 400
        and "缺少必填列：违法依据、处罚依据、适用情形、裁量、所属单位" in answer.content.decode()
    )
    junk = upload(login(cast.sifa), SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert junk.status_code == 400
    assert CatalogueImport.objects.count() == 1  # only the cast's own
    assert upload(login(cast.inspector), catalogue_file(catalogue_rows(cast.world))).status_code == 404


def test_the_catalogue_page_filters_and_exports(cast, login):
    client = login(cast.inspector)
    page = client.get("/leniency/catalogue/", {"field": "生态环境"}).content.decode()
    assert "未按规定设置危险废物识别标志" in page and "未按规定公示年度报告" not in page
    answer = client.get("/leniency/catalogue/export.xlsx", {"discretion": "lighter"})
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and sorted(r[0] for r in rows[1:]) == ["HB-02", "SC-04", "SW-02"]
    assert login(cast.world.enterprise_user).get("/leniency/catalogue/").status_code == 404


def test_a_failure_while_confirming_leaves_nothing_half_written(cast, login, monkeypatch):
    rows = catalogue_rows(cast.world)
    new = [(f"NW-{i}", *rows[0][1:]) for i in range(3)]
    client = login(cast.sifa)
    upload(client, catalogue_file(new))
    batch = CatalogueImport.objects.latest("pk")
    real = module._write_item
    calls = []

    def failing(user, data, now):
        calls.append(data["code"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(user, data, now)

    monkeypatch.setattr(module, "_write_item", failing)
    client.raise_request_exception = False
    answer = client.post(f"/leniency/catalogue/import/{batch.pk}/", {"do": "apply"})
    assert answer.status_code == 500 and len(calls) == 3
    assert not CatalogueItem.objects.filter(code__startswith="NW-").exists()
    batch.refresh_from_db()
    assert batch.status == "previewed"
