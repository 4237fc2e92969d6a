"""Choose the real headline by agreement: metadata titles and the page's visible lines vote.

The metadata titles (JSON-LD headline, og:title, twitter:title, `<title>`...) are
cut at their separators (" | ", " - ", " :: ", " • ", "[Site] "); every run of
whole segments is a candidate. A segment is an affix to drop when it names the
site (its name, the host name, an acronym of either, the text of a link to a
homepage, generic words like "Notícias") or when a visible line shows the
headline without it: the suffix is learned by comparing candidates, not from a
list of sites.

Every visible line of the page is scored for how much it looks like this page's
headline - its tag (`<h1>` first), whether running text follows it, whether it
reads like a sentence or a label - plus the votes of the metadata titles it
agrees with (fully, behind a short label such as "FAMÍLIA" or a date, or in a
slightly different wording). A metadata title nobody shows gets its votes alone.
A line that is a logo, a section label (the text of a menu link), a date or the
site's name never wins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from crawler.extraction.dates import scan_dates, simplify
from crawler.extraction.landmarks import Line, Spot
from crawler.extraction.textfix import repair_mojibake, repair_text

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|•|·|»|›|~)\s+|\s*::\s*|\s+\|\||^\[([^\]]{1,40})\]\s*")
_DECORATION = " \t»«›‹|•·:~"
_QUOTES = re.compile(r"[\"'“”‘’«»„`´]")
_DASHES = re.compile(r"[‐‑‒–—―−]")
_STOPWORDS = frozenset({"de", "da", "do", "das", "dos", "e", "a", "o", "em", "the", "of", "and"})
_GENERIC = frozenset(
    {"noticias", "noticia", "news", "home", "inicio", "portal", "jornal", "site", "pagina",
     "principal", "inicial", "ultimas", "todas", "mais", "visualizar", "ver", "leia",
     "imprensa", "sala", "agencia", "destaque", "destaques", "blog", "online", "oficial",
     "web", "geral", "materia", "artigo", "artigos", "conteudo", "detalhe", "detalhes",
     "publicacoes", "comunicacao", "informativo", "seja", "bem", "vindo"}
)  # fmt: skip
_HOST_NOISE = frozenset(
    {"www", "www1", "www2", "m", "com", "br", "org", "net", "gov", "jus", "leg", "mp", "adv",
     "pt", "ao", "mz", "cv", "edu", "def", "tc", "info", "blog", "portal", "site", "noticias",
     "web", "ww2", "ww1", "intranet", "app"}
)  # fmt: skip
_TITLE_CLASS = re.compile(r"(?<!sub)(?:titul|title)|headline|manchete")
_TEASER_CLASS = re.compile(r"related|relacionad|teaser|card|widget|sidebar|menu|nav|logo")
_HEADING_WEIGHT = {"h1": 3.0, "h2": 2.2, "h3": 1.8, "h4": 1.5, "h5": 1.5, "h6": 1.5}
_TITLE_WEIGHT = 2.2  # a block whose class or id says "title"
_LINE_WEIGHT = 0.6
_PARTIAL = 0.8  # the line shows the candidate behind a short label
_SHOWN = 1.5  # a metadata title a line shows counts this much more
_META_ONLY = 0.4  # a metadata title no line shows
_SITE_SEGMENT = 0.3
_NOT_FOLLOWED = 0.35  # no running text after the line
_SENTENCE = 0.3  # the line reads like a sentence of running text
_FEW_WORDS = 0.5  # three words or fewer: more often a label than a headline
_LABEL_ABOVE = 0.6  # another heading follows at once: this one labels a section
_AWAY = 0.5  # the line is after the start of the running text, or far before it
_BEFORE_TEXT = 40  # lines before the running text where the headline may sit
_MAX_LABEL_WORDS = 3
_LABEL_WORDS = 5  # a heading this short followed by a longer one labels it
_MAX_HEADLINE_WORDS = 40
_MIN_LINE, _MAX_LINE = 8, 400
_FUZZY = 0.85
_MAX_SEGMENTS = 8
_MAX_ACRONYM = 8
_MAX_NAME_WORDS = 8
_AFFIX_KEY = 12
_PROSE_LINE = 40
_PROSE_AFTER = 150
_LOOK_AHEAD = 15
_TEXT_WINDOW = 15
_NOT_HEADLINE = re.compile(
    r"^(?:por|by|fonte|foto|fotos|cr[ée]dito|imagem|leia|veja|confira|compartilh|"
    r"publicad|atualizad|postad|escrito|enviad|data|tags?)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_HOMEPAGE = re.compile(  # "/", "https://site.example/", "index.php", "/portal/"
    r"(?:(?:https?:)?//[^/?#]+)?/(?:_INDEX/?)?$|(?:https?:)?//[^/?#]+$|_INDEX/?$".replace(
        "_INDEX", r"(?:index|default|home|inicio|portal)(?:\.\w+)?"
    ),
    re.IGNORECASE,
)
_CRUMBS = re.compile(r"[»›>|/].*[»›>|]")
_WEEKDAYS = re.compile(
    r"\b(?:segunda|terca|quarta|quinta|sexta|sabado|domingo|feira|seg|ter|qua|qui|sex|sab|dom|"
    r"publicad[oa]|atualizad[oa]|postad[oa]|em|as|de|hoje|data|hora)\b"
)


@dataclass(frozen=True, slots=True)
class Headline:
    text: str
    position: int | None = None  # element position of the visible headline, if one showed it
    line: int | None = None  # its index in `Landmarks.lines`


@dataclass(slots=True)
class _Candidate:
    """A title cut from the metadata, with the weight of the titles it comes from."""

    text: str
    votes: float = 0.0
    site_segments: int = 0
    all_site: bool = False
    titles: set[int] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class SiteNames:
    """What the site calls itself: names from the metadata and the host's labels."""

    keys: frozenset[str]
    host_tokens: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str], url: str) -> SiteNames:
        keys = {_compact(n) for n in names if n and len(n.split()) <= _MAX_NAME_WORDS}
        host = (urlsplit(url).hostname or "") if "://" in url else ""
        labels = [
            label for label in host.split(".") if label not in _HOST_NOISE and not label.isdigit()
        ]
        tokens = {part for label in labels for part in (label, label.replace("-", ""))}
        tokens.add("".join(label.replace("-", "") for label in labels))
        return cls(frozenset(k for k in keys if k), frozenset(t for t in tokens if t))

    def adding(self, names: Iterable[str]) -> SiteNames:
        more = {_compact(n) for n in names if len(n.split()) <= _MAX_NAME_WORDS}
        return SiteNames(self.keys | frozenset(k for k in more if k), self.host_tokens)

    def without(self, titles: Iterable[str]) -> SiteNames:
        """Without a "site name" that is a whole page title (a CMS filling
        `application-name` with the headline)."""
        return SiteNames(self.keys - {_compact(t) for t in titles}, self.host_tokens)

    def owns(self, segment: str) -> bool:
        """Whether `segment` names the site (or is generic words around its name)."""
        every = _words(segment)
        if "".join(every) in self.keys:
            return True
        words = [w for w in every if w not in _STOPWORDS]
        meaningful = [w for w in words if w not in _GENERIC]
        if not meaningful:
            return True
        known = self.keys | self.host_tokens
        if "".join(meaningful) in known or "".join(words) in known:
            return True
        # "Associação dos Advogados de São Paulo" on aasp.org.br
        initials = "".join(w[0] for w in meaningful)
        return 3 <= len(initials) <= _MAX_ACRONYM and initials in known


