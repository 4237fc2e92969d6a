"""Text that survives real bytes: wrong declarations, a stray byte, double encoding,
soft hyphens and zero-width characters."""

from __future__ import annotations

from crawler.extraction.encoding import decode_html
from crawler.extraction.page import extract_article
from crawler.extraction.textfix import repair_text, strip_invisible
from tests.matching.helpers import match_query

from .pagebuilder import article_page, title_tags

SAO_PAULO = "America/Sao_Paulo"
URL = "https://www.gazetadovale.example/noticias/acao"
HEADLINE = "Ação da polícia apreende armas em São José após denúncia"
PARAGRAPH = (
    "A operação começou às 6h e reuniu agentes de três municípios, segundo a Secretaria "
    "de Segurança Pública, que não divulgou o nome dos suspeitos."
)


def page(charset: str = "utf-8", headline: str = HEADLINE, paragraph: str = PARAGRAPH) -> str:
    return article_page(
        head=title_tags(headline),
        header=f"<h1>{headline}</h1><p>05/03/2024 18h32</p>",
        paragraphs=(paragraph,) * 3,
        charset=charset,
    )


def test_page_declared_iso_8859_1_that_is_really_utf8() -> None:
    body = page(charset="iso-8859-1").encode("utf-8")
    article = extract_article(body, URL, timezone=SAO_PAULO, declared_charset="ISO-8859-1")
    assert article.title == HEADLINE
    assert "operação começou" in article.body
    assert "Ã" not in article.body


def test_one_invalid_byte_in_a_utf8_page_spoils_nothing_else() -> None:
    body = page().encode("utf-8").replace("três".encode(), b"tr\xeas", 1)  # a stray Latin-1 "ê"
    article = extract_article(body, URL, timezone=SAO_PAULO, declared_charset="utf-8")
    assert article.title == HEADLINE
    assert "agentes de três municípios" in article.body  # the stray byte read as Latin-1
    assert "Ã" not in article.body and "\ufffd" not in article.body


def test_the_stray_byte_rule_never_turns_latin1_into_mojibake() -> None:
    text = page()
    assert decode_html(text.encode("cp1252"), declared="utf-8") == text
    assert decode_html(text.encode("utf-8"), declared="iso-8859-1") == text


def test_double_encoded_text_is_repaired() -> None:
    twice = HEADLINE.encode("utf-8").decode("cp1252")  # "AÃ§Ã£o da polÃ­cia..."
    body_twice = PARAGRAPH.encode("utf-8").decode("cp1252")
    html = page(headline=twice, paragraph=body_twice)
    article = extract_article(html, URL, timezone=SAO_PAULO)
    assert article.title == HEADLINE
    assert PARAGRAPH in article.body


def test_repair_leaves_correct_text_alone() -> None:
    for text in (HEADLINE, "Â é uma letra; Ã também", "“Aspas” – travessão"):
        assert repair_text(text) == text


def test_soft_hyphens_and_zero_width_characters_are_gone_before_matching() -> None:
    headline = "Rús\u00adsia e Co\u200breia do Norte assinam acordo de de\u00adfesa mútua"
    paragraph = (
        "O acordo entre a Rús&shy;sia e a Coreia do Norte prevê ajuda militar em caso de "
        "agressão, disse o Kremlin.\u2060 A reunião em Pyong&#8203;yang durou duas horas."
    )
    html = page(headline=headline, paragraph=paragraph)
    article = extract_article(html, URL, timezone=SAO_PAULO)
    assert article.title == "Rússia e Coreia do Norte assinam acordo de defesa mútua"
    assert "Rússia" in article.body and "Pyongyang" in article.body
    for invisible in ("\u00ad", "\u200b", "\u2060"):
        assert invisible not in article.title + article.body
    assert match_query('title:Rússia AND "Coreia do Norte"', title=article.title)
    assert match_query("Pyongyang", body=article.body)


def test_strip_invisible_on_entities_and_characters() -> None:
    assert strip_invisible("de&shy;fesa co\u200bra&#173;gem a&#x200B;b") == "defesa coragem ab"
