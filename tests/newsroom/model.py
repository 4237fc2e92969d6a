"""The newsroom's vocabulary: outlet specs, fake articles (the truth), faults, access records."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime


class Style(enum.StrEnum):
    """How a fake outlet publishes: its CMS, feeds and markup."""

    WORDPRESS = "wordpress"
    ARCXP = "arcxp"
    GLOBO = "globo"
    LEGACY = "legacy"
    ATOM = "atom"
    SECTION = "section"


class Trap(enum.StrEnum):
    """A difficulty an article (or its outlet) puts in the extractor's or crawler's way."""

    BOILERPLATE_IN_CONTENT = "boilerplate-in-content"  # "Leia também" box, share buttons in body
    JSONLD_UTC_LABELLED_LOCAL = "jsonld-utc-labelled-local"  # UTC wall clock marked -03:00
    LOCAL_LABELLED_UTC = "local-labelled-utc"  # Brasília/Lisbon wall clock marked Z / GMT
    OG_TITLE_DIFFERS = "og-title-differs"  # og:title is an SEO variant of the headline
    NO_MACHINE_DATE = "no-machine-date"  # only the visible "24/09/2018 19h51"
    HEADLINE_IN_H2 = "headline-in-h2"  # <h1> holds the section name
    LATIN1_UNDECLARED = "latin1-undeclared"  # ISO-8859-1 bytes, no charset anywhere
    DUPLICATE_URLS = "duplicate-urls"  # utm-tagged, clean and AMP URLs for one article
    WIRE_COPY = "wire-copy"  # agency story also published by other outlets
    NO_DATE_ON_PAGE = "no-date-on-page"  # the page shows no date: only its listing dates it


@dataclass(frozen=True, slots=True)
class OutletSpec:
    """One fake outlet: `style` picks URL layout, feeds and markup."""

    id: str
    name: str
    style: Style
    timezone: str = "America/Sao_Paulo"
    language: str = "pt-BR"
    country: str = "BR"
    non_articles: bool = True  # list a video hub, tag page, 404 and soft-404 among the links


DEFAULT_SPECS: tuple[OutletSpec, ...] = (
    OutletSpec("diario-planalto", "Diário do Planalto", Style.WORDPRESS),
    OutletSpec("jornal-metropole", "Jornal Metrópole", Style.ARCXP),
    OutletSpec("portal-rede", "Portal Rede", Style.GLOBO),
    OutletSpec("folha-interior", "Folha do Interior", Style.LEGACY),
    OutletSpec(
        "diario-atlantico",
        "Diário Atlântico",
        Style.ATOM,
        timezone="Europe/Lisbon",
        language="pt-PT",
        country="PT",
    ),
    OutletSpec("noticias-horizonte", "Notícias Horizonte", Style.SECTION),
)


class LazyText:
    """Text computed on first use (bodies of thousands of articles are built only when read)."""

    __slots__ = ("_factory", "_value")

    def __init__(self, factory: Callable[[], tuple[str, ...]]) -> None:
        self._factory: Callable[[], tuple[str, ...]] | None = factory
        self._value: tuple[str, ...] | None = None

    @classmethod
    def of(cls, paragraphs: tuple[str, ...]) -> LazyText:
        text = cls(lambda: paragraphs)
        text._value = paragraphs
        return text

    @property
    def value(self) -> tuple[str, ...]:
        if self._value is None:
            assert self._factory is not None
            self._value = self._factory()
            self._factory = None
        return self._value


@dataclass(frozen=True)
class FakeArticle:
    """What a correct extractor finds on the article page: the truth for assertions.

    `url` is the URL as linked from the outlet's feed, sitemap or section page;
    `urls` every URL under which the article is linked or reachable (utm-tagged, AMP).
    `published_at` carries the correct UTC offset, whatever the page claims.
    """

    outlet_id: str
    url: str
    canonical_url: str
    title: str
    og_title: str
    lead: str
    sentence: str  # a distinctive sentence of the body, found in no other story
    authors: tuple[str, ...]
    published_at: datetime
    modified_at: datetime
    language: str
    section: str
    topic: str
    story_id: str  # shared by wire copies of one agency story
    traps: frozenset[Trap] = frozenset()
    urls: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    _body: LazyText = field(default_factory=lambda: LazyText.of(()), repr=False, compare=False)

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The body's paragraphs, without lead, boilerplate or "Leia também" boxes."""
        return self._body.value

    @property
    def body(self) -> str:
        """The full body text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    @property
    def path(self) -> str:
        """The canonical URL's path: where the page lives on the outlet."""
        return "/" + self.canonical_url.split("/", 3)[3]

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


class NonArticleKind(enum.StrEnum):
    VIDEO_HUB = "video-hub"
    TAG_PAGE = "tag-page"
    NOT_FOUND = "not-found"  # answers 404
    SOFT_404 = "soft-404"  # answers 200 with "Página não encontrada"
    DISALLOWED = "disallowed"  # an article under a robots.txt Disallow: must never be fetched


@dataclass(frozen=True, slots=True)
class NonArticle:
    """A link in a feed, sitemap or section page that does not lead to an article."""

    outlet_id: str
    url: str
    kind: NonArticleKind
    status: int


class FaultKind(enum.StrEnum):
    SLOW = "slow"
    ERROR500 = "error500"
    HANG = "hang"
    REDIRECT_LOOP = "redirect_loop"
    GARBAGE = "garbage"
    HUGE = "huge"


@dataclass(frozen=True, slots=True)
class Fault:
    """A misbehaviour of one outlet. Build with the class methods: `Fault.slow(2.0)`."""

    kind: FaultKind
    seconds: float = 0.0  # SLOW: delay per response; HANG: how long before giving up
    size: int = 0  # HUGE: body size in bytes

    @classmethod
    def slow(cls, seconds: float = 2.0) -> Fault:
        """Every response is delayed by `seconds`."""
        return cls(FaultKind.SLOW, seconds=seconds)

    @classmethod
    def error500(cls) -> Fault:
        """Every request, robots.txt included, answers 500."""
        return cls(FaultKind.ERROR500)

    @classmethod
    def hang(cls, seconds: float = 60.0) -> Fault:
        """Requests are accepted and never answered (until stop() or `seconds`)."""
        return cls(FaultKind.HANG, seconds=seconds)

    @classmethod
    def redirect_loop(cls) -> Fault:
        """Feeds, sitemaps and section pages 302 to a twin URL that 302s back."""
        return cls(FaultKind.REDIRECT_LOOP)

    @classmethod
    def garbage(cls) -> Fault:
        """Feeds and sitemaps answer 200 with random bytes that are not XML."""
        return cls(FaultKind.GARBAGE)

    @classmethod
    def huge(cls, size: int = 50 * 1024 * 1024) -> Fault:
        """Article pages answer `size` bytes, streamed in chunks, with a Content-Length."""
        return cls(FaultKind.HUGE, size=size)


@dataclass(frozen=True, slots=True)
class Access:
    """One request as the fake outlet saw it. `status` is 0 when no answer was sent (hang)."""

    outlet_id: str
    method: str
    path: str  # path with query
    status: int
    headers: Mapping[str, str]

    def header(self, name: str) -> str | None:
        """A request header by case-insensitive name."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None
