"""The category catalogue: administrators add, rename, deactivate and import categories (from an
.xlsx shaped 一级分类/二级分类/三级分类, with every bad row explained); dispatchers may look."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from bangban.audit.models import AuditEvent
from bangban.tickets.models import Category

from .intake_helpers import category

SHARED_CATALOGUE = (
    Path(__file__).resolve().parents[4] / "shared" / "data" / "tipdm2020" / "category_catalog.xlsx"
)
LIST = "/cases/settings/categories/"
IMPORT = "/cases/settings/categories/import/"


def xlsx(rows, name="分类.xlsx", headers=("一级分类", "二级分类", "三级分类")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


# --- the tree ----------------------------------------------------------------------------------


def test_the_default_catalogue_has_three_levels_with_positional_codes(cases):
    assert Category.objects.filter(level=1).count() >= 15
    assert Category.objects.filter(level=2).count() >= 45
    assert Category.objects.filter(level=3).count() >= 110
    third = category("要素保障/用电用水用气/用电报装")
    second = third.parent
    assert second is not None and second.parent is not None
    assert third.level == 3 and third.code == second.code + "01" and len(third.code) == 6
    assert second.parent.code == third.code[:2]


def test_api_gives_the_active_tree(cases, login):
    category("其他").children.update(is_active=False)
    tree = login(cases.enterprise_user).get("/api/v1/cases/settings/categories").json()
    names = [node["name"] for node in tree]
    assert names[0] == "政务服务" and "其他" in names
    first = tree[0]
    assert first["code"] == "01" and first["children"][0]["code"] == "0101"
    assert first["children"][0]["children"][0]["path"] == "政务服务/审批服务/审批超时限"
    other = next(node for node in tree if node["name"] == "其他")
    assert other["children"] == []


def test_admin_adds_a_category_and_gets_the_next_code(cases, login):
    client = login(cases.admin)
    parent = category("税费服务/纳税服务")
    response = client.post(LIST, {"name": "  社保费缴纳  ", "parent": str(parent.pk)})
    assert response.status_code == 302
    created = Category.objects.get(name="社保费缴纳")
    assert created.code == parent.code + "04" and created.level == 3
    assert created.path == "税费服务/纳税服务/社保费缴纳"
    assert AuditEvent.objects.filter(action="tickets.category_created", object_id=str(created.pk)).exists()


def test_duplicate_names_and_a_fourth_level_are_refused(cases, login):
    client = login(cases.admin)
    dup = client.post(LIST, {"name": "纳税服务", "parent": str(category("税费服务").pk)})
    assert dup.status_code == 400 and "已有名为“纳税服务”的分类" in dup.content.decode()
    deep = client.post(
        "/api/v1/cases/settings/categories",
        {"name": "四级", "parent": category("税费服务/纳税服务/发票领用").code},
        content_type="application/json",
    )
    assert deep.status_code == 400 and deep.json()["code"] == "category_too_deep"
    slash = client.post(LIST, {"name": "A/B", "parent": ""})
    assert "不能包含“/”" in slash.content.decode()


def test_renaming_carries_the_new_name_into_the_children(cases, login):
    second = category("要素保障/用电用水用气")
    response = login(cases.admin).post(
        f"/cases/settings/categories/{second.pk}/", {"name": "水电气", "sort": "2", "is_active": "1"}
    )
    assert response.status_code == 302
    assert Category.objects.get(code=second.code + "01").path == "要素保障/水电气/用电报装"
    event = AuditEvent.objects.get(action="tickets.category_updated", object_id=str(second.pk))
    assert (event.before or {})["name"] == "用电用水用气" and (event.after or {})["name"] == "水电气"


def test_deactivating_a_branch_deactivates_its_children_and_hides_them(cases, login):
    client = login(cases.admin)
    branch = category("知识产权")
    assert client.post(f"/cases/settings/categories/{branch.pk}/toggle/").status_code == 302
    assert not Category.objects.filter(path__startswith="知识产权", is_active=True).exists()
    page = client.get(LIST + "?q=知识产权").content.decode()
    assert 'data-testid="empty"' in page
    with_inactive = client.get(LIST + "?q=知识产权&inactive=1").content.decode()
    assert "知识产权/专利商标/专利申请" in with_inactive
    # A child cannot come back while its parent is retired.
    child = category("知识产权/专利商标")
    client.post(f"/cases/settings/categories/{child.pk}/toggle/")
    assert Category.objects.get(pk=child.pk).is_active is False


def test_search_finds_by_name_and_code(cases, login):
    page = login(cases.admin).get(LIST + "?q=用电").content.decode()
    table = page.split('data-testid="category-table"')[1]
    assert "要素保障/用电用水用气/用电报装" in table and "税费服务" not in table
    assert (
        "稳岗补贴"
        in login(cases.admin).get(LIST + "?q=" + category("用工人才/社会保险").code).content.decode()
    )


def test_dispatchers_may_look_but_not_change(cases, login):
    client = login(cases.dispatcher)
    page = client.get(LIST).content.decode()
    assert 'data-testid="read-only"' in page and 'data-testid="category-create"' not in page
    assert client.post(LIST, {"name": "新分类"}).status_code == 403
    api = client.post(
        "/api/v1/cases/settings/categories", {"name": "新分类"}, content_type="application/json"
    )
    assert api.status_code == 403
    assert login(cases.enterprise_user).get(LIST).status_code == 404
    assert login(cases.handler_shuyang).get(IMPORT).status_code == 404


def test_a_used_category_cannot_be_deleted_only_deactivated(cases, login):
    client = login(cases.admin)
    assert (
        client.delete(f"/api/v1/cases/settings/categories/{category('其他').code}").json()["code"]
        == "category_in_use"
    )
    leaf = category("其他/其他/其他诉求")
    assert client.delete(f"/api/v1/cases/settings/categories/{leaf.code}").status_code == 204
    assert not Category.objects.filter(pk=leaf.pk).exists()


# --- import ------------------------------------------------------------------------------------


def test_import_previews_every_bad_row_and_writes_nothing_until_confirmed(cases, login):
    client = login(cases.admin)
    before = Category.objects.count()
    rows = [
        ("城乡建设", "安全生产", "事故处理"),
        ("城乡建设", "安全生产", "安全隐患"),
        ("城乡建设", "安全生产", "安全隐患"),  # a repeated row counts once
        ("", "无一级", "x"),
        ("城乡建设", "", "缺二级"),
        ("城乡建设", "名" * 61, ""),
        ("政务服务", "审批服务", "审批超时限"),  # exists already
        ("政务服务", "审批服务", "材料/表格"),
    ]
    preview = client.post(IMPORT, {"file": xlsx(rows)})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-testid="count-invalid">4<' in page
    assert 'data-testid="count-new">4<' in page  # 城乡建设, 城乡建设/安全生产, and its two leaves
    assert "一级分类不能为空" in page and "二级分类不能为空" in page and "名称超过 60 个字" in page
    assert "名称不能包含“/”" in page
    assert Category.objects.count() == before
    token = client.session["bb_category_import"]["token"]
    applied = client.post("/cases/settings/categories/import/apply/", {"token": token})
    assert applied.status_code == 302
    assert Category.objects.count() == before + 4
    assert category("城乡建设/安全生产/事故处理").level == 3
    assert AuditEvent.objects.filter(action="tickets.categories_imported").count() == 1


def test_importing_the_same_file_again_creates_nothing(cases, login):
    client = login(cases.admin)
    rows = [("环境保护", "大气污染", "扬尘"), ("环境保护", "水污染", "")]
    for _ in range(2):
        response = client.post(
            "/api/v1/cases/settings/categories/import", {"file": xlsx(rows)}, format="multipart"
        )
        assert response.status_code == 200
    assert response.json()["new_count"] == 0 and response.json()["existing_count"] == 4
    assert Category.objects.filter(path__startswith="环境保护").count() == 4


def test_import_refuses_a_file_that_is_not_a_workbook_or_lacks_the_columns(cases, login):
    client = login(cases.admin)
    not_xlsx = client.post(IMPORT, {"file": SimpleUploadedFile("a.xlsx", b"not a zip")})
    assert not_xlsx.status_code == 400 and "不是有效的 Excel" in not_xlsx.content.decode()
    wrong = client.post(IMPORT, {"file": xlsx([("a", "b")], headers=("名称", "上级"))})
    assert wrong.status_code == 400 and "一级分类" in wrong.content.decode()


def test_stale_preview_cannot_be_applied(cases, login):
    response = login(cases.admin).post("/cases/settings/categories/import/apply/", {"token": "nope"})
    assert response.status_code == 302 and response["Location"].endswith(IMPORT)


@pytest.mark.shared_data
def test_imports_the_real_category_catalogue_when_present(cases, login):
    if not SHARED_CATALOGUE.exists():
        pytest.skip(f"{SHARED_CATALOGUE} not present: the shared data folder is not mounted here")
    client = login(cases.admin)
    with SHARED_CATALOGUE.open("rb") as fh:
        dry = client.post(
            "/api/v1/cases/settings/categories/import?dry_run=true",
            {"file": SimpleUploadedFile("category_catalog.xlsx", fh.read())},
        ).json()
    assert dry["dry_run"] is True and dry["total_rows"] >= 500 and dry["invalid_rows"] == 0
    before = Category.objects.count()
    assert Category.objects.count() == before  # a dry run writes nothing
    with SHARED_CATALOGUE.open("rb") as fh:
        done = client.post(
            "/api/v1/cases/settings/categories/import", {"file": SimpleUploadedFile("c.xlsx", fh.read())}
        ).json()
    assert done["new_count"] == dry["new_count"] > 500
    assert Category.objects.count() == before + done["new_count"]
    assert Category.objects.filter(level=1).count() >= 15 + 15 - 1  # "其他" may be shared
    with SHARED_CATALOGUE.open("rb") as fh:
        again = client.post(
            "/api/v1/cases/settings/categories/import", {"file": SimpleUploadedFile("c.xlsx", fh.read())}
        ).json()
    assert again["new_count"] == 0


def test_the_toggle_follows_only_a_next_of_this_site(cases, login):
    client = login(cases.admin)
    branch = category("知识产权")
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = client.post(f"/cases/settings/categories/{branch.pk}/toggle/", {"next": outside})
        assert response.status_code == 302 and response["Location"] == LIST
    inside = client.post(f"/cases/settings/categories/{branch.pk}/toggle/", {"next": LIST + "?q=ip"})
    assert inside["Location"] == LIST + "?q=ip"
