"""`/api/v1/cases`: intake, configuration and the lifecycle operations.

The routers are mounted by the shell (`TicketsConfig.api_routers`) directly at `/cases` and `/cases/settings`, so that
the collection is `/api/v1/cases` like every other resource (a router nested under an empty
prefix would add a trailing slash)."""

from .api_config import router as config_router
from .api_intake import router as intake_router
from .api_work import router as work_router

ROUTERS = [("/cases", work_router), ("/cases", intake_router), ("/cases/settings", config_router)]
