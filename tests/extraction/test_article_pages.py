"""Article extraction on pages written after real outlets' markup and mistakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from atalaia.article import NotAnArticle
from crawler.extraction.page import extract_article

from .conftest import PageLoader

SAO_PAULO = "America/Sao_Paulo"
LISBON = "Europe/Lisbon"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def offset_hours(moment: datetime | None) -> float:
    assert moment is not None and moment.utcoffset() is not None
    return moment.utcoffset() / timedelta(hours=1)  # type: ignore[operator]


def test_wordpress_yoast_graph(page: PageLoader) -> None:
    url = "https://diariodosertao.example/cidades/prefeitura-anuncia-novo-hospital/"
    article = extract_article(
        page("wordpress_yoast.html"), url, outlet="sertao", timezone=SAO_PAULO
    )
    assert article.title == "Prefeitura anuncia novo hospital em Picos"
    assert article.published_at == at("2024-01-15T10:20:05-03:00")
    assert offset_hours(article.published_at) == -3
    assert article.updated_at == at("2024-01-15T11:02:00-03:00")
    assert article.authors == ("Marta Ribeiro",)
    assert article.lead == "Obra deve começar em março e atender 40 mil moradores da região"
    assert "construção de um hospital municipal com 120 leitos" in article.body
    assert "Leia também" not in article.body
    assert "Compartilhar" not in article.body
    assert "Política" not in article.body
    assert article.section == "Cidades"
    assert article.tags == ("Saúde", "Picos")
    assert article.language == "pt-BR"
    assert article.canonical_url == url
    assert article.image == "https://cdn.diariodosertao.example/2024/01/hospital.jpg"
    assert article.outlet == "sertao"


def test_utc_labelled_minus_three_is_corrected_by_the_shown_time(page: PageLoader) -> None:
    article = extract_article(
        page("arc_utc_as_minus3.html"),
        "https://www.gazetacentral.example/economia/2024/03/10/governo-libera/",
        timezone=SAO_PAULO,
    )
    # JSON-LD says 15:00-03:00 but the page shows 12h00: the JSON-LD was UTC.
    assert article.published_at == at("2024-03-10T12:00:00-03:00")
    assert offset_hours(article.published_at) == -3
    assert article.updated_at == at("2024-03-10T13:30:00-03:00")
    assert article.title == "Governo libera R$ 2 bilhões para estradas"
    assert article.authors == ("Ana Souza", "Agência Brasil")
    assert article.lead == "Recursos vão para obras em 14 estados, diz ministério"
    assert "duplicação de trechos considerados críticos" in article.body
    assert "exclusivo para assinantes" not in article.body
    assert article.tags == ("estradas", "orçamento")
    assert article.canonical_url.startswith("https://www.gazetacentral.example/economia/")


def test_globo_like_page(page: PageLoader) -> None:
    article = extract_article(
        page("globo_like.html"),
        "https://portalnorte.example/ro/rondonia/noticia/2024/02/20/ponte-e-interditada.ghtml?utm=x",
        timezone=SAO_PAULO,
    )
    assert article.title == "Ponte é interditada após cheia do rio em Porto Velho"
    assert article.published_at == at("2024-02-20T18:05:09-03:00")
    assert article.lead.startswith("Defesa Civil recomenda rotas alternativas.")
    assert article.lead.endswith("deve continuar subindo")
    assert article.authors == ("Carla Mendes",)
    assert "estrada da Penal" in article.body
    assert "Acompanhe o Portal Norte" not in article.body
    assert "Outra notícia do dia" not in article.body
    assert article.canonical_url == (
        "https://portalnorte.example/ro/rondonia/noticia/2024/02/20/ponte-e-interditada.ghtml"
    )
    assert article.language == "pt-BR"


def test_legacy_latin1_page_without_any_declaration(page: PageLoader) -> None:
    article = extract_article(
        page("legacy_latin1.html"),
        "http://www.jornaldovale.example/noticia.asp?id=123",
        timezone=SAO_PAULO,
        language="pt-BR",
    )
    assert article.title == "Câmara aprova reajuste dos servidores"
    assert article.published_at == at("2018-09-24T19:51:00-03:00")
    assert "município de São José do Vale" in article.body
    assert "Ã" not in article.body  # no mojibake
    assert article.language == "pt-BR"
    assert article.canonical_url == "http://www.jornaldovale.example/noticia.asp?id=123"


def test_headline_in_h2_when_h1_is_the_section(page: PageLoader) -> None:
    article = extract_article(
        page("h1_section_h2_headline.html"),
        "https://www.folha360.example/regionais/brasilia/senado-aprova-marco-das-ferrovias",
        timezone=SAO_PAULO,
    )
    assert article.title == "Senado aprova marco das ferrovias em votação simbólica"
    assert article.published_at == at("2022-05-04T05:34:58-03:00")
    assert article.lead == "Texto segue para sanção e permite autorização em vez de concessão"
    assert article.authors == ("Leonel Prado",)
    assert article.section == "Brasília"
    assert "novo marco legal das ferrovias" in article.body


def test_lisbon_time_labelled_gmt(page: PageLoader) -> None:
    article = extract_article(
        page("lisbon_as_gmt.html"),
        "https://www.diariolusitano.example/2020/10/11/politica/noticia/parlamento-aprova-orcamento-1934765",
        timezone=LISBON,
        language="pt-PT",
    )
    # <time datetime="... 08:34:36 GMT"> but the page shows 8:34 Lisbon time (UTC+1 in October)
    assert article.published_at == at("2020-10-11T08:34:36+01:00")
    assert offset_hours(article.published_at) == 1
    assert article.authors == ("José Volta e Pinto",)
    assert article.language == "pt-PT"
    assert article.lead.startswith("Votação na generalidade")


def test_brasilia_time_labelled_z_in_brazilian_summer_time(page: PageLoader) -> None:
    article = extract_article(
        page("brasilia_as_z_dst.html"),
        "https://www1.jornaldapaulista.example/esporte/2018/12/tecnico-diz-que-errou.shtml",
        timezone=SAO_PAULO,
    )
    # December 2018: Brazilian DST, UTC-2. The teaser below at 10h55 must not fool it.
    assert article.published_at == at("2018-12-21T12:55:00-02:00")
    assert offset_hours(article.published_at) == -2
    assert article.title == "Técnico diz que errou ao levar taça a ex-presidente"
    assert article.authors == ("Bruno Rodrigues",)
    assert article.lead == "Na ocasião, treinador entregou réplica do troféu ao então presidente"
    assert "Faria de novo? Não" in article.body


def test_wayback_capture_gives_the_original_canonical_url() -> None:
    archived = (
        "https://web.archive.org/web/20220721143647/https://noticias.example/2019/08/25/a.htm"
    )
    html = f"""<html lang="pt-br"><head><meta charset="utf-8">
    <link rel="canonical" href="{archived}">
    <meta property="og:type" content="article">
    <meta property="og:title" content="Um título de teste">
    <meta property="og:image"
      content="https://web.archive.org/web/20220721143647im_/https://img.example/a.jpg">
    <script type="application/ld+json">{{"@type":"NewsArticle","headline":"Um título de teste",
    "datePublished":"2019-08-25T04:00:00-03:00"}}</script></head>
    <body><h1>Um título de teste</h1>
    <p>{"Texto corrido da notícia arquivada. " * 20}</p></body></html>"""
    article = extract_article(html, archived, timezone=SAO_PAULO)
    assert article.canonical_url == "https://noticias.example/2019/08/25/a.htm"
    assert article.image == "https://img.example/a.jpg"
    assert article.published_at == at("2019-08-25T04:00:00-03:00")


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("homepage.html", "listing"),
        ("section_page.html", "listing"),
        ("video_hub.html", "empty page"),  # four short links, no text: nothing to read
        ("error_page.html", "soft 404"),
    ],
)
def test_pages_that_are_not_articles(page: PageLoader, fixture: str, kind: str) -> None:
    with pytest.raises(NotAnArticle) as refused:
        extract_article(page(fixture), f"https://outlet.example/{fixture}", timezone=SAO_PAULO)
    assert refused.value.reason.startswith(f"{kind}: ")
    assert refused.value.url == f"https://outlet.example/{fixture}"


@pytest.mark.parametrize("html", [b"", b"   ", "<html></html>", b"\x00\x01\x02 not html"])
def test_empty_or_garbage_is_not_an_article(html: bytes | str) -> None:
    with pytest.raises(NotAnArticle):
        extract_article(html, "https://outlet.example/x", timezone=SAO_PAULO)


def test_no_date_and_little_text_is_not_an_article() -> None:
    html = (
        "<html><head><title>Fale conosco</title></head>"
        "<body><h1>Fale conosco</h1><p>Escreva para nós.</p></body></html>"
    )
    with pytest.raises(NotAnArticle, match="no date"):
        extract_article(html, "https://outlet.example/contato", timezone=SAO_PAULO)


def test_result_is_in_the_outlet_timezone_even_when_metadata_is_utc() -> None:
    html = """<html><head><meta property="og:type" content="article">
    <meta property="og:title" content="Chuva forte atinge a capital">
    <meta property="article:published_time" content="2020-11-26T23:02:04Z"></head>
    <body><h1>Chuva forte atinge a capital</h1><p>"""
    html += "A chuva forte atingiu a capital nesta quinta-feira. " * 15 + "</p></body></html>"
    article = extract_article(html, "https://outlet.example/a", timezone=SAO_PAULO)
    assert article.published_at == datetime(2020, 11, 26, 23, 2, 4, tzinfo=UTC)
    assert offset_hours(article.published_at) == -3
