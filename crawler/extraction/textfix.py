"""Text as a reader sees it: no invisible characters, no double-encoded accents.

- Soft hyphens and zero-width characters are invisible on the page but split
  words for any program ("Rús\u00adsia" would not match "Rússia"): they are
  removed from the document before it is parsed, written as characters or as
  entities.
- Double-encoded text ("SÃ£o Paulo": UTF-8 read as windows-1252 once too often,
  somewhere between the newsroom's CMS and the page) is repaired with ftfy, which
  changes a string only when the repair is unambiguous. Only strings that show
  the tell-tale pairs are looked at, so clean text costs a regex search.
"""

from __future__ import annotations

import re

import ftfy

_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"
_SOME_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# "Ã" + soft hyphen is "í" encoded twice (C3 AD): left for `repair_mojibake`
_ANY_INVISIBLE = re.compile(f"(?<!Ã)\u00ad|[{_INVISIBLE_CHARS[1:]}]")
_INVISIBLE_ENTITY = re.compile(
    r"&(?:shy|ZeroWidthSpace|zwnj|zwj|NoBreak);"
    r"|&#(?:173|0*[xX]0*[aA][dD]|820[345]|8288|65279|[xX]0*200[bBcCdD]|[xX]0*2060"
    r"|[xX]0*[fF][eE][fF][fF]);"
)
# "Ã£", "Ã©", "â€œ", "Â·": a lead character of a UTF-8 sequence read as windows-1252,
# followed by what a continuation byte becomes in windows-1252.
_MOJIBAKE = re.compile(
    "[ÂÃÅâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


def strip_invisible(text: str) -> str:
    """`text` (a whole document or one string) without soft hyphens and zero-width
    characters, whether written as characters or as HTML entities."""
    if "&" in text:
        text = _INVISIBLE_ENTITY.sub("", text)
    if _SOME_INVISIBLE.search(text):
        text = _ANY_INVISIBLE.sub("", text)
    return text


def repair_text(text: str) -> str:
    """`text` with double-encoded accents repaired and invisible characters removed."""
    return strip_invisible(repair_mojibake(text)).replace("\u00ad", "")


def repair_mojibake(text: str) -> str:
    """`text` with double-encoded accents repaired, when it shows them."""
    if _MOJIBAKE.search(text):
        text = ftfy.fix_text(text, _FTFY)
    return text
