"""Where a project's folders are: data, templates, output (defaults relative to the cwd)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    data: Path = Path("data")
    templates: Path = Path("templates")
    output: Path = Path("output")
