"""Query text: its form, the features refused (updates, SERVICE, nesting that would crash the engine), the
VALUES block that binds parameters. It never rewrites what a query means; the lexer (kg.rdf.sparql_lexer)
finds the tokens, so a keyword inside a string, an IRI or a comment is never mistaken for one.
"""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import PREFIXES
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


def check_query(query: str, *, allow_network: bool = False, syntax: bool = True) -> str:
    """The query form, after refusing updates, (unless allowed) SERVICE, and nesting that would crash the engine.

    `syntax`: also parse it as the built store does (Oxigraph, SPARQL 1.1 and nothing else). A query sent to another
    server (`kg query --endpoint`) is read by that server in its own dialect (Virtuoso's `bif:` and `sql:` functions,
    `DEFINE` pragmas): refusing it here for Oxigraph's grammar would refuse what the server answers. Only the checks
    made on its tokens, which hold whatever the dialect, apply then; the server says itself what it cannot read
    (kg.query.remote turns that into one sentence)."""
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
    if syntax:
        check_syntax(query)
    return form


_OXIGRAPH_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)
# Oxigraph lists what it expected; past this length (character classes of the grammar) the list helps nobody.
MAX_EXPECTED = 100
PARSE_BASE = "http://localhost/"


def check_syntax(query: str) -> None:
    """Refuse a query Oxigraph cannot parse, in one sentence with its line and column (syntax_error_sentence).

    Parsed on an empty store and never evaluated (Oxigraph evaluates lazily): a fraction of a millisecond, and the
    same verdict as the store and `kg serve` give, in place of the parser's dump of the grammar."""
    try:
        # Relative IRIs are resolved against the endpoint's address where the query runs: any base parses them.
        ox.Store().query(query, base_iri=PARSE_BASE)
    except SyntaxError as exc:
        sentence, hint = syntax_error_sentence(query, str(exc))
        raise QueryError(sentence, hint=hint) from None
    except Exception:   # what the engine refuses after parsing (an unknown function) is its own to say
        return


def syntax_error_sentence(query: str, message: str) -> tuple[str, str | None]:
    """A parser's error as one sentence with line and column, and what to do: for a prefix of this project that is
    not declared (jpp:, rdfs: …, the table of kg.namespaces), the PREFIX line to add."""
    undeclared = undeclared_prefixes(query)
    if undeclared:
        name, line, column = undeclared[0]
        known = [p for p, _, _ in undeclared if p in PREFIXES]
        names = ", ".join(f"{p}:" for p, _, _ in undeclared)
        sentence = (f"SPARQL syntax error at line {line}, column {column}: the prefix"
                    + (f"es {names} are" if len(undeclared) > 1 else f" {names} is")
                    + f" not declared / 接頭辞 {names} が宣言されていません")
        if known:
            # In the sentence itself, not only the hint: HTTP clients get the message.
            lines = "".join(f"\n    PREFIX {p}: <{PREFIXES[p]}>" for p in known)
            return sentence + f"; add at the top of the query / クエリの先頭に追加してください:{lines}", None
        return sentence, f"declare it with PREFIX {name}: <…> at the top of the query"
    found = _OXIGRAPH_POSITION.match(message.strip())
    if found is None:
        return f"SPARQL syntax error: {message.splitlines()[0] if message else 'the query cannot be read'}", None
    line, column, expected = int(found[1]), int(found[2]), " ".join(found[3].split())
    near = _text_near(query, line, column)
    sentence = f"SPARQL syntax error at line {line}, column {column}" + (f" (near {near!r})" if near else "")
    if expected and len(expected) <= MAX_EXPECTED and "['" not in expected:
        sentence += f": {expected}"
    return sentence, "fix the query at that line and column / その行と列を直してください"


def undeclared_prefixes(query: str) -> list[tuple[str, int, int]]:
    """Prefixed names whose prefix no PREFIX line declares: (prefix, line, column), in order, each prefix once."""
    tokens = significant(tokenize(query))
    declared = {tokens[i + 1].text.split(":", 1)[0] for i, t in enumerate(tokens[:-1])
                if t.kind == "word" and t.text.upper() == "PREFIX" and tokens[i + 1].kind == "pname"}
    found: dict[str, tuple[str, int, int]] = {}
    for index, token in enumerate(tokens):
        if token.kind != "pname" or (index and tokens[index - 1].text.upper() == "PREFIX"):
            continue
        prefix = token.text.split(":", 1)[0]
        if prefix not in declared and prefix not in found:
            line = query.count("\n", 0, token.start) + 1
            found[prefix] = (prefix, line, token.start - (query.rfind("\n", 0, token.start) + 1) + 1)
    return list(found.values())


def _text_near(query: str, line: int, column: int) -> str:
    """A few characters of the query ending at the line and column a parser gave (columns count characters)."""
    lines = query.splitlines()
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1]
    return text[max(0, column - 16): column].strip()
