"""`/api/v1/supervision`."""

from ninja import Router

router = Router(tags=["月度督查与排名"])
