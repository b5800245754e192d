"""The product's own catalogue of enterprise problems (诉求分类目录) and demo routing rules. Pure data.

Three levels; codes are positional and stable: first level "01", second "0101", third "010101"
(the order below gives the numbers — append new entries at the end of their list so that existing
codes never change). An administrator can edit the catalogue or import a city's own from .xlsx.

`DEMO_ROUTING_RULES` map categories (by path) and optionally a region (by code) to units of the
demo city (`bangban.org.demo_data` unit codes). A rule whose unit or region does not exist in the
database is skipped, so the defaults also load into a city that is organised differently.
"""

from __future__ import annotations

from collections.abc import Iterator

__all__ = ["CATALOGUE", "DEMO_ROUTING_RULES", "iter_catalogue"]

# (first level, [(second level, [third level, …]), …])
CATALOGUE: list[tuple[str, list[tuple[str, list[str]]]]] = [
    (
        "政务服务",
        [
            ("审批服务", ["审批超时限", "申请材料要求不清或重复提交", "线上办理系统故障", "窗口服务态度"]),
            ("帮办代办", ["帮办代办不到位", "代办事项咨询", "预约上门服务"]),
            ("一网通办", ["平台使用困难", "电子证照不互认", "部门数据不共享"]),
            ("办不成事", ["多头跑腿", "政策口径不一", "办理渠道不明"]),
        ],
    ),
    (
        "要素保障",
        [
            ("用地", ["建设用地供应", "土地证办理", "闲置土地处置"]),
            ("用电用水用气", ["用电报装", "供电保障", "用水报装", "用气报装", "水电气价格收费"]),
            ("厂房与仓储", ["标准厂房租赁", "厂房产权办理"]),
            ("物流运输", ["货车通行", "道路运输许可"]),
        ],
    ),
    (
        "融资信贷",
        [
            ("银行贷款", ["贷款难贷款慢", "续贷转贷", "抵押担保"]),
            ("政策性融资", ["政府性融资担保", "应急转贷资金", "贴息政策"]),
            ("资本市场", ["上市培育辅导", "债券和股权融资"]),
        ],
    ),
    (
        "用工人才",
        [
            ("招工用工", ["招工难", "劳动关系纠纷", "灵活用工指导"]),
            ("人才政策", ["人才引进补贴", "人才住房", "人才子女入学"]),
            ("社会保险", ["社保缴纳", "稳岗补贴", "工伤认定"]),
            ("职业技能", ["职业培训补贴", "技能等级认定"]),
        ],
    ),
    (
        "政策兑现",
        [
            ("惠企资金", ["奖补资金兑现", "资金拨付延迟", "项目申报指导"]),
            ("政策咨询", ["政策解读", "政策精准匹配"]),
            ("招商承诺", ["招商承诺未兑现", "投资协议履约"]),
        ],
    ),
    (
        "市场监管",
        [
            ("市场主体登记", ["设立登记", "变更和注销登记", "经营范围核定"]),
            ("质量计量", ["产品质量检验", "计量器具检定", "特种设备检验"]),
            ("食品药品", ["食品经营许可", "药品和医疗器械许可"]),
            ("公平竞争", ["不正当竞争", "招投标设置壁垒", "地方保护"]),
        ],
    ),
    (
        "执法检查",
        [
            ("涉企执法", ["多头检查重复检查", "执法程序不规范", "处罚畸轻畸重", "首违不罚申请"]),
            ("生态环境", ["环保检查", "排污许可", "环评审批"]),
            ("安全生产", ["安全检查", "隐患整改指导"]),
        ],
    ),
    (
        "工程建设",
        [
            ("施工许可", ["施工许可办理", "工程规划许可", "施工图联合审查"]),
            ("竣工验收", ["联合验收", "消防验收", "不动产首次登记"]),
            ("工程款", ["拖欠工程款", "保证金退还"]),
        ],
    ),
    (
        "税费服务",
        [
            ("纳税服务", ["办税缴费不便", "发票领用", "电子税务局使用"]),
            ("税收优惠", ["减税降费政策落实", "出口退税", "增值税留抵退税"]),
            ("涉企收费", ["乱收费", "中介服务收费", "行业协会商会收费"]),
        ],
    ),
    (
        "知识产权",
        [
            ("专利商标", ["专利申请", "商标注册", "知识产权质押融资"]),
            ("侵权保护", ["侵权投诉", "维权援助"]),
        ],
    ),
    (
        "作风问题",
        [
            ("推诿扯皮", ["部门相互推诿", "首问不负责"]),
            ("吃拿卡要", ["索要财物", "故意刁难"]),
            ("不作为慢作为", ["办事拖延", "诉求不回应"]),
            ("违约失信", ["政府部门违约", "惠企政策打折扣"]),
        ],
    ),
    (
        "基础设施",
        [
            ("道路交通", ["道路破损", "交通拥堵", "公交线路"]),
            ("网络通信", ["宽带网络", "移动信号覆盖"]),
            ("园区配套", ["污水管网", "园区道路", "生活配套"]),
        ],
    ),
    (
        "商务外贸",
        [
            ("外贸服务", ["进出口经营", "通关便利化", "外贸风险防范"]),
            ("招商引资", ["项目落地服务", "首席服务员服务"]),
            ("商贸流通", ["展会活动", "商业网点"]),
        ],
    ),
    (
        "科技创新",
        [
            ("科技项目", ["高新技术企业认定", "科技项目申报", "研发费用加计扣除"]),
            ("产学研合作", ["校企合作", "科技成果转化"]),
        ],
    ),
    (
        "法治保障",
        [
            ("法律服务", ["法律咨询", "合同纠纷", "商事调解"]),
            ("企业权益", ["治安环境", "恶意拖欠账款", "破产重整"]),
        ],
    ),
    ("其他", [("其他", ["其他诉求"])]),
]


