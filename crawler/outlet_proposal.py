"""A catalogue entry for a new outlet, from its homepage, robots.txt and the sources found.

`homepage_facts` reads a homepage: its name, where it is (crawler.outlet_places), the
feeds it announces (`<link rel="alternate">`) and its platform. `probe_urls` lists
what to fetch next: robots.txt and the usual platform paths (WordPress /feed/, Arc
XP /arc/outboundfeeds/..., /rss). `judge_source` says whether a fetched document is
a feed or a news sitemap worth polling. `propose` puts it together into an entry that
`atalaia check` accepts, with comments saying what each part rests on and when;
`entry_yaml` writes it in the catalogue's style.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from crawler.catalogue import Outlet
from crawler.discovery import ARTICLE_PATH, detect_kind, read_listing
from crawler.extraction.errors import ExtractionError
from crawler.extraction.htmldoc import EmptyDocument, parse_html, squash
from crawler.outlet_places import Place, place_of
from crawler.ownership import HostPattern

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml", "application/feed+json"}
)  # fmt: skip
# Where platforms put their feeds and news sitemaps, tried when the page names none.
COMMON_PATHS = (
    "/feed/",
    "/rss",
    "/rss.xml",
    "/rss2.xml",
    "/feed",
    "/arc/outboundfeeds/rss/?outputType=xml",
    "/arc/outboundfeeds/sitemap-news/?outputType=xml",
    "/sitemap-news.xml",
    "/news-sitemap.xml",
)
NEWS_AGE = timedelta(days=7)  # a news sitemap lists articles of the last days


@dataclass(frozen=True)
class Homepage:
    """What a homepage says about its outlet."""

    url: str
    name: str
    place: Place
    feeds: tuple[str, ...] = ()  # announced with <link rel="alternate">
    platform: str = ""  # "WordPress", "Arc XP", or ""


@dataclass(frozen=True)
class Source:
    """A feed or sitemap found, and what it holds."""

    url: str
    kind: Literal["feed", "sitemap"]
    how: str  # how it was found: "<link rel=alternate>", "robots.txt", "common path"
    links: int = 0
    newest: datetime | None = None
    hosts: tuple[str, ...] = ()  # hosts (with any port) of its links, for `domains`
    checked: bool = True  # fetched and read (False: offline, named by the page only)


@dataclass(frozen=True)
class Proposal:
    """A catalogue entry and the comments that say what it rests on."""

    fields: dict[str, object]
    comments: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.fields["id"])


def homepage_facts(body: bytes, url: str, declared_charset: str | None = None) -> Homepage:
    """Read a homepage (see module docstring). `url` is where it lives."""
    try:
        root = parse_html(body, declared_charset)
    except EmptyDocument as exc:
        raise ValueError(f"{url}: not an HTML page ({exc})") from None
    base = root.find(".//base[@href]")
    page = urljoin(url, base.get("href", "")) if base is not None else url
    feeds = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href and "comments" not in href:
            feeds.append(urljoin(page, href))
    return Homepage(
        url=url,
        name=_name(root, url),
        place=place_of(root, url),
        feeds=tuple(dict.fromkeys(feeds)),
        platform=_platform(body),
    )


def homepage_address(body: bytes, declared_charset: str | None = None) -> str:
    """The address a saved homepage gives for itself (canonical link, og:url), or ''."""
    try:
        root = parse_html(body, declared_charset)
    except EmptyDocument:
        return ""
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    for meta in root.iter("meta"):
        if (meta.get("property") or "").lower() == "og:url" and meta.get("content"):
            return str(meta.get("content")).strip()
    return ""


def probe_urls(homepage: str) -> list[str]:
    """robots.txt and the common feed and sitemap paths of `homepage`'s site."""
    site = _site(homepage)
    return [site + "/robots.txt", *(site + path for path in COMMON_PATHS)]


