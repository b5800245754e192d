"""Templates and menus follow the glossary (docs/glossary.md): none uses a retired name of an action."""

from __future__ import annotations

import re
from pathlib import Path

from bangban.core.plugins import plugins

ROOT = Path(__file__).resolve().parents[3]
GLOSSARY = ROOT / "docs" / "glossary.md"


def retired_names() -> list[str]:
    text = GLOSSARY.read_text(encoding="utf-8")
    table = text.split("## Retired names", 1)[1]
    rows = re.findall(r"^\| ([^|]+?) \| [^|]+ \|$", table, flags=re.MULTILINE)
    return [name for name in rows if name not in {"retired", "---"} and not name.startswith("-")]


def test_the_glossary_lists_retired_names():
    assert "我要反映问题" in retired_names() and len(retired_names()) >= 3


def test_no_template_or_menu_uses_a_retired_name():
    names = retired_names()
    offenders = []
    for path in sorted((ROOT / "bangban").glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in text]
    for _config, declared in plugins("nav"):
        offenders += [f"menu {item.label}" for item in declared for n in names if n in item.label]
    assert offenders == []
