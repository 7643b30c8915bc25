"""The one way to ask a question: a catalogue name, a .rq file or query text, with parameters, on the built store
or a remote endpoint.

`prepare` does what every asker needs, in one order: find the query, type and bind its parameters (kg.query.params),
turn a municipality's name into the codes the query matches (kg.query.municipalities), and, on the built store,
name the graphs a question about one municipality runs on (kg.query.scoping). `ask` then runs it. The CLI, the
named-query API, the query page, the golden and Virtuoso tests and the benchmarks all come through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from ..project import Project, default_project
from .catalogue import NamedQuery, find_query, load_query, query_from_text
from .local import BuiltStore
from .municipalities import PLANS_OF, no_plan_sentence, resolve_scope, scope_codes
from .params import bind_parameters, bound_query_text
from .remote import Endpoint
from .results import QueryResult
from .scoping import named_terms, scope_graphs, with_from_clauses
from .text import check_query, uses_from


class Target(Protocol):
    """Where a question runs: the built store (BuiltStore) or a remote endpoint (Endpoint)."""

    def codes_named(self, name: str) -> list[str]: ...
    def run(self, text: str, *, allow_network: bool = False) -> QueryResult: ...


@dataclass(frozen=True)
class Question:
    """A question ready to run: the query's text with its parameters bound and, for a question about one
    municipality on the built store, FROM clauses naming that municipality's graphs."""

    query: NamedQuery
    text: str
    form: str
    municipalities: tuple[str, ...] = ()        # the codes a question about one municipality is asked about
    given: tuple[tuple[str, str], ...] = ()     # the parameters as the asker gave them


def find(query: str | NamedQuery, *, queries_dir: Path) -> NamedQuery:
    """A NamedQuery as it is; query text (it has a `{`) read as a query; a path to an existing .rq file; otherwise
    a name from the catalogue (`13-plans-in-force`, `13`, or a unique prefix)."""
    if isinstance(query, NamedQuery):
        return query
    if "{" in query:
        return query_from_text(query)
    path = Path(query)
    if path.suffix == ".rq" and path.is_file():
        return load_query(path)
    return find_query(queries_dir, query)


def prepare(query: NamedQuery, params: Mapping[str, str] | None = None, *, on: Target,
            allow_network: bool = False) -> Question:
    """Bind, resolve and scope a query for `on`; raises QueryError for what cannot be asked (an unknown or
    ill-typed parameter, an update, SERVICE unless allowed)."""
    # A remote endpoint reads the query in its own dialect (kg.query.text.check_query): only the dialect-free checks.
    form = check_query(query.text, allow_network=allow_network, syntax=not isinstance(on, Endpoint))
    bindings = _bindings(query, params, on)
    text = query.text
    bound = bound_query_text(text, bindings)
    codes = scope_codes(query, bindings)
    # A query naming its own graphs keeps them; a build without a manifest cannot say which graphs are whose.
    if isinstance(on, BuiltStore) and on.manifest is not None and codes is not None and not uses_from(text):
        graphs = scope_graphs(on.manifest, codes, contents=on.contents, terms=named_terms(text))
        bound = with_from_clauses(text, graphs, bound=bound)
    return Question(query=query, text=bound, form=form,
                    municipalities=tuple(codes or ()), given=tuple((params or {}).items()))


def scope_of(query: NamedQuery, params: Mapping[str, str] | None = None, *, on: Target) -> list[str] | None:
    """The codes a question about one municipality is asked about, as prepare binds them (a name resolved, the
    default applied), without preparing its text; None for a question with no scope. Raises QueryError as prepare
    does for a parameter that cannot be bound. For answers worked out ahead (kg.serve.ready_answers)."""
    return scope_codes(query, _bindings(query, params, on))


def _bindings(query: NamedQuery, params: Mapping[str, str] | None, on: Target) -> dict:
    bindings = bind_parameters(list(query.params), dict(params or {}), query.defaults)
    return resolve_scope(query, bindings, on.codes_named)


def why_empty(question: Question, result: QueryResult, *, on: Target) -> str | None:
    """A sentence saying why an answer has no rows (None when it has some): for a question about a municipality
    with no plan in the graph, which municipality it is and that it has no plan yet; otherwise what was asked."""
    if result.form != "SELECT" or result.rows:
        return None
    if question.municipalities:
        codes = list(question.municipalities)
        asked = on.run(bound_query_text(PLANS_OF, {"_code": [ox.Literal(code) for code in codes]}))
        sentence = no_plan_sentence(codes, {row["_code"].value for row in asked.rows if "_code" in row})
        if sentence:
            return sentence
    given = ", ".join(f"{name}={value}" for name, value in question.given)
    return ("該当する行はありません / no rows: nothing in the graph answers this question"
            + (f" with {given}" if given else "") + " (an empty answer, not an error)")


def ask(query: str | NamedQuery, params: Mapping[str, str] | None = None, *,
        store: BuiltStore | ox.Store | None = None, endpoint: str | Endpoint | None = None,
        project: Project | None = None, allow_network: bool = False) -> QueryResult:
    """Ask a question of the built store (`store`) or of a SPARQL endpoint (`endpoint`, a URL or an Endpoint with
    its timeout); named queries are looked up in the project's catalogue."""
    if (store is None) == (endpoint is None):
        raise TypeError("ask() takes a store or an endpoint, not both")
    on: Target
    if store is not None:
        on = store if isinstance(store, BuiltStore) else BuiltStore(store)
    else:
        on = endpoint if isinstance(endpoint, Endpoint) else Endpoint(endpoint)
    project = project or getattr(on, "project", None) or default_project()
    question = prepare(find(query, queries_dir=project.queries_dir), params, on=on, allow_network=allow_network)
    return on.run(question.text, allow_network=allow_network)
