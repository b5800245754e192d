"""演示企业数据生成（纯 Python，结果只由 ``count`` 与 ``seed`` 决定）。

生成的企业名称、人名、电话、地址均为虚构；字号由不常见的字两两组合而成，
并排除了一批知名企业字号，避免与真实企业重名。统一社会信用代码按
GB 32100-2015 生成并带正确校验位，第 3–8 位为企业所在县区/功能区的 6 位代码，
第 9–17 位的主体标识码按 GB 11714 组织机构代码规则生成（2015 年 10 月以前
成立的为 8 位数字本体码，之后成立的以 “MA” 开头），同样带正确校验位。
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from bangban.enterprises.uscc import ALPHABET, make_uscc
from bangban.org.demo_data import REGIONS, county_code_of

__all__ = [
    "BLOCKED_BRANDS",
    "CITY_TOP100_COUNT",
    "COUNTY_KEY_COUNT",
    "GBT4754_SECTIONS",
    "SCALES",
    "SCALE_LABELS",
    "TIERS",
    "TIER_LABELS",
    "generate_enterprises",
]

#: GB/T 4754-2017《国民经济行业分类》门类。
GBT4754_SECTIONS: list[tuple[str, str]] = [
    ("A", "农、林、牧、渔业"),
    ("B", "采矿业"),
    ("C", "制造业"),
    ("D", "电力、热力、燃气及水生产和供应业"),
    ("E", "建筑业"),
    ("F", "批发和零售业"),
    ("G", "交通运输、仓储和邮政业"),
    ("H", "住宿和餐饮业"),
    ("I", "信息传输、软件和信息技术服务业"),
    ("J", "金融业"),
    ("K", "房地产业"),
    ("L", "租赁和商务服务业"),
    ("M", "科学研究和技术服务业"),
    ("N", "水利、环境和公共设施管理业"),
    ("O", "居民服务、修理和其他服务业"),
    ("P", "教育"),
    ("Q", "卫生和社会工作"),
    ("R", "文化、体育和娱乐业"),
    ("S", "公共管理、社会保障和社会组织"),
    ("T", "国际组织"),
]

SCALES = ("large", "medium", "small", "micro")
SCALE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}

TIERS = ("city_top100", "county_key", "general")
TIER_LABELS = {"city_top100": "市工业百强", "county_key": "县区重点", "general": "一般"}

CITY_TOP100_COUNT = 100
COUNTY_KEY_COUNT = 60

#: 不得出现在生成名称中的真实企业/品牌字号。
BLOCKED_BRANDS = (
    "洋河",
    "双沟",
    "今世缘",
    "天合",
    "润阳",
    "阿特斯",
    "京东",
    "苏宁",
    "恒力",
    "盛虹",
    "华为",
    "海尔",
    "美的",
    "格力",
    "雅迪",
    "娃哈哈",
    "蒙牛",
    "伊利",
    "恒瑞",
    "茅台",
    "五粮液",
    "中粮",
    "沃尔玛",
)

# 字号用字：两两组合，首字与次字相同的组合会被跳过。
_BRAND_FIRST = "沐澄骏禾泓岚瀚晟朗睿弘杉栎榕檀楚淮沭泗苏茗霁翊岑珩骁蕴筠芃湛"
_BRAND_SECOND = "川嘉岳麟澜汀屿谷翎弈桥砚舟野策邦源瑞拓锦晖航泽森衡创禧达科润"

# 门类 → 行业表述（用于名称）。
_INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "A": ("农业发展", "花木", "生态农业", "水产养殖", "种业", "果蔬种植", "畜牧"),
    "B": ("矿业", "石英砂开采", "砂石"),
    "C": (
        "酒业",
        "酿酒",
        "纺织",
        "服饰",
        "家纺",
        "化纤",
        "光伏科技",
        "新能源科技",
        "新材料",
        "高分子材料",
        "食品",
        "食品科技",
        "粮油",
        "家具",
        "木业",
        "板材",
        "机械制造",
        "精密机械",
        "智能装备",
        "电子科技",
        "电子元件",
        "包装材料",
        "玻璃制品",
        "医疗器械",
        "汽车零部件",
        "生物科技",
        "饲料",
        "电缆",
        "电气设备",
        "塑业",
    ),
    "D": ("新能源发电", "热电", "燃气", "供水"),
    "E": ("建设工程", "建筑安装", "市政工程", "装饰工程", "路桥工程"),
    "F": ("商贸", "贸易", "电子商务", "供应链管理", "医药连锁", "农资"),
    "G": ("物流", "运输", "仓储", "冷链物流", "快递"),
    "H": ("餐饮管理", "酒店管理", "餐饮"),
    "I": ("网络科技", "信息技术", "软件", "数据科技", "智能科技"),
    "J": ("小额贷款", "融资担保"),
    "K": ("置业", "房地产开发", "物业管理"),
    "L": ("企业管理咨询", "人力资源", "广告传媒", "会展服务", "设备租赁"),
    "M": ("检测技术", "工程设计", "技术服务", "环境检测"),
    "N": ("环境工程", "园林绿化", "环保科技"),
    "O": ("家政服务", "汽车维修", "保洁服务"),
    "P": ("职业技能培训", "教育培训"),
    "Q": ("医院管理", "养老服务", "康复医疗"),
    "R": ("文化传媒", "体育发展", "文化旅游"),
}

# 各档次企业的门类权重（S 公共管理、T 国际组织不作为企业门类生成）。
_SECTION_WEIGHTS: dict[str, dict[str, int]] = {
    "city_top100": {"C": 86, "D": 5, "E": 3, "F": 2, "G": 2, "I": 2},
    "county_key": {"C": 60, "A": 6, "D": 4, "E": 6, "F": 8, "G": 6, "I": 5, "K": 2, "M": 3},
    "general": {
        "A": 6,
        "B": 1,
        "C": 36,
        "D": 2,
        "E": 8,
        "F": 14,
        "G": 6,
        "H": 4,
        "I": 5,
        "J": 1,
        "K": 3,
        "L": 5,
        "M": 3,
        "N": 2,
        "O": 2,
        "P": 1,
        "Q": 1,
        "R": 2,
    },
}

_SCALE_WEIGHTS: dict[str, dict[str, int]] = {
    "city_top100": {"large": 45, "medium": 45, "small": 10},
    "county_key": {"large": 10, "medium": 50, "small": 35, "micro": 5},
    "general": {"medium": 8, "small": 47, "micro": 45},
}

# 县区/功能区代码 → 用作名称行政区划前缀的简称（功能区企业统一用“宿迁”）。
_NAME_PREFIX = {
    "321302": "宿迁",
    "321311": "宿迁",
    "321322": "沭阳",
    "321323": "泗阳",
    "321324": "泗洪",
}

# 县区/功能区的企业分布权重。
_COUNTY_WEIGHTS = {
    "321302": 14,
    "321311": 12,
    "321322": 20,
    "321323": 12,
    "321324": 12,
    "321371": 10,
    "321391": 4,
    "321392": 6,
    "321393": 5,
    "321394": 5,
}

_ROADS = (
    "人民路",
    "发展大道",
    "黄河路",
    "太湖路",
    "珠江路",
    "长江路",
    "运河路",
    "工业大道",
    "创业路",
    "科技大道",
    "兴业路",
    "振兴路",
    "开发大道",
    "富民路",
    "文昌路",
    "新华路",
    "迎宾大道",
    "通湖大道",
)

_SURNAMES = (
    "王张李刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    "梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "仲蔡卢顾葛戴孟魏陆孔姜严邵丁沙倪尤"
)
# 常见姓氏出现得更多：前 20 个权重 4，其余权重 1。
_SURNAME_WEIGHTS = tuple(4 if i < 20 else 1 for i in range(len(_SURNAMES)))
_GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏飞宇浩然志国海峰俊晨欣怡婷雪梅兰"
)

_MOBILE_PREFIXES = (
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "180",
    "181",
    "182",
    "183",
    "187",
    "188",
    "189",
    "191",
    "199",
)

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CODE_CUTOFF = dt.date(2015, 10, 1)
_EARLIEST = dt.date(1996, 9, 1)
_LATEST = dt.date(2024, 6, 30)


def _org_code(body8: str) -> str:
    """GB 11714 组织机构代码：8 位本体码 + 1 位校验码（10 → X，11 → 0）。"""
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w
        for ch, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    if check == 10:
        return body8 + "X"
    if check == 11:
        return body8 + "0"
    return body8 + str(check)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _person(rng: random.Random) -> str:
    surname = rng.choices(_SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(_GIVEN_CHARS) for _ in range(length))


def _brand(rng: random.Random) -> str:
    while True:
        first, second = rng.choice(_BRAND_FIRST), rng.choice(_BRAND_SECOND)
        if first != second:
            return first + second


def _company_name(rng: random.Random, tier: str, scale: str, section: str, county: str) -> str:
    word = rng.choice(_INDUSTRY_WORDS[section])
    brand = _brand(rng)
    roll = rng.random()
    if scale == "large" and roll < 0.35:
        return f"江苏{brand}{word}股份有限公司"
    if scale == "large" and roll < 0.6:
        return f"江苏{brand}{word}集团有限公司"
    if tier != "general" and roll < 0.75:
        return f"江苏{brand}{word}有限公司"
    prefix = _NAME_PREFIX.get(county, "宿迁")
    if rng.random() < 0.15:
        prefix = "宿迁市"
    suffix = "有限责任公司" if rng.random() < 0.1 else "有限公司"
    return f"{prefix}{brand}{word}{suffix}"


def _region_choices() -> dict[str, list[str]]:
    """县区/功能区代码 → 可作为企业所在地的区划代码（本级及其乡镇/街道）。"""
    choices: dict[str, list[str]] = {code: [code] for code in _COUNTY_WEIGHTS}
    for region in REGIONS:
        if region["level"] == "township":
            choices[region["parent"]].append(region["code"])
    return choices


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _tiers(count: int) -> list[str]:
    top = min(CITY_TOP100_COUNT, count)
    key = min(COUNTY_KEY_COUNT, count - top)
    return ["city_top100"] * top + ["county_key"] * key + ["general"] * (count - top - key)


def generate_enterprises(count: int = 320, seed: int = 2024) -> list[dict[str, Any]]:
    """生成 ``count`` 家虚构的宿迁企业。

    ``count`` ≥ 100 时恰有 100 家“市工业百强”（``city_top100``），其后最多 60 家
    “县区重点”（``county_key``），其余为“一般企业”（``general``）；列表中各档次
    企业随机交错。相同的 ``count`` 与 ``seed`` 总是得到相同结果。

    每家企业的键：``uscc``、``name``、``region``、``industry``、``scale``、
    ``tier``、``liaison_name``、``liaison_phone``、``legal_representative``、
    ``address``、``established``（``datetime.date``）。
    """
    if count < 0:
        raise ValueError("count 不能为负数")
    rng = random.Random(seed)
    regions = {r["code"]: r for r in REGIONS}
    region_choices = _region_choices()

    tiers = _tiers(count)
    rng.shuffle(tiers)

    used_names: set[str] = set()
    used_codes: set[str] = set()
    used_phones: set[str] = set()
    enterprises: list[dict[str, Any]] = []

    for tier in tiers:
        section = _weighted(rng, _SECTION_WEIGHTS[tier])
        scale = _weighted(rng, _SCALE_WEIGHTS[tier])

        county = _weighted(rng, _COUNTY_WEIGHTS)
        candidates = region_choices[county]
        # 重点企业多登记在县区/功能区本级，一般企业更多分布在乡镇街道。
        township_share = 0.3 if tier == "city_top100" else 0.6
        if len(candidates) > 1 and rng.random() < township_share:
            region_code = rng.choice(candidates[1:])
        else:
            region_code = county
        assert county_code_of(region_code) == county

        start = _EARLIEST if tier == "general" else dt.date(1998, 1, 1)
        end = dt.date(2019, 12, 31) if tier == "city_top100" else _LATEST
        established = _date_between(rng, start, end)

        while True:
            name = _company_name(rng, tier, scale, section, county)
            if name not in used_names and not any(b in name for b in BLOCKED_BRANDS):
                break
        used_names.add(name)

        while True:
            if established < _CODE_CUTOFF:
                body = "".join(rng.choice("0123456789") for _ in range(8))
            else:
                body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
            code = make_uscc("91" + county + _org_code(body))
            if code not in used_codes:
                break
        used_codes.add(code)

        while True:
            phone = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if phone not in used_phones:
                break
        used_phones.add(phone)

        legal = _person(rng)
        liaison = _person(rng)
        while liaison == legal:
            liaison = _person(rng)

        region = regions[region_code]
        place = regions[county]["name"]
        if region["level"] == "township":
            place += region["name"]
        address = f"江苏省宿迁市{place}{rng.choice(_ROADS)}{rng.randint(1, 899)}号"

        enterprises.append(
            {
                "uscc": code,
                "name": name,
                "region": region_code,
                "industry": section,
                "scale": scale,
                "tier": tier,
                "liaison_name": liaison,
                "liaison_phone": phone,
                "legal_representative": legal,
                "address": address,
                "established": established,
            }
        )
    return enterprises
