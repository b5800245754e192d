"""`/api/v1/cases`: intake, configuration and the lifecycle operations."""

from ninja import Router

from .api_config import router as config_router
from .api_intake import router as intake_router
from .api_work import router as work_router

router = Router(tags=["诉求办理"])
router.add_router("", work_router)
router.add_router("", intake_router)
router.add_router("/settings", config_router)
