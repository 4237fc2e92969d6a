"""The watchlist query language, parsed into a small tree.

The syntax is documented, with examples, in docs/query-syntax.md:

    Rússia                  a whole word, whatever its case and accents
    "Coreia do Norte"       a phrase (also “…” and «…»)
    russ*                   a word starting with "russ"
    a AND b, a b            both
    a OR b                  either
    NOT a, -a               not
    ( … )                   grouping
    a NEAR/5 b              both, with at most 5 words between them, either order
    title:a lead:a body:a   only in that field (a word, phrase, prefix or group)

Precedence, tightest first: NOT and `-`, then NEAR, then AND (explicit or
implicit), then OR. Operators are upper case; "and", "or", "e", "ou" are words.

A mistake raises `QueryError`, which carries the query, the 1-based column of the
mistake and a message. So does a query beyond the limits (MAX_LENGTH characters,
MAX_TERMS terms, MAX_DEPTH levels of parentheses, NOTs, field prefixes and chained
NEARs), which keep a hostile or mistaken query from exhausting the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from alerts.normalize import tokenize
from atalaia.errors import AtalaiaError

__all__ = [
    "FIELDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_TERMS",
    "And",
    "Field",
    "FieldName",
    "Near",
    "Node",
    "Not",
    "Or",
    "QueryError",
    "Term",
    "is_plain_phrase",
    "parse_query",
    "parse_term",
]

FieldName = Literal["title", "lead", "body"]
FIELDS: tuple[FieldName, ...] = ("title", "lead", "body")
_FIELD_NAMES: dict[str, FieldName] = {name: name for name in FIELDS}

_OPEN_QUOTES = {'"': '"', "“": "”", "«": "»", "„": "“"}
_CLOSE_QUOTES = frozenset('"”»“')
_SPECIAL = frozenset(_OPEN_QUOTES) | _CLOSE_QUOTES | {"(", ")"}
_NEAR = re.compile(r"NEAR(?:/(\S*))?$")

MAX_LENGTH = 10_000
"""Characters in one query (or one `terms:` entry)."""
MAX_TERMS = 1_000
"""Words, phrases and prefixes in one query."""
MAX_DEPTH = 32
"""Levels of nesting: each '(' , NOT or '-', field prefix and chained NEAR is one."""
_FIELD = re.compile(r"([A-Za-z]+):")


class QueryError(AtalaiaError):
    """A query that cannot be parsed.

    `column` is 1-based; `str(error)` reads like "unclosed quote at column 7".
    """

    def __init__(self, query: str, column: int, message: str) -> None:
        super().__init__(f"{message} at column {column}")
        self.query = query
        self.column = column
        self.message = message


# -- the tree -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word, a phrase or a prefix: a run of folded words to find in the text.

    `words` are folded (see alerts.normalize); with `prefix`, the last word only
    has to start the word in the text. `source` is the term as written, without
    quotes or field (`russ*`, `Coreia do Norte`); hits are reported under it.
    """

    source: str
    words: tuple[str, ...]
    prefix: bool = False
    column: int = field(default=1, compare=False)

    def __str__(self) -> str:
        bare = (
            len(self.source.split()) == 1
            and not any(ch in _SPECIAL for ch in self.source)
            and self.source not in ("AND", "OR", "NOT")
            and not _NEAR.match(self.source)
            and not _FIELD.match(self.source)
            and not self.source.startswith("-")
        )
        return self.source if bare else f'"{self.source}"'


@dataclass(frozen=True, slots=True)
class Not:
    child: Node

    def __str__(self) -> str:
        return f"NOT {_grouped(self.child)}"


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " AND ".join(_grouped(child) for child in self.children)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_grouped(child) for child in self.children)


@dataclass(frozen=True, slots=True)
class Near:
    """Both sides, with at most `distance` words between them, in either order."""

    left: Node
    right: Node
    distance: int

    def __str__(self) -> str:
        return f"{_grouped(self.left)} NEAR/{self.distance} {_grouped(self.right)}"


@dataclass(frozen=True, slots=True)
class Field:
    """`child` looked for in one field of the article only."""

    name: FieldName
    child: Node

    def __str__(self) -> str:
        return f"{self.name}:{_grouped(self.child)}"


Node = Term | Not | And | Or | Near | Field


def _grouped(node: Node) -> str:
    return str(node) if isinstance(node, Term | Field | Not) else f"({node})"


def terms_of(node: Node) -> Iterator[Term]:
    """Every term in the tree, left to right."""
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Not | Field):
        yield from terms_of(node.child)
    elif isinstance(node, Near):
        yield from terms_of(node.left)
        yield from terms_of(node.right)
    else:
        for child in node.children:
            yield from terms_of(child)


# -- lexing -------------------------------------------------------------------

_Kind = Literal["word", "phrase", "open", "close", "and", "or", "not", "minus", "near", "field"]


