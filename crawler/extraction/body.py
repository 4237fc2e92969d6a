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

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def extract_body(root: HtmlElement, url: str) -> str:
    """Paragraphs of running text separated by blank lines; '' if trafilatura finds none.

    trafilatura copies the tree it is given, so `root` is left as it was.
    """
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
