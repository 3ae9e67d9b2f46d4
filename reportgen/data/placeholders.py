"""The placeholders of an author's sentence (``{id}``, ``{id.form}``, ``{{``/``}}``), found
without the figures: `figures.SectionView` needs the ids its sentences say, and
`sentences.py` (which fills them from the figures) builds on this.
"""
from __future__ import annotations

import re
from typing import Optional

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
NAME = re.compile(r"^\s*(\w+)(?:\.(\w+))?\s*$")


def placeholders(pattern: str) -> list[tuple[int, str, Optional[str]]]:
    """(offset, id, form) of every well-formed placeholder of a sentence."""
    out = []
    for m in PLACEHOLDER.finditer(pattern):
        if m.group(1) is not None:
            n = NAME.match(m.group(1))
            if n:
                out.append((m.start(), n.group(1), n.group(2)))
    return out


def bound_ids(patterns: list[str]) -> set[str]:
    return {name for p in patterns for _, name, _ in placeholders(p)}
