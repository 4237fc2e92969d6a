"""Score the article extractor on folders of saved real pages, beside trafilatura and newspaper4k.

Usage: python -m bench.extraction_eval DIR [DIR ...] [--quiet] [--only atalaia]

Each DIR holds `html/*.html` and `TRUTH.tsv` (columns local_file, headline,
published_iso, canonical_url; an optional `kind` column, or a `SOURCES.tsv` with
`local_file`, `kind` and `language` columns, marks non-article pages, which must
be refused). The page's own address is its `canonical_url` when the folder gives
one (in a crawl the extractor always knows the address it fetched), else a file
URI.

Per folder it prints, for atalaia and for each other extractor installed
(trafilatura's `bare_extraction` with metadata; newspaper4k, from the `[bench]`
extra, reported missing if absent), run on the same pages in this process:

- titles: the headline equals the label, whitespace, quote and dash kinds and
  letter case aside (nothing else is forgiven);
- days: the publication day equals the label's day (labels with a time are read
  in their own offset; a label at midnight, or with only a date, is a day label);
- exact times: for labels with a time of day, the same instant with the same UTC
  offset, to the label's precision (a label written to the minute, seconds 00,
  is matched to the minute); a day-only answer does not count;
- canonical: the canonical URL equals the label (atalaia only);
- non-articles refused, articles wrongly refused (trafilatura: no text extracted;
  newspaper4k: `is_valid_body()` false; their titles and dates are scored all the
  same, as they give them even then);
- the median milliseconds per page, with the range.

Then one line per page where atalaia is wrong, unless --quiet.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from atalaia.article import NotAnArticle
from crawler.extraction.page import extract_article
from crawler.extraction.timezones import guess_timezone

_FALLBACK_TIMEZONE = "America/Sao_Paulo"  # most Lusophone outlets are Brazilian
_QUOTES = str.maketrans({c: '"' for c in "“”„‟«»″"} | {c: "'" for c in "‘’‚‛′`´"})
_DASHES = re.compile(r"[‐‑‒–—―−]")


@dataclass(frozen=True)
class Case:
    local_file: str
    kind: str
    language: str
    headline: str = ""
    published_iso: str = ""
    canonical_url: str = ""

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


@dataclass(frozen=True)
class Answer:
    """What one extractor said about one page."""

    refused: bool
    title: str = ""
    published: datetime | None = None
    day_only: bool = False
    canonical: str = ""
    reason: str = ""


@dataclass
class Tally:
    titles: list[int] = field(default_factory=lambda: [0, 0])
    days: list[int] = field(default_factory=lambda: [0, 0])
    times: list[int] = field(default_factory=lambda: [0, 0])
    canonical: list[int] = field(default_factory=lambda: [0, 0])
    refused: list[int] = field(default_factory=lambda: [0, 0])
    wrongly_refused: int = 0
    articles: int = 0
    millis: list[float] = field(default_factory=list)


Extractor = Callable[[bytes, str, str], Answer]


class EvalFolderError(Exception):
    """The folder is missing or not laid out like a real-pages folder."""


def load_cases(folder: Path) -> list[Case]:
    truth_path = folder / "TRUTH.tsv"
    if not folder.is_dir():
        raise EvalFolderError(f"{folder}: no such directory")
    if not truth_path.is_file():
        raise EvalFolderError(f"{folder}: no TRUTH.tsv")
    sources = {row["local_file"]: row for row in _rows(folder / "SOURCES.tsv")}
    cases: dict[str, Case] = {}
    for row in _rows(truth_path):
        source = sources.get(row["local_file"], {})
        kind = row.get("kind") or source.get("kind") or "article"
        cases[row["local_file"]] = Case(
            local_file=row["local_file"],
            kind=kind,
            language=row.get("language") or source.get("language", ""),
            headline=row.get("headline") or "",
            published_iso=row.get("published_iso") or "",
            canonical_url=row.get("canonical_url") or "",
        )
    for local_file, source in sources.items():
        if local_file not in cases and local_file.startswith("html/"):
            cases[local_file] = Case(local_file, source.get("kind", ""), source.get("language", ""))
    return sorted(cases.values(), key=lambda c: c.local_file)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        # Fields holding quotes are written CSV-style ("a ""b"" c"): read them so.
        return list(csv.DictReader(handle, delimiter="\t"))


def same_title(found: str, wanted: str) -> bool:
    return bool(wanted) and _title_key(found) == _title_key(wanted)


def _title_key(text: str) -> str:
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", text).translate(_QUOTES))
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Label:
    day: date | None
    moment: datetime | None  # when the label has a time of day


def read_label(text: str, timezone: str) -> Label:
    if not text:
        return Label(None, None)
    value = datetime.fromisoformat(text.replace(" ", "T"))
    if len(text) <= 10 or (value.time() == datetime.min.time()):
        return Label(value.date(), None)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return Label(value.date(), value)


def score(cases: list[Case], folder: Path, extractor: Extractor, tally: Tally,
          report: Callable[[Case, Answer, float, dict[str, bool]], None] | None = None,
          ) -> None:  # fmt: skip
    for case in cases:
        html = (folder / case.local_file).read_bytes()
        url = case.canonical_url or (folder / case.local_file).resolve().as_uri()
        timezone = guess_timezone(case.canonical_url, case.language, _FALLBACK_TIMEZONE)
        started = time.perf_counter()
        answer = extractor(html, url, timezone)
        millis = 1000 * (time.perf_counter() - started)
        tally.millis.append(millis)
        if not case.is_article:
            _count(tally.refused, answer.refused)
            if report is not None and not answer.refused:
                report(case, answer, millis, {})
            continue
        tally.articles += 1
        tally.wrongly_refused += answer.refused
        label = read_label(case.published_iso, timezone)
        ok = {
            "title": same_title(answer.title, case.headline),
            "canonical": answer.canonical == case.canonical_url,
        }
        _count(tally.titles, ok["title"], bool(case.headline))
        _count(tally.canonical, ok["canonical"], bool(case.canonical_url))
        if label.day is not None:
            ok["day"] = _same_day(answer.published, label)
            _count(tally.days, ok["day"])
        if label.moment is not None:
            ok["time"] = not answer.day_only and same_time(answer.published, label.moment)
            _count(tally.times, ok["time"])
        if report is not None and (answer.refused or not all(ok.values())):
            report(case, answer, millis, ok)


def same_time(found: datetime | None, wanted: datetime) -> bool:
    """The same instant with the same offset, to the precision the label is written in."""
    if found is None or found.utcoffset() != wanted.utcoffset():
        return False
    if wanted.second == 0 and wanted.microsecond == 0:
        found = found.replace(second=0, microsecond=0)
    return found == wanted


def _same_day(found: datetime | None, label: Label) -> bool:
    if found is None or label.day is None:
        return False
    if label.moment is not None and label.moment.tzinfo is not None:
        return found.astimezone(label.moment.tzinfo).date() == label.day
    return found.date() == label.day


def _count(count: list[int], ok: bool, applies: bool = True) -> None:
    if applies:
        count[0] += int(ok)
        count[1] += 1


# --- the extractors ------------------------------------------------------------------


def atalaia(html: bytes, url: str, timezone: str) -> Answer:
    try:
        article = extract_article(html, url, timezone=timezone)
    except NotAnArticle as error:
        return Answer(refused=True, reason=error.reason)
    return Answer(
        refused=False,
        title=article.title,
        published=article.published_at,
        day_only=article.published_precision == "day",
        canonical=article.canonical_url,
        reason=article.published_source,
    )


def trafilatura_extractor(html: bytes, url: str, timezone: str) -> Answer:
    from trafilatura import bare_extraction

    document = bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%d %H:%M:%S",
        },
    )
    if document is None:
        return Answer(refused=True)
    published, day_only = _naive_or_aware(getattr(document, "date", None), timezone)
    title = str(getattr(document, "title", "") or "")
    return Answer(not getattr(document, "text", ""), title, published, day_only)


def newspaper_extractor(html: bytes, url: str, timezone: str) -> Answer:
    import newspaper

    config = newspaper.Config()
    config.fetch_images = False
    config.language = "pt"
    article = newspaper.Article(url, config=config)
    article.download(input_html=html.decode("utf-8", errors="replace"))
    article.parse()
    published, day_only = _naive_or_aware(article.publish_date, timezone)
    return Answer(not article.is_valid_body(), article.title or "", published, day_only)


def _naive_or_aware(value: object, timezone: str) -> tuple[datetime | None, bool]:
    """A date another extractor gave (string or datetime), with the outlet's zone
    when it has none; midnight means it gave only the day."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None, False
    if not isinstance(value, datetime):
        return None, False
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value, value.time() == datetime.min.time()