@dataclass(frozen=True, slots=True)
class _Lexeme:
    kind: _Kind
    text: str
    column: int
    distance: int = 0


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    i, length = 0, len(query)
    while i < length:
        ch = query[i]
        column = i + 1
        if ch.isspace():
            i += 1
        elif ch in "()":
            lexemes.append(_Lexeme("open" if ch == "(" else "close", ch, column))
            i += 1
        elif ch in _OPEN_QUOTES:
            end = _closing_quote(query, i + 1)
            if end < 0:
                raise QueryError(query, column, "unclosed quote")
            lexemes.append(_Lexeme("phrase", query[i + 1 : end], column))
            i = end + 1
        elif ch in _CLOSE_QUOTES:
            raise QueryError(query, column, "closing quote without an opening one")
        elif ch == "-" and i + 1 < length and not query[i + 1].isspace():
            lexemes.append(_Lexeme("minus", ch, column))
            i += 1
        else:
            i = _lex_bare(query, i, lexemes)
    return lexemes


def _closing_quote(query: str, start: int) -> int:
    for j in range(start, len(query)):
        if query[j] in _CLOSE_QUOTES:
            return j
    return -1


def _lex_bare(query: str, i: int, lexemes: list[_Lexeme]) -> int:
    """Lex a bare run (word, operator or field prefix) starting at `i`."""
    column = i + 1
    end = i
    while end < len(query) and not (query[end].isspace() or query[end] in _SPECIAL):
        end += 1
    text = query[i:end]
    field_prefix = _FIELD.match(text)
    if field_prefix:
        lexemes.append(_Lexeme("field", field_prefix.group(1), column))
        return i + field_prefix.end()
    if text in ("AND", "OR", "NOT"):
        lexemes.append(_Lexeme(text.lower(), text, column))  # type: ignore[arg-type]
        return end
    near = _NEAR.match(text)
    if near:
        distance = near.group(1)
        if distance is None or not distance.isdigit():
            raise QueryError(query, column, "NEAR needs a number of words, as in NEAR/5")
        lexemes.append(_Lexeme("near", text, column, int(distance)))
        return end
    lexemes.append(_Lexeme("word", text, column))
    return end


# -- parsing ------------------------------------------------------------------

_STARTS_OPERAND = frozenset({"word", "phrase", "open", "not", "minus", "field"})


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.lexemes = _lex(query)
        self.at = 0
        self.depth = 0
        self.terms = 0

    def deeper(self, lexeme: _Lexeme, levels: int = 1) -> None:
        """Go `levels` deeper at `lexeme`; QueryError past MAX_DEPTH."""
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.error(lexeme.column, f"nested too deeply (at most {MAX_DEPTH} levels)")

    def error(self, column: int, message: str) -> QueryError:
        return QueryError(self.query, column, message)

    def peek(self) -> _Lexeme | None:
        return self.lexemes[self.at] if self.at < len(self.lexemes) else None

    def take(self) -> _Lexeme:
        lexeme = self.lexemes[self.at]
        self.at += 1
        return lexeme

    def parse(self) -> Node:
        if not self.lexemes:
            raise self.error(1, "empty query")
        node = self.parse_or()
        extra = self.peek()
        if extra is not None:
            if extra.kind == "close":
                raise self.error(extra.column, "unbalanced parenthesis: ')' without '('")
            raise self.error(extra.column, f"unexpected {extra.text!r}")
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while (lexeme := self.peek()) is not None and lexeme.kind == "or":
            self.take()
            self.expect_operand(lexeme)
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_near()]
        while (lexeme := self.peek()) is not None:
            if lexeme.kind == "and":
                self.take()
                self.expect_operand(lexeme)
            elif lexeme.kind not in _STARTS_OPERAND:
                break
            children.append(self.parse_near())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_near(self) -> Node:
        left_column = self.peek_column()
        node = self.parse_unary()
        chained = 0
        while (lexeme := self.peek()) is not None and lexeme.kind == "near":
            self.take()
            self.expect_operand(lexeme)
            self.deeper(lexeme)  # a NEAR chain nests: ((a NEAR b) NEAR c) ...
            chained += 1
            right_column = self.peek_column()
            right = self.parse_unary()
            self.check_near_operand(node, left_column)
            self.check_near_operand(right, right_column)
            node = Near(node, right, lexeme.distance)
        self.depth -= chained
        return node

    def parse_unary(self) -> Node:
        lexeme = self.peek()
        if lexeme is None:  # only reached after an operator, which checks first
            raise self.error(len(self.query) + 1, "expected a term")
        if lexeme.kind in ("not", "minus"):
            self.take()
            self.expect_operand(lexeme)
            self.deeper(lexeme)
            node = Not(self.parse_unary())
            self.depth -= 1
            return node
        if lexeme.kind == "field":
            return self.parse_field()
        return self.parse_atom()

    def parse_field(self) -> Node:
        lexeme = self.take()
        name = _FIELD_NAMES.get(lexeme.text.lower())
        if name is None:
            raise self.error(
                lexeme.column, f"unknown field {lexeme.text!r} (fields: title, lead, body)"
            )
        after = self.peek()
        if after is None or after.kind not in ("word", "phrase", "open"):
            column = after.column if after else len(self.query) + 1
            raise self.error(column, f"'{name}:' needs a word, phrase or group right after it")
        self.deeper(lexeme)
        child = self.parse_atom()
        self.depth -= 1
        for inner in _fields_in(child):
            if inner.name != name:
                raise self.error(lexeme.column, f"'{inner.name}:' inside '{name}:' never matches")
        return Field(name, child)

    def parse_atom(self) -> Node:
        lexeme = self.take()
        if lexeme.kind == "open":
            if (inner := self.peek()) is not None and inner.kind == "close":
                raise self.error(lexeme.column, "empty parentheses")
            self.deeper(lexeme)
            node = self.parse_or()
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise self.error(lexeme.column, "unbalanced parenthesis: '(' is never closed")
            self.take()
            self.depth -= 1
            return node
        if lexeme.kind == "word":
            return self.make_term(lexeme, lexeme.text, lexeme.column)
        if lexeme.kind == "phrase":
            return self.make_term(lexeme, lexeme.text, lexeme.column + 1)
        if lexeme.kind == "close":
            raise self.error(lexeme.column, "unbalanced parenthesis: ')' without '('")
        raise self.error(lexeme.column, f"{lexeme.text} needs a term before it")

    def make_term(self, lexeme: _Lexeme, text: str, column: int) -> Term:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.error(lexeme.column, f"more than {MAX_TERMS} terms in one query")
        return _term(self.query, text, column, lexeme.kind == "phrase")

    def expect_operand(self, operator: _Lexeme) -> None:
        after = self.peek()
        if after is None or after.kind not in _STARTS_OPERAND:
            raise self.error(operator.column, f"{operator.text} needs a term after it")

    def peek_column(self) -> int:
        lexeme = self.peek()
        return lexeme.column if lexeme else len(self.query) + 1

    def check_near_operand(self, node: Node, column: int) -> None:
        if not _is_positional(node):
            raise self.error(
                column,
                "NEAR works on words, phrases, prefixes and groups of them joined by OR or NEAR",
            )


