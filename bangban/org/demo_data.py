"""演示用的宿迁市行政区划与单位数据（纯数据，不依赖 Django）。

区划层级：市 → 县区 / 功能区 → 乡镇（街道） → 村（社区）。

* 市、县区以及宿迁经济技术开发区使用国家行政区划代码（``official_code=True``）。
* 湖滨新区、洋河新区、苏州宿迁工业园区、宿迁高新技术产业开发区没有国家
  区划代码，使用本地编配的 6 位代码 321391–321394（``official_code=False``）。
* 乡镇（街道）使用 9 位代码 = 上级 6 位代码 + 3 位顺序号；村（社区）使用
  12 位代码 = 乡镇代码 + 3 位顺序号。这些都是为演示编配的，不是统计用区划代码。
* 苏州宿迁工业园区、宿迁高新区的托管乡镇（街道）情况变化较多，演示数据中
  不列出其下级区划，两个园区只到功能区一级。
* 村（社区）名称为演示用的通用名称，不保证与实际一致。

单位（``UNITS``）以“宿迁市人民政府”为根：市级部门、县区政府、功能区管委会
的上级均为市政府；县区部门、乡镇（街道）的上级为所在县区政府或功能区管委会；
政务服务场所的上级为所在区划的政府（村级便民服务站的上级为乡镇/街道）。
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CITY_CODE",
    "REGIONS",
    "REGION_LEVELS",
    "ROOT_UNIT_CODE",
    "SITE_LEVELS",
    "UNITS",
    "UNIT_TYPES",
    "children_of_region",
    "children_of_unit",
    "county_code_of",
    "government_unit_for_region",
    "region_by_code",
    "unit_by_code",
]

REGION_LEVELS = ("city", "county", "zone", "township", "village")
UNIT_TYPES = (
    "city_department",
    "county_government",
    "zone_committee",
    "county_department",
    "township",
    "service_site",
)
SITE_LEVELS = ("city", "county", "township", "village")

CITY_CODE = "321300"
ROOT_UNIT_CODE = "city-gov"

# ---------------------------------------------------------------------------
# 区划
# ---------------------------------------------------------------------------

# (代码, 名称, 层级, 是否国家区划代码, 单位代码前缀, 政府/管委会全称, 简称)
_COUNTIES: list[tuple[str, str, str, bool, str, str, str]] = [
    ("321302", "宿城区", "county", True, "sucheng", "宿城区人民政府", "宿城区政府"),
    ("321311", "宿豫区", "county", True, "suyu", "宿豫区人民政府", "宿豫区政府"),
    ("321322", "沭阳县", "county", True, "shuyang", "沭阳县人民政府", "沭阳县政府"),
    ("321323", "泗阳县", "county", True, "siyang", "泗阳县人民政府", "泗阳县政府"),
    ("321324", "泗洪县", "county", True, "sihong", "泗洪县人民政府", "泗洪县政府"),
    (
        "321371",
        "宿迁经济技术开发区",
        "zone",
        True,
        "jingkai",
        "宿迁经济技术开发区管理委员会",
        "经开区管委会",
    ),
    ("321391", "湖滨新区", "zone", False, "hubin", "湖滨新区管理委员会", "湖滨新区管委会"),
    ("321392", "洋河新区", "zone", False, "yanghe", "洋河新区管理委员会", "洋河新区管委会"),
    (
        "321393",
        "苏州宿迁工业园区",
        "zone",
        False,
        "susu",
        "苏州宿迁工业园区管理委员会",
        "苏宿工业园区管委会",
    ),
    (
        "321394",
        "宿迁高新技术产业开发区",
        "zone",
        False,
        "gaoxin",
        "宿迁高新技术产业开发区管理委员会",
        "高新区管委会",
    ),
]

# 县区/功能区代码 → [(乡镇/街道名称, 单位代码片段), ...]，顺序决定 3 位顺序号。
_TOWNSHIPS: dict[str, list[tuple[str, str]]] = {
    "321302": [
        ("幸福街道", "xingfu"),
        ("项里街道", "xiangli"),
        ("古城街道", "gucheng"),
        ("蔡集镇", "caiji"),
        ("王官集镇", "wangguanji"),
        ("耿车镇", "gengche"),
    ],
    "321311": [
        ("顺河街道", "shunhe"),
        ("下相街道", "xiaxiang"),
        ("豫新街道", "yuxin"),
        ("大兴镇", "daxing"),
        ("来龙镇", "lailong"),
        ("仰化镇", "yanghua"),
    ],
    "321322": [
        ("沭城街道", "shucheng"),
        ("章集街道", "zhangji"),
        ("十字街道", "shizi"),
        ("胡集镇", "huji"),
        ("钱集镇", "qianji"),
        ("韩山镇", "hanshan"),
    ],
    "321323": [
        ("众兴街道", "zhongxing"),
        ("来安街道", "laian"),
        ("王集镇", "wangji"),
        ("爱园镇", "aiyuan"),
        ("新袁镇", "xinyuan"),
    ],
    "321324": [
        ("青阳街道", "qingyang"),
        ("大楼街道", "dalou"),
        ("双沟镇", "shuanggou"),
        ("上塘镇", "shangtang"),
        ("半城镇", "bancheng"),
    ],
    "321371": [
        ("古楚街道", "guchu"),
        ("三棵树街道", "sankeshu"),
        ("南蔡乡", "nancai"),
    ],
    "321391": [
        ("晓店街道", "xiaodian"),
        ("井头街道", "jingtou"),
        ("皂河镇", "zaohe"),
    ],
    "321392": [
        ("洋河镇", "yanghe"),
        ("郑楼镇", "zhenglou"),
        ("仓集镇", "cangji"),
    ],
}

# 每个县区/功能区第一个乡镇（街道）下的 2 个村（社区）：(名称, 单位代码片段)。
_VILLAGES: dict[str, list[tuple[str, str]]] = {
    "321302": [("凤凰社区", "fenghuang"), ("马陵社区", "maling")],
    "321311": [("东大街社区", "dongdajie"), ("运河社区", "yunhe")],
    "321322": [("城中社区", "chengzhong"), ("南关社区", "nanguan")],
    "321323": [("桃园社区", "taoyuan"), ("黄河社区", "huanghe")],
    "321324": [("青阳社区", "qingyang"), ("东湖社区", "donghu")],
    "321371": [("楚街社区", "chujie"), ("新庄村", "xinzhuang")],
    "321391": [("湖滨社区", "hubin"), ("新河村", "xinhe")],
    "321392": [("美人泉社区", "meirenquan"), ("前进村", "qianjin")],
}


def _township_unit_name(name: str) -> str:
    if name.endswith("街道"):
        return f"{name}办事处"
    return f"{name}人民政府"


def _build_regions() -> list[dict[str, Any]]:
    regions: list[dict[str, Any]] = [
        {
            "code": CITY_CODE,
            "name": "宿迁市",
            "level": "city",
            "parent": None,
            "official_code": True,
        }
    ]
    for code, name, level, official, *_ in _COUNTIES:
        regions.append(
            {"code": code, "name": name, "level": level, "parent": CITY_CODE, "official_code": official}
        )
    for county_code, townships in _TOWNSHIPS.items():
        for index, (name, _slug) in enumerate(townships, start=1):
            regions.append(
                {
                    "code": f"{county_code}{index:03d}",
                    "name": name,
                    "level": "township",
                    "parent": county_code,
                    "official_code": False,
                }
            )
    for county_code, villages in _VILLAGES.items():
        township_code = f"{county_code}001"
        for index, (name, _slug) in enumerate(villages, start=1):
            regions.append(
                {
                    "code": f"{township_code}{index:03d}",
                    "name": name,
                    "level": "village",
                    "parent": township_code,
                    "official_code": False,
                }
            )
    return regions


# ---------------------------------------------------------------------------
# 单位
# ---------------------------------------------------------------------------

# (单位代码, 全称, 简称, 职责)
_CITY_DEPARTMENTS: list[tuple[str, str, str, str]] = [
    ("city-gov-office", "宿迁市人民政府办公室", "市政府办公室", "市政府日常运转、督查督办和政务信息公开"),
    (
        "city-business-env",
        "宿迁市优化营商环境办公室",
        "市营商办",
        "统筹推进优化营商环境工作，牵头涉企诉求督办与考核",
    ),
    ("city-commerce", "宿迁市商务局", "市商务局", "内外贸易、招商引资、外资企业服务和商贸流通管理"),
    (
        "city-approval",
        "宿迁市行政审批局",
        "市行政审批局",
        "集中办理行政许可事项，运行市政务服务中心和一网通办",
    ),
    (
        "city-miit",
        "宿迁市工业和信息化局",
        "市工信局",
        "工业经济运行、重点工业企业服务、中小企业发展和信息化推进",
    ),
    ("city-civil-affairs", "宿迁市民政局", "市民政局", "社会组织登记管理、社会救助和基层政权建设"),
    ("city-acfic", "宿迁市工商业联合会", "市工商联", "联系服务民营企业和商会，反映民营企业诉求"),
    ("city-work-style", "宿迁市作风建设办公室", "市作风办", "机关作风建设监督，受理涉企服务作风问题"),
    ("city-justice", "宿迁市司法局", "市司法局", "行政执法监督、涉企法律服务和矛盾纠纷调解"),
    (
        "city-samr",
        "宿迁市市场监督管理局",
        "市市场监管局",
        "市场主体登记、质量与计量监管、知识产权保护和公平竞争审查",
    ),
    ("city-ecology", "宿迁市生态环境局", "市生态环境局", "环境影响评价、排污许可和生态环境执法"),
    ("city-emergency", "宿迁市应急管理局", "市应急管理局", "安全生产监管、危险化学品管理和应急救援"),
    (
        "city-discipline",
        "中共宿迁市纪律检查委员会 宿迁市监察委员会",
        "市纪委监委",
        "监督执纪问责，查处损害营商环境的作风和腐败问题",
    ),
    (
        "city-governance",
        "宿迁市市域社会治理现代化指挥中心",
        "市域治理指挥中心",
        "运行12345政务服务便民热线，受理、分派和督办群众企业诉求",
    ),
    ("city-ndrc", "宿迁市发展和改革委员会", "市发展改革委", "经济发展规划、重大项目管理和价格收费监管"),
    ("city-agriculture", "宿迁市农业农村局", "市农业农村局", "农业产业化、农业企业和农民合作社服务"),
    (
        "city-hrss",
        "宿迁市人力资源和社会保障局",
        "市人社局",
        "就业创业、社会保险、人才引进和劳动保障监察",
    ),
    (
        "city-natural-resources",
        "宿迁市自然资源和规划局",
        "市自然资源规划局",
        "国土空间规划、建设用地供应和不动产登记",
    ),
    (
        "city-housing",
        "宿迁市住房和城乡建设局",
        "市住建局",
        "建设工程审批监管、建筑市场管理和城市建设",
    ),
    ("city-tax", "国家税务总局宿迁市税务局", "市税务局", "税费征收管理、纳税服务和税收优惠政策落实"),
    ("city-police", "宿迁市公安局", "市公安局", "治安管理、企业周边治安环境和涉企案件办理"),
    ("city-transport", "宿迁市交通运输局", "市交通运输局", "道路水路运输管理、物流运输企业服务"),
    ("city-finance", "宿迁市财政局", "市财政局", "财政资金管理、涉企奖补资金拨付和政府采购监管"),
    ("city-water", "宿迁市水利局", "市水利局", "水资源管理、取水许可和水利工程建设"),
    ("city-science", "宿迁市科学技术局", "市科技局", "科技创新、高新技术企业培育和科技项目管理"),
    (
        "city-power",
        "国网江苏省电力有限公司宿迁供电分公司",
        "宿迁供电公司",
        "公共服务企业：企业用电报装、供电保障和电费服务",
    ),
]

# 县区部门：(县区代码, 单位代码, 全称, 简称, 职责)
_COUNTY_DEPARTMENTS: list[tuple[str, str, str, str, str]] = [
    ("321322", "shuyang-approval", "沭阳县行政审批局", "沭阳县行政审批局", "县级行政许可集中办理"),
    ("321322", "shuyang-miit", "沭阳县工业和信息化局", "沭阳县工信局", "县域工业经济运行和企业服务"),
    (
        "321322",
        "shuyang-samr",
        "沭阳县市场监督管理局",
        "沭阳县市场监管局",
        "县域市场主体登记和市场监管",
    ),
    ("321322", "shuyang-commerce", "沭阳县商务局", "沭阳县商务局", "县域招商引资和商贸流通"),
    ("321302", "sucheng-approval", "宿城区行政审批局", "宿城区行政审批局", "区级行政许可集中办理"),
    ("321302", "sucheng-miit", "宿城区工业和信息化局", "宿城区工信局", "区域工业经济运行和企业服务"),
    (
        "321302",
        "sucheng-samr",
        "宿城区市场监督管理局",
        "宿城区市场监管局",
        "区域市场主体登记和市场监管",
    ),
    ("321302", "sucheng-commerce", "宿城区商务局", "宿城区商务局", "区域招商引资和商贸流通"),
]


def _county_meta() -> dict[str, tuple[str, str, str, str, str]]:
    """县区代码 → (名称, 层级, 单位代码前缀, 政府全称, 政府简称)。"""
    return {
        code: (name, level, slug, gov, gov_short) for code, name, level, _o, slug, gov, gov_short in _COUNTIES
    }


def _build_units() -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = []

    def add(
        code: str,
        name: str,
        short_name: str,
        unit_type: str,
        region: str,
        parent: str | None,
        duties: str,
        site_level: str | None = None,
    ) -> None:
        units.append(
            {
                "code": code,
                "name": name,
                "short_name": short_name,
                "type": unit_type,
                "site_level": site_level,
                "region": region,
                "parent": parent,
                "duties": duties,
            }
        )

    add(
        ROOT_UNIT_CODE,
        "宿迁市人民政府",
        "市政府",
        "city_department",
        CITY_CODE,
        None,
        "全市行政工作的领导，统筹涉企服务和营商环境建设",
    )
    for code, name, short, duties in _CITY_DEPARTMENTS:
        add(code, name, short, "city_department", CITY_CODE, ROOT_UNIT_CODE, duties)

    add(
        "site-city",
        "宿迁市政务服务中心",
        "市政务服务中心",
        "service_site",
        CITY_CODE,
        ROOT_UNIT_CODE,
        "市级政务服务事项集中办理和企业服务专窗",
        site_level="city",
    )

    meta = _county_meta()
    for county_code, (county_name, level, slug, gov_name, gov_short) in meta.items():
        gov_code = f"{slug}-gov"
        if level == "county":
            add(
                gov_code,
                gov_name,
                gov_short,
                "county_government",
                county_code,
                ROOT_UNIT_CODE,
                f"{county_name}行政工作的领导，属地涉企诉求办理",
            )
        else:
            add(
                gov_code,
                gov_name,
                gov_short,
                "zone_committee",
                county_code,
                ROOT_UNIT_CODE,
                f"{county_name}开发建设、招商服务和属地涉企诉求办理",
            )
        add(
            f"site-{slug}",
            f"{county_name}政务服务中心",
            f"{county_name}政务服务中心",
            "service_site",
            county_code,
            gov_code,
            f"{county_name}政务服务事项集中办理",
            site_level="county",
        )
        for index, (township_name, township_slug) in enumerate(_TOWNSHIPS.get(county_code, []), start=1):
            township_code = f"{county_code}{index:03d}"
            township_unit = f"{slug}-{township_slug}"
            add(
                township_unit,
                f"{county_name}{_township_unit_name(township_name)}",
                township_name,
                "township",
                township_code,
                gov_code,
                f"{township_name}辖区管理和属地企业服务",
            )
            add(
                f"site-{slug}-{township_slug}",
                f"{county_name}{township_name}便民服务中心",
                f"{township_name}便民服务中心",
                "service_site",
                township_code,
                township_unit,
                f"{township_name}便民服务事项就近办理",
                site_level="township",
            )
            if index == 1:
                for v_index, (village_name, village_slug) in enumerate(
                    _VILLAGES.get(county_code, []), start=1
                ):
                    add(
                        f"site-{slug}-{township_slug}-{village_slug}",
                        f"{township_name}{village_name}便民服务站",
                        f"{village_name}便民服务站",
                        "service_site",
                        f"{township_code}{v_index:03d}",
                        township_unit,
                        f"{village_name}代办帮办和便民服务",
                        site_level="village",
                    )

    for county_code, code, name, short, duties in _COUNTY_DEPARTMENTS:
        gov_code = f"{meta[county_code][2]}-gov"
        add(code, name, short, "county_department", county_code, gov_code, duties)

    return units


REGIONS: list[dict[str, Any]] = _build_regions()
UNITS: list[dict[str, Any]] = _build_units()


# ---------------------------------------------------------------------------
# 查询辅助
# ---------------------------------------------------------------------------


def region_by_code() -> dict[str, dict[str, Any]]:
    """区划代码 → 区划。每次调用返回新的字典（元素为共享引用）。"""
    return {region["code"]: region for region in REGIONS}


def unit_by_code() -> dict[str, dict[str, Any]]:
    """单位代码 → 单位。每次调用返回新的字典（元素为共享引用）。"""
    return {unit["code"]: unit for unit in UNITS}


def county_code_of(region_code: str) -> str:
    """返回区划所属的县区/功能区 6 位代码；市级区划返回市代码。"""
    regions = region_by_code()
    region = regions[region_code]
    while region["level"] not in ("city", "county", "zone"):
        region = regions[region["parent"]]
    return region["code"]


def children_of_region(code: str | None) -> list[dict[str, Any]]:
    """直接下级区划（``code`` 为 ``None`` 时返回顶级区划）。"""
    return [region for region in REGIONS if region["parent"] == code]


def children_of_unit(code: str | None) -> list[dict[str, Any]]:
    """直接下级单位（``code`` 为 ``None`` 时返回根单位）。"""
    return [unit for unit in UNITS if unit["parent"] == code]


def government_unit_for_region(region_code: str) -> dict[str, Any] | None:
    """区划对应的人民政府/管委会/乡镇（街道）单位；村（社区）没有对应单位。"""
    if region_code == CITY_CODE:
        return unit_by_code()[ROOT_UNIT_CODE]
    for unit in UNITS:
        if unit["region"] == region_code and unit["type"] in (
            "county_government",
            "zone_committee",
            "township",
        ):
            return unit
    return None
