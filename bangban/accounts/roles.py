"""The roles of the rules (requirements.md, "Users"), as data. Pure: no ORM."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业用户"
    HOTLINE_AGENT = "hotline_agent", "热线坐席"
    HANDLER = "handler", "承办人"
    UNIT_HEAD = "unit_head", "单位负责人"
    DISPATCHER = "dispatcher", "派单员"
    BIZ_OFFICE = "biz_office", "营商办"
    MAYOR_OFFICE = "mayor_office", "市政府办公室专人"
    DEPUTY_SECRETARY_GENERAL = "deputy_secretary_general", "对口联系副秘书长"
    SECRETARY_GENERAL = "secretary_general", "秘书长"
    VICE_MAYOR = "vice_mayor", "分管市长"
    MAYOR = "mayor", "市长"
    CONDUCT_OFFICE = "conduct_office", "作风办"
    SERVICE_OFFICER = "service_officer", "帮办专员/驻厂员"
    CHIEF_SERVICE_OFFICER = "chief_service_officer", "首席服务员"
    INSPECTOR = "inspector", "执法人员"
    LEGAL_OVERSIGHT = "legal_oversight", "司法局执法监督"
    VOLUNTEER_SUPERVISOR = "volunteer_supervisor", "营商环境监督员"
    ASSOCIATION = "association", "行业协会商会"
    AUDITOR = "auditor", "审计员"
    DISCIPLINE = "discipline", "纪委监委"
    ADMIN = "admin", "系统管理员"


# Roles whose work spans the whole city, whatever unit they sit in.
CITY_WIDE_ROLES = frozenset(
    {
        Role.ADMIN,
        Role.BIZ_OFFICE,
        Role.MAYOR_OFFICE,
        Role.DEPUTY_SECRETARY_GENERAL,
        Role.SECRETARY_GENERAL,
        Role.VICE_MAYOR,
        Role.MAYOR,
        Role.CONDUCT_OFFICE,
        Role.LEGAL_OVERSIGHT,
        Role.AUDITOR,
        Role.HOTLINE_AGENT,
    }
)

# Roles that may see personal data (phone and ID numbers) unmasked in lists and exports.
PERSONAL_DATA_ROLES = frozenset({Role.ADMIN, Role.HOTLINE_AGENT, Role.SERVICE_OFFICER, Role.BIZ_OFFICE})

# Roles that manage the registers of the platform (organisation, enterprises, calendar).
ORG_ADMIN_ROLES = frozenset({Role.ADMIN})
ENTERPRISE_EDITOR_ROLES = frozenset({Role.ADMIN, Role.BIZ_OFFICE, Role.SERVICE_OFFICER, Role.UNIT_HEAD})
CALENDAR_ADMIN_ROLES = frozenset({Role.ADMIN})
AUDIT_READER_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})
# Who manages accounts and API tokens.
ACCOUNT_ADMIN_ROLES = frozenset({Role.ADMIN})

# People who work inside government. Enterprises are outside; a 营商环境监督员 is a volunteer from
# outside government and a 行业协会商会 account speaks for a social organisation: none of them gets
# a data scope from the unit they are registered under. A 纪委监委 reader (`DISCIPLINE`) is inside
# government but reads only the hand-overs (移送) addressed to its unit and what they name
# (`bangban.supervision.access`): it gets no scope either, so every other register answers 404.
STAFF_ROLES = frozenset(Role) - {
    Role.ENTERPRISE,
    Role.VOLUNTEER_SUPERVISOR,
    Role.ASSOCIATION,
    Role.DISCIPLINE,
}


class Rank(models.TextChoices):
    """职级, ordered from highest to lowest; `RANK_ORDER` gives comparisons (R3.1 rank rules)."""

    ZHENG_TING = "zheng_ting", "正厅级"
    FU_TING = "fu_ting", "副厅级"
    ZHENG_CHU = "zheng_chu", "正处级"
    FU_CHU = "fu_chu", "副处级"
    ZHENG_KE = "zheng_ke", "正科级"
    FU_KE = "fu_ke", "副科级"
    KEYUAN = "keyuan", "科员"
    BANSHIYUAN = "banshiyuan", "办事员"
    OTHER = "other", "其他"


RANK_ORDER = {rank: position for position, rank in enumerate(reversed(list(Rank)))}
RANK_ORDER[Rank.OTHER] = -1


def rank_at_least(rank: str | None, minimum: str) -> bool:
    if not rank:
        return False
    return RANK_ORDER.get(Rank(rank), -1) >= RANK_ORDER[Rank(minimum)]
