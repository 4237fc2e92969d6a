"""One hierarchy of expected errors, each with its exit status, drawn where it is defined.

Read from the source (nothing is imported to find them), so an error added anywhere
in the packages is checked too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import atalaia.errors
from alerts.matching import RuleError
from alerts.query import QueryError
from atalaia.article import NotAnArticle
from atalaia.errors import AtalaiaError, ConfigError, ExitCode
from crawler.extraction.errors import DateError, ExtractionError, FeedError, SitemapError
from scheduler.cli import message

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("atalaia", "crawler", "alerts", "scheduler")


def _classes() -> dict[str, tuple[set[str], Path]]:
    """Every class of the packages: its base names and its file."""
    found: dict[str, tuple[set[str], Path]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    bases = {ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases}
                    found[node.name] = (bases, path)
    return found


def _atalaia_errors() -> dict[str, Path]:
    classes = _classes()
    errors = {"AtalaiaError": ROOT / "atalaia" / "errors.py"}
    grew = True
    while grew:
        grew = False
        for name, (bases, path) in classes.items():
            if name not in errors and bases & set(errors):
                errors[name] = path
                grew = True
    return errors


def test_every_expected_error_is_drawn_in_the_hierarchy() -> None:
    drawn = atalaia.errors.__doc__ or ""
    errors = _atalaia_errors()
    assert {"NotAnArticle", "ExtractionError", "QueryError", "RuleError"} <= set(errors)
    assert issubclass(ExtractionError, AtalaiaError)
    missing = sorted(name for name in errors if name not in drawn)
    assert missing == [], f"AtalaiaErrors not drawn in atalaia/errors.py: {missing}"


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (NotAnArticle("https://g1.example/", "homepage: many headlines"), ExitCode.NOTHING),
        (FeedError("https://g1.example/rss", "RSS without <channel>"), ExitCode.NOTHING),
        (SitemapError("https://g1.example/s.xml", "not XML"), ExitCode.NOTHING),
        (DateError("ontem"), ExitCode.NOTHING),
        (QueryError("Rússia AND", 11, "AND needs something after it"), ExitCode.ERROR),
        (RuleError("coreia", ("terms", 2), "bad"), ExitCode.ERROR),
        (ConfigError(Path("w.yaml"), 3, ("watchlists", 0, "terms", 2), "bad"), ExitCode.ERROR),
    ],
)
def test_each_error_says_how_a_command_ends(error: AtalaiaError, code: ExitCode) -> None:
    assert isinstance(error, AtalaiaError) and error.exit_code == code
    told = message(error)
    if code == ExitCode.NOTHING:
        assert told == f"atalaia: {error}"  # nothing found is not called an error
    else:
        assert told == f"atalaia: error: {error}"


def test_locations_are_values_and_read_as_paths() -> None:
    rule = RuleError("coreia", ("exclude", 0), "unbalanced parenthesis")
    assert rule.location == ("exclude", 0)
    assert str(rule) == "watchlist 'coreia', exclude[0]: unbalanced parenthesis"
    config = ConfigError(Path("w.yaml"), 3, ("watchlists", 0, "terms", 2), "bad query", 14)
    assert config.field == "watchlists[0].terms[2]"
    assert str(config) == "w.yaml:3:14: watchlists[0].terms[2]: bad query"


def test_only_the_sender_registry_tells_channel_kinds_apart() -> None:
    """The dispatcher, the courier and the commands go through routes (senders.py)."""
    kinds = {"WebhookChannel", "EmailChannel"}
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "alerts" / "delivery" / "senders.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and ast.unparse(node.func) == "isinstance"
                    and len(node.args) == 2
                    and kinds & {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
