"""Safe, forgiving XML parsing for feeds and sitemaps.

No network, no entity expansion, no DTD loading, no huge-tree mode; recover mode
so that the small mistakes real outlets make (stray `&`, bad nesting) do not lose
the whole document.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped]

from crawler.extraction.encoding import decode_xml, strip_xml_declaration


class NotXML(ValueError):
    """The bytes do not parse into an XML element tree."""


def parse_xml(body: bytes, declared_charset: str | None = None) -> etree._Element:
    """The root element of `body`; raises `NotXML` if there is none."""
    text = strip_xml_declaration(decode_xml(body, declared_charset)).strip()
    if not text.startswith("<"):
        raise NotXML("does not start with a tag")
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
