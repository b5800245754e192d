"""What every benchmark prints beside its figures: the machine (CPU model) and its load at the
moment of measuring (`uptime`), so that a figure in docs/performance.md can be read against the
conditions it was taken in. Imported as `benchmarks._common` (each script puts the repository
root on `sys.path` first)."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (the platform's description elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def uptime() -> str:
    """`uptime`'s line (the load averages), or a note when it cannot run."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "(uptime unavailable)"
