"""A small SPARQL lexer: strings, IRIs and comments are lexed as whole tokens, so a keyword inside them is never
mistaken for one. The one place where query text is split into tokens (kg.query.text, the SHACL engine)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:(?:[\w\-\u00B7-\uFFFF:%.]|\\.)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


# The named queries' texts are lexed again and again (their form, their checks, their terms, where their FROM
# and VALUES go: seven times for one API call), so short texts are remembered; a long one (a client's query to
# the endpoint, up to 100 kB) is not, to bound the memory this may take.
CACHED_TEXT_CHARS = 8_000


def tokenize(query: str) -> tuple[Token, ...]:
    return _lex_remembered(query) if len(query) <= CACHED_TEXT_CHARS else _lex(query)


@lru_cache(maxsize=64)
def _lex_remembered(query: str) -> tuple[Token, ...]:
    return _lex(query)


def _lex(query: str) -> tuple[Token, ...]:
    tokens = []
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup or "other"
        if kind == "pname" and match.group().endswith("."):
            # "ex:a ." — the final dot ends the triple, it is not part of the name.
            text = match.group().rstrip(".")
            tokens.append(Token(kind, text, match.start()))
            tokens.append(Token("other", ".", match.start() + len(text)))
            continue
        tokens.append(Token(kind, match.group(), match.start()))
    return tuple(tokens)


def significant(tokens: tuple[Token, ...] | list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]
