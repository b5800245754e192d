"""Excel export of any filtered list: the same rows as the page, masked unless the role needs them,
audited."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from bangban.audit.models import AuditEvent
from bangban.conftest import make_enterprise
from bangban.enterprises.models import ImportBatch, Tier

from .conftest import read_xlsx, response_bytes, upload

EXPORT_URL = reverse("enterprises:export")
LIST_URL = reverse("enterprises:list")


def export(client, **params):
    response = client.get(EXPORT_URL, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return read_xlsx(response_bytes(response))


def test_export_is_named_with_the_date_in_utf8(world, login):
    response = login(world.admin).get(EXPORT_URL)
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert today in response["Content-Disposition"]


def test_export_content_equals_the_filtered_list(world, login):
    for n in range(30):
        make_enterprise(
            f"泗阳导出{n}有限公司",
            world.siyang,
            "321323",
            200 + n,
            tier=Tier.COUNTY_KEY if n % 3 == 0 else Tier.GENERAL,
            established=dt.date(2010, 1, 1 + n % 28),
        )
    client = login(world.admin)
    params = {"region": "321323", "tier": "county_key", "size": 200}
    page = client.get(LIST_URL, params).content.decode()
    listed_codes = [text.split("<")[0] for text in page.split('data-label="信用代码" class="bb-mono">')[1:]]

    rows = export(client, region="321323", tier="county_key")
    assert rows[0][:6] == ["统一社会信用代码", "企业名称", "所属区划", "行业门类", "企业规模", "企业层级"]
    exported_codes = [r[0] for r in rows[1:]]
    assert exported_codes == listed_codes
    assert len(exported_codes) == 10
    first = rows[1]
    assert first[2] == "泗阳县"
    assert first[3] == "制造业"
    assert first[5] == "县区重点"


def test_export_masks_for_a_handler_and_not_for_an_admin(world, login):
    world.ent_shuyang.liaison_id_number = "320102199001011234"
    world.ent_shuyang.contact_phone = "13500000000"
    world.ent_shuyang.save()
    handler_rows = export(login(world.handler_shuyang))
    assert len(handler_rows) == 2
    row = dict(zip(handler_rows[0], handler_rows[1], strict=True))
    assert row["联络员手机"] == "138****5678"
    assert row["企业联系电话"] == "135****0000"
    assert row["联络员身份证号"] == "320102********1234"

    admin_rows = export(login(world.admin))
    by_code = {r[0]: dict(zip(admin_rows[0], r, strict=True)) for r in admin_rows[1:]}
    row = by_code[world.ent_shuyang.uscc]
    assert row["联络员手机"] == "13812345678"
    assert row["联络员身份证号"] == "320102199001011234"


def test_export_is_scoped(world, login):
    rows = export(login(world.enterprise_user))
    assert [r[0] for r in rows[1:]] == [world.ent_shuyang.uscc]
    rows = export(login(world.handler_shuyang))
    assert [r[0] for r in rows[1:]] == [world.ent_shuyang.uscc]
    # Naming another county's region does not widen the scope: it is refused as a filter.
    assert login(world.handler_shuyang).get(EXPORT_URL, {"region": "321323"}).status_code == 400


def test_export_with_an_invalid_filter_is_refused(world, login):
    response = login(world.admin).get(EXPORT_URL, {"scale": "huge"})
    assert response.status_code == 400
    assert "invalid_filter" in response.content.decode()
    assert not AuditEvent.objects.filter(action="enterprise.export").exists()


def test_export_is_audited_with_its_filter_and_count(world, login):
    export(login(world.handler_shuyang), tier="general")
    event = AuditEvent.objects.get(action="enterprise.export")
    assert event.actor_id == world.handler_shuyang.pk
    assert event.after == {"filters": {"tier": "general"}, "count": 1, "unmasked_personal_data": False}


def test_exported_file_can_be_imported_again_without_changes(world, login):
    client = login(world.admin)
    content = response_bytes(client.get(EXPORT_URL))
    response = client.post(reverse("enterprises:import"), {"file": upload(content)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.new_count, batch.updated_count, batch.unchanged_count, batch.invalid_count) == (0, 0, 2, 0)
