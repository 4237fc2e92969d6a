"""Parse an HTML page once into an lxml tree that every extractor then reads."""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]
from lxml.html import HtmlElement, HTMLParser, document_fromstring  # type: ignore[import-untyped]

from crawler.extraction.encoding import decode_html, strip_xml_declaration
from crawler.extraction.textfix import strip_invisible

_PARSER = HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False, no_network=True)
_SPACE = re.compile(r"\s+")


class EmptyDocument(ValueError):
    """The bytes hold no HTML document at all."""


def parse_html(html: bytes | str, declared_charset: str | None = None) -> HtmlElement:
    """The document's root `<html>` element; raises `EmptyDocument` if there is none.

    Soft hyphens and zero-width characters are removed first (see `textfix`).
    """
    text = decode_html(html, declared_charset) if isinstance(html, bytes) else html
    text = strip_invisible(strip_xml_declaration(text).replace("\x00", ""))
    if not text.strip():
        raise EmptyDocument("empty document")
    try:
        return document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise EmptyDocument(str(error)) from error


def text_of(element: HtmlElement) -> str:
    """The element's visible text on one line, whitespace collapsed."""
    return _SPACE.sub(" ", element.text_content()).strip()


_WIDGET_TAGS = frozenset({"button", "script", "style", "noscript", "svg", "select", "template"})


def visible_text_of(element: HtmlElement) -> str:
    """Like `text_of`, without the labels of buttons, scripts and other widgets inside."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if isinstance(node.tag, str) and node.tag not in _WIDGET_TAGS and not _hidden(node):
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")
        elif not isinstance(node.tag, str):
            for child in node:
                parts.append(child.tail or "")

    walk(element)
    return squash("".join(parts))


def has_hidden_parts(element: HtmlElement) -> bool:
    """Whether the element holds buttons or hidden elements whose text nobody sees."""
    return bool(_HIDDEN_PARTS(element))


def _hidden(node: HtmlElement) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return node.get("hidden") is not None or "display:none" in style


_HIDDEN_PARTS = etree.XPath(
    ".//*[self::button or self::script or self::style or @hidden"
    " or contains(translate(@style, ' ', ''), 'display:none')]"
)


def squash(text: str) -> str:
    """`text` on one line, whitespace collapsed."""
    return _SPACE.sub(" ", text).strip()
