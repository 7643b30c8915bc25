"""A small SPARQL lexer, the one place where query text is inspected or extended.

It never rewrites what a query means: it finds the query form, refuses features that would make the
engine fetch from the network, and (for remote endpoints only) places a VALUES block of parameter terms at the
start of the WHERE group. Strings, IRIs and comments are lexed as whole tokens, so a keyword inside them is
never mistaken for one.
"""

from __future__ import annotations

import itertools

import re
from dataclasses import dataclass

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

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
NETWORK_KEYWORDS = ("SERVICE",)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokenize(query: str) -> list[Token]:
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
    return tokens


def significant(tokens: list[Token]) -> list[Token]:
    return [t for t in tokens if t.kind not in ("ws", "comment")]


def keywords(query: str) -> list[str]:
    return [t.text.upper() for t in significant(tokenize(query)) if t.kind == "word"]


def query_form(query: str) -> str | None:
    words = keywords(query)
    for word in words:
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
    return None


def forbidden_keywords(query: str) -> list[str]:
    """Keywords that would fetch from elsewhere (SERVICE) or change data (updates)."""
    found = []
    for word in keywords(query):
        if (word in NETWORK_KEYWORDS or word in UPDATE_KEYWORDS) and word not in found:
            found.append(word)
    return found


MAX_NESTING = 128  # brackets inside brackets; real queries stay below 20, and engines recurse on them


def nesting_depth(query: str) -> int:
    """How deep (, { and [ nest outside strings, IRIs and comments. Oxigraph's parser recurses on nesting and
    overflows its stack (the process dies) somewhere past a few thousand levels, so deep queries are refused first."""
    depth = deepest = 0
    for token in tokenize(query):
        if token.kind != "other":
            continue
        if token.text in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif token.text in ")}]":
            depth -= 1
    return deepest


def variables(query: str) -> set[str]:
    return {t.text[1:] for t in tokenize(query) if t.kind == "var"}


def uses_from(query: str) -> bool:
    words = keywords(query)
    return "FROM" in words


def with_values_block(query: str, bindings: dict[str, str | list[str]]) -> str:
    """Return the query with `VALUES (?a ?b) { (termA termB) }` opening its WHERE group.

    `bindings` maps variable names to terms already serialised by kg.params (the only caller), which
    validates and escapes every value; a list of terms gives one row per term (a name shared by two
    municipalities stands for both codes).
    """
    if not bindings:
        return query
    position = _where_group_open(query)
    names = " ".join(f"?{name}" for name in bindings)
    choices = [value if isinstance(value, list) else [value] for value in bindings.values()]
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*choices))
    block = f"\n  VALUES ({names}) {{ {rows} }}\n"
    return query[: position + 1] + block + query[position + 1 :]


def _where_group_open(query: str) -> int:
    tokens = significant(tokenize(query))
    form = None
    depth = 0
    seen_where = False
    template_done = False
    for i, token in enumerate(tokens):
        upper = token.text.upper() if token.kind == "word" else None
        if form is None and upper in QUERY_FORMS:
            form = upper
            continue
        if upper == "WHERE" and depth == 0:
            seen_where = True
            continue
        if token.text == "{":
            if depth == 0 and form is not None:
                if form == "CONSTRUCT" and not seen_where and not template_done:
                    template_done = True  # CONSTRUCT { template } WHERE { … }
                else:
                    return token.start
            depth += 1
        elif token.text == "}":
            depth -= 1
    raise ValueError("the query has no WHERE group to bind parameters in")
