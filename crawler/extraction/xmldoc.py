"""Safe, forgiving XML parsing for feeds and sitemaps.

No network, no entity expansion, no DTD loading, no huge-tree mode; recover mode
so that the small mistakes real outlets make (stray `&`, bad nesting) do not lose
the whole document. A document that declares its own entities (`<!ENTITY` in its
DOCTYPE, the shape of "billion laughs" and XXE attacks; no real feed needs one) is
refused outright, so it shows as an error rather than as a feed quietly read wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]

from crawler.extraction.encoding import decode_xml, strip_xml_declaration


class BadXML(ValueError):
    """A document that is not read; `why` says so to a user."""

    kind = "bad XML"

    @property
    def why(self) -> str:
        return f"{self.kind}: {self}"


class NotXML(BadXML):
    """The bytes do not parse into an XML element tree."""

    kind = "not XML"


class UnsafeXML(BadXML):
    """The document declares entities: refused unread."""

    kind = "refused"


_PROLOG_LIMIT = 1 << 20
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


def parse_xml(body: bytes, declared_charset: str | None = None) -> etree._Element:
    """The root element of `body`; raises `NotXML` if there is none, `UnsafeXML` if it
    declares entities."""
    text = strip_xml_declaration(decode_xml(body, declared_charset)).strip()
    if not text.startswith("<"):
        raise NotXML("does not start with a tag")
    _refuse_entity_declarations(text)
    parser = etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError as error:
        raise NotXML(str(error)) from error
    if root is None:
        raise NotXML("no root element")
    return root


def _refuse_entity_declarations(text: str) -> None:
    subset = _INTERNAL_SUBSET.search(text, 0, _PROLOG_LIMIT)
    if subset is None:
        return
    end = text.find("]>", subset.end())
    declarations = text[subset.end() : end if end >= 0 else len(text)]
    if _ENTITY_DECLARATION.search(declarations):
        raise UnsafeXML(
            "the document declares XML entities (<!ENTITY>), the shape of an entity-expansion "
            "attack; refused unread"
        )


def local_name(element: etree._Element) -> str:
    """The tag without its namespace, lower-cased; '' for comments and PIs."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Child elements whose local name is `name` (lower-case), any namespace."""
    for child in element:
        if local_name(child) == name:
            yield child


def child_text(element: etree._Element, *names: str) -> str:
    """Stripped text of the first non-empty child with one of `names`, in that order."""
    for name in names:
        for child in children(element, name):
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return ""


def descendants(element: etree._Element, name: str) -> Iterator[etree._Element]:
    """Descendant elements whose local name is `name` (lower-case), any namespace."""
    for node in element.iter():
        if local_name(node) == name:
            yield node
