"""Running a query on the built store (Oxigraph, on disk or in memory)."""

from __future__ import annotations

import threading

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..build.store import open_store, read_manifest
from ..errors import QueryError
from ..project import Project
from .municipalities import NAME_LOOKUP, codes_in, name_lookup_bindings
from .params import bound_query_text
from .results import QueryResult, Term
from .scoping import GraphContents
from .text import check_query, uses_from


class BuiltStore:
    """The built store opened for questions, with what a question about one municipality needs: the build's
    manifest (its graphs by municipality, the municipalities' names) and which graphs hold which terms."""

    def __init__(self, store: ox.Store, *, manifest: BuildManifest | None = None, project: Project | None = None):
        self.store, self.manifest, self.project = store, manifest, project
        self.contents = GraphContents(store)

    @classmethod
    def open(cls, project: Project) -> BuiltStore:
        return cls(open_store(project), manifest=read_manifest(project), project=project)

    def codes_named(self, name: str) -> list[str]:
        """The codes of the municipalities of this name: from the manifest's index, else asked of the store."""
        if self.manifest is not None:
            return list(self.manifest.municipality_names.get(name, ()))
        return codes_in(run_local(self.store, NAME_LOOKUP, bindings=name_lookup_bindings(name)))

    def run(self, text: str, *, allow_network: bool = False) -> QueryResult:
        return run_local(self.store, text, allow_network=allow_network)



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
        except BaseException as exc:
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
