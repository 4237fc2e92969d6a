"""The watchlists file (watchlists.yaml): named channels and the watchlists that notify them.

Validated once into typed values; a mistake refuses the whole file with file, line
and field. `${VAR}` references in the channels are filled from the environment
passed in, so secrets never live in the file; elsewhere (terms, queries) `${...}`
is text like any other. Given the catalogue's outlet ids, each watchlist's
`outlets:` is checked against them.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import email.utils
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from atalaia.errors import ConfigError, ConfigErrors
from atalaia.fields import Duration, HttpUrl, Timezone
from atalaia.yamlfile import YamlDocument, expand_environment, load_yaml, validate

DEFAULT_RETRY = ("5s", "5m", "30m", "2h", "5h", "10h")


class WebhookChannel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["webhook"]
    url: HttpUrl = Field(repr=False)  # chat apps' webhook URLs are secrets themselves
    secret: str = Field(default="", repr=False)
    format: Literal["standard", "slack", "discord", "teams"] = "standard"
    retry: tuple[Duration, ...] = DEFAULT_RETRY

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str) -> str:
        # Several secrets, separated by spaces, all sign each request (key rotation).
        for position, secret in enumerate(value.split(), start=1):
            if not secret.startswith("whsec_"):
                raise ValueError(f"secret {position}: Standard Webhooks secrets start with whsec_")
            encoded = secret.removeprefix("whsec_")
            try:
                key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
            except binascii.Error:
                key = b""
            if not key:
                # Never echo the value: it is the secret.
                raise ValueError(f"secret {position}: the part after 'whsec_' is not base64")
        return value

    @property
    def secrets(self) -> tuple[str, ...]:
        """The signing secrets: one, or several during a rotation."""
        return tuple(self.secret.split())

    @property
    def destination(self) -> str:
        """Where it sends, safe to show: the host (a chat app's URL is a secret)."""
        return urlsplit(self.url).netloc

    @property
    def detail(self) -> str:
        """How it sends, for `atalaia check`: the body's format."""
        return self.format

    def __repr__(self) -> str:
        parts = urlsplit(self.url)
        return f"WebhookChannel(url='{parts.scheme}://{parts.hostname}/…', format={self.format!r})"


class EmailChannel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: Literal["email"]
    to: tuple[str, ...] = Field(min_length=1)
    sender: str = Field(alias="from")
    smtp_url: str = Field(repr=False)
    mode: Literal["instant", "digest"] = "instant"
    at: str = "08:00"
    timezone: Timezone = "UTC"
    max_per_hour: int | None = Field(default=None, ge=1)
    retry: tuple[Duration, ...] = DEFAULT_RETRY

    @field_validator("to")
    @classmethod
    def _to(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for address in value:
            _mail_address(address)
        return value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _mail_address(value)

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            # Never echo the value: it carries the password.
            raise ValueError("must look like smtp://user:pass@host:587 or smtps://...")
        return value

    @field_validator("at")
    @classmethod
    def _at(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError(f'not a time of day: {value!r} (write e.g. "08:00")')
        return value

    @property
    def destination(self) -> str:
        """Where it sends: the recipients."""
        return ", ".join(self.to)

    @property
    def detail(self) -> str:
        """How it sends, for `atalaia check`: instant or digest."""
        return self.mode

    def __repr__(self) -> str:
        return f"EmailChannel(to={self.to!r}, mode={self.mode!r})"


def _mail_address(value: str) -> str:
    """`value` when it is one mail address ("a@b.org" or "Name <a@b.org>") that can go in
    a header as it is; ValueError otherwise (a line break would add headers)."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError(f"{value!r}: a mail address cannot hold a line break or control character")
    _, address = email.utils.parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not (local and at and domain) or " " in address:
        raise ValueError(f"{value!r} is not a mail address")
    return value


ChannelConfig = WebhookChannel | EmailChannel
"""A channel as the file defines it; what a channel of each kind can do is in
alerts.delivery.senders."""
Channel = Annotated[ChannelConfig, Field(discriminator="type")]


class Watchlist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: str = ""
    terms: tuple[str, ...] | None = None
    query: str | None = None
    exclude: tuple[str, ...] = ()
    outlets: tuple[str, ...] | None = None
    notify: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _terms_or_query(self) -> Watchlist:
        if (self.terms is None) == (self.query is None):
            raise ValueError("give either 'terms' or 'query'")
        if self.terms is not None and not self.terms:
            raise ValueError("'terms' is empty")
        return self

    @property
    def title(self) -> str:
        return self.name or self.id


class _WatchlistsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: dict[str, Channel] = {}
    watchlists: list[Watchlist] = []


@dataclass(frozen=True)
class WatchlistsConfig:
    path: Path
    channels: dict[str, ChannelConfig]
    watchlists: list[Watchlist]


def load_watchlists(
    path: Path,
    environ: Mapping[str, str] | None = None,
    outlet_ids: Collection[str] | None = None,
) -> WatchlistsConfig:
    """Load and validate the watchlists file; raises ConfigError(s) with file and line.
    With `outlet_ids` (the catalogue's), every `outlets:` entry must be one of them."""
    document = load_yaml(path)
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigErrors(
            [document.error((), "expected a mapping with 'channels' and 'watchlists'")]
        )
    if isinstance(data.get("channels"), dict):
        channels = _expand(
            document, data["channels"], ("channels",), os.environ if environ is None else environ
        )
        data = {**data, "channels": channels}
    parsed = validate(_WatchlistsFile, document, data)
    errors = _cross_checks(document, parsed)
    if outlet_ids is not None:
        errors += _unknown_outlets(document, parsed, outlet_ids)
    if errors:
        raise ConfigErrors(errors)
    return WatchlistsConfig(path, dict(parsed.channels), list(parsed.watchlists))


def _expand(
    document: YamlDocument, value: Any, location: tuple[str | int, ...], environ: Mapping[str, str]
) -> Any:
    if isinstance(value, str):
        text, missing = expand_environment(value, environ)
        if missing:
            names = ", ".join(missing)
            raise ConfigErrors(
                [document.error(location, f"environment variable {names} is not set")]
            )
        return text
    if isinstance(value, dict):
        return {k: _expand(document, v, (*location, k), environ) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(document, v, (*location, i), environ) for i, v in enumerate(value)]
    return value


def _cross_checks(document: YamlDocument, parsed: _WatchlistsFile) -> list[ConfigError]:
    errors: list[ConfigError] = []
    seen: dict[str, int] = {}
    for index, watchlist in enumerate(parsed.watchlists):
        if watchlist.id in seen:
            first = document.line_of(("watchlists", seen[watchlist.id]))
            errors.append(
                document.error(
                    ("watchlists", index, "id"),
                    f"duplicate id {watchlist.id!r} (first used on line {first})",
                )
            )
        seen.setdefault(watchlist.id, index)
        for position, channel in enumerate(watchlist.notify):
            if channel not in parsed.channels:
                known = ", ".join(sorted(parsed.channels)) or "none defined"
                errors.append(
                    document.error(
                        ("watchlists", index, "notify", position),
                        f"unknown channel {channel!r} (channels: {known})",
                    )
                )
    return errors


def _unknown_outlets(
    document: YamlDocument, parsed: _WatchlistsFile, outlet_ids: Collection[str]
) -> list[ConfigError]:
    errors = []
    for index, watchlist in enumerate(parsed.watchlists):
        for position, outlet in enumerate(watchlist.outlets or ()):
            if outlet in outlet_ids:
                continue
            message = f"unknown outlet {outlet!r}, not in the catalogue"
            close = difflib.get_close_matches(outlet, sorted(outlet_ids), n=1, cutoff=0.6)
            if close:
                message += f" (did you mean {close[0]!r}?)"
            errors.append(document.error(("watchlists", index, "outlets", position), message))
    return errors
