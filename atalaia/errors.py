"""The errors Atalaia raises for problems a user must fix; the CLI turns them into messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class AtalaiaError(Exception):
    """Base of every error the command line reports as a message rather than a traceback."""


@dataclass
class ConfigError(AtalaiaError):
    """A file the user edits has a mistake: names the file, the line (and column, when
    known) and the field."""

    path: Path
    line: int | None
    field: str
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        if self.line and self.column:
            where += f":{self.column}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class ConfigErrors(AtalaiaError):
    """Several mistakes found in one file; the file is refused as a whole."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class RedisUnavailable(AtalaiaError):
    """Redis could not be reached or the embedded server could not start."""
