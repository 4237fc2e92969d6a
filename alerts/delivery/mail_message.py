"""The mails: one alert (instant) or a digest, multipart text and HTML.

Article text never reaches a header unescaped: the subject is built from the
headline with every run of whitespace (CR and LF included) folded into one
space, then set through the `email` package, which encodes non-ASCII text
(RFC 2047) and refuses line breaks. In the HTML part everything from an article
is escaped, and only http(s) links become links.

Digest subjects: `[Atalaia] <watchlist>: N novas notícias` for one watchlist. A
digest that spans several watchlists names them, `[Atalaia] A, B e C: N novas
notícias`, or, beyond three, `[Atalaia] A, B e mais K listas: N novas notícias`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Sequence
from email.errors import MessageError
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate
from itertools import groupby

from alerts.alert import Alert
from alerts.watchlists import EmailChannel
from atalaia.errors import AtalaiaError

_WHITESPACE = re.compile(r"\s+")
SUBJECT_HEADLINE = 180  # characters of the headline kept in a subject


class UnsendableMail(AtalaiaError):
    """The mail cannot be built from the channel's settings (an address that breaks a
    header, say): no retry can help."""


def _built(build: Callable[[], EmailMessage]) -> EmailMessage:
    try:
        return build()
    except (ValueError, TypeError, MessageError) as exc:
        raise UnsendableMail(f"cannot build the mail: {exc}") from None


def instant_message(alert: Alert, channel_name: str, channel: EmailChannel) -> EmailMessage:
    """The mail of one alert; UnsendableMail when the channel's settings cannot make one."""
    return _built(lambda: _instant_message(alert, channel_name, channel))


def _instant_message(alert: Alert, channel_name: str, channel: EmailChannel) -> EmailMessage:
    article = alert.article
    headline = _one_line(article.title, SUBJECT_HEADLINE)
    subject = f"[Atalaia] {_one_line(_watchlist(alert))}: {headline}"
    text = "\n".join([*_text_alert(alert), "", _text_footer()])
    body = "".join(_html_alert(alert, heading="h2"))
    message = _message(channel, subject, text, _html_page(body))
    message["Message-ID"] = _message_id(f"{alert.id}\0{channel_name}")
    return message


def digest_message(
    alerts: Sequence[Alert], channel_name: str, channel: EmailChannel, batch_id: str
) -> EmailMessage:
    """One mail for a batch of alerts; UnsendableMail when the channel cannot make one."""
    return _built(lambda: _digest_message(alerts, channel_name, channel, batch_id))


def _digest_message(
    alerts: Sequence[Alert], channel_name: str, channel: EmailChannel, batch_id: str
) -> EmailMessage:
    """One mail with every alert, grouped by watchlist, newest first."""
    groups = _groups(alerts)
    count = len(alerts)
    names = [_one_line(_watchlist(group[0])) for group in groups]
    noun = "nova notícia" if count == 1 else "novas notícias"
    subject = f"[Atalaia] {_join_names(names)}: {count} {noun}"
    text_lines: list[str] = []
    html_parts: list[str] = []
    for group in groups:
        title = _watchlist(group[0])
        text_lines += [f"== {_one_line(title)} ({len(group)}) ==", ""]
        html_parts.append(f"<h2>{html.escape(title)} ({len(group)})</h2>")
        for alert in group:
            text_lines += [*_text_alert(alert), ""]
            html_parts += _html_alert(alert, heading="h3")
    text_lines.append(_text_footer())
    message = _message(channel, subject, "\n".join(text_lines), _html_page("".join(html_parts)))
    message["Message-ID"] = _message_id(f"{batch_id}\0{channel_name}")
    return message


def _groups(alerts: Sequence[Alert]) -> list[list[Alert]]:
    """Alerts by watchlist, newest first; the watchlist with the newest alert comes first."""
    newest = sorted(alerts, key=lambda a: a.created_at, reverse=True)
    order: dict[str, int] = {}
    for alert in newest:
        order.setdefault(alert.watchlist_id, len(order))
    ranked = sorted(newest, key=lambda a: order[a.watchlist_id])  # stable: keeps newest first
    return [list(group) for _, group in groupby(ranked, key=lambda a: a.watchlist_id)]


def _join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) <= 3:
        return ", ".join(names[:-1]) + " e " + names[-1]
    return f"{names[0]}, {names[1]} e mais {len(names) - 2} listas"


def _message(channel: EmailChannel, subject: str, text: str, page: str) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject
    message["From"] = channel.sender
    message["To"] = ", ".join(channel.to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(page, subtype="html")
    return message


def _text_alert(alert: Alert) -> list[str]:
    article = alert.article
    lines = [_one_line(article.title), f"{article.outlet} · {_when(alert)}"]
    for match in alert.matches[:3]:
        lines.append(f"  «{_one_line(match.snippet)}»")
    lines.append(article.url)
    lines += [f"  também em {c.outlet}: {c.url}" for c in alert.also_in]
    return lines


def _html_alert(alert: Alert, *, heading: str) -> list[str]:
    article = alert.article
    title = html.escape(article.title)
    parts = [f"<{heading}>{_link(article.url, title)}</{heading}>"]
    where = f"{html.escape(article.outlet)} · {html.escape(_when(alert))}"
    parts.append(f"<p><small>{where}</small></p>")
    for match in alert.matches[:3]:
        snippet = (
            html.escape(match.snippet[: match.start])
            + "<mark>"
            + html.escape(match.hit)
            + "</mark>"
            + html.escape(match.snippet[match.end :])
        )
        parts.append(f"<blockquote>{snippet}</blockquote>")
    if alert.also_in:
        copies = ", ".join(_link(c.url, html.escape(c.outlet)) for c in alert.also_in)
        parts.append(f"<p><small>Também em: {copies}</small></p>")
    return parts


def _html_page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="pt"><head><meta charset="utf-8"></head><body>'
        f"{body}<hr><p><small>{html.escape(_text_footer())}</small></p></body></html>"
    )


def _link(url: str, label_html: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{label_html}</a>'
    return label_html


def _text_footer() -> str:
    return "Enviado pelo Atalaia, monitor de notícias."


def _watchlist(alert: Alert) -> str:
    return alert.watchlist_name or alert.watchlist_id


def _when(alert: Alert) -> str:
    moment = alert.article.published_at or alert.created_at
    return moment.strftime("%d/%m/%Y %H:%M %z").strip()


def _one_line(text: str, limit: int | None = None) -> str:
    """`text` on one line: CR, LF and every other run of whitespace become one space."""
    line = _WHITESPACE.sub(" ", text).strip()
    if limit is not None and len(line) > limit:
        line = line[: limit - 1] + "…"
    return line


def _message_id(seed: str) -> str:
    digest = hashlib.blake2b(seed.encode(), digest_size=16).hexdigest()
    return f"<{digest}@atalaia.invalid>"
