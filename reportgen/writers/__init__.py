"""Writers: one module per format, each exporting `render(doc, **options) -> bytes`.

Stage 4. A writer walks the `Document` and nothing else; it never knows about indicators. It
may import the base modules and `reportgen.document`; never data, render, build, authoring or
the CLI. Modules are imported lazily so that WeasyPrint is loaded only when a PDF is written.
"""
from __future__ import annotations

import importlib

FORMATS = ("pdf", "docx", "html")


def _module(fmt: str):
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return importlib.import_module(f"{__name__}.{fmt}")


def writer(fmt: str):
    """The `render` function of a format's writer."""
    return _module(fmt).render


def prepare(fmt: str) -> None:
    """Load the libraries a format's writer renders with now rather than in its first render
    (WeasyPrint for the PDF; raises the writer's WriteError when it cannot): a module may
    define `prepare()`."""
    hook = getattr(_module(fmt), "prepare", None)
    if hook is not None:
        hook()
