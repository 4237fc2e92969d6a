"""The shipped catalogue: evidence for every enabled outlet, and links attributed right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.attribution import Place, attribute
from crawler.catalogue import load_catalogue

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "outlets.yaml"
CATALOGUE = load_catalogue(SEEDS)
EVIDENCE = re.compile(r"^\s*# Evidence \((?:\d{4}(?:-\d{2}){0,2}|undated)\): \S")


def _comment_blocks() -> dict[str, list[str]]:
    """The comment lines written just above each `- id:` of the file."""
    blocks: dict[str, list[str]] = {}
    comments: list[str] = []
    for line in SEEDS.read_text(encoding="utf-8").splitlines():
        found = re.match(r"^\s*- id: (\S+)", line)
        if found:
            blocks[found.group(1)] = comments
            comments = []
        elif line.strip().startswith("#"):
            comments.append(line)
        elif not line.strip():
            continue
        else:
            comments = []
    return blocks


def test_every_enabled_outlet_says_what_its_sources_rest_on_and_when() -> None:
    blocks = _comment_blocks()
    missing = [
        outlet.id
        for outlet in CATALOGUE.enabled
        if not any(EVIDENCE.match(line) for line in blocks.get(outlet.id, []))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("outlet", "url", "place", "owner"),
    [
        ("uol", "https://www1.folha.uol.com.br/poder/2018/09/x.shtml", Place.ATTRIBUTED, "folha"),
        ("uol", "https://economia.uol.com.br/noticias/efe/2018/09/24/x.htm", Place.OWN, "uol"),
        ("uol", "https://agoraequesaoelas.blogfolha.uol.com.br/?p=1609", Place.ATTRIBUTED, "folha"),
        ("uol", "https://tnonline.uol.com.br/noticias/apucarana/45,470927", Place.OFFSITE, None),
        ("uol", "https://g1.globo.com/mundo/noticia/2026/x.ghtml", Place.DISABLED, "g1"),
        ("sapo", "https://observador.pt/2026/11/30/x/", Place.ATTRIBUTED, "observador"),
        ("sapo", "https://eco.sapo.pt/2026/11/30/x/", Place.ATTRIBUTED, "eco"),
        ("rfi-portugues", "https://www.rfi.fr/pt/mundo/x", Place.OWN, "rfi-portugues"),
    ],
)
def test_links_in_shipped_outlets_feeds_are_attributed_to_their_owner(
    outlet: str, url: str, place: Place, owner: str | None
) -> None:
    found = attribute(url, CATALOGUE.by_id[outlet], CATALOGUE)
    assert found.place is place
    assert (found.owner.id if found.owner else None) == owner


def test_outlets_in_utc_minus_4_states_and_the_islands_have_their_own_zone() -> None:
    zones = {outlet.id: outlet.timezone for outlet in CATALOGUE}
    assert zones["campo-grande-news"] == "America/Campo_Grande"
    assert zones["dnoticias-madeira"] == "Atlantic/Madeira"
    assert zones["acoriano-oriental"] == "Atlantic/Azores"


def test_catalogue_urls_the_issue_corrected() -> None:
    by_id = CATALOGUE.by_id
    assert by_id["brasil-de-fato"].feeds == ("https://www.brasildefato.com.br/rss2.xml",)
    assert by_id["sapo"].feeds == ("https://noticias.sapo.pt/rss/ultimas/",)
    assert by_id["tatoli"].feeds == ("https://tatoli.tl/feed/",)
    assert "https://www.publico.pt/sitemaps/sitemapindex.xml" in by_id["publico"].sitemaps
    assert all("channelid=" in feed for feed in by_id["terra"].feeds)


def test_the_owner_index_answers_as_the_catalogue_does() -> None:
    from crawler.attribution import OwnerIndex
    from crawler.ownership import url_host

    index = OwnerIndex(list(CATALOGUE))
    hosts = {p.host for outlet in CATALOGUE for p in outlet.owned_hosts}
    urls = [f"https://{prefix}{host}/x" for host in hosts for prefix in ("", "www.", "a.b.")]
    urls += ["https://www.rfi.fr/pt/x", "https://nada.example/x", "http://127.0.0.1:8080/x"]
    for url in urls:
        found = index.best(*url_host(url))
        assert (found[1].id if found else None) == (
            owner.id if (owner := CATALOGUE.owner_of(url)) else None
        ), url