def choose_headline(
    lines: list[Line],
    headings: list[Spot],
    titles: list[tuple[str, float]],
    names: SiteNames,
    *,
    url: str = "",
    labels: Iterable[str] = (),
) -> Headline:
    """The headline: `titles` are the metadata titles with their weight, `labels`
    texts known to be section names (the article's section)."""
    names = names.without(t for t, _ in titles).adding(_homepage_link_texts(lines))
    label_keys = {_key(label) for label in labels if label.strip()}
    label_keys |= {
        _key(line.text)
        for line in lines
        if line.link is not None and len(line.text.split()) <= _MAX_LABEL_WORDS
    }
    candidates = {
        key: c
        for key, c in _title_candidates(titles, names).items()
        if _acceptable(c.text, names, label_keys) and not c.all_site
    }
    scorer = _LineScorer(lines, candidates, names, label_keys, url)
    best: tuple[float, str, Line | None] | None = None
    for line in lines:
        scored = scorer.score(line, to_beat=best[0] if best else 0.0)
        if scored is not None and (best is None or scored[0] > best[0]):
            best = (scored[0], scored[1], line)
    for candidate in candidates.values():
        score = candidate.votes * _META_ONLY - _SITE_SEGMENT * candidate.site_segments
        if best is None or score > best[0]:
            best = (score, candidate.text, None)
    if best is None:
        return Headline("")
    _, text, shown_by = best
    text = _strip(repair_text(text))
    if shown_by is None:
        return Headline(text)
    return Headline(text, shown_by.position, shown_by.index)


