"""`/api/v1/network`."""

from ninja import Router

router = Router(tags=["帮办服务网络"])
