"""Turn downloaded bytes into text, the way real outlets actually encode them.

Order of evidence: a byte-order mark, then the charset the HTTP response declared,
then the document's own declaration (`<meta charset>` or `<?xml encoding?>`), then
the bytes themselves. ISO-8859-1 is read as windows-1252 (as browsers do).

The bytes have the last word between UTF-8 and windows-1252, whatever was declared:
a page whose non-ASCII bytes are mostly well-formed UTF-8 sequences is UTF-8 (a
server-wide "ISO-8859-1" header often sits on top of UTF-8 pages), and the odd
byte that is not (a stray Latin-1 "é" pasted into a UTF-8 template, a page cut in
the middle of a character) is read as windows-1252 on its own, so one bad byte
never turns the whole page into mojibake. Latin-1 text that happens to form valid
multi-byte UTF-8 is vanishingly rare, so the count decides safely.
"""

from __future__ import annotations

import codecs
import re

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# windows-1252 leaves five bytes undefined; browsers map them to the C1 controls.
_CP1252_TABLE = "".join(
    bytes([b]).decode("cp1252", errors="replace").replace("\ufffd", chr(b)) for b in range(256)
)

_SINGLE_BYTE_LATIN = {"cp1252", "latin_1", "ascii", "iso8859_15"}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE
)
_SNIFF_BYTES = 8192


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode an HTML document; never raises."""
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return _decode(body, declared, match.group(1).decode("ascii") if match else None)


def decode_xml(body: bytes, declared: str | None = None) -> str:
    """Decode an XML document (feed, sitemap); never raises.

    The XML declaration is left in the text; `strip_xml_declaration` removes it
    before the text is handed to a parser that refuses declarations in str input.
    """
    match = _XML_ENCODING.search(body[:_SNIFF_BYTES])
    return _decode(body, declared, match.group(1).decode("ascii") if match else None)


def strip_xml_declaration(text: str) -> str:
    """Remove a leading `<?xml ...?>` declaration (and a BOM) from decoded text."""
    return re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", text, count=1)


def normalise_charset(name: str | None) -> str | None:
    """The Python codec name for a charset label, or None if unknown.

    ISO-8859-1, Latin-1 and US-ASCII become windows-1252, as in browsers.
    """
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):  # unknown name, or one with a NUL in it
        return None
    codec = codec.replace("-", "_")
    if codec in {"latin_1", "iso8859_1", "ascii"}:
        return "cp1252"
    return codec


def _decode(body: bytes, declared: str | None, in_document: str | None) -> str:
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(bom_codec, errors="replace")
    for label in (declared, in_document):
        codec = normalise_charset(label)
        if codec is None or codec.startswith(("utf_16", "utf_32")):
            continue  # without a BOM, a 16/32-bit declaration is a lie
        return _decode_as(body, codec)
    return _decode_as(body, "utf_8")


def _decode_as(body: bytes, codec: str) -> str:
    if codec == "utf_8" or (codec in _SINGLE_BYTE_LATIN and not body.isascii()):
        text = _decode_mostly_utf8(body)
        if text is not None:
            return text
        if codec == "utf_8":
            return _decode_cp1252(body)
    if codec == "cp1252":
        return _decode_cp1252(body)
    try:
        return body.decode(codec, errors="replace")
    except (LookupError, UnicodeError):  # not a text encoding ("base64", "undefined")
        return _decode_as(body, "utf_8")


def _decode_mostly_utf8(body: bytes) -> str | None:
    """`body` as UTF-8 when its non-ASCII bytes are mostly well-formed UTF-8, each
    stray byte read as windows-1252; None when they are mostly not UTF-8."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY_BYTE.findall(text))
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    well_formed = non_ascii - stray
    if well_formed <= stray:
        return None
    return _STRAY_BYTE.sub(lambda m: _CP1252_TABLE[ord(m.group()) - 0xDC00], text)


_STRAY_BYTE = re.compile("[\udc80-\udcff]")


def _decode_cp1252(body: bytes) -> str:
    return body.decode("latin-1").translate(_CP1252_TABLE)
