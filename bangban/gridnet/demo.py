"""Demo data of the 一张网 connector for `load_demo_city` (idempotent): two work orders received —
one 职责交叉 — filed as cases through the connector's own filing step (no signature: the demo
holds no platform secret)."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from bangban.tickets.models import Category

from . import protocol
from .actions import file_order
from .models import WorkOrder

EXAMPLES = (
    {
        "order_id": "WG-DEMO-000001",
        "title": "工业园区道路破损影响货车通行",
        "description": "园区纬三路与经五路交叉口路面大面积破损，重载货车进出困难，企业多次反映未果。",
        "reporter": {"name": "王先生", "phone": "13800138000"},
        "responsibility": "clear",
    },
    {
        "order_id": "WG-DEMO-000002",
        "title": "园区与市政排水管网交接处长期积水",
        "description": "园区内排水管网与市政管网交接处雨后积水，园区管委会与住建部门均称不归本单位管理。",
        "reporter": {"name": "李女士", "phone": "13900139000"},
        "responsibility": "shared",
    },
)


def load_demo(now: dt.datetime | None = None) -> list[str]:
    if WorkOrder.objects.exists():
        return ["一张网对接：示范数据已存在，本次未做改动"]
    category = Category.objects.filter(is_active=True, parent__isnull=False).order_by("sort", "code").first()
    if category is None:
        return ["一张网对接：缺少诉求分类，未载入"]
    now = now or timezone.now()
    for example in EXAMPLES:
        payload = {**example, "event_type_code": category.code}
        order = protocol.parse_order(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
        file_order(order, payload, now)
    return ["一张网对接：2 个工单（1 个职责交叉）；派单后状态变化由定时任务回传平台"]
