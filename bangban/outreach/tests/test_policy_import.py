"""Bulk .xlsx import of 惠企政策: every row checked and previewed (nothing stored), then the valid
rows created on confirmation, each audited; bad files and bad rows refused with their messages."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from bangban.audit.models import AuditEvent
from bangban.outreach.models import Policy, PolicyImport, PolicyImportStatus

from .conftest import API, post

HEADERS = [
    "政策名称*",
    "政策要点",
    "文号",
    "发布单位",
    "发布日期",
    "有效期至",
    "适用行业",
    "适用区划",
    "适用规模",
    "适用层级",
]


def _xlsx(rows, headers=HEADERS, name="政策.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["宿迁市惠企政策汇编"])  # a title row above the header is common
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def _rows(world):
    return [
        [
            "制造业智能化改造奖补政策",
            "设备投资补助10%",
            "宿政发〔2026〕8号",
            world.shuyang_gov.name,
            dt.datetime(2026, 1, 5),
            "2027年12月31日",
            "制造业、I 信息传输、软件和信息技术服务业",
            "沭阳县",
            "中型、小型",
            "市工业百强",
        ],
        ["", "缺名称", "", "", "", "", "", "", "", ""],
        ["稳岗返还", "失业保险稳岗返还", "", "", "2026-03-01", "2026-01-01", "", "", "", ""],
        ["专精特新奖励", "认定奖励", "", "", "", "", "", "", "", "超级企业"],
        ["制造业智能化改造奖补政策", "重复一行", "宿政发〔2026〕8号", "", "", "", "", "", "", ""],
        ["人才安居补贴", "购房补贴", "", "不存在的单位", "", "", "", "", "", ""],
    ]


def test_preview_checks_every_row_and_stores_nothing_until_confirmed(cast, login):
    w = cast.world
    client = login(w.biz_office)
    response = client.post(f"{API}/policy-imports", {"file": _xlsx(_rows(w))})
    assert response.status_code == 201, response.content
    preview = response.json()
    assert (preview["valid_count"], preview["error_count"], preview["status"]) == (1, 5, "previewed")
    by_row = {r["row"]: r for r in preview["rows"]}
    assert by_row[3]["ok"] is True, by_row[3]
    assert by_row[4]["code"] == "title_required" and "请填写政策名称" in by_row[4]["error"]
    assert by_row[5]["code"] == "invalid_valid_until"
    assert by_row[6]["code"] == "invalid_tiers" and "超级企业" in by_row[6]["error"]
    assert by_row[7]["code"] == "duplicate_row" and "与第 3 行重复" in by_row[7]["error"]
    assert by_row[8]["code"] == "unknown_unit" and "不存在的单位" in by_row[8]["error"]
    assert not Policy.objects.exists()
    applied = post(client, f"{API}/policy-imports/{preview['id']}/apply", {})
    assert applied.status_code == 200 and applied.json()["created_count"] == 1
    policy = Policy.objects.get()
    assert (policy.industries, policy.scales, policy.tiers) == (
        ["C", "I"],
        ["medium", "small"],
        ["city_top100"],
    )
    assert policy.region_codes == ["321322"] and policy.issuer == w.shuyang_gov
    assert (str(policy.published_on), str(policy.valid_until)) == ("2026-01-05", "2027-12-31")
    assert AuditEvent.objects.filter(action="outreach.policy_created").count() == 1
    assert AuditEvent.objects.filter(action="outreach.policy_import_applied").count() == 1
    again = post(client, f"{API}/policy-imports/{preview['id']}/apply", {})
    assert again.status_code == 409 and again.json()["code"] == "import_closed"
    assert Policy.objects.count() == 1
    # The same file again: the policy is now in the library.
    second = client.post(f"{API}/policy-imports", {"file": _xlsx(_rows(w)[:1])}).json()
    assert second["rows"][0]["code"] == "policy_exists" and second["valid_count"] == 0
    nothing = post(client, f"{API}/policy-imports/{second['id']}/apply", {})
    assert nothing.status_code == 409 and nothing.json()["code"] == "nothing_to_import"


def test_bad_files_are_refused_with_a_message(cast, login):
    client = login(cast.world.biz_office)
    fake = SimpleUploadedFile("政策.xlsx", b"not a workbook", content_type="application/octet-stream")
    refused = client.post(f"{API}/policy-imports", {"file": fake})
    assert refused.status_code == 400 and refused.json()["code"] == "not_xlsx"
    missing = client.post(f"{API}/policy-imports", {"file": _xlsx([["x"]], headers=["文号"])})
    assert missing.status_code == 400 and missing.json()["code"] == "missing_columns"
    assert "政策名称" in missing.json()["message"]
    empty = client.post(f"{API}/policy-imports", {"file": _xlsx([])})
    assert empty.status_code == 400 and empty.json()["code"] == "empty_file"
    assert not PolicyImport.objects.exists() and not Policy.objects.exists()
    # People who do not keep the library cannot import; someone else's import is 404.
    handler = login(cast.world.handler_shuyang)
    assert handler.post(f"{API}/policy-imports", {"file": _xlsx(_rows(cast.world))}).status_code == 403
    batch = client.post(f"{API}/policy-imports", {"file": _xlsx(_rows(cast.world))}).json()
    assert login(cast.world.admin).get(f"{API}/policy-imports/{batch['id']}").status_code == 404


def test_the_import_pages_preview_then_apply_or_cancel(cast, login):
    w = cast.world
    client = login(w.biz_office)
    upload = client.get("/outreach/policies/import/")
    assert upload.status_code == 200 and "暂无导入记录" in upload.content.decode()
    assert "/outreach/policies/import/" in client.get("/outreach/policies/").content.decode()
    template = client.get("/outreach/policies/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(template.streaming_content))).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["政策名称", "政策要点"]
    bad = client.post("/outreach/policies/import/", {"file": SimpleUploadedFile("a.xlsx", b"xx")})
    assert bad.status_code == 400 and "不是有效的 Excel" in bad.content.decode()
    done = client.post("/outreach/policies/import/", {"file": _xlsx(_rows(w))})
    batch = PolicyImport.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/outreach/policies/import/{batch.pk}/"
    page = client.get(done["Location"]).content.decode()
    assert "可导入 1 行" in page and "有误 5 行" in page and "与第 3 行重复" in page
    only = client.get(done["Location"] + "?errors=1").content.decode()
    assert only.count('data-testid="import-row"') == 5 and "text-bg-success" not in only
    cancelled = client.post(done["Location"], {"do": "cancel"})
    assert cancelled.status_code == 302
    assert PolicyImport.objects.get().status == PolicyImportStatus.CANCELLED and not Policy.objects.exists()
    client.post("/outreach/policies/import/", {"file": _xlsx(_rows(w))})
    second = PolicyImport.objects.latest("id")
    applied = client.post(f"/outreach/policies/import/{second.pk}/", {"do": "apply"})
    assert applied.status_code == 302 and Policy.objects.count() == 1
    assert "已导入" in client.get(f"/outreach/policies/import/{second.pk}/").content.decode()
    assert login(w.handler_shuyang).get("/outreach/policies/import/").status_code == 404