def _fields_in(node: Node) -> Iterator[Field]:
    if isinstance(node, Field):
        yield node
        yield from _fields_in(node.child)
    elif isinstance(node, Not):
        yield from _fields_in(node.child)
    elif isinstance(node, Near):
        yield from _fields_in(node.left)
        yield from _fields_in(node.right)
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _fields_in(child)


def _is_positional(node: Node) -> bool:
    """Whether the node stands for places in the text (so NEAR can measure it)."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Field):
        return _is_positional(node.child)
    if isinstance(node, Near):
        return True
    if isinstance(node, Or):
        return all(_is_positional(child) for child in node.children)
    return False


def _term(query: str, text: str, column: int, quoted: bool) -> Term:
    """Build a term from a bare word or the inside of quotes."""
    prefix = text.endswith("*")
    stem = text.rstrip("*") if prefix else text
    star = stem.find("*")
    if star >= 0:
        raise QueryError(query, column + star, "'*' is only allowed at the end of a word")
    words = tuple(tokenize(stem).words)
    if not words:
        what = "phrase" if quoted else "term"
        raise QueryError(query, column - (1 if quoted else 0), f"{what} has no letters or digits")
    if prefix and tokenize(stem).ends[-1] != len(stem):
        raise QueryError(query, column + len(stem), "'*' must follow a letter or digit")
    return Term(text.strip() if quoted else text, words, prefix, column)


def parse_query(query: str) -> Node:
    """Parse one query; raise `QueryError` on a mistake or past the limits."""
    _check_length(query)
    return _Parser(query).parse()


def _check_length(query: str) -> None:
    if len(query) > MAX_LENGTH:
        raise QueryError(query, MAX_LENGTH + 1, f"the query is longer than {MAX_LENGTH} characters")


def is_plain_phrase(entry: str) -> bool:
    """Whether a `terms:` entry reads as a plain phrase rather than a query.

    It does when it has spaces but no quotes, parentheses, operators (AND, OR,
    NOT, NEAR/n, a leading `-`) or field prefixes.
    """
    if not entry.strip() or len(entry.split()) < 2:
        return False
    if any(ch in entry for ch in '()"“”«»„'):
        return False
    for word in entry.split():
        if word in ("AND", "OR", "NOT") or _NEAR.match(word) or _FIELD.match(word):
            return False
        if word.startswith("-") and len(word) > 1:
            return False
    return True


def parse_term(entry: str) -> Node:
    """Parse one entry of a watchlist's `terms:` (or `exclude:`) list.

    An entry with spaces and no operators, quotes or parentheses is a phrase
    ("Coreia do Norte"); anything else is a query (a lone word is a query too).
    A trailing `*` on a phrase's last word makes it a prefix phrase.
    """
    _check_length(entry)
    if is_plain_phrase(entry):
        stripped = entry.strip()
        column = entry.index(stripped[0]) + 1
        return _term(entry, stripped, column, quoted=False)
    return parse_query(entry)