def extractors(only: list[str]) -> tuple[dict[str, Extractor], list[str]]:
    """The extractors to run, and notes on those that cannot run here."""
    chosen: dict[str, Extractor] = {"atalaia": atalaia}
    notes = []
    if importlib.util.find_spec("trafilatura") is not None:
        chosen["trafilatura"] = trafilatura_extractor
    else:
        notes.append("trafilatura is not installed: not compared")
    if importlib.util.find_spec("newspaper") is not None:
        chosen["newspaper4k"] = newspaper_extractor
    else:
        notes.append("newspaper4k is not installed (pip install -e '.[bench]'): not compared")
    if only:
        chosen = {name: run for name, run in chosen.items() if name in only}
    return chosen, notes


# --- printing --------------------------------------------------------------------------


def print_page(case: Case, answer: Answer, millis: float, ok: dict[str, bool]) -> None:
    if not case.is_article:
        print(f"BAD {case.local_file} [{case.kind}] not refused: {answer.title!r} {millis:.0f}ms")
        return
    if answer.refused:
        print(f"BAD {case.local_file}: refused ({answer.reason}) {millis:.0f}ms")
        return
    print(f"BAD {case.local_file} {millis:.0f}ms")
    if not ok.get("title", True):
        print(f"    title: got {answer.title!r}, want {case.headline!r}")
    published = answer.published.isoformat() if answer.published else None
    precision = " (day)" if answer.day_only else ""
    if not (ok.get("day", True) and ok.get("time", True)):
        print(f"    published: got {published}{precision} from {answer.reason or '-'}, "
              f"want {case.published_iso}")  # fmt: skip
    if not ok.get("canonical", True):
        print(f"    canonical: got {answer.canonical!r}, want {case.canonical_url!r}")


