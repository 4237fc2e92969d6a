"""Where an outlet is, from what its homepage says: country, Brazilian state or
Portuguese island, and the timezone that follows.

Brazil spans four zones: AM, RR, RO, MT and MS are UTC-4, AC is UTC-5, the rest
UTC-3 (each state has its own IANA zone, whose history of summer time differs).
Portugal's Azores are an hour behind Lisbon; Madeira keeps Lisbon's time in a zone
of its own. A page says where it is in a `geo.region` meta tag, a JSON-LD postal
address, or its address in the footer ("Cuiabá - MT", "Manaus/AM").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from crawler.extraction.htmldoc import squash

COUNTRY_ZONES = {
    "BR": "America/Sao_Paulo", "PT": "Europe/Lisbon", "AO": "Africa/Luanda",
    "MZ": "Africa/Maputo", "CV": "Atlantic/Cape_Verde", "GW": "Africa/Bissau",
    "ST": "Africa/Sao_Tome", "TL": "Asia/Dili", "MO": "Asia/Macau", "GQ": "Africa/Malabo",
}  # fmt: skip

BRAZIL_STATE_ZONES = {
    "AC": "America/Rio_Branco", "AM": "America/Manaus", "RR": "America/Boa_Vista",
    "RO": "America/Porto_Velho", "MT": "America/Cuiaba", "MS": "America/Campo_Grande",
    "PA": "America/Belem", "AP": "America/Belem", "TO": "America/Araguaina",
    "MA": "America/Fortaleza", "PI": "America/Fortaleza", "CE": "America/Fortaleza",
    "RN": "America/Fortaleza", "PB": "America/Fortaleza", "PE": "America/Recife",
    "AL": "America/Maceio", "SE": "America/Maceio", "BA": "America/Bahia",
    "MG": "America/Sao_Paulo", "ES": "America/Sao_Paulo", "RJ": "America/Sao_Paulo",
    "SP": "America/Sao_Paulo", "PR": "America/Sao_Paulo", "SC": "America/Sao_Paulo",
    "RS": "America/Sao_Paulo", "GO": "America/Sao_Paulo", "DF": "America/Sao_Paulo",
}  # fmt: skip

_STATE_NAMES = {
    "acre": "AC", "amazonas": "AM", "roraima": "RR", "rondonia": "RO", "mato grosso": "MT",
    "mato grosso do sul": "MS", "para": "PA", "amapa": "AP", "tocantins": "TO",
    "maranhao": "MA", "piaui": "PI", "ceara": "CE", "rio grande do norte": "RN",
    "paraiba": "PB", "pernambuco": "PE", "alagoas": "AL", "sergipe": "SE", "bahia": "BA",
    "minas gerais": "MG", "espirito santo": "ES", "rio de janeiro": "RJ", "sao paulo": "SP",
    "parana": "PR", "santa catarina": "SC", "rio grande do sul": "RS", "goias": "GO",
    "distrito federal": "DF",
}  # fmt: skip
_CAPITALS = {
    "rio branco": "AC", "manaus": "AM", "boa vista": "RR", "porto velho": "RO",
    "cuiaba": "MT", "campo grande": "MS",
}  # fmt: skip

ISLAND_ZONES = {"azores": "Atlantic/Azores", "madeira": "Atlantic/Madeira"}
_ISLAND_REGIONS = {"PT-20": "azores", "PT-30": "madeira"}
_ISLAND_WORDS = {
    "acores": "azores", "ponta delgada": "azores", "angra do heroismo": "azores",
    "horta": "azores", "sao miguel": "azores", "terceira": "azores",
    "madeira": "madeira", "funchal": "madeira", "porto santo": "madeira",
}  # fmt: skip

_LANGUAGE_OF = {"BR": "pt-BR", "PT": "pt-PT"}
_TLD_COUNTRIES = frozenset(COUNTRY_ZONES)
_UF = "|".join(BRAZIL_STATE_ZONES)
# "Cuiabá - MT", "Manaus/AM", "Campo Grande (MS)", "Porto Velho, RO"
_CITY_UF = re.compile(rf"[A-ZÀ-Ý][\wÀ-ÿ'.]+(?:\s+[\wÀ-ÿ'.]+){{0,3}}\s*(?:-|–|/|,|\()\s*({_UF})\b")
_ADDRESS_AREAS = re.compile(
    r"footer|rodape|endereco|address|expediente|contato|contact|about|sobre", re.IGNORECASE
)


@dataclass(frozen=True)
class Place:
    """Where the outlet is, and how each part was found (for the catalogue comment)."""

    country: str  # ISO 3166-1 alpha-2, or "" when nothing says
    language: str
    timezone: str
    region: str = ""  # a Brazilian state (UF) or a Portuguese island group
    evidence: tuple[str, ...] = ()


def place_of(root: HtmlElement, url: str) -> Place:
    """Country, language and timezone from a homepage and its URL (see module docstring)."""
    evidence: list[str] = []
    country, how = _country(root, url)
    if how:
        evidence.append(f"country {country} from {how}")
    language = _language(root, country)
    region, where = "", ""
    zone = COUNTRY_ZONES.get(country, "UTC")
    if country == "BR":
        region, where = _brazilian_state(root)
        if region:
            zone = BRAZIL_STATE_ZONES[region]
            evidence.append(f"state {region} from {where}")
    elif country == "PT":
        region, where = _island(root)
        if region:
            zone = ISLAND_ZONES[region]
            evidence.append(f"{region.capitalize()} from {where}")
    if not region and country in ("BR", "PT"):
        evidence.append(
            "no state named on the page: "
            + ("São Paulo time (say so if it is in AM, RR, RO, MT, MS or AC)"
               if country == "BR" else "Lisbon time (say so if it is in the Azores or Madeira)")
        )  # fmt: skip
    return Place(country, language, zone, region, tuple(evidence))


def _country(root: HtmlElement, url: str) -> tuple[str, str]:
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        content = (meta.get("content") or "").strip()
        if name == "geo.region" and content[:2].upper() in _TLD_COUNTRIES:
            return content[:2].upper(), "geo.region"
        if name == "og:locale" and re.match(r"^pt[_-][A-Za-z]{2}$", content):
            return content[3:].upper(), "og:locale"
    lang = (root.get("lang") or "").strip()
    if re.match(r"^pt[_-][A-Za-z]{2}$", lang):
        return lang[3:].upper(), "the page's lang"
    host = urlsplit(url).hostname or ""
    tld = host.rsplit(".", 1)[-1].upper() if "." in host else ""
    if tld in _TLD_COUNTRIES:
        return tld, f"the .{tld.lower()} domain"
    for address in _postal_addresses(root):
        country = str(address.get("addressCountry") or "").strip().upper()
        if country in ("BRASIL", "BRAZIL"):
            return "BR", "its JSON-LD address"
        if country[:2] in _TLD_COUNTRIES and len(country) == 2:
            return country, "its JSON-LD address"
    return "", ""


def _language(root: HtmlElement, country: str) -> str:
    if country in _LANGUAGE_OF:
        return _LANGUAGE_OF[country]
    lang = (root.get("lang") or "").strip().replace("_", "-")
    if re.match(r"^pt-[A-Za-z]{2}$", lang):
        return "pt-" + lang[3:].upper()
    return "pt"


def _brazilian_state(root: HtmlElement) -> tuple[str, str]:
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "geo.region":
            content = (meta.get("content") or "").strip().upper()
            if content.startswith("BR-") and content[3:5] in BRAZIL_STATE_ZONES:
                return content[3:5], "geo.region"
    for address in _postal_addresses(root):
        region = _plain(str(address.get("addressRegion") or ""))
        state = region.upper() if region.upper() in BRAZIL_STATE_ZONES else _STATE_NAMES.get(region)
        if state:
            return state, "its JSON-LD address"
        city = _plain(str(address.get("addressLocality") or ""))
        if city in _CAPITALS:
            return _CAPITALS[city], "its JSON-LD address"
    counts: Counter[str] = Counter()
    for text in _address_texts(root):
        counts.update(_CITY_UF.findall(text))
        plain = _plain(text)
        for city, state in _CAPITALS.items():
            if re.search(rf"\b{city}\b", plain):
                counts[state] += 1
    if counts:
        return counts.most_common(1)[0][0], "the address on the page"
    return "", ""


def _island(root: HtmlElement) -> tuple[str, str]:
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "geo.region":
            region = _ISLAND_REGIONS.get((meta.get("content") or "").strip().upper())
            if region:
                return region, "geo.region"
    texts = [
        " ".join(str(a.get(k) or "") for k in ("addressRegion", "addressLocality"))
        for a in _postal_addresses(root)
    ]
    on_page = _address_texts(root)
    for source, found in (("its JSON-LD address", texts), ("the address on the page", on_page)):
        counts: Counter[str] = Counter()
        for text in found:
            plain = _plain(text)
            for word, region in _ISLAND_WORDS.items():
                if re.search(rf"\b{word}\b", plain):
                    counts[region] += 1
        if counts:
            return counts.most_common(1)[0][0], source
    return "", ""


def _address_texts(root: HtmlElement) -> list[str]:
    """Texts of the parts of a page where an outlet writes its address."""
    texts = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if element.tag in ("footer", "address") or _ADDRESS_AREAS.search(marks):
            texts.append(squash(element.text_content()))
    return texts


def _postal_addresses(root: HtmlElement) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        _collect_addresses(data, found, depth=0)
    return found


def _collect_addresses(data: object, found: list[dict[str, object]], depth: int) -> None:
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            _collect_addresses(item, found, depth + 1)
    elif isinstance(data, dict):
        address = data.get("address")
        if isinstance(address, dict):
            found.append(address)
        for value in data.values():
            if isinstance(value, dict | list):
                _collect_addresses(value, found, depth + 1)


def _plain(text: str) -> str:
    """Lowercase, without accents, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return squash("".join(c for c in decomposed if not unicodedata.combining(c)))
