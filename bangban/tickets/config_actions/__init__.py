"""Administration of the case system's configuration: the category catalogue (with .xlsx import),
the routing rules and the deadline policies. Administrators change them; dispatchers and 营商办 may
read them. Every change is one audit event.

Category codes are positional ("01" → "0101" → "010101") and assigned by the system: a new
category gets the next free number under its parent, so codes never change once given.
"""

from __future__ import annotations

from ._common import (
    IMPORT_HEADERS,
    IMPORT_MAX_ROWS,
    MAX_EXTENSIONS,
    MAX_WARN_WORKDAYS,
    MAX_WORKDAYS,
    NAME_MAX,
)
from .access import (
    CONFIG_ADMIN_ROLES,
    CONFIG_VIEW_ROLES,
    can_manage_config,
    can_view_config,
    require_config_admin,
    require_config_viewer,
)
from .categories import category_tree, do_create_category, do_delete_category, do_update_category
from .category_import import CategoryImport, do_import_categories, parse_category_workbook
from .deadlines import do_delete_deadline_policy, do_set_deadline_policy
from .dispatch_clock import (
    CLOCK_ADMIN_ROLES,
    MAX_DISPATCH_WORKDAYS,
    can_manage_dispatch_clock,
    do_set_dispatch_clock,
)
from .routing import do_create_routing_rule, do_delete_routing_rule, do_update_routing_rule

__all__ = [
    "CLOCK_ADMIN_ROLES",
    "CONFIG_ADMIN_ROLES",
    "CONFIG_VIEW_ROLES",
    "IMPORT_HEADERS",
    "IMPORT_MAX_ROWS",
    "MAX_DISPATCH_WORKDAYS",
    "MAX_EXTENSIONS",
    "MAX_WARN_WORKDAYS",
    "MAX_WORKDAYS",
    "NAME_MAX",
    "CategoryImport",
    "can_manage_config",
    "can_manage_dispatch_clock",
    "can_view_config",
    "category_tree",
    "do_create_category",
    "do_create_routing_rule",
    "do_delete_category",
    "do_delete_deadline_policy",
    "do_delete_routing_rule",
    "do_import_categories",
    "do_set_deadline_policy",
    "do_set_dispatch_clock",
    "do_update_category",
    "do_update_routing_rule",
    "parse_category_workbook",
    "require_config_admin",
    "require_config_viewer",
]
