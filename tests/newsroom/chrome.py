"""Page chrome: the header, menus, styles, scripts, widgets and footer around the news.

Built once per outlet (it is most of each page's weight, as on real sites: 30-60 KB of
CSS, tracking scripts, menus and footer links), then wrapped around every page.
Nothing here mentions the watchlist terms, so a match can only come from the news.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from html import escape

from .model import OutletSpec, Style
from .urls import slugify

SECTIONS = (
    ("politica", "Política"), ("economia", "Economia"), ("internacional", "Internacional"),
    ("esportes", "Esportes"), ("saude", "Saúde"), ("cidades", "Cidades"), ("policia", "Polícia"),
    ("cultura", "Cultura"), ("tecnologia", "Tecnologia"),
)  # fmt: skip
EXTRA_MENU = ("Opinião", "Colunistas", "Podcasts", "Newsletters", "Especiais", "Educação",
              "Ciência", "Carros", "Turismo", "Gastronomia", "Loterias", "Previsão do tempo",
              "Horóscopo", "Empregos", "Imóveis", "Classificados", "Fale conosco",
              "Expediente")  # fmt: skip
FOOTER = ("Quem somos", "Expediente", "Política de privacidade", "Termos de uso", "Anuncie",
          "Trabalhe conosco", "Código de ética", "Correções", "Central do assinante",
          "Acessibilidade",
          "Mapa do site", "Arquivo", "RSS", "Aplicativos", "Podcasts", "Newsletters")  # fmt: skip
COMMENTS = (
    "Excelente matéria, parabéns à equipe de reportagem.",
    "Gostaria de saber mais detalhes sobre isso. Vão publicar uma continuação?",
    "Sempre acompanho as notícias por aqui, informação de qualidade.",
    "Não concordo com tudo, mas a reportagem está bem apurada.",
    "Compartilhei com a família, assunto importante.",
)

_PREFIX = {
    Style.WORDPRESS: "jeg", Style.ARCXP: "b", Style.GLOBO: "glb", Style.LEGACY: "header",
    Style.ATOM: "site", Style.SECTION: "r7",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Chrome:
    """The fixed parts of one outlet's pages."""

    head: str  # inside <head>, after the page's own meta tags
    header: str  # start of <body>: top bar, logo, menus
    aside: str  # newsletter box, ads (right column)
    comments: str
    footer: str  # footer links and the closing scripts (not </body>)
    prefix: str


def build_chrome(spec: OutletSpec, base_url: str, seed: int) -> Chrome:
    rng = random.Random(f"{seed}:chrome:{spec.id}")
    p = _PREFIX[spec.style]
    return Chrome(
        head=_stylesheet(rng, p) + _head_scripts(rng, spec),
        header=_header(spec, base_url, p),
        aside=_aside(spec, p),
        comments=_comments(spec, p),
        footer=_footer(rng, spec, base_url, p),
        prefix=p,
    )


def _stylesheet(rng: random.Random, p: str) -> str:
    blocks = ("header", "nav", "menu", "card", "teaser", "article", "byline", "share", "footer",
              "aside", "newsletter", "ad", "grid", "title", "summary", "media",
              "comments")  # fmt: skip
    elems = ("", "__item", "__link", "__title", "__image", "__wrapper", "__label", "__icon")
    rules = []
    for _ in range(260):
        selector = f".{p}-{rng.choice(blocks)}{rng.choice(elems)}"
        if rng.random() < 0.3:
            selector += f"--{rng.choice(('active', 'small', 'large', 'dark', 'mobile'))}"
        rules.append(
            f"{selector}{{display:{rng.choice(('flex', 'block', 'grid', 'none'))};"
            f"margin:{rng.randint(0, 32)}px {rng.randint(0, 24)}px;padding:{rng.randint(0, 20)}px;"
            f"color:#{rng.randrange(0xFFFFFF):06x};font-size:{rng.randint(11, 42)}px;"
            f"line-height:{rng.randint(12, 48)}px}}"
        )
        if rng.random() < 0.15:
            rules.append(
                f"@media (min-width:{rng.choice((640, 768, 1024, 1280))}px){{{rules[-1]}}}"
            )
    return f'<style id="{p}-critical-css">{"".join(rules)}</style>\n'


