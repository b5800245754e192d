"""`/api/v1/ratings`."""

from ninja import Router

router = Router(tags=["好差评与回访"])
