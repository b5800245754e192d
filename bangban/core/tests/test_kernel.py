"""The kernel imports no other app, and no app imports the shell (docs/architecture.md, "Kernel and
shell"): read from the source, lazy imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _sources(app: str) -> list[Path]:
    return [p for p in (PACKAGE / app).rglob("*.py") if "tests" not in p.parts]


def _app_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "bangban" and len(parts) > 1 else None


def test_the_kernel_imports_no_other_app():
    found = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in _sources("core")
        for name in _imports(path)
        if _app_of(name) not in (None, "core")
    }
    assert not found


def test_no_app_imports_the_shell():
    apps = [p.name for p in PACKAGE.iterdir() if (p / "apps.py").exists() and p.name != "shell"]
    assert "core" in apps and "tickets" in apps
    found = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for app in apps
        for path in _sources(app)
        for name in _imports(path)
        if _app_of(name) == "shell"
    }
    assert not found
