"""The demo city's accounts, one per role (created by `load_demo_city`).

Handlers sit in two different counties (沭阳县 and 泗阳县) so that the regional boundaries of R0.4 can
be tried by hand. The volunteer supervisor has no unit: volunteers come from outside government and
their role grants no view of the registers. Names, phone and ID numbers are fictional.
"""

from __future__ import annotations

from typing import Any

from bangban.accounts.roles import Role
from bangban.accounts.second_factor import is_required

DEMO_PASSWORD = "Suqian-Demo-2024"

# The enterprise account belongs to the first 市工业百强 enterprise of the generated demo list.
FIRST_CITY_TOP100 = "first_city_top100"

# username, full name, roles, unit code (from bangban.org.demo_data), rank, title, enterprise, label
DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {
        "username": "admin",
        "full_name": "周文涛",
        "roles": [Role.ADMIN],
        "unit": "city-business-env",
        "rank": "keyuan",
        "title": "系统管理员",
        "label": "系统管理员 · 市营商办",
    },
    {
        "username": "yingshangban",
        "full_name": "王海燕",
        "roles": [Role.BIZ_OFFICE],
        "unit": "city-business-env",
        "rank": "zheng_ke",
        "title": "督查科科长",
        "label": "营商办 · 市营商办",
    },
    {
        "username": "rexian",
        "full_name": "陈晓琳",
        "roles": [Role.HOTLINE_AGENT],
        "unit": "city-governance",
        "rank": "keyuan",
        "title": "12345 营商环境专席坐席",
        "label": "热线坐席 · 市市域社会治理现代化指挥中心",
    },
    {
        "username": "paidan",
        "full_name": "刘志强",
        "roles": [Role.DISPATCHER],
        "unit": "city-governance",
        "rank": "keyuan",
        "title": "派单员",
        "label": "派单员 · 市市域社会治理现代化指挥中心",
    },
    {
        "username": "chengban_sy",
        "full_name": "孙立新",
        "roles": [Role.HANDLER],
        "unit": "shuyang-approval",
        "rank": "keyuan",
        "title": "审批服务科科员",
        "label": "承办人 · 沭阳县行政审批局",
    },
    {
        "username": "danwei_sy",
        "full_name": "赵国栋",
        "roles": [Role.UNIT_HEAD],
        "unit": "shuyang-approval",
        "rank": "zheng_ke",
        "title": "局长",
        "label": "单位负责人 · 沭阳县行政审批局",
    },
    {
        "username": "chengban_sq",
        "full_name": "吴春梅",
        "roles": [Role.HANDLER],
        "unit": "siyang-gov",
        "rank": "keyuan",
        "title": "县政府办公室科员",
        "label": "承办人 · 泗阳县人民政府",
    },
    {
        "username": "shizhengfu",
        "full_name": "郑雅琴",
        "roles": [Role.MAYOR_OFFICE],
        "unit": "city-gov-office",
        "rank": "fu_ke",
        "title": "市长信箱专人",
        "label": "市政府办公室专人 · 市政府办公室",
    },
    {
        "username": "fumishuzhang",
        "full_name": "钱卫东",
        "roles": [Role.DEPUTY_SECRETARY_GENERAL],
        "unit": "city-gov-office",
        "rank": "zheng_chu",
        "title": "市政府副秘书长",
        "label": "对口联系副秘书长 · 市政府办公室",
    },
    {
        "username": "mishuzhang",
        "full_name": "冯建平",
        "roles": [Role.SECRETARY_GENERAL],
        "unit": "city-gov-office",
        "rank": "fu_ting",
        "title": "市政府秘书长",
        "label": "秘书长 · 市政府办公室",
    },
    {
        "username": "fenguan",
        "full_name": "褚明远",
        "roles": [Role.VICE_MAYOR],
        "unit": "city-gov",
        "rank": "fu_ting",
        "title": "副市长",
        "label": "分管市长 · 市政府",
    },
    {
        "username": "shizhang",
        "full_name": "卫振华",
        "roles": [Role.MAYOR],
        "unit": "city-gov",
        "rank": "zheng_ting",
        "title": "市长",
        "label": "市长 · 市政府",
    },
    {
        "username": "zuofeng",
        "full_name": "蒋丽华",
        "roles": [Role.CONDUCT_OFFICE],
        "unit": "city-work-style",
        "rank": "zheng_ke",
        "title": "作风监督科科长",
        "label": "作风办 · 市作风办",
    },
    {
        "username": "bangban",
        "full_name": "沈卫国",
        "roles": [Role.SERVICE_OFFICER],
        "unit": "city-miit",
        "rank": "fu_chu",
        "title": "副局长（挂钩驻厂员）",
        "label": "帮办专员/驻厂员（副处级） · 市工信局",
    },
    {
        "username": "shouxi",
        "full_name": "韩志刚",
        "roles": [Role.CHIEF_SERVICE_OFFICER],
        "unit": "jingkai-gov",
        "rank": "zheng_ke",
        "title": "招商局局长",
        "label": "首席服务员 · 宿迁经济技术开发区管委会",
    },
    {
        "username": "zhifa",
        "full_name": "杨建军",
        "roles": [Role.INSPECTOR],
        "unit": "city-samr",
        "rank": "keyuan",
        "title": "执法支队队员",
        "label": "执法人员 · 市市场监管局",
    },
    {
        "username": "sifa",
        "full_name": "陆文静",
        "roles": [Role.LEGAL_OVERSIGHT],
        "unit": "city-justice",
        "rank": "zheng_ke",
        "title": "行政执法协调监督科科长",
        "label": "司法局执法监督 · 市司法局",
    },
    {
        "username": "jianduyuan",
        "full_name": "朱秀英",
        "roles": [Role.VOLUNTEER_SUPERVISOR],
        "unit": None,
        "rank": "",
        "title": "营商环境监督员",
        "label": "营商环境监督员（社会人士，无单位）",
    },
    {
        "username": "xiehui",
        "full_name": "顾明辉",
        "roles": [Role.ASSOCIATION],
        "unit": None,
        "rank": "",
        "title": "宿迁市纺织服装商会秘书长",
        "label": "行业协会商会 · 宿迁市纺织服装商会（无单位）",
    },
    {
        "username": "shenji",
        "full_name": "秦思远",
        "roles": [Role.AUDITOR],
        "unit": "city-discipline",
        "rank": "fu_ke",
        "title": "监督检查室干部",
        "label": "审计员（只读） · 市纪委监委",
    },
    {
        "username": "jiwei",
        "full_name": "沈立平",
        "roles": [Role.DISCIPLINE],
        "unit": "city-discipline",
        "rank": "zheng_ke",
        "title": "第三监督检查室主任",
        "label": "纪委监委（只读移送事项） · 市纪委监委",
    },
    {
        "username": "qiye",
        "full_name": "许佳宁",
        "roles": [Role.ENTERPRISE],
        "unit": None,
        "rank": "",
        "title": "工作联络员",
        "enterprise": FIRST_CITY_TOP100,
        "label": "企业用户 · 一家市工业百强企业的工作联络员",
    },
]


def demo_account_lines() -> list[str]:
    lines = [f"{a['username']:<14} {a['label']}" for a in DEMO_ACCOUNTS]
    lines.append(f"密码：{DEMO_PASSWORD}")

    if is_required():
        lines.append("双因素登录已开启：admin、yingshangban 登录后须先用手机身份验证器扫码绑定")
    return lines
