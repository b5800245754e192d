"""Creating and editing an enterprise of the registry, its activity and its 工作联络员 (R0.2, R3.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from bangban.accounts.models import User
from bangban.audit.actions import diff, record, snapshot
from bangban.core.errors import Conflict

from ..access import (
    access_enterprise,
    require_enterprise_editor,
)
from ..models import Enterprise
from ._common import check_unique, clean_input, duplicate_uscc_error


def do_create_enterprise(
    *, acting_user: User, data: Mapping[str, Any], now: dt.datetime | None = None
) -> Enterprise:
    require_enterprise_editor(acting_user)
    cleaned = clean_input(acting_user, data, required=True, now=now)
    cleaned.pop("is_active", None)
    try:
        with transaction.atomic(durable=True):
            check_unique(acting_user, cleaned["uscc"])
            enterprise = Enterprise.objects.create(**cleaned)
            record("enterprise.create", actor=acting_user, obj=enterprise, after=snapshot(enterprise))
    except IntegrityError as exc:
        # Someone registered the same code a moment ago.
        existing = Enterprise.objects.filter(uscc=cleaned["uscc"]).first()
        if existing is None:
            raise
        raise duplicate_uscc_error(acting_user, existing) from exc
    return enterprise


def _update(
    *,
    acting_user: User,
    enterprise_id: int | str,
    version: int | None,
    changes: Mapping[str, Any],
    access: str,
    action: str,
    now: dt.datetime | None,
) -> Enterprise:
    access_enterprise(acting_user, enterprise_id, action=access)
    cleaned = clean_input(acting_user, changes, required=False, now=now)
    try:
        with transaction.atomic(durable=True):
            enterprise = Enterprise.objects.select_for_update().get(pk=int(enterprise_id))
            if version is not None and int(version) != enterprise.version:
                raise Conflict()
            if "uscc" in cleaned and cleaned["uscc"] != enterprise.uscc:
                check_unique(acting_user, cleaned["uscc"], exclude_pk=enterprise.pk)
            before = snapshot(enterprise)
            changed = []
            for name, value in cleaned.items():
                attname = "region_id" if name == "region" else name
                new = value.pk if name == "region" else value
                if getattr(enterprise, attname) != new:
                    setattr(enterprise, attname, new)
                    changed.append(attname)
            if not changed:
                return enterprise
            enterprise.version += 1
            enterprise.save(update_fields=[*changed, "version", "updated_at"])
            old, new_values = diff(before, snapshot(enterprise))
            record(action, actor=acting_user, obj=enterprise, before=old, after=new_values)
    except IntegrityError as exc:
        existing = Enterprise.objects.filter(uscc=cleaned.get("uscc", "")).first()
        if existing is None:
            raise
        raise duplicate_uscc_error(acting_user, existing) from exc
    return enterprise


def do_update_enterprise(
    *,
    acting_user: User,
    enterprise_id: int | str,
    version: int | None,
    changes: Mapping[str, Any],
    now: dt.datetime | None = None,
) -> Enterprise:
    """Change the given fields. `version` is the one the editor saw: if someone saved in between,
    `Conflict` (记录已被他人修改，请刷新后重试). Saving without a real change leaves no trace."""
    return _update(
        acting_user=acting_user,
        enterprise_id=enterprise_id,
        version=version,
        changes=changes,
        access="edit",
        action="enterprise.update",
        now=now,
    )


def do_set_enterprise_active(
    *, acting_user: User, enterprise_id: int | str, active: bool, version: int | None = None
) -> Enterprise:
    """Deactivate (注销/停止服务) or reactivate. Enterprises are never deleted: cases refer to them."""
    return _update(
        acting_user=acting_user,
        enterprise_id=enterprise_id,
        version=version,
        changes={"is_active": active},
        access="edit",
        action="enterprise.reactivate" if active else "enterprise.deactivate",
        now=None,
    )


def do_update_liaison(
    *,
    acting_user: User,
    enterprise_id: int | str,
    version: int | None,
    liaison_name: str,
    liaison_phone: str,
) -> Enterprise:
    """The enterprise names its 工作联络员 (R3.2); its own users may do this."""
    return _update(
        acting_user=acting_user,
        enterprise_id=enterprise_id,
        version=version,
        changes={"liaison_name": liaison_name, "liaison_phone": liaison_phone},
        access="edit_liaison",
        action="enterprise.update_liaison",
        now=None,
    )


# --- Excel import -------------------------------------------------------------------------------
