"""Canonical URLs: the variants of one address collapse to one identity."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url, url_fingerprint

BASE = "https://g1.globo.com/mundo/noticia/2025/02/27/coreia-do-norte.ghtml"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        "http://g1.globo.com/mundo/noticia/2025/02/27/coreia-do-norte.ghtml",
        "https://G1.Globo.com/mundo/noticia/2025/02/27/coreia-do-norte.ghtml",
        "https://www.g1.globo.com/mundo/noticia/2025/02/27/coreia-do-norte.ghtml",
        "https://m.g1.globo.com/mundo/noticia/2025/02/27/coreia-do-norte.ghtml",
        BASE + "#comentarios",
        BASE + "?utm_source=rss&utm_medium=feed&utm_campaign=x",
        BASE + "?fbclid=IwAR0abc&gclid=xyz",
        "https://g1.globo.com/google/amp/mundo/noticia/2025/02/27/coreia-do-norte.ghtml",
        "https://g1.globo.com/mundo/noticia/2025/02/27/coreia-do-norte.ghtml/amp",
        "https://g1.globo.com:443/mundo/noticia/2025/02/27/coreia-do-norte.ghtml",
    ],
)
def test_variants_share_one_canonical_form(variant: str) -> None:
    assert canonical_url(variant) == canonical_url(BASE)
    assert url_fingerprint(variant) == url_fingerprint(BASE)


def test_amp_prefix_and_trailing_slash() -> None:
    assert canonical_url("https://www.cnnbrasil.com.br/amp/internacional/russia/") == (
        "https://cnnbrasil.com.br/internacional/russia"
    )


def test_meaningful_parameters_are_kept_and_sorted() -> None:
    a = canonical_url("https://noticias.uol.com.br/materia.htm?id=42&pagina=2&utm_source=x")
    b = canonical_url("https://noticias.uol.com.br/materia.htm?pagina=2&id=42")
    assert a == b == "https://noticias.uol.com.br/materia.htm?id=42&pagina=2"


def test_different_articles_stay_different() -> None:
    assert canonical_url("https://a.pt/noticia/1") != canonical_url("https://a.pt/noticia/2")
    assert canonical_url("https://a.pt/x?id=1") != canonical_url("https://a.pt/x?id=2")
    assert canonical_url("https://www.publico.pt/x") != canonical_url("https://www.dn.pt/x")


def test_port_other_than_default_is_kept() -> None:
    assert canonical_url("http://127.0.0.1:8123/a/") == "https://127.0.0.1:8123/a"


def test_accented_path_is_one_form_whether_escaped_or_not() -> None:
    assert canonical_url("https://a.com.br/rússia") == canonical_url("https://a.com.br/r%C3%BAssia")
