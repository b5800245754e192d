"""The models of insight, one module per feature (Django looks for them here)."""

from .models_hotspots import HotspotCase, HotspotProblem, HotspotRun, RunStatus

__all__ = ["HotspotCase", "HotspotProblem", "HotspotRun", "RunStatus"]