def iter_catalogue() -> Iterator[tuple[str, str, str | None, int]]:
    """(code, name, parent code, level) in tree order, parents first."""
    for i, (first, seconds) in enumerate(CATALOGUE, start=1):
        code1 = f"{i:02d}"
        yield code1, first, None, 1
        for j, (second, thirds) in enumerate(seconds, start=1):
            code2 = f"{code1}{j:02d}"
            yield code2, second, code1, 2
            for k, third in enumerate(thirds, start=1):
                yield f"{code2}{k:02d}", third, code2, 3


# (category path, region code or None, unit code, note)
DEMO_ROUTING_RULES: list[tuple[str, str | None, str, str]] = [
    ("政务服务", None, "city-approval", "政务服务事项由行政审批局牵头"),
    ("要素保障", None, "city-miit", "工业企业要素保障由工信局统筹"),
    ("要素保障/用地", None, "city-natural-resources", "建设用地供应和不动产登记"),
    ("要素保障/用电用水用气/用电报装", None, "city-power", "公共服务企业：用电报装"),
    ("要素保障/用电用水用气/供电保障", None, "city-power", "公共服务企业：供电保障"),
    ("要素保障/用电用水用气", None, "city-housing", "供水供气行业主管部门"),
    ("要素保障/物流运输", None, "city-transport", "道路运输管理"),
    ("融资信贷", None, "city-finance", "政府性融资担保和转贷资金"),
    ("用工人才", None, "city-hrss", "就业、社保和人才政策"),
    ("政策兑现", None, "city-ndrc", "惠企政策统筹"),
    ("政策兑现/惠企资金", None, "city-finance", "奖补资金拨付"),
    ("政策兑现/招商承诺", None, "city-commerce", "招商引资承诺"),
    ("市场监管", None, "city-samr", "市场监管"),
    ("执法检查", None, "city-justice", "行政执法监督"),
    ("执法检查/生态环境", None, "city-ecology", "生态环境执法和审批"),
    ("执法检查/安全生产", None, "city-emergency", "安全生产监管"),
    ("工程建设", None, "city-housing", "建设工程监管"),
    ("工程建设/施工许可", None, "city-approval", "施工许可由行政审批局集中办理"),
    ("税费服务", None, "city-tax", "税费征管和纳税服务"),
    ("知识产权", None, "city-samr", "知识产权保护"),
    ("作风问题", None, "city-work-style", "涉企服务作风问题"),
    ("基础设施", None, "city-housing", "城市建设和园区配套"),
    ("基础设施/道路交通", None, "city-transport", "道路交通"),
    ("商务外贸", None, "city-commerce", "商务和招商引资"),
    ("科技创新", None, "city-science", "科技创新"),
    ("法治保障", None, "city-justice", "涉企法律服务"),
    ("法治保障/企业权益/治安环境", None, "city-police", "企业周边治安"),
    ("其他", None, "city-business-env", "其他诉求由营商办统筹"),
    # 沭阳县 and 宿城区 have their own departments: their cases go to the local office.
    ("政务服务/审批服务", "321322", "shuyang-approval", "沭阳县审批服务"),
    ("工程建设/施工许可", "321322", "shuyang-approval", "沭阳县施工许可"),
    ("市场监管", "321322", "shuyang-samr", "沭阳县市场监管"),
    ("商务外贸", "321322", "shuyang-commerce", "沭阳县商务"),
    ("要素保障", "321322", "shuyang-miit", "沭阳县工业企业要素保障"),
    ("政务服务/审批服务", "321302", "sucheng-approval", "宿城区审批服务"),
    ("市场监管", "321302", "sucheng-samr", "宿城区市场监管"),
    ("商务外贸", "321302", "sucheng-commerce", "宿城区商务"),
    # Without a category, a case goes to the government of its county or zone (属地).
    *[
        (
            "",
            code,
            f"{slug}-gov",
            "属地兜底",
        )
        for code, slug in (
            ("321302", "sucheng"),
            ("321311", "suyu"),
            ("321322", "shuyang"),
            ("321323", "siyang"),
            ("321324", "sihong"),
            ("321371", "jingkai"),
            ("321391", "hubin"),
            ("321392", "yanghe"),
            ("321393", "susu"),
            ("321394", "gaoxin"),
        )
    ],
]
