"""Writers: one module per format, each exporting `render(doc, **options) -> bytes`.

Stage 4. A writer walks the `Document` and nothing else; it never knows about indicators. It
may import the base modules and `reportgen.document`; never data, render, build, authoring or
the CLI. Modules are imported lazily so that WeasyPrint is loaded only when a PDF is written.
"""
from __future__ import annotations

import importlib

FORMATS = ("pdf", "docx", "html")


def writer(fmt: str):
    """The `render` function of a format's writer."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return importlib.import_module(f"{__name__}.{fmt}").render
