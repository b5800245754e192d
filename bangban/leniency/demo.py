"""Demo data of leniency for `load_demo_city` (idempotent).

司法局 (`sifa`) imports a 免罚轻罚清单 of twelve items from an .xlsx built here (through the same
preview and confirmation as a real upload). The inspector `zhifa` (市市场监管局) decides three
cases of the demo enterprise (`qiye`) with the aid — a first offence not punished, a later one
lightened against the proposal with a reason, and one punished — and 司法局 reviews two of them.
Dates are relative to the `now` passed in."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from bangban.accounts.models import User

from . import actions
from .actions.catalogue import COLUMNS
from .models import CatalogueItem, Outcome

CATALOGUE = [
    ("SC-01", "市场监管", "未按规定公示年度报告", "《企业信息公示暂行条例》第八条", "《企业信息公示暂行条例》第十七条",
     "首次未按期公示年度报告，在责令期限内补报，未造成危害后果", "不予处罚", "市市场监管局"),
    ("SC-02", "市场监管", "广告中使用“国家级”“最高级”“最佳”等用语", "《中华人民共和国广告法》第九条第（三）项",
     "《中华人民共和国广告法》第五十七条", "首次发布、传播范围小、持续时间短，发现后及时删除，未造成危害后果",
     "不予处罚", "市市场监管局"),
    ("SC-03", "市场监管", "未将营业执照置于住所或者主要经营场所的醒目位置", "《中华人民共和国市场主体登记管理条例》第三十六条",
     "《中华人民共和国市场主体登记管理条例》第四十八条", "首次被发现且当场改正", "不予处罚", "市市场监管局"),
    ("SC-04", "市场监管", "使用未按规定申请检定的计量器具", "《中华人民共和国计量法》第九条",
     "《中华人民共和国计量法实施细则》第四十三条", "计量器具准确，未用于贸易结算或未损害消费者权益，及时送检",
     "从轻处罚", "市市场监管局"),
    ("SC-05", "市场监管", "电子商务经营者未在首页显著位置公示营业执照信息", "《中华人民共和国电子商务法》第十五条",
     "《中华人民共和国电子商务法》第七十六条", "新业态经营者首次违法，在责令期限内改正", "不予处罚", "市市场监管局"),
    ("HB-01", "生态环境", "未按规定设置危险废物识别标志", "《中华人民共和国固体废物污染环境防治法》第七十七条",
     "《中华人民共和国固体废物污染环境防治法》第一百一十二条", "标志缺失或不规范，危险废物贮存规范，及时补设",
     "不予处罚", "市生态环境局"),
    ("HB-02", "生态环境", "未按时提交排污许可证执行报告", "《排污许可管理条例》第二十二条", "《排污许可管理条例》第三十七条",
     "逾期不超过一个月，在责令期限内补交", "从轻处罚", "市生态环境局"),
    ("HB-03", "生态环境", "应当填报的环境影响登记表未备案", "《中华人民共和国环境影响评价法》第二十二条",
     "《中华人民共和国环境影响评价法》第三十一条", "项目环境影响很小，在责令期限内完成备案", "不予处罚", "市生态环境局"),
    ("YJ-01", "应急管理", "未如实记录安全生产教育和培训情况", "《中华人民共和国安全生产法》第二十八条",
     "《中华人民共和国安全生产法》第九十七条", "已开展培训但记录不全，及时补记，未发生生产安全事故", "不予处罚",
     "市应急管理局"),
    ("YJ-02", "应急管理", "未将事故隐患排查治理情况如实记录", "《中华人民共和国安全生产法》第四十一条",
     "《中华人民共和国安全生产法》第一百零一条", "隐患已整改，仅记录缺失，主动补正", "减轻处罚", "市应急管理局"),
    ("SW-01", "税务", "未按照规定期限办理纳税申报和报送纳税资料", "《中华人民共和国税收征收管理法》第二十五条",
     "《中华人民共和国税收征收管理法》第六十二条", "首次发生，在税务机关责令限期内改正", "不予处罚", "市税务局"),
    ("SW-02", "税务", "未按照规定设置、保管账簿或者保管记账凭证", "《中华人民共和国税收征收管理法》第十九条",
     "《中华人民共和国税收征收管理法》第六十条", "未造成税款流失，及时改正", "从轻处罚", "市税务局"),
]  # fmt: skip

FIRST = {"first_offence": True, "minor": True, "intentional": False, "harmful": False, "corrected": True,
         "harm_removed": False, "new_economy": False, "safety_line": False}  # fmt: skip


def catalogue_file(rows: Sequence[Sequence[str]]) -> SimpleUploadedFile:
    """An .xlsx like the template, holding `rows`."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("免罚轻罚清单.xlsx", buffer.getvalue())


def load_demo(now: dt.datetime | None = None) -> list[str]:
    """Create the demo records if missing; return lines for the console report."""
    now = now or timezone.now()
    users = {u.username: u for u in User.objects.filter(username__in=["sifa", "zhifa", "qiye"])}
    if "sifa" not in users:
        return []
    if CatalogueItem.objects.exists():
        return ["免罚轻罚：清单已存在，本次未做改动"]
    keeper = users["sifa"]
    batch = actions.do_preview_catalogue_import.inner(
        acting_user=keeper, uploaded_file=catalogue_file(CATALOGUE), now=now - dt.timedelta(days=60)
    )
    actions.do_apply_catalogue_import.inner(
        acting_user=keeper, import_id=batch.pk, now=now - dt.timedelta(days=60)
    )
    lines = [f"免罚轻罚：清单 {len(CATALOGUE)} 项"]
    company, inspector = users.get("qiye"), users.get("zhifa")
    if company is None or company.enterprise_id is None or inspector is None:
        return lines
    items = {i.code: i.pk for i in CatalogueItem.objects.filter(is_current=True)}

    def decide(
        code: str, days: int, facts: dict[str, bool], narrative: str, outcome: str = "", reason: str = ""
    ) -> int:
        when = now - dt.timedelta(days=days)
        data = actions.DecisionInput(
            enterprise_id=company.enterprise_id, item_id=items[code], case_date=timezone.localdate(when),
            facts=facts, narrative=narrative, reason=reason,
        )  # fmt: skip
        data.outcome = (
            outcome or actions.prepare_decision(acting_user=inspector, data=data, now=when).proposal.outcome
        )
        return actions.do_record_decision.inner(acting_user=inspector, data=data, now=when).pk

    first = decide("SC-01", 40, FIRST, "企业未在6月30日前公示上一年度年度报告，经责令已于7日内补报。")
    second = decide(
        "SC-02", 12, FIRST, "企业网店商品详情页使用“最佳”字样，发现后当日删除。",
        outcome=Outcome.NO_PENALTY, reason="广告仅在自有网店展示两天，浏览量不足百次，且与前案违法行为性质不同。",
    )  # fmt: skip
    decide(
        "SC-04", 3, {**FIRST, "first_offence": False, "minor": False, "corrected": False},
        "加油机未按期检定且继续用于贸易结算，经责令仍未送检。",
    )  # fmt: skip
    actions.do_review_decision.inner(
        acting_user=keeper, decision_id=first, verdict="approve", now=now - dt.timedelta(days=30)
    )
    actions.do_review_decision.inner(
        acting_user=keeper, decision_id=second, verdict="correct", now=now - dt.timedelta(days=5),
        note="企业两年内已有违法记录，不符合首违不罚条件；偏离理由不足，应依清单从轻处罚。",
    )  # fmt: skip
    lines.append("免罚轻罚：决定 3 件（审查通过 1、审查纠正 1）")
    return lines