def _head_scripts(rng: random.Random, spec: OutletSpec) -> str:
    ads = {
        "network": f"/{rng.randrange(10**8)}/{spec.id}",
        "slots": [{"id": f"banner-{i}", "sizes": [[728, 90], [970, 250], [300, 250]],
                   "targeting": {"pos": i, "tipo": "materia"}} for i in range(24)],
        "lazyLoad": {"fetchMarginPercent": 200, "renderMarginPercent": 100},
    }  # fmt: skip
    config = json.dumps(ads, separators=(",", ":"))
    return (
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        f"gtag('js',new Date());gtag('config','G-{rng.randrange(16**10):010X}');</script>\n"
        f'<script async src="https://www.googletagmanager.com/gtag/js?id=G-{spec.id}"></script>\n'
        f"<script>var adsConfig={config};</script>\n"
        "<script>(function(w,d){var s=d.createElement('script');s.async=true;"
        "s.src='https://securepubads.g.doubleclick.net/tag/js/gpt.js';"
        "d.head.appendChild(s)})(window,document);</script>\n"
        '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>\n'
        '<link rel="icon" href="/favicon.ico">\n'
    )


def _header(spec: OutletSpec, base_url: str, p: str) -> str:
    menu = "".join(
        f'<li class="{p}-menu__item"><a class="{p}-menu__link" href="{base_url}/{slug}/">'
        f"{escape(name)}</a></li>"
        for slug, name in SECTIONS
    )
    extra = "".join(
        f'<li class="{p}-menu__item"><a href="{base_url}/{slugify(name)}/">{escape(name)}</a></li>'
        for name in EXTRA_MENU
    )
    return (
        f'<div class="{p}-topbar"><a href="{base_url}/assine/">Assine</a>'
        f'<a href="{base_url}/login/">Entrar</a>'
        f'<span class="{p}-topbar__weather">24°C</span></div>\n'
        f'<header class="{p}-header" role="banner"><a class="{p}-header__logo" href="{base_url}/">'
        f'<img src="{base_url}/static/logo.svg" alt="{escape(spec.name)}"></a>'
        f'<form class="{p}-search" action="{base_url}/busca/"><input name="q" '
        'placeholder="Buscar"><button>Buscar</button></form>\n'
        f'<nav class="{p}-nav" aria-label="Menu principal"><ul class="{p}-menu">{menu}</ul>'
        f'<ul class="{p}-menu {p}-menu--more">{extra}</ul></nav></header>\n'
        f'<div class="{p}-ad" id="banner-topo" data-slot="banner-0"></div>\n'
    )


def _aside(spec: OutletSpec, p: str) -> str:
    return (
        f'<aside class="{p}-aside"><div class="{p}-newsletter"><h3>Receba as notícias do dia</h3>'
        f"<p>Assine a newsletter gratuita do {escape(spec.name)} e receba um resumo toda manhã.</p>"
        f'<form><input type="email" placeholder="Seu e-mail"><button>Cadastrar</button></form>'
        f'</div><div class="{p}-ad" id="banner-lateral" data-slot="banner-3"></div></aside>\n'
    )


def _comments(spec: OutletSpec, p: str) -> str:
    items = "".join(
        f'<li class="{p}-comments__item"><strong>Leitor {i + 1}</strong><p>{escape(text)}</p></li>'
        for i, text in enumerate(COMMENTS)
    )
    return (
        f'<section id="comentarios" class="{p}-comments"><h3>Comentários</h3>'
        f"<p>Os comentários são de responsabilidade de seus autores.</p><ol>{items}</ol>"
        f'<div id="disqus_thread"></div><script>var disqus_config=function(){{'
        f"this.page.identifier=location.pathname}};(function(){{var d=document,"
        f"s=d.createElement('script');s.src='https://{spec.id}.disqus.com/embed.js';"
        "(d.head||d.body).appendChild(s)})();</script></section>\n"
    )


def _footer(rng: random.Random, spec: OutletSpec, base_url: str, p: str) -> str:
    cols = "".join(
        f'<ul class="{p}-footer__col">'
        + "".join(
            f'<li><a href="{base_url}/{slugify(name)}/">{escape(name)}</a></li>'
            for name in rng.sample(FOOTER + EXTRA_MENU, 12)
        )
        + "</ul>"
        for _ in range(5)
    )
    social = "".join(
        f'<a class="{p}-social__{net}" href="https://www.{net}.com/{spec.id}">{net}</a>'
        for net in ("facebook", "instagram", "x", "youtube", "tiktok", "whatsapp")
    )
    tracker = "".join(
        f"<script>!function(e,t){{var n=t.createElement('img');n.src='https://px{i}.example."
        f"net/p?id={rng.randrange(10**9)}&u='+encodeURIComponent(e.location.href)}}(window,"
        "document);</script>"
        for i in range(8)
    )
    return (
        f'<footer class="{p}-footer" role="contentinfo"><div class="{p}-footer__logo">'
        f'{escape(spec.name)}</div>{cols}<div class="{p}-social">{social}</div>'
        f"<p>© 2025 {escape(spec.name)}. Todos os direitos reservados. É proibida a reprodução "
        "do conteúdo desta página em qualquer meio de comunicação sem autorização.</p></footer>\n"
        f"{tracker}\n"
    )
