"""`/api/v1/outreach`."""

from ninja import Router

router = Router(tags=["项目服务与政企互动"])
