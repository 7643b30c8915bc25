"""A question about one municipality, answered for every municipality in one run.

Asked one municipality at a time, a question like 04 (a plan's tree) costs ~13 ms of one worker at 1,741
municipalities, so a server's two workers answer some 150 new municipalities a second. The same query with its
municipality left unbound answers every municipality in about the time of a national aggregate, and its rows,
grouped by the municipality's code, are each municipality's answer: ready before anyone asks (kg.serve.ready_answers).

The municipality's code is added to the query's projection (first, so that a row's code is its first TSV field),
and nothing else of the text changes. Grouping keeps the rows' order, so an ordered answer stays ordered. A query
whose answer is not the union of its municipalities' answers is refused: one that groups, aggregates or cuts
(GROUP BY, HAVING, LIMIT, OFFSET, an aggregate in the projection) at the top level, one with `SELECT *`, or one with
parameters besides the municipality (its answers would hold for one value of them only). That a municipality's
rows are exactly what the question scoped to its graphs answers is proved by tests at 100 municipalities
(tests/test_ready_answers.py) and by the benchmark at 1,741 (bench/national_steps.py), for every question served so.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..rdf.sparql_lexer import significant, tokenize
from .catalogue import NamedQuery
from .municipalities import scope_variable

# Top-level solution modifiers after which a municipality's rows are no longer its own answer.
CUTTING = ("GROUP", "HAVING", "LIMIT", "OFFSET")
AGGREGATES = ("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT")


class NotAnswerableAtOnce(ValueError):
    """Why a question cannot be answered for every municipality at once (a sentence)."""


def national_text(query: NamedQuery) -> str:
    """The query's text with its municipality variable added first to the projection and left unbound; raises
    NotAnswerableAtOnce saying why not."""
    variable = scope_variable(query)
    if variable is None:
        raise NotAnswerableAtOnce("it is not about one municipality (no scope parameter)")
    if query.form != "SELECT":
        raise NotAnswerableAtOnce(f"it is a {query.form} query, not a SELECT")
    others = [p.name for p in query.params if p.variable != variable]
    if others:
        raise NotAnswerableAtOnce(f"it has parameters besides the municipality ({', '.join(others)})")
    tokens = significant(tokenize(query.text))
    depth, select_at, projection_at, closed_at = 0, None, None, None
    for i, token in enumerate(tokens):
        upper = token.text.upper() if token.kind == "word" else ""
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
            if depth == 0:
                closed_at = i
        elif depth == 0 and upper == "SELECT" and select_at is None:
            select_at = i
            nxt = i + 1
            if nxt < len(tokens) and tokens[nxt].kind == "word" and tokens[nxt].text.upper() in ("DISTINCT", "REDUCED"):
                nxt += 1
            projection_at = nxt
    if select_at is None or projection_at is None or projection_at >= len(tokens) or closed_at is None:
        raise NotAnswerableAtOnce("its text has no top-level SELECT … { … }")
    if tokens[projection_at].text == "*":
        raise NotAnswerableAtOnce("it projects * (the municipality's code would come in no fixed place)")
    where_at = next((i for i in range(projection_at, len(tokens))
                     if tokens[i].text == "{" or (tokens[i].kind == "word" and tokens[i].text.upper() == "WHERE")), None)
    projection = tokens[projection_at:where_at]
    if any(t.kind == "word" and t.text.upper() in AGGREGATES for t in projection):
        raise NotAnswerableAtOnce("it aggregates in its projection")
    if any(t.kind == "var" and t.text[1:] == variable for t in projection):
        raise NotAnswerableAtOnce(f"it projects ?{variable} itself")
    modifiers = [t.text.upper() for t in tokens[closed_at + 1:] if t.kind == "word"]
    if cutting := [word for word in CUTTING if word in modifiers]:
        raise NotAnswerableAtOnce(f"it has {' and '.join(cutting)} at the top level")
    at = tokens[projection_at].start
    return query.text[:at] + f"?{variable} " + query.text[at:]


def split_by_municipality(tsv: bytes) -> tuple[bytes, dict[str, bytes]]:
    """The national answer (SPARQL TSV, the code first) as each municipality's answer in SPARQL TSV, in the
    national answer's order: the header every answer has (also the answer of a municipality with no rows), and
    the answers by code. Raises ValueError for a row without a code (the variable was not bound at the top level)."""
    header, _, body = tsv.partition(b"\n")
    _, tab, own_header = header.partition(b"\t")
    if not tab:
        raise ValueError("the answer has no column besides the municipality's code")
    own_header += b"\n"
    rows: dict[str, list[bytes]] = {}
    for line in body.split(b"\n"):
        if not line:
            continue
        term, _, rest = line.partition(b"\t")  # a tab inside a literal is written \t: the first tab ends the field
        code = _code_of(term)
        rows.setdefault(code, []).append(rest)
    return own_header, {code: own_header + b"\n".join(lines) + b"\n" for code, lines in rows.items()}


def _code_of(term: bytes) -> str:
    """The code in a TSV field: "132055", or "132055"^^<…> where the data types it."""
    if not term.startswith(b'"'):
        raise ValueError(f"a row has no municipality code ({term[:40]!r}): the query binds it only inside a group")
    return term[1:term.index(b'"', 1)].decode("ascii")


def answers_for_all(store: ox.Store, query: NamedQuery) -> tuple[bytes, dict[str, bytes]]:
    """Every municipality's answer to `query` from `store`, in one run over the union of its graphs (as the
    server's workers read it): the header and the answers by code, as split_by_municipality gives them."""
    solutions = store.query(national_text(query), use_default_graph_as_union=True)
    return split_by_municipality(solutions.serialize(format=ox.QueryResultsFormat.TSV))
