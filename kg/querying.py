"""Running a query on the built store or on a remote SPARQL 1.1 endpoint, with one result shape for both."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import QueryError
from .params import serialize_term
from .sparql_text import MAX_NESTING, forbidden_keywords, nesting_depth, query_form, uses_from, with_values_block

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class QueryResult:
    form: str                                  # SELECT, ASK, CONSTRUCT or DESCRIBE
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)


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


def run_local(store: ox.Store, query: str, *, bindings: dict[str, Term | list[Term]] | None = None,
              allow_network: bool = False) -> QueryResult:
    form = check_query(query, allow_network=allow_network)
    # The same text as is sent to a remote endpoint, so that both answer the same query. (Oxigraph's own
    # substitution would need every parameter in the SELECT projection.)
    text = bound_query_text(query, bindings)

    def evaluate() -> QueryResult:
        # The default graph is the union of all named graphs (asserted files and the inferred graph), as on Virtuoso,
        # unless the query names its own dataset with FROM: then those graphs of the store, and nothing is fetched.
        answer = store.query(text, use_default_graph_as_union=not uses_from(text))
        return _from_oxigraph(form, answer)

    try:
        return _interruptible(evaluate)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}", hint="check the query at that line and column") from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None


def _interruptible(work):
    """Run `work` in a thread and wait for it. Oxigraph does not look for signals while it evaluates (a cross
    product could only be killed), but the main thread, waiting here, still gets Ctrl-C: the command ends, and the
    abandoned evaluation with it."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 — handed over to the waiting thread as it is
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="kg-query", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _from_oxigraph(form: str, answer) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(form=form, boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows = []
        for solution in answer:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return QueryResult(form=form, variables=names, rows=rows)
    return QueryResult(form=form, triples=list(answer))


def bound_query_text(query: str, bindings: dict[str, Term | list[Term]] | None) -> str:
    """The query with its parameters as a VALUES block opening the WHERE group (a list of terms: one row each)."""
    return with_values_block(query, {name: [serialize_term(t) for t in term] if isinstance(term, list)
                                     else serialize_term(term) for name, term in (bindings or {}).items()})


def run_remote(endpoint: str, query: str, *, bindings: dict[str, Term | list[Term]] | None = None,
               timeout: float = 60.0, allow_network: bool = False) -> QueryResult:
    from .remote import sparql_select_or_graph  # SPARQLWrapper is only imported for remote work

    form = check_query(query, allow_network=allow_network)
    text = bound_query_text(query, bindings)
    return sparql_select_or_graph(endpoint, text, form=form, timeout=timeout)
