"""Every command documents itself: `atalaia COMMAND --help` has a description and each
option has help text (a command or option without it fails here)."""

from __future__ import annotations

import argparse

import pytest

from scheduler.cli import build_parser


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_commands_the_readme_names_all_exist() -> None:
    commands = set(_subcommands())
    assert {
        "run",
        "crawl",
        "check",
        "match",
        "extract",
        "status",
        "replay",
        "deliveries",
    } <= commands


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_command_has_help_for_itself_and_every_option(name: str) -> None:
    parser = _subcommands()[name]
    assert parser.description and len(parser.description) > 40, name
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"atalaia {name}: {action.option_strings or action.dest} has no help"
    for common in ("--outlets", "--watchlists", "--redis-url", "--data-dir"):
        assert common in parser.format_help(), f"atalaia {name} lacks {common}"