def print_table(folder: Path, cases: list[Case], tallies: dict[str, Tally]) -> None:
    articles = sum(1 for c in cases if c.is_article)
    print(f"\n{folder}: {len(cases)} pages, {articles} articles, "
          f"{len(cases) - articles} non-articles")  # fmt: skip
    names = list(tallies)
    print(f"{'':24}" + "".join(f"{name:>16}" for name in names))
    rows: list[tuple[str, Callable[[Tally], str]]] = [
        ("titles", lambda t: _ratio(t.titles)),
        ("days", lambda t: _ratio(t.days)),
        ("exact times", lambda t: _ratio(t.times)),
        ("canonical", lambda t: _ratio(t.canonical)),
        ("non-articles refused", lambda t: _ratio(t.refused)),
        ("articles refused", lambda t: f"{t.wrongly_refused}/{t.articles}"),
        ("median ms/page", _millis),
    ]
    for title, cell in rows:
        values = [cell(tallies[name]) if (title != "canonical" or name == "atalaia") else "-"
                  for name in names]  # fmt: skip
        print(f"{title:24}" + "".join(f"{value:>16}" for value in values))


def _ratio(count: list[int]) -> str:
    return f"{count[0]}/{count[1]}" if count[1] else "-"


def _millis(tally: Tally) -> str:
    if not tally.millis:
        return "-"
    return (
        f"{statistics.median(tally.millis):.1f} ({min(tally.millis):.0f}-{max(tally.millis):.0f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("folders", type=Path, nargs="+", help="folders with html/ and TRUTH.tsv")
    parser.add_argument("--quiet", action="store_true", help="no line per wrong page")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this extractor (atalaia, trafilatura, newspaper4k)",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    chosen, notes = extractors(args.only)
    for note in notes:
        print(f"note: {note}")
    for folder in args.folders:
        try:
            cases = load_cases(folder)
        except EvalFolderError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        tallies: dict[str, Tally] = {}
        for name, extractor in chosen.items():
            tallies[name] = Tally()
            report = print_page if name == "atalaia" and not args.quiet else None
            if report is not None:
                print(f"\n{folder}: pages atalaia gets wrong")
            score(cases, folder, extractor, tallies[name], report)
        print_table(folder, cases, tallies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
