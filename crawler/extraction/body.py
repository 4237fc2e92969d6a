"""The running text of an article, via trafilatura, without the furniture around it."""

from __future__ import annotations

import logging
import re
import unicodedata

import trafilatura
from lxml.html import HtmlElement  # type: ignore[import-untyped]

_BOILERPLATE = re.compile(
    r"^(?:leia (?:também|mais|a seguir)|veja (?:também|mais|o vídeo)|saiba mais|"
    r"mais lidas|relacionad[ao]s|compartilh[ea]|siga (?:o|a|os|as)\b|receba (?:as|nossas)|"
    r"assine\b|inscreva-se|clique aqui|publicidade$|continua após|conteúdo exclusivo|"
    r"este conteúdo é exclusivo|você atingiu o limite|para continuar lendo|já é assinante|"
    r"faça seu login|comentários$|compartilhar$|ouvir (?:o )?texto|tópicos$|"
    r"veja os vídeos|vídeos?:|ver comentários|o texto a seguir|apoie\b|seja (?:sócio|assinante)|"
    r"confira (?:as últimas|mais)|acompanhe (?:o|a)\b.*\b(?:facebook|instagram|twitter|whatsapp)|"
    r"para começar e terminar o dia|receba (?:no|por) e-?mail|newsletter)",
    re.IGNORECASE,
)
_LEIA_INLINE = re.compile(r"^(?:leia|veja|saiba)\s+(?:também|mais)\s*[:\-–—]", re.IGNORECASE)
_ICON = re.compile(r"^[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_KICKER_MAX = 40
_HEAD_WINDOW = 3
_PHOTO_CREDIT = re.compile(r"^\d+ de \d+\s|—\s*Foto:\s*[^.]*$|^Foto:\s", re.IGNORECASE)

_MIN_PARAGRAPH = 25
_MIN_CONTAINER_TEXT = 400
_MIN_CONTAINER_SHARE = 0.6
_TEXT_TAGS = ("p", "h2", "h3", "li", "blockquote")
_FURNITURE_TAGS = frozenset(
    {"nav", "header", "footer", "aside", "form", "figure", "figcaption", "button", "template"}
)
_FURNITURE_CLASS = re.compile(
    r"related|relacionad|leia-?tamb|comment|coment[aá]rio|share|compartilh|newsletter|"
    r"\bads?\b|publicidade|social|mais-?lidas|most-read|recommend|teaser|\bcard|sidebar|"
    r"widget|promo|paywall|banner|footer|menu|breadcrumb",
    re.IGNORECASE,
)

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def extract_body(root: HtmlElement, url: str) -> str:
    """Paragraphs of running text separated by blank lines; '' if none is found.

    The element that holds most of the page's paragraphs gives the text when
    there is one (fast, and precise on the usual news markup); otherwise
    trafilatura reads the page. trafilatura copies the tree it is given, so
    `root` is left as it was.
    """
    container_texts = _text_container_texts(root)
    if container_texts is not None:
        return "\n\n".join(_paragraphs("\n".join(container_texts)))
    document = trafilatura.bare_extraction(
        root,
        url=url or None,
        fast=True,
        include_comments=False,
        include_tables=False,
        with_metadata=False,
    )
    if document is None:
        return ""
    text = str(getattr(document, "text", "") or "")
    return "\n\n".join(_paragraphs(text))


def _text_container_texts(root: HtmlElement) -> list[str] | None:
    """The texts of the element holding most of the page's paragraph text, if one clearly does.

    Each paragraph scores its length for its parent and half of it for its
    grandparent (paragraphs wrapped one by one in their own <div> still add up).
    """
    scores: dict[HtmlElement, float] = {}
    total = 0
    for paragraph in root.iter("p"):
        length = len(paragraph.text_content().strip())
        if length < _MIN_PARAGRAPH or _in_furniture(paragraph, stop=None):
            continue
        total += length
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + length
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0) + length / 2
    if not scores:
        return None
    texts = _container_texts(max(scores, key=lambda element: scores[element]))
    kept = sum(len(text) for text in texts)
    if kept < _MIN_CONTAINER_TEXT or kept < _MIN_CONTAINER_SHARE * total:
        return None
    return texts


def _container_texts(container: HtmlElement) -> list[str]:
    texts = []
    for element in container.iter(*_TEXT_TAGS):
        if element.tag == "li" and element.find(".//a") is not None:
            continue  # a list of links: related articles, tags
        if _nested_in_text(element, container) or _in_furniture(element, stop=container):
            continue
        text = re.sub(r"\s+", " ", element.text_content()).strip()
        if text:
            texts.append(text)
    return texts


def _nested_in_text(element: HtmlElement, container: HtmlElement) -> bool:
    node = element.getparent()
    while node is not None and node is not container:
        if node.tag in _TEXT_TAGS:
            return True
        node = node.getparent()
    return False


def _in_furniture(element: HtmlElement, stop: HtmlElement | None) -> bool:
    """Whether the element sits in navigation, a sidebar, comments, ads or a share box."""
    node: HtmlElement | None = element
    while node is not None and node is not stop:
        if node.tag in _FURNITURE_TAGS:
            return True
        marks = f"{node.get('class') or ''} {node.get('id') or ''}"
        if marks.strip() and _FURNITURE_CLASS.search(marks):
            return True
        node = node.getparent()
    return False


def tidy_body(body: str, *, drop: list[str]) -> str:
    """`body` without leading paragraphs that repeat the headline or the lead."""
    paragraphs = body.split("\n\n") if body else []
    unwanted = {_key(d) for d in drop if d.strip()}
    head = [_key(p) in unwanted for p in paragraphs[:_HEAD_WINDOW]]
    if any(head):
        last = max(i for i, repeated in enumerate(head) if repeated)
        kept_before = [p for p, r in zip(paragraphs[:last], head, strict=False) if not r]
        if all(len(p) <= _KICKER_MAX for p in kept_before):  # a kicker such as "Ao minuto"
            paragraphs = paragraphs[last + 1 :]
    while paragraphs and _key(paragraphs[0]) in unwanted:
        paragraphs.pop(0)
    return "\n\n".join(paragraphs)


def _paragraphs(text: str) -> list[str]:
    result: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        if not line or _BOILERPLATE.match(line) or _LEIA_INLINE.match(line) or _ICON.match(line):
            continue
        if _PHOTO_CREDIT.search(line) and len(line) < 200:
            continue
        result.append(line)
    return result


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", folded)