class _LineScorer:
    """How much each visible line looks like the headline, and which title it shows."""

    def __init__(
        self,
        lines: list[Line],
        candidates: dict[str, _Candidate],
        names: SiteNames,
        labels: set[str],
        url: str,
    ) -> None:
        self.lines = lines
        self.candidates = candidates
        self.names = names
        self.labels = labels
        self.self_paths = {_path_key(url)} if url else set()
        self.prose = [0]
        for line in lines:
            running = not line.furniture and line.link is None and len(line.text) >= _PROSE_LINE
            self.prose.append(self.prose[-1] + (len(line.text) if running else 0))
        self.by_start: dict[str, list[str]] = {}
        self.by_end: dict[str, list[str]] = {}
        for key in candidates:
            if len(key) >= _AFFIX_KEY:
                self.by_start.setdefault(key[:_AFFIX_KEY], []).append(key)
                self.by_end.setdefault(key[-_AFFIX_KEY:], []).append(key)
        ranked = sorted(candidates.values(), key=lambda c: c.votes, reverse=True)
        self.fuzzy_pool = ranked[:8]
        self.best_votes = ranked[0].votes if ranked else 0.0
        self.text_start = self._text_start()

    def _text_start(self) -> int:
        """The line where the densest run of running text starts (the article's body)."""
        best, start = 0, 0
        prose = self.prose
        for index in range(len(self.lines)):
            window = prose[min(len(prose) - 1, index + _TEXT_WINDOW)] - prose[index]
            if window > best:
                best, start = window, index
        while start < len(self.lines) - 1 and prose[start + 1] == prose[start]:
            start += 1  # the window's first line of running text
        return start

    def score(self, line: Line, to_beat: float = 0.0) -> tuple[float, str] | None:
        """The line's score and the headline it gives, or None when it cannot be the
        headline or cannot beat `to_beat`."""
        if line.furniture or not _MIN_LINE <= len(line.text) <= _MAX_LINE:
            return None
        text = _strip(_without_dates(repair_mojibake(line.text)))
        if not text:
            return None
        key = _key(text)
        links_elsewhere = line.link is not None and _path_key(line.link) not in self.self_paths
        exact = self.candidates.get(key)
        if exact is None and (links_elsewhere or _line_weight(line) + self.best_votes <= to_beat):
            return None
        shape = self._shape(line, text)
        if exact is not None:
            weight = 0.5 if links_elsewhere else 1.0
            # shown far from the running text (a header, a footer): the site's name
            shown = _SHOWN if self._near_text(line) else _META_ONLY
            votes = shown * exact.votes - _SITE_SEGMENT * exact.site_segments
            return weight * (shape + votes), text
        if links_elsewhere or not _reads_like_headline(text, self.names, self.labels):
            return None
        if text != line.text.strip() and _is_dateline(line.text):
            return None
        partial = self._partial(key)
        if partial is not None:
            return _PARTIAL * shape + partial.votes, partial.text
        fuzzy = self._fuzzy(line, text)
        return shape + fuzzy, text

    def _shape(self, line: Line, text: str) -> float:
        """How much the line looks like a headline, whatever it says."""
        weight = _line_weight(line)
        index = line.index
        after = self.prose[min(len(self.lines), index + 1 + _LOOK_AHEAD)]
        if after - self.prose[index + 1] < _PROSE_AFTER:
            weight *= _NOT_FOLLOWED
        if not self._near_text(line):
            weight *= _AWAY
        words = len([w for w in text.split() if any(c.isalpha() for c in w)])
        if text.endswith((".", ";")) or words > _MAX_HEADLINE_WORDS:
            weight *= _SENTENCE
        if words <= _MAX_LABEL_WORDS:
            weight *= _FEW_WORDS
        if words <= _LABEL_WORDS and any(
            _line_weight(following) > _LINE_WEIGHT
            and following.link is None
            and len(following.text.split()) > words
            for following in self.lines[index + 1 : index + 3]
        ):
            weight *= _LABEL_ABOVE
        return weight

    def _near_text(self, line: Line) -> bool:
        return self.text_start - _BEFORE_TEXT <= line.index <= self.text_start + 2

    def _partial(self, key: str) -> _Candidate | None:
        """A candidate the line shows behind a short label: 'FAMÍLIA Reconhecimento...'."""
        found = [k for k in self.by_end.get(key[-_AFFIX_KEY:], ()) if key.endswith(k)]
        found += [k for k in self.by_start.get(key[:_AFFIX_KEY], ()) if key.startswith(k)]
        for candidate_key in found:
            extra = key[: -len(candidate_key)] if key.endswith(candidate_key) else (
                key[len(candidate_key) :]
            )  # fmt: skip
            if _is_label(extra):
                return self.candidates[candidate_key]
        return None

    def _fuzzy(self, line: Line, text: str) -> float:
        """The votes of a title worded a little differently by a heading."""
        if line.block is None or _line_weight(line) <= _LINE_WEIGHT:
            return 0.0
        best = 0.0
        for candidate in self.fuzzy_pool:
            similarity = agreement(text, candidate.text)
            if similarity >= _FUZZY:
                best = max(best, similarity * candidate.votes)
        return best


