"""`atalaia add-outlet`: a catalogue entry that `check` accepts, from a homepage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from atalaia.redis_keys import Keys
from crawler.extraction.htmldoc import parse_html
from crawler.outlet_places import place_of
from tests.crawl.crawling import atalaia
from tests.newsroom import Newsroom

WORDPRESS_HOME = """<!DOCTYPE html><html lang="pt-BR"><head>
<title>Diário do Planalto - Notícias de Cuiabá e Mato Grosso</title>
<meta property="og:site_name" content="Diário do Planalto">
<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed/">
<link rel="alternate" type="application/rss+xml" title="Comentários" href="/comments/feed/">
<link rel="stylesheet" href="/wp-content/themes/planalto/style.css"></head>
<body><main><h2><a href="/2025/07/15/chuva/">Manaus - AM tem chuva forte</a></h2></main>
<footer class="site-footer"><p>Diário do Planalto · Av. Getúlio Vargas, 1000 - Centro,
Cuiabá - MT, 78005-000</p></footer></body></html>"""

AZORES_HOME = """<!DOCTYPE html><html lang="pt-PT"><head><title>Diário Atlântico</title>
<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head>
<body><footer><address>Rua do Mercado, 20, 9500-326 Ponta Delgada, Açores</address>
</footer></body></html>"""


def _add(*args: str, redis_url: str, keys: Keys) -> tuple[int, dict[str, Any], str]:
    result = atalaia("add-outlet", "--json", *args, redis_url=redis_url, keys=keys)
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, report, result.stderr


def _catalogue(path: Path) -> Path:
    path.write_text(
        "# Our outlets: keep this comment.\noutlets:\n\n  # The first one.\n"
        "  - id: primeiro\n    name: Primeiro\n    homepage: https://primeiro.example/\n"
        "    feeds: [https://primeiro.example/feed/]\n\n# Trailing note.\n",
        encoding="utf-8",
    )
    return path


def test_add_outlet_finds_the_announced_feed_and_the_state_and_writes_an_entry(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    with Newsroom(articles_per_outlet=3) as room:
        home = room.serve("diario-planalto", "/", WORDPRESS_HOME, "text/html; charset=utf-8")
        catalogue = _catalogue(tmp_path / "outlets.yaml")
        code, report, err = _add(
            home, "--allow-private-network", "--write", "--outlets", str(catalogue),
            redis_url=redis_url, keys=keys,
        )  # fmt: skip
        assert code == 0, err
        entry = report["entry"]
        assert entry["id"] == "diario-do-planalto"
        assert entry["name"] == "Diário do Planalto"
        assert (entry["country"], entry["language"]) == ("BR", "pt-BR")
        assert entry["timezone"] == "America/Cuiaba"  # MT, from the footer's address
        assert entry["feeds"] == [room.url("diario-planalto", "/feed/")]
        assert entry["enabled"] is True
        assert any("Evidence (" in line and "rel=" in line for line in report["comments"])
        assert not room.requests_for("diario-planalto", "/comments/")

    text = catalogue.read_text(encoding="utf-8")
    assert text.startswith("# Our outlets: keep this comment.\n")
    assert "  # The first one.\n" in text and "# Trailing note.\n" in text
    assert "  - id: diario-do-planalto\n" in text
    check = atalaia("check", "--json", "--outlets", str(catalogue), redis_url=redis_url, keys=keys)
    assert check.returncode == 0, check.stderr
    plan = {o["id"]: o for o in json.loads(check.stdout)["outlets"]}
    assert plan["diario-do-planalto"]["timezone"] == "America/Cuiaba"
    assert plan["diario-do-planalto"]["sources"]["feeds"] == 1

    again = atalaia(
        "add-outlet", home, "--write", "--outlets", str(catalogue), redis_url=redis_url, keys=keys
    )
    assert again.returncode == 2  # the same id again: refused, file untouched
    assert catalogue.read_text(encoding="utf-8") == text


def test_add_outlet_reads_news_sitemaps_from_robots_txt(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    with Newsroom(articles_per_outlet=3) as room:
        code, report, err = _add(
            room.url("portal-rede", "/"), "--allow-private-network", "--id", "rede",
            redis_url=redis_url, keys=keys,
        )  # fmt: skip
        assert code == 0, err
        assert report["entry"]["id"] == "rede"
        assert report["entry"]["sitemaps"] == [room.url("portal-rede", "/sitemap/site/news.xml")]
        assert "feeds" not in report["entry"]
        assert room.requests_for("portal-rede", "/robots.txt")


def test_add_outlet_gives_the_azores_their_own_timezone(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    with Newsroom(articles_per_outlet=3) as room:
        home = room.serve("diario-atlantico", "/", AZORES_HOME, "text/html; charset=utf-8")
        code, report, err = _add(home, "--allow-private-network", redis_url=redis_url, keys=keys)
        assert code == 0, err
        entry = report["entry"]
        assert (entry["country"], entry["language"]) == ("PT", "pt-PT")
        assert entry["timezone"] == "Atlantic/Azores"
        assert entry["feeds"] == [room.url("diario-atlantico", "/atom.xml")]


def test_add_outlet_works_offline_on_a_saved_homepage(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    saved = tmp_path / "home.html"
    saved.write_text(
        '<html lang="pt-BR"><head><title>A Gazeta do Rio Negro | Manaus</title>'
        '<meta name="geo.region" content="BR-AM">'
        '<link rel="canonical" href="https://www.gazetadorionegro.example/">'
        '<link rel="alternate" type="application/rss+xml" href="/rss/ultimas.xml"></head>'
        "<body></body></html>",
        encoding="utf-8",
    )
    catalogue = _catalogue(tmp_path / "outlets.yaml")
    code, report, err = _add(
        str(saved), "--write", "--outlets", str(catalogue), redis_url=redis_url, keys=keys
    )
    assert code == 0, err
    entry = report["entry"]
    assert entry["homepage"] == "https://www.gazetadorionegro.example/"
    assert entry["feeds"] == ["https://www.gazetadorionegro.example/rss/ultimas.xml"]
    assert entry["timezone"] == "America/Manaus"
    assert entry["id"] == "a-gazeta-do-rio-negro"
    assert any("not fetched" in line for line in report["comments"])
    written = yaml.safe_load(catalogue.read_text(encoding="utf-8"))
    assert [o["id"] for o in written["outlets"]] == ["primeiro", "a-gazeta-do-rio-negro"]


def test_add_outlet_without_any_source_proposes_a_disabled_section_and_exits_1(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    saved = tmp_path / "home.html"
    saved.write_text("<html><head><title>Jornal de Bissau</title></head></html>", "utf-8")
    catalogue = _catalogue(tmp_path / "outlets.yaml")
    code, report, _ = _add(
        str(saved), "--url", "https://jornaldebissau.gw/", "--write", "--outlets",
        str(catalogue), redis_url=redis_url, keys=keys,
    )  # fmt: skip
    assert code == 1
    entry = report["entry"]
    assert (entry["country"], entry["timezone"], entry["language"]) == ("GW", "Africa/Bissau", "pt")
    assert entry["enabled"] is False
    assert entry["sections"][0]["url"] == "https://jornaldebissau.gw/"
    check = atalaia("check", "--outlets", str(catalogue), redis_url=redis_url, keys=keys)
    assert check.returncode == 0, check.stderr


def test_a_saved_homepage_without_an_address_needs_url(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    saved = tmp_path / "home.html"
    saved.write_text("<html><head><title>X</title></head></html>", "utf-8")
    result = atalaia("add-outlet", str(saved), redis_url=redis_url, keys=keys)
    assert result.returncode == 2
    assert "--url" in result.stderr


def _page(body: str, lang: str = "pt-BR") -> Any:
    return parse_html(f'<html lang="{lang}"><head></head><body>{body}</body></html>')


@pytest.mark.parametrize(
    ("html", "zone"),
    [
        ('<footer>Rua X, 10 - Centro, Porto Velho/RO - CEP 76801</footer>', "America/Porto_Velho"),
        ("<footer>Av. Brasil, 30, Rio Branco - AC</footer>", "America/Rio_Branco"),
        ('<div class="rodape">Boa Vista (RR)</div>', "America/Boa_Vista"),
        ("<footer>Redação: Campo Grande, Mato Grosso do Sul</footer>", "America/Campo_Grande"),
        ('<script type="application/ld+json">{"@type": "NewsMediaOrganization", "address": '
         '{"addressLocality": "Cuiabá", "addressRegion": "Mato Grosso"}}</script>',
         "America/Cuiaba"),
        ("<footer>Av. Paulista, 900 - São Paulo - SP</footer>", "America/Sao_Paulo"),
        ("<main><h2>Manaus - AM: cheia do rio</h2></main><footer>Recife - PE</footer>",
         "America/Recife"),
        ("<main>Nada sobre onde fica.</main>", "America/Sao_Paulo"),
    ],
)  # fmt: skip
def test_the_state_on_a_brazilian_homepage_sets_its_timezone(html: str, zone: str) -> None:
    assert place_of(_page(html), "https://jornal.com.br/").timezone == zone


@pytest.mark.parametrize(
    ("html", "zone"),
    [
        ("<footer>Rua do Esmeraldo, 9000-051 Funchal</footer>", "Atlantic/Madeira"),
        ('<footer>Angra do Heroísmo, Terceira</footer>', "Atlantic/Azores"),
        ("<footer>Avenida da Liberdade, Lisboa</footer>", "Europe/Lisbon"),
    ],
)  # fmt: skip
def test_portuguese_islands_have_their_own_zone(html: str, zone: str) -> None:
    place = place_of(_page(html, "pt-PT"), "https://jornal.pt/")
    assert (place.country, place.language, place.timezone) == ("PT", "pt-PT", zone)


def test_lusophone_countries_from_their_domain() -> None:
    place = place_of(_page("", lang="pt"), "https://www.jornaldeangola.ao/")
    assert (place.country, place.language, place.timezone) == ("AO", "pt", "Africa/Luanda")
