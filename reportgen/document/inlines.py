"""Inline content: its four kinds and the one walk over them.

Text in the Document is made of `Text`, `Strong`, `Emph` and `LineBreak`. Every reader of
inline content (plain text `inline_text`, the debug dump `types.dump`, the HTML writer, the
DOCX writer) is an `InlineVisitor` that says what each kind becomes; the dispatch on a node's
kind is written here only, so a new inline kind is added in one place, and a visitor that does
not handle it fails with a TypeError instead of dropping text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Union


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class Emph:
    children: tuple["Inline", ...]


@dataclass(frozen=True)
class LineBreak:
    pass


Inline = Union[Text, Strong, Emph, LineBreak]

_HANDLERS = {Text: "text", Strong: "strong", Emph: "emph", LineBreak: "line_break"}


class InlineVisitor:
    """A walk over inline content: one method per kind.

    `walk(nodes, *context)` calls `text`, `strong`, `emph` or `line_break` with each node and
    the context, and returns their results in order; `strong` and `emph` walk their children
    themselves (wrapping the result, or with a changed context)."""

    def walk(self, nodes: Iterable[Inline], *context: Any) -> list:
        return [self.visit(node, *context) for node in nodes]

    def visit(self, node: Inline, *context: Any):
        name = _HANDLERS.get(type(node))
        if name is None:
            raise TypeError(f"unknown inline {node!r}")
        return getattr(self, name)(node, *context)

    def text(self, node: Text, *context: Any):
        raise NotImplementedError

    def strong(self, node: Strong, *context: Any):
        raise NotImplementedError

    def emph(self, node: Emph, *context: Any):
        raise NotImplementedError

    def line_break(self, node: LineBreak, *context: Any):
        raise NotImplementedError


class InlineString(InlineVisitor):
    """Inline content as one string: by default its plain text, a line break a newline."""

    line_break_text = "\n"

    def __call__(self, nodes: Iterable[Inline]) -> str:
        return "".join(self.walk(nodes))

    def text(self, node: Text) -> str:
        return node.text

    def strong(self, node: Strong) -> str:
        return self(node.children)

    def emph(self, node: Emph) -> str:
        return self(node.children)

    def line_break(self, node: LineBreak) -> str:
        return self.line_break_text


class InlineMarkup(InlineString):
    """Inline content as markup: `<strong>`, `<em>` and a break element around the text."""

    line_break_text = "<br/>"

    def strong(self, node: Strong) -> str:
        return f"<strong>{self(node.children)}</strong>"

    def emph(self, node: Emph) -> str:
        return f"<em>{self(node.children)}</em>"


_PLAIN = InlineString()


def inline_text(inlines: Iterable[Inline]) -> str:
    """Plain text of inline content; a line break becomes a newline."""
    return _PLAIN(inlines)