def agreement(visible: str, title: str) -> float:
    """How alike two wordings of a headline are, 0 to 1."""
    a, b = _key(visible), _key(title)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if b.startswith(a) and len(a) >= 0.5 * len(b):
        return 0.95
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < _FUZZY or matcher.quick_ratio() < _FUZZY:
        return 0.0
    return matcher.ratio()


def segments(title: str) -> list[str]:
    """`title` cut at its separators: 'X | Site' -> ['X', 'Site']."""
    text = re.sub(r"\s+", " ", title).strip()
    parts: list[str] = []
    start = 0
    for match in _SEPARATORS.finditer(text):
        if match.group(1):  # "[Site] Headline"
            parts.append(match.group(1))
        elif match.start() > start:
            parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip(_DECORATION)]


def _title_candidates(titles: list[tuple[str, float]], names: SiteNames) -> dict[str, _Candidate]:
    candidates: dict[str, _Candidate] = {}
    for index, (title, weight) in enumerate(titles):
        title = repair_text(title)
        parts = segments(title)[:_MAX_SEGMENTS]
        owned = [names.owns(part) or _is_date_line(part) for part in parts]
        for first in range(len(parts)):
            for last in range(first, len(parts)):
                text = _join(title, parts[first : last + 1])
                key = _key(text)
                if not key:
                    continue
                dropped = owned[:first] + owned[last + 1 :]
                candidate = candidates.setdefault(key, _Candidate(_strip(text)))
                if index in candidate.titles:
                    continue
                candidate.titles.add(index)
                kept = owned[first : last + 1]
                candidate.site_segments = max(candidate.site_segments, sum(kept))
                candidate.all_site = all(kept)
                # a dropped segment that is not the site counts against the cut
                candidate.votes += weight * (0.5 ** (len(dropped) - sum(dropped)))
    return candidates


