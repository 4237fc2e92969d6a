"""Article or not: refused only on strong evidence, and the reason says which."""

from __future__ import annotations

from html import escape

import pytest

from atalaia.article import NotAnArticle
from crawler.extraction.page import extract_article
from crawler.extraction.pagekind import REFUSAL_KINDS, refusal_kind

from .pagebuilder import OTHER_HEADLINES, article_page, title_tags

SAO_PAULO = "America/Sao_Paulo"
SITE = "https://www.gazetadovale.example"


def refusal(html: str, url: str, **options: object) -> str:
    with pytest.raises(NotAnArticle) as refused:
        extract_article(html, url, timezone=SAO_PAULO, **options)  # type: ignore[arg-type]
    assert refused.value.url == url
    return refused.value.reason


@pytest.mark.parametrize(
    "title",
    [
        "Rússia ataca com 500 drones e 40 mísseis a rede elétrica da Ucrânia",
        "BR-404 tem trecho interditado após queda de barreira",
        "Erro 404? Estudantes relatam falha no site do Enem",
    ],
)
def test_short_article_with_a_number_in_the_title_is_kept(title: str) -> None:
    header = f"<h1>{escape(title)}</h1><p>05/03/2024 18h32</p>"
    paragraph = ("A informação foi confirmada pelas autoridades locais na manhã desta terça.",)
    html = article_page(head=title_tags(title), header=header, paragraphs=paragraph)
    article = extract_article(html, f"{SITE}/noticias/curta", timezone=SAO_PAULO)
    assert article.title == title


def test_og_type_website_article_without_h1_is_kept() -> None:
    title = "Defensoria abre inscrições para mutirão de regularização de imóveis"
    header = f'<div class="titulo">{title}</div><p>Publicado em 05/03/2024</p>'
    html = article_page(head=title_tags(f"{title} | Defensoria", og_type="website"), header=header)
    article = extract_article(html, f"{SITE}/noticia.php?id=8", timezone=SAO_PAULO)
    assert article.title == title
    assert "liberação dos recursos" in article.body


def test_one_paragraph_note_beside_a_long_list_of_other_headlines_is_kept() -> None:
    title = "Nota de falecimento"
    header = f"<h2>» {title}</h2><p>Publicado em: 24 de outubro de 2016.</p>"
    note = (
        "É com pesar que informamos o falecimento do associado João da Silva, ocorrido "
        "nesta segunda-feira. O velório será realizado na capela municipal.",
    )
    related = "".join(
        f'<p><a href="/n/{i}">{escape(t)}</a></p><p>{escape(t)} e outros detalhes.</p>'
        for i, (t, _) in enumerate(OTHER_HEADLINES * 2)
    )
    html = article_page(
        head=title_tags("Associação dos Oficiais » Notícias"),
        header=header,
        paragraphs=note,
        after=f"<p>Confira outras notícias:</p>{related}",
    )
    article = extract_article(html, f"{SITE}/?N=273&pag=Noticias", timezone=SAO_PAULO)
    assert article.title == title


def test_soft_404_is_refused() -> None:
    header = (
        "<h1>Página não encontrada</h1><p>O conteúdo que você procura foi removido ou mudou "
        'de endereço.</p><p><a href="/">Voltar para a página inicial</a></p>'
    )
    html = article_page(head=title_tags("Página não encontrada | Gazeta"), header=header,
                        paragraphs=())  # fmt: skip
    reason = refusal(html, f"{SITE}/noticias/materia-removida")
    assert reason.startswith("soft 404: ")


def test_error_page_answered_with_200_is_refused() -> None:
    html = "<html><head><title>404 - Not Found</title></head><body><h1>404</h1></body></html>"
    assert refusal(html, f"{SITE}/x").startswith("soft 404: ")


def test_listing_of_headline_links_is_refused() -> None:
    cards = "".join(
        f'<div class="card"><a href="{url}"><h3>{escape(title)}</h3></a>'
        f"<p>{escape(title)}: saiba o que muda para os moradores.</p></div>"
        for title, url in OTHER_HEADLINES * 2
    )
    html = (
        f"<html><head>{title_tags('Cidades | Gazeta do Vale', og_type='website')}</head><body>"
        f"<h1>Cidades</h1><div class='lista'>{cards}</div></body></html>"
    )
    assert refusal(html, f"{SITE}/cidades/").startswith("listing: ")


def test_the_outlets_root_is_a_homepage() -> None:
    html = article_page(head=title_tags("Gazeta do Vale"), header="<h1>Gazeta do Vale</h1>")
    assert refusal(html, f"{SITE}/").startswith("homepage: ")


def test_the_outlets_own_section_pages_are_refused_by_address() -> None:
    header = "<h1>Política</h1><h2>Câmara aprova reajuste do piso dos professores municipais</h2>"
    html = article_page(head=title_tags("Política"), header=header)
    hubs = [f"{SITE}/", f"{SITE}/politica/"]
    reason = refusal(html, f"{SITE}/politica", hubs=hubs)
    assert reason.startswith("section page: ")
    # the same page at an article's address is judged by what it holds
    article = extract_article(html, f"{SITE}/politica/camara-aprova", timezone=SAO_PAULO,
                              hubs=hubs)  # fmt: skip
    assert article.title.startswith("Câmara aprova")


@pytest.mark.parametrize("html", [b"", b"   ", "<html></html>", b"\x00\x01\x02 not html"])
def test_empty_documents_are_empty_pages(html: bytes | str) -> None:
    assert refusal(html, f"{SITE}/x").startswith("empty page")  # type: ignore[arg-type]


def test_every_reason_has_a_kind() -> None:
    assert refusal_kind("listing: 12 headline links, 0 characters of running text") == "listing"
    assert refusal_kind("soft 404: the page says 'Página não encontrada'") == "soft 404"
    assert refusal_kind("something else") == "other"
    assert set(REFUSAL_KINDS) == {
        "homepage", "section page", "listing", "soft 404", "empty page", "http error",
    }  # fmt: skip
