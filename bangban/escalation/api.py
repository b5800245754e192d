"""`/api/v1/escalation`."""

from ninja import Router

router = Router(tags=["分级会办与督办"])
