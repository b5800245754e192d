"""Who reads and who keeps the answer knowledge base.

* 营商办 (and the system administrator) keep it: add, edit, retire and restore entries, and see
  the retired ones.
* 12345 hotline agents and dispatchers read the entries in use (and cite them in a 直接答复).
* Nobody else sees it: enterprises, handlers and the other roles get "not found" (404) when they
  read, and "forbidden" (403) when they try to change it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from bangban.accounts.access import has_any_role
from bangban.accounts.roles import Role
from bangban.core.errors import NotFound, PermissionDenied

from .models import Entry, EntryStatus

KEEPER_ROLES = frozenset({Role.BIZ_OFFICE, Role.ADMIN})
READER_ROLES = KEEPER_ROLES | frozenset({Role.HOTLINE_AGENT, Role.DISPATCHER})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_reader(user: Any) -> bool:
    """Reads the entries in use."""
    return _active(user) and has_any_role(user, READER_ROLES)


def is_keeper(user: Any) -> bool:
    """营商办: keeps the knowledge base."""
    return _active(user) and has_any_role(user, KEEPER_ROLES)


def require_reader(user: Any) -> None:
    if not is_reader(user):
        raise NotFound()


def require_keeper(user: Any) -> None:
    if not is_keeper(user):
        raise PermissionDenied("只有营商办可以维护答复知识库")


def visible_entries(user: Any) -> QuerySet[Entry]:
    """Keepers see every entry; other readers the entries in use; everyone else nothing."""
    qs = Entry.objects.all()
    if is_keeper(user):
        return qs
    if is_reader(user):
        return qs.filter(status=EntryStatus.ACTIVE)
    return qs.none()


def parse_id(entry_id: Any) -> int:
    try:
        pk = int(str(entry_id).strip())
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < pk < 2**31:
        raise NotFound()
    return pk


def access_entry(user: Any, entry_id: Any) -> Entry:
    """The entry if `user` may read it; missing, out of reach or a malformed id → NotFound."""
    found = (
        visible_entries(user).select_related("created_by", "updated_by").filter(pk=parse_id(entry_id)).first()
    )
    if found is None:
        raise NotFound()
    return found
