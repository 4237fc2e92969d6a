"""Score the article extractor on a folder of saved pages.

Usage: python bench/extraction_eval.py DIR

DIR holds `html/*.html` and `TRUTH.tsv` (columns local_file, headline,
published_iso, canonical_url); an optional `SOURCES.tsv` with `local_file`,
`kind` and `language` columns marks non-article pages (which must be refused
with NotAnArticle) and gives each page's language. Prints one line per page,
then the accuracy per field and the mean extraction time.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from atalaia.article import Article, NotAnArticle
from crawler.extraction.page import extract_article
from crawler.extraction.timezones import guess_timezone

_FALLBACK_TIMEZONE = "America/Sao_Paulo"  # most Lusophone outlets are Brazilian


@dataclass(frozen=True)
class Case:
    local_file: str
    kind: str
    language: str
    headline: str = ""
    published_iso: str = ""
    canonical_url: str = ""


@dataclass(frozen=True)
class Score:
    name: str
    right: int
    total: int


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
        cases[row["local_file"]] = Case(
            local_file=row["local_file"],
            kind=source.get("kind", "article") or "article",
            language=source.get("language", ""),
            headline=row.get("headline", ""),
            published_iso=row.get("published_iso", ""),
            canonical_url=row.get("canonical_url", ""),
        )
    for local_file, source in sources.items():
        if local_file not in cases and local_file.startswith("html/"):
            kind = source.get("kind", "")
            cases[local_file] = Case(local_file, kind, source.get("language", ""))
    return sorted(cases.values(), key=lambda c: c.local_file)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _same_time(found: datetime | None, expected: str) -> bool:
    if found is None or not expected:
        return False
    wanted = datetime.fromisoformat(expected)
    return found == wanted and found.utcoffset() == wanted.utcoffset()


def evaluate(folder: Path) -> tuple[list[Score], float]:
    cases = load_cases(folder)
    counts = {"headline": [0, 0], "published": [0, 0], "canonical": [0, 0], "not-article": [0, 0]}
    elapsed: list[float] = []
    for case in cases:
        body = (folder / case.local_file).read_bytes()
        timezone = guess_timezone(case.canonical_url, case.language, _FALLBACK_TIMEZONE)
        started = time.perf_counter()
        try:
            article: Article | None = extract_article(
                body, (folder / case.local_file).resolve().as_uri(), timezone=timezone
            )
            refusal = ""
        except NotAnArticle as error:
            article, refusal = None, error.reason
        elapsed.append(time.perf_counter() - started)
        ms = elapsed[-1] * 1000
        if case.kind != "article":
            ok = article is None
            _tally(counts["not-article"], ok)
            verdict = f"refused ({refusal})" if ok else f"WRONGLY EXTRACTED {article!r:.80}"
            print(f"{'OK ' if ok else 'BAD'} {case.local_file} [{case.kind}] {verdict} {ms:.0f}ms")
            continue
        if article is None:
            for key in ("headline", "published", "canonical"):
                _tally(counts[key], False)
            print(f"BAD {case.local_file}: refused as not an article ({refusal}) {ms:.0f}ms")
            continue
        checks = {
            "headline": _norm(article.title) == _norm(case.headline),
            "published": _same_time(article.published_at, case.published_iso),
            "canonical": article.canonical_url == case.canonical_url,
        }
        for key, ok in checks.items():
            _tally(counts[key], ok)
        flag = "OK " if all(checks.values()) else "BAD"
        published = article.published_at.isoformat() if article.published_at else None
        print(f"{flag} {case.local_file} {ms:.0f}ms")
        for key, ok in checks.items():
            if not ok:
                wanted = {"headline": case.headline, "published": case.published_iso,
                          "canonical": case.canonical_url}[key]  # fmt: skip
                got = {"headline": article.title, "published": published,
                       "canonical": article.canonical_url}[key]  # fmt: skip
                print(f"    {key}: got {got!r}, want {wanted!r}")
    scores = [Score(name, right, total) for name, (right, total) in counts.items() if total]
    mean_ms = 1000 * sum(elapsed) / len(elapsed) if elapsed else 0.0
    return scores, mean_ms


def _tally(count: list[int], ok: bool) -> None:
    count[0] += int(ok)
    count[1] += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("folder", type=Path, help="folder with html/ and TRUTH.tsv")
    args = parser.parse_args(argv)
    try:
        scores, mean_ms = evaluate(args.folder)
    except EvalFolderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print()
    for score in scores:
        print(
            f"{score.name:12} {score.right}/{score.total} ({100 * score.right / score.total:.0f}%)"
        )
    print(f"mean time    {mean_ms:.0f} ms/page")
    return 0 if all(s.right == s.total for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
