"""Query text: its form, the features refused (updates, SERVICE, nesting that would crash the engine), the
VALUES block that binds parameters. It never rewrites what a query means; the lexer (kg.rdf.sparql_lexer)
finds the tokens, so a keyword inside a string, an IRI or a comment is never mistaken for one.
"""

from __future__ import annotations

import itertools

from ..errors import QueryError
from ..rdf.sparql_lexer import significant, tokenize

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
NETWORK_KEYWORDS = ("SERVICE",)


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

    `bindings` maps variable names to terms already serialised by kg.query.params (the only caller), which
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
    for token in tokens:
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


def check_query(query: str, *, allow_network: bool = False) -> str:
    """The query form, after refusing updates, (unless allowed) SERVICE, and nesting that would crash the engine."""
    depth = nesting_depth(query)
    if depth > MAX_NESTING:
        raise QueryError(f"the query nests brackets {depth} deep, over the limit of {MAX_NESTING}",
                         hint="write it with fewer nested groups or expressions")
    form = query_form(query)
    found = forbidden_keywords(query)
    updates = [w for w in found if w != "SERVICE"]
    if form == "UPDATE" or updates:
        raise QueryError(f"updates are not allowed here ({', '.join(updates) or 'update'})",
                         hint="kg query runs read-only queries: SELECT, ASK, CONSTRUCT or DESCRIBE")
    if "SERVICE" in found and not allow_network:
        raise QueryError("SERVICE would make the engine fetch from another endpoint",
                         hint="pass --allow-network if you really want federated queries")
    if form is None:
        raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    return form
