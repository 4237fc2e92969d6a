"""Loading the YAML files users edit, keeping the line of every value for error messages.

Hostile or mistaken files are refused with their line, before anything walks them:
nesting deeper than MAX_DEPTH, aliases (`*name`) that would expand the document by
more than ALIAS_BUDGET values (the "billion laughs"), an alias to itself, and a key
given twice in one mapping (YAML's "last one wins" would silently drop the first).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from atalaia.errors import ConfigError, ConfigErrors, Location

M = TypeVar("M", bound=BaseModel)

MAX_DEPTH = 64
"""Levels of nested mappings and lists."""
ALIAS_BUDGET = 10_000
"""Values that aliases may add to a document, beyond those written out."""
_MERGE = "tag:yaml.org,2002:merge"


@dataclass(frozen=True)
class YamlDocument:
    """The parsed data of one file and the line where each value starts."""

    path: Path
    data: Any
    lines: dict[Location, int]
    columns: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Sequence[str | int]) -> int | None:
        """The line of `location`, or of its closest enclosing value."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)

    def column_of(self, location: Sequence[str | int], offset: int) -> int | None:
        """The file column (1-based) of character `offset` of the text at `location`, when
        that text is written on one line as it reads (no escapes); None otherwise."""
        start = self.columns.get(tuple(location))
        return None if start is None else start + offset

    def error(
        self, location: Sequence[str | int], message: str, column: int | None = None
    ) -> ConfigError:
        return ConfigError(self.path, self.line_of(location), tuple(location), message, column)


def load_yaml(path: Path) -> YamlDocument:
    """Read and parse `path`; a syntax error becomes a ConfigError with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, None, (), "file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, (), f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(path, None, (), f"cannot read: {exc.strerror}") from None
    return parse_yaml(text, path)


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses nesting beyond MAX_DEPTH as it composes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.first_alias_line: int | None = None

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark
                )
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if (
                self.first_alias_line is None
                and isinstance(event, yaml.AliasEvent)
                and event.start_mark
            ):
                self.first_alias_line = event.start_mark.line + 1
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def parse_yaml(text: str, path: Path) -> YamlDocument:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_aliases(node, path, loader.first_alias_line)
            _check_duplicate_keys(node, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(path, line, (), f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, None, (), f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    columns: dict[Location, int] = {}
    if node is not None:
        _record_lines(node, (), lines, columns)
    return YamlDocument(path, data, lines, columns)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_aliases(root: yaml.Node, path: Path, first_alias_line: int | None) -> None:
    """Refuse a document whose aliases refer to themselves, or would make it grow by more
    than ALIAS_BUDGET values once expanded (counted without expanding anything)."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            continue
        if key in size:
            continue
        if key in on_path:
            line = node.start_mark.line + 1
            raise ConfigError(path, line, (), "an alias refers to the value that contains it")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    written = len(size)
    if size[id(root)] - written > ALIAS_BUDGET:
        raise ConfigError(
            path, first_alias_line, (),
            f"aliases (*name) would expand this file to {size[id(root)]:,} values; "
            f"at most {ALIAS_BUDGET:,} more than are written out are allowed",
        )  # fmt: skip


def _check_duplicate_keys(root: yaml.Node, path: Path) -> None:
    """Refuse a mapping that gives a key twice, naming both lines."""
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_line: dict[tuple[str, str], int] = {}
            for key, _ in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
                    continue
                line = key.start_mark.line + 1
                earlier = first_line.get((key.tag, key.value))
                if earlier is not None:
                    raise ConfigError(
                        path, line, (),
                        f"duplicate key {key.value!r}: on line {earlier} and again on line "
                        f"{line} (only one would be kept: merge them)",
                    )  # fmt: skip
                first_line[(key.tag, key.value)] = line
        stack.extend(_children(node))


def _record_lines(
    node: yaml.Node, location: Location, lines: dict[Location, int], columns: dict[Location, int]
) -> None:
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        column = _text_column(node)
        if column is not None:
            columns.setdefault(location, column)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            lines[(*location, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*location, key), lines, columns)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*location, index), lines, columns)


def _text_column(node: yaml.ScalarNode) -> int | None:
    """The 1-based column of a scalar's first character of text, when the text is on one
    line and each of its characters is written as itself (so columns add up)."""
    start, end = node.start_mark, node.end_mark
    quotes = 2 if node.style in ("'", '"') else 0
    if node.style not in (None, "'", '"') or start.line != end.line:
        return None
    if end.column - start.column != len(node.value) + quotes:
        return None
    return start.column + 1 + quotes // 2


def validate(model: type[M], document: YamlDocument, data: Any = None) -> M:
    """Validate the document's data into `model`, reporting every mistake with its line."""
    try:
        return model.model_validate(document.data if data is None else data)
    except ValidationError as exc:
        given = document.data if data is None else data
        raise ConfigErrors(
            [_config_error(document, model, err, given) for err in exc.errors()]
        ) from None


def _config_error(
    document: YamlDocument, model: type[BaseModel], err: Any, data: Any
) -> ConfigError:
    location = _in_data(tuple(part for part in err["loc"] if not _is_union_tag(part)), data)
    message = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden" and location:
        message = f"unknown field {location[-1]!r}"
        suggestion = _suggest(str(location[-1]), _known_fields(model, location[:-1]))
        if suggestion:
            message += f" (did you mean {suggestion!r}?)"
    elif err["type"] == "missing":
        message = "required field is missing"
    return document.error(location, message)


def _in_data(location: Location, data: Any) -> Location:
    """`location` without the parts pydantic adds that are not in the data (the tag of a
    discriminated union: channels.equipe.email.to is channels.equipe.to in the file)."""
    kept: list[str | int] = []
    for index, part in enumerate(location):
        if _has(data, part):
            data = data[part]
        elif isinstance(data, dict | list):
            if index == len(location) - 1:  # a missing or unknown field: named as it is
                kept.append(part)
            continue
        kept.append(part)
    return tuple(kept)


def _has(data: Any, part: str | int) -> bool:
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)


def _is_union_tag(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _known_fields(model: type[BaseModel], location: Location) -> list[str]:
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}).keys())


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _suggest(name: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return close[0] if close else None


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand_environment(
    value: str, environ: Mapping[str, str] = os.environ
) -> tuple[str, list[str]]:
    """Replace `${VAR}` references; returns the text and the names that are not set."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            missing.append(name)
            return ""
        return environ[name]

    return _ENV_REFERENCE.sub(replace, value), missing
