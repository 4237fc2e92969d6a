"""Small article pages written for these tests, in the shapes real CMSs give them.

Each page has the furniture real sites wrap around an article (a menu of section
links, a list of other headlines, a footer), so the extractor has to find the
article among them, as on a real page.
"""

from __future__ import annotations

from html import escape

MENU = ("Início", "Política", "Economia", "Esportes", "Cultura", "Fale conosco")
OTHER_HEADLINES = (
    ("Prefeitura anuncia mutirão de limpeza nos bairros da zona norte", "/noticias/101"),
    ("Câmara aprova reajuste do piso dos professores da rede municipal", "/noticias/102"),
    ("Chuva forte deixa ruas alagadas no centro da cidade nesta tarde", "/noticias/103"),
    ("Festival de inverno divulga a programação completa de shows", "/noticias/104"),
    ("Hospital regional abre 40 novos leitos de terapia intensiva", "/noticias/105"),
)
PARAGRAPHS = (
    "O governo estadual confirmou nesta terça-feira a liberação dos recursos para a obra, "
    "que estava parada havia dois anos por falta de verba e de licença ambiental.",
    "Segundo a secretaria responsável, as máquinas voltam ao canteiro na próxima semana e "
    "a previsão é concluir o primeiro trecho até o fim do ano que vem.",
    "Moradores da região acompanharam o anúncio e cobraram mais segurança no trânsito "
    "durante as obras, principalmente perto das escolas do bairro.",
)


def article_page(
    *,
    head: str = "",
    header: str = "",
    paragraphs: tuple[str, ...] = PARAGRAPHS,
    after: str = "",
    site: str = "Gazeta do Vale",
    lang: str = "pt-BR",
    charset: str = "utf-8",
) -> str:
    """A page: `head` in <head>, then the menu, `header` (headline, date line...), the
    paragraphs, `after` (a signature line...), other headlines and the footer."""
    menu = "".join(f'<li><a href="/{escape(m.lower())}/">{escape(m)}</a></li>' for m in MENU)
    text = "".join(f"<p>{escape(p)}</p>\n" for p in paragraphs)
    others = "".join(
        f'<li><a href="{url}">{escape(title)}</a></li>' for title, url in OTHER_HEADLINES
    )
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>{meta_charset}\n{head}\n</head>\n<body>\n'
        f'<div class="topo"><a href="/"><img src="/logo.png" alt="{escape(site)}"></a>'
        f'<ul class="menu">{menu}</ul></div>\n'
        f'<div class="conteudo">\n{header}\n<div class="texto">\n{text}</div>\n{after}\n</div>\n'
        f'<div class="mais"><h3>Últimas notícias</h3><ul>{others}</ul></div>\n'
        f'<div class="rodape">{escape(site)} - Todos os direitos reservados.</div>\n'
        "</body>\n</html>\n"
    )


def title_tags(title: str, *, og: str | None = None, og_type: str = "article") -> str:
    """`<title>` and the Open Graph tags a CMS writes for `title`."""
    tags = f"<title>{escape(title)}</title>\n"
    if og_type:
        tags += f'<meta property="og:type" content="{escape(og_type)}">\n'
    if og is not None:
        tags += f'<meta property="og:title" content="{escape(og)}">\n'
    return tags
