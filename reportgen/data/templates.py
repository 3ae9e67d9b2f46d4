"""The template sources of one report, read from disk once, at load time.

Templates are looked up in a chain, first hit wins (`project.template_search_path`): the
province's own ``data/<slug>/templates/``, the project's ``templates/``, the theme shipped in
the package. `dataset.load_templates` reads every template file of the chain (``*.html``,
``*.jinja``, ``*.j2``) into a `TemplateSources`: for each name (``sections/cong_nghiep.html``)
the text and the file it came from (kept for error messages). The render stage compiles and
checks templates from this object only, so nothing after loading reads `data/`. The
stylesheet in force (the first ``style/print.css`` of the chain) is read at the same time into a
`Stylesheet`, with every file of the province's own templates folder (images and fonts its
``url()`` may name): the writers take it from the Document. This module only holds the types:
it reads nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

#: file names the template chain offers to Jinja (what `{% include %}` can name)
TEMPLATE_SUFFIXES = (".html", ".jinja", ".j2")
#: the most a province's templates folder may hold for its stylesheet's url() (images, fonts)
MAX_STYLE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class TemplateFile:
    """One template as read: its text (None when the bytes are not UTF-8) and its file."""

    name: str  # as templates name it: "sections/cong_nghiep.html"
    filename: str  # the file it was read from (absolute, as Jinja's file loader gave it)
    source: Optional[str]


@dataclass(frozen=True)
class TemplateSources:
    """Every template a report can use, read once; hashable, so one compiled environment
    serves every report with the same templates."""

    files: tuple[TemplateFile, ...]

    def get(self, name: str) -> Optional[TemplateFile]:
        return self._by_name().get(name)

    def names(self) -> list[str]:
        return sorted(self._by_name())

    def _by_name(self) -> dict[str, TemplateFile]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {f.name: f for f in self.files}
            object.__setattr__(self, "_index", cached)
        return cached

    def __hash__(self) -> int:
        return hash(self.files)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TemplateSources) and self.files == other.files


@dataclass(frozen=True)
class Stylesheet:
    """The print stylesheet as read at load time. `text` None: it could not be read (`error`
    says why; the writers then refuse with that message). `roots`: the template folders a
    ``url()`` may point into. `files`: the bytes of every file of the province's own templates
    folder (`local_root`), by resolved path: a ``url()`` into that folder is served from here,
    never read again (the other folders are the project's and the package's, not data)."""

    filename: str
    text: Optional[str]
    roots: tuple[str, ...] = ()
    local_root: Optional[str] = None
    files: tuple[tuple[str, bytes], ...] = ()
    error: str = ""

    def file(self, path: str) -> Optional[bytes]:
        return dict(self.files).get(path)