def robots_sitemaps(text: str, base: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt."""
    found = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base, value.strip()))
    return list(dict.fromkeys(found))


def judge_source(
    body: bytes, url: str, how: str, *, outlet: Outlet, now: datetime, charset: str | None = None
) -> Source | None:
    """A feed with links, or a news sitemap (or an index of them); None for anything else."""
    kind = detect_kind(body, charset)
    if kind == "section":
        return None
    try:
        listing = read_listing(
            body, url, kind, outlet=outlet, catalogue=None, now=now, window=None,
            declared_charset=charset,
        )  # fmt: skip
    except ExtractionError:
        return None
    if listing.kind == "sitemap-index":
        news = "news" in url.lower() or any("news" in ref.url.lower() for ref in listing.children)
        dated = any(ref.lastmod and now - ref.lastmod < NEWS_AGE for ref in listing.children)
        if not listing.children or not (news or dated):
            return None
        return Source(url, "sitemap", how, links=listing.entries)
    if not listing.links:
        return None
    newest = max((link.when for link in listing.links if link.when), default=None)
    if kind == "sitemap":
        recent = newest is not None and now - _aware(newest) < NEWS_AGE
        if not (recent or "news" in url.lower()):
            return None  # a sitemap of the whole archive, not of the news
    hosts = Counter(urlsplit(link.url).netloc.lower() for link in listing.links)
    return Source(
        url, "feed" if kind == "feed" else "sitemap", how, len(listing.links), newest,
        tuple(host for host, _ in hosts.most_common()),
    )  # fmt: skip


def propose(
    homepage: Homepage,
    sources: Sequence[Source],
    *,
    today: date,
    outlet_id: str | None = None,
    name: str | None = None,
    every: str = "10m",
    allow_private_network: bool = False,
    notes: Iterable[str] = (),
) -> Proposal:
    """The catalogue entry for the outlet (see module docstring)."""
    feeds = [s for s in sources if s.kind == "feed"]
    sitemaps = [s for s in sources if s.kind == "sitemap"]
    title = name or homepage.name
    place = homepage.place
    fields: dict[str, object] = {
        "id": outlet_id or slug(title) or slug(urlsplit(homepage.url).hostname or "outlet"),
        "name": title,
        "country": place.country or None,
        "language": place.language,
        "timezone": place.timezone,
        "homepage": homepage.url,
    }
    domains = own_hosts(homepage.url, sources)
    if domains:
        fields["domains"] = domains
    if allow_private_network:
        fields["allow_private_network"] = True
    if feeds:
        fields["feeds"] = [s.url for s in feeds]
    if sitemaps:
        fields["sitemaps"] = [s.url for s in sitemaps]
    checked = any(s.checked for s in sources)
    if not sources:
        fields["sections"] = [{"url": homepage.url, "articles": ARTICLE_PATH}]
    fields["every"] = every
    fields["enabled"] = checked
    fields = {key: value for key, value in fields.items() if value is not None}
    comments = [f"{title}: proposed by `atalaia add-outlet` on {today.isoformat()}."]
    found = "; ".join(_described(s) for s in sources) or "no feed or news sitemap found"
    comments.append(f"Evidence ({today.isoformat()}): {found}.")
    comments += [f"Place: {line}." for line in place.evidence]
    if domains:
        comments.append(
            "Domains: hosts of its links under its own domain; a portal hosts partners "
            "there too, so keep only the outlet's own."
        )
    if not sources:
        comments.append(
            "No feed or sitemap: reading the homepage as a section with a generic article "
            "pattern. Check it with `atalaia discover`, adjust `articles`, then enable."
        )
    elif not checked:
        comments.append("Not fetched (offline): check each source with `atalaia discover`.")
    comments += list(notes)
    return Proposal(fields, comments)


def own_hosts(homepage: str, sources: Sequence[Source]) -> list[str]:
    """Hosts of the sources' links that share the homepage's domain and that the homepage
    host does not already cover (www1.folha... is covered by www.folha...)."""
    home = HostPattern.parse(homepage)
    if home.exact:
        return []  # an address with a port, or an IP: it owns exactly itself
    domain = registrable(home.host)
    found = []
    for source in sources:
        for netloc in source.hosts:
            try:
                host = HostPattern.parse(netloc)
            except ValueError:
                continue
            if host.exact or registrable(host.host) != domain or home.matches(host.host, None):
                continue
            found.append(host.host)
    return sorted(dict.fromkeys(found))


def registrable(host: str) -> str:
    """The domain a site registered: folha.uol.com.br -> uol.com.br, www.publico.pt ->
    publico.pt (a two-level public suffix such as com.br counts as the suffix)."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_SECOND_LEVEL = frozenset({"com", "org", "net", "gov", "edu", "co", "gv", "publ", "jor", "art"})


def entry_yaml(proposal: Proposal, indent: str = "  ") -> str:
    """The entry as a block of the catalogue's `outlets:` list, comments first."""
    lines = [f"{indent}# {line}" for comment in proposal.comments for line in _wrap(comment)]
    first = True
    for key, value in proposal.fields.items():
        lead = f"{indent}- " if first else f"{indent}  "
        first = False
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{lead}{key}:")
            for item in value:
                pairs = list(item.items())
                lines.append(f"{indent}    - {pairs[0][0]}: {_scalar(pairs[0][1])}")
                lines += [f"{indent}      {k}: {_scalar(v)}" for k, v in pairs[1:]]
        elif isinstance(value, list):
            lines.append(f"{lead}{key}:")
            lines += [f"{indent}    - {_scalar(item)}" for item in value]
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def slug(text: str) -> str:
    """An outlet id from a name: lowercase ASCII words joined by '-'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    return "-".join(words)[:63].strip("-")


def _described(source: Source) -> str:
    what = "feed" if source.kind == "feed" else "news sitemap"
    if not source.checked:
        return f"{what} {source.url} (named by {source.how}; not fetched)"
    newest = f", newest {source.newest:%Y-%m-%d}" if source.newest else ""
    return f"{what} {source.url} ({source.how}; {source.links} links{newest})"


def _name(root: HtmlElement, url: str) -> str:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        if key in ("og:site_name", "application-name") and (meta.get("content") or "").strip():
            return squash(meta.get("content"))
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    title = root.find(".//title")
    if title is not None and squash(title.text_content()):
        # A homepage's title is "Name | tagline" or "tagline - Name": the name is the
        # part the host spells, else the first.
        parts = re.split(r"\s+[|\-–—:]\s+", squash(title.text_content()))
        compact = host.replace("-", "").replace(".", "")
        for part in parts:
            spelled = slug(part).replace("-", "")
            if len(spelled) >= 3 and spelled in compact:
                return part
        return parts[0]
    return host


def _platform(body: bytes) -> str:
    head = body[:200_000].lower()
    if b"wp-content/" in head or b'content="wordpress' in head:
        return "WordPress"
    if b"/pf/resources/" in head or b"arc-cdn" in head or b"fusion-metadata" in head:
        return "Arc XP"
    return ""


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if re.fullmatch(r"[A-Za-z0-9_./:?=&%+,-]+", text) and text[0] not in "-?:,&%" and (
        text.lower() not in ("yes", "no", "true", "false", "null", "on", "off")
    ):  # fmt: skip
        return text
    return "'" + text.replace("'", "''") + "'"


def _wrap(text: str, width: int = 76) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = "  " + word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
