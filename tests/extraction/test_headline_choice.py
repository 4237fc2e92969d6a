"""The headline by agreement: a logo, a section label or a date in an <h1> never wins."""

from __future__ import annotations

from crawler.extraction.page import extract_article

from .pagebuilder import article_page, title_tags

SAO_PAULO = "America/Sao_Paulo"
HEADLINE = "Tribunal mantém condenação de empresa por poluir o rio Paraíba"
URL = "https://www.tjvale.example/noticias/tribunal-mantem-condenacao"


def headline_of(html: str, url: str = URL) -> str:
    return extract_article(html, url, timezone=SAO_PAULO).title


def test_logo_in_the_h1_and_the_sites_name_as_the_title() -> None:
    header = (
        '<h1 class="logo"><a href="/">Tribunal de Justiça do Vale</a></h1>\n'
        f"<h2>{HEADLINE}</h2>\n<p>05/03/2024 18h32</p>"
    )
    html = article_page(head=title_tags("Tribunal de Justiça do Vale"), header=header)
    assert headline_of(html) == HEADLINE


def test_section_label_in_the_h1() -> None:
    header = f'<h1>Notícias</h1>\n<h3 class="materia">{HEADLINE}</h3>\n<p>05/03/2024</p>'
    html = article_page(head=title_tags(f"{HEADLINE} - Notícias - TJVALE"), header=header)
    assert headline_of(html) == HEADLINE


def test_date_in_the_h1() -> None:
    header = (
        "<h1>Terça-feira, 5 de março de 2024</h1>\n"
        f'<div class="titulo-noticia">{HEADLINE}</div>\n<p>Por Ana Souza</p>'
    )
    html = article_page(head=title_tags("Notícia - TJ Vale"), header=header)
    assert headline_of(html) == HEADLINE


def test_site_suffix_learned_by_comparing_titles() -> None:
    # og:title has no suffix, <title> does: " - Portal do Vale | Notícias" is not the headline
    head = title_tags(f"{HEADLINE} - Portal do Vale | Notícias", og=HEADLINE)
    html = article_page(head=head, header="<p>05/03/2024</p>")  # no heading at all
    assert headline_of(html) == HEADLINE


def test_site_named_by_its_acronym_is_not_the_headline() -> None:
    # "TJV" is the host's name; "Tribunal de Justiça do Vale" spells it out
    site = "TJV - Tribunal de Justiça do Vale"
    header = f"<table><tr><td><b>{HEADLINE}</b></td></tr></table>"
    html = article_page(head=title_tags(site, og=site), header=header)
    assert headline_of(html, "https://www.tjv.jus.example/noticia.asp?id=7") == HEADLINE


def test_a_bracketed_site_prefix() -> None:
    head = title_tags(f"Tribunal de Justiça do Vale :: {HEADLINE}", og=f"[TJVALE] {HEADLINE}")
    header = f'<span class="titulo">{HEADLINE}</span><br><span>Publish Date: 05-MAR-2024</span>'
    html = article_page(head=head, header=header)
    assert headline_of(html, "https://www.tjvale.example/portal/page?id=9") == HEADLINE


def test_a_section_word_inside_the_h1() -> None:
    header = f'<h1><span class="chapeu">AMBIENTE</span> {HEADLINE}</h1><p>05/03/2024</p>'
    html = article_page(head=title_tags(f"{HEADLINE} - Notícias | Vale Forense"), header=header)
    assert headline_of(html) == HEADLINE


def test_a_date_written_before_the_headline_in_its_heading() -> None:
    header = f"<h2>05/03/2024 - {HEADLINE}</h2>"
    html = article_page(head=title_tags("TJVALE"), header=header)
    assert headline_of(html) == HEADLINE


def test_visible_wording_wins_over_a_reworded_og_title() -> None:
    og = "Tribunal mantém condenação de empresa que poluiu o rio Paraíba"
    header = f"<h1>{HEADLINE}</h1><p>05/03/2024</p>"
    html = article_page(head=title_tags(f"{og} | Portal do Vale", og=og), header=header)
    assert headline_of(html) == HEADLINE


def test_a_cms_that_calls_the_headline_its_application_name() -> None:
    head = title_tags(HEADLINE, og=HEADLINE)
    head += f'<meta name="application-name" content="{HEADLINE}">'
    html = article_page(head=head, header=f"<h1>{HEADLINE}</h1>")
    assert headline_of(html) == HEADLINE


def test_a_headline_that_links_to_its_own_page() -> None:
    header = (
        '<h1 class="logo"><a href="/">Portal do Vale</a></h1>'
        f'<h1 class="entry-title"><a href="{URL}">{HEADLINE}</a></h1><p>05/03/2024</p>'
    )
    html = article_page(head=title_tags("Portal do Vale"), header=header)
    assert headline_of(html) == HEADLINE