def _join(title: str, parts: list[str]) -> str:
    """The stretch of `title` from the first part to the last, separators included."""
    if len(parts) == 1:
        return parts[0]
    start = title.find(parts[0])
    end = title.find(parts[-1], start + len(parts[0]))
    if start < 0 or end < 0:
        return " ".join(parts)
    return title[start : end + len(parts[-1])]


def _homepage_link_texts(lines: list[Line]) -> list[str]:
    """The texts of links to a homepage (the logo, "Portal do Governo"): site names."""
    return [
        line.text
        for line in lines
        if line.link is not None and len(line.text) <= _MAX_LINE and _HOMEPAGE.match(line.link)
    ]


def _line_weight(line: Line) -> float:
    block = line.block
    if block is None or not isinstance(block.tag, str):
        return _LINE_WEIGHT
    if block.tag in _HEADING_WEIGHT:
        return _HEADING_WEIGHT[block.tag]
    if _title_like(block):
        return _TITLE_WEIGHT
    return _LINE_WEIGHT


def _title_like(element: HtmlElement) -> bool:
    if (element.get("itemprop") or "").lower() == "headline":
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return bool(_TITLE_CLASS.search(marks)) and not _TEASER_CLASS.search(marks)


def _is_label(extra: str) -> bool:
    extra = extra.strip(_DECORATION + "-")
    return bool(extra) and (_is_date_line(extra) or len(extra.split()) <= _MAX_LABEL_WORDS)


def _acceptable(text: str, names: SiteNames, labels: set[str]) -> bool:
    if not text or _is_date_line(text) or names.owns(text):
        return False
    return _key(text) not in labels or len(text.split()) > _MAX_LABEL_WORDS


def _reads_like_headline(text: str, names: SiteNames, labels: set[str]) -> bool:
    """Worded like a headline: a few words, not a date, a byline, the site's name, a
    menu label or a breadcrumb trail."""
    words = text.split()
    if len(words) < 2 or len(words) > 2 * _MAX_HEADLINE_WORDS:
        return False
    if _CRUMBS.search(text) or _NOT_HEADLINE.match(text):
        return False
    return _acceptable(text, names, labels)


def _is_dateline(text: str) -> bool:
    """A line that gives the date: 'Notícia publicada em 25/10/2016 20:43'."""
    return bool(_DIGIT.search(text)) and any(found.label for found in scan_dates(text))


def _is_date_line(text: str) -> bool:
    """Whether `text` is a date and nothing else ("Terça-feira, 25 de outubro de 2016")."""
    if not _DIGIT.search(text):
        return False
    found = scan_dates(text)
    if not found:
        return False
    plain = simplify(text)
    for item in reversed(found):
        plain = plain[: item.start] + " " + plain[item.end :]
    return not re.sub(r"[\W\d]+", " ", _WEEKDAYS.sub(" ", plain)).strip()


def _without_dates(text: str) -> str:
    """`text` without a date written before or after it ('25/10/2016 - Título')."""
    if not _DIGIT.search(text):
        return text
    found = scan_dates(text)
    if not found:
        return text
    plain = simplify(text)
    if len(plain) != len(text):
        return text
    first, last = found[0], found[-1]
    if not plain[: first.start].strip(" -–—|:()[]"):
        text = text[first.end :]
        plain = plain[first.end :]
        found = scan_dates(text)
        last = found[-1] if found else None  # type: ignore[assignment]
    if last is not None and not plain[last.end :].strip(" -–—|:()[].") and last.start > 0:
        text = text[: last.start]
    return text.strip(" -–—|:([")


def _strip(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(_DECORATION)


def _key(text: str) -> str:
    """A headline's text for comparison: case, quotes, dash kinds and spacing aside."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DASHES.sub("-", _QUOTES.sub("", text))
    return re.sub(r"\s+", " ", text).strip(_DECORATION + " -*")


def _path_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path.rstrip('/')}?{parts.query}"


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain)


def _compact(text: str) -> str:
    return "".join(_words(text))
