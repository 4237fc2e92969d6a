"""The web app's words, in Portuguese (the default) and English.

The language of a request: the reader's choice (the `lang` cookie, set by the
links at the foot of every page), else the first of ours in the browser's
Accept-Language, else the app's default (`--lang`).
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("pt", "en")

WORDS: dict[str, tuple[str, str]] = {
    # navigation and layout
    "alerts": ("Alertas", "Alerts"),
    "watchlists": ("Listas", "Watchlists"),
    "outlets": ("Veículos", "Outlets"),
    "skip": ("Ir para o conteúdo", "Skip to content"),
    "tagline": ("o que os veículos publicaram sobre o que você acompanha",
                "what the outlets published about what you watch"),
    "language": ("Idioma", "Language"),
    "login": ("Entrar", "Sign in"),
    "logout": ("Sair", "Sign out"),
    "token": ("Chave de acesso", "Access token"),
    "token_help": ("A chave está em ATALAIA_WEB_TOKEN, no servidor.",
                   "The token is ATALAIA_WEB_TOKEN, on the server."),
    "bad_token": ("Chave incorreta.", "Wrong token."),
    # the alerts page
    "latest_alerts": ("Últimos alertas", "Latest alerts"),
    "all_watchlists": ("Todas as listas", "All watchlists"),
    "all_outlets": ("Todos os veículos", "All outlets"),
    "any_time": ("Todo o período", "Any time"),
    "last_hour": ("Última hora", "Last hour"),
    "last_24h": ("Últimas 24 horas", "Last 24 hours"),
    "last_7d": ("Últimos 7 dias", "Last 7 days"),
    "last_30d": ("Últimos 30 dias", "Last 30 days"),
    "filter": ("Filtrar", "Filter"),
    "clear": ("Limpar", "Clear"),
    "when": ("Quando", "When"),
    "watchlist": ("Lista", "Watchlist"),
    "outlet": ("Veículo", "Outlet"),
    "headline": ("Título", "Headline"),
    "also_in": ("Também em", "Also in"),
    "delivery": ("Entrega", "Delivery"),
    "newer": ("← Mais recentes", "← Newer"),
    "older": ("Mais antigos →", "Older →"),
    "showing": ("{first}–{last} de {total}", "{first}–{last} of {total}"),
    "new_alerts": ("{n} novo(s) alerta(s): atualizado", "{n} new alert(s): updated"),
    "live": ("Atualiza sozinho a cada 15 s", "Refreshes by itself every 15 s"),
    "no_alerts": ("Nenhum alerta por aqui ainda.", "No alerts here yet."),
    "no_alerts_help": (
        "Quando um veículo publicar algo que uma lista acompanha, o alerta aparece aqui, "
        "mesmo que a lista não avise nenhum canal.",
        "When an outlet publishes something a watchlist follows, the alert shows up here, "
        "even if the watchlist notifies no channel.",
    ),
    "more_outlets": ("+{n} veículos", "+{n} outlets"),
    "one_more_outlet": ("+1 veículo", "+1 outlet"),
    # delivery states
    "state_delivered": ("entregue", "delivered"),
    "state_retry": ("nova tentativa", "retrying"),
    "state_pending": ("na fila", "queued"),
    "state_digest": ("no resumo", "in digest"),
    "state_dead": ("falhou", "failed"),
    "state_none": ("sem canal", "no channel"),
    # watchlists
    "query": ("Consulta", "Query"),
    "terms": ("Termos (qualquer um)", "Terms (any of them)"),
    "exclude": ("Exceto", "Except"),
    "only_outlets": ("Só nos veículos", "Only on outlets"),
    "channels": ("Canais", "Channels"),
    "no_channels": (
        "Esta lista não avisa nenhum canal: os alertas ficam só aqui e no feed.",
        "This watchlist notifies no channel: its alerts are only here and in the feed.",
    ),
    "channel": ("Canal", "Channel"),
    "type": ("Tipo", "Type"),
    "destination": ("Destino", "Destination"),
    "health": ("Situação", "Health"),
    "ok": ("ok", "ok"),
    "disabled_since": ("desativado desde {since}: {reason}", "disabled since {since}: {reason}"),
    "dead_letters": ("{n} alerta(s) não entregue(s)", "{n} undelivered alert(s)"),
    "enable": ("Reativar", "Enable"),
    "retry": ("Reenviar", "Retry"),
    "retry_all": ("Reenviar todos", "Retry all"),
    "unknown_channel": ("canal não configurado", "channel not configured"),
    "matches_per_day": ("Alertas por dia, últimos 90 dias", "Alerts per day, last 90 days"),
    "chart_total": ("{n} alertas em 90 dias; máximo {max} num dia",
                    "{n} alerts in 90 days; at most {max} in a day"),
    "chart_label": ("Gráfico de barras: alertas por dia de {start} a {end}",
                    "Bar chart: alerts per day from {start} to {end}"),
    "its_alerts": ("Alertas desta lista", "This watchlist's alerts"),
    "see_all": ("Ver todos", "See all"),
    "subscribe": ("Assinar o feed", "Subscribe to the feed"),
    "last_7_days": ("7 dias", "7 days"),
    "today": ("Hoje", "Today"),
    "unknown_watchlist": ("Lista desconhecida: {id}", "Unknown watchlist: {id}"),
    "removed_watchlist": (
        "Esta lista não está mais no arquivo de listas; os alertas guardados continuam.",
        "This watchlist is no longer in the watchlists file; its kept alerts remain.",
    ),
    # story
    "published": ("Publicado", "Published"),
    "first_seen": ("Visto pela primeira vez", "First seen"),
    "authors": ("Autores", "Authors"),
    "read_original": ("Ler no {outlet}", "Read on {outlet}"),
    "matched": ("O que bateu", "What matched"),
    "matched_by_absence": ("(pelo que o texto não contém)", "(by what the text does not contain)"),
    "in_field": ("no {field}", "in the {field}"),
    "field_title": ("título", "headline"),
    "field_lead": ("linha fina", "lead"),
    "field_body": ("texto", "body"),
    "copies": ("Também publicado em", "Also published in"),
    "no_copies": ("Nenhum outro veículo, até agora.", "No other outlet, so far."),
    "deliveries": ("Entregas", "Deliveries"),
    "attempts": ("Tentativas", "Attempts"),
    "error": ("Erro", "Error"),
    "delivered_at": ("Entregue em", "Delivered at"),
    "not_matched": ("Nenhuma lista bateu com esta notícia.", "No watchlist matched this story."),
    "story_gone": ("Notícia não encontrada (guardamos {days} dias).",
                   "Story not found (stories are kept {days} days)."),
    "unknown_date": ("data desconhecida", "unknown date"),
    # outlets
    "state": ("Estado", "State"),
    "last_crawl": ("Última coleta", "Last crawl"),
    "last_success": ("Último sucesso", "Last success"),
    "errors": ("Erros", "Errors"),
    "stories_today": ("Notícias hoje", "Stories today"),
    "stories_per_day": ("Notícias/dia (7 dias)", "Stories/day (7 days)"),
    "next_run": ("Próxima coleta", "Next run"),
    "last_error": ("Último erro", "Last error"),
    "outlet_ok": ("ok", "ok"),
    "outlet_failing": ("com falha", "failing"),
    "outlet_never": ("nunca coletado", "never crawled"),
    "outlet_disabled": ("desativado", "disabled"),
    "queues": ("Filas", "Queues"),
    "crawl_jobs": ("Coletas na fila: {n} ({p} em andamento)",
                   "Crawl jobs: {n} ({p} in progress)"),
    "alerts_queue": ("Alertas a entregar: {n} ({p} em andamento), {r} aguardando nova tentativa",
                     "Alerts to deliver: {n} ({p} in progress), {r} waiting for a retry"),
    "dead_letters_total": ("Alertas não entregues: {n}", "Undelivered alerts: {n}"),
    "disabled_channels": ("Canais desativados: {names}", "Disabled channels: {names}"),
    "ago": ("há {span}", "{span} ago"),
    "in": ("em {span}", "in {span}"),
    "due": ("agora", "due"),
    "never": ("nunca", "never"),
    # feeds and errors
    "feed_title": ("Atalaia: {name}", "Atalaia: {name}"),
    "feed_subtitle": ("Alertas da lista {name}", "Alerts of the watchlist {name}"),
    "not_found": ("Página não encontrada.", "Page not found."),
    "forbidden": ("Pedido recusado: recarregue a página e tente de novo.",
                  "Request refused: reload the page and try again."),
    "done_retry": ("{n} alerta(s) de volta à fila.", "{n} alert(s) back in the queue."),
    "done_enable": ("Canal {name} reativado.", "Channel {name} enabled."),
    "redis_down": ("O Redis não respondeu: {error}", "Redis did not answer: {error}"),
}  # fmt: skip


def negotiate(cookie: str | None, accept_language: str | None, default: str) -> str:
    """The language of a request (see the module's docstring)."""
    if cookie in LANGUAGES:
        return str(cookie)
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else default


def translator(language: str) -> Callable[..., str]:
    index = LANGUAGES.index(language) if language in LANGUAGES else 0

    def t(key: str, **values: object) -> str:
        text = WORDS[key][index]
        return text.format(**values) if values else text

    return t
