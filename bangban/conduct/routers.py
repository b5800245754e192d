"""The routers of conduct, all mounted at `/api/v1/conduct` (`ConductConfig.api_routers`)."""

from __future__ import annotations

from .api import router
from .api_problems import router as problems_router
from .api_snap import router as snap_router

ROUTERS = [("/conduct", router), ("/conduct", problems_router), ("/conduct", snap_router)]
