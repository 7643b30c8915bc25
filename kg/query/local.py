"""Running a query on the built store (Oxigraph, on disk or in memory)."""

from __future__ import annotations

import threading

import pyoxigraph as ox

from ..build.leases import Lease
from ..build.manifest import BuildManifest, read_manifest_file
from ..build.store import lease_current_build
from ..errors import KgError, QueryError
from ..project import Project
from .municipalities import NAME_LOOKUP, codes_in, name_lookup_bindings
from .params import bound_query_text
from .results import QueryResult, Term
from .scoping import GraphContents
from .text import check_query, uses_from


class BuiltStore:
    """The built store opened for questions, with what a question about one municipality needs: the build's
    manifest (its graphs by municipality, the municipalities' names) and which graphs hold which terms.
    `timeout`: seconds a query may run before it is given up (None: no limit)."""

    def __init__(self, store: ox.Store, *, manifest: BuildManifest | None = None, project: Project | None = None,
                 timeout: float | None = None, lease: Lease | None = None):
        self.store, self.manifest, self.project, self.timeout = store, manifest, project, timeout
        self.lease = lease  # keeps the build from being pruned by a `kg build` while it is read
        self.contents = GraphContents(store)

    @classmethod
    def open(cls, project: Project, *, timeout: float | None = None) -> BuiltStore:
        paths, lease = lease_current_build(project, holder="kg query")
        manifest = read_manifest_file(paths.manifest)
        if manifest is None:
            raise KgError(f"the build in {paths.root} was made by another version of kg", hint="run `kg build --full`")
        return cls(ox.Store.read_only(str(paths.store)), manifest=manifest, project=project, timeout=timeout,
                   lease=lease)

    def codes_named(self, name: str) -> list[str]:
        """The codes of the municipalities of this name: from the manifest's index, else asked of the store."""
        if self.manifest is not None:
            return list(self.manifest.municipality_names.get(name, ()))
        return codes_in(run_local(self.store, NAME_LOOKUP, bindings=name_lookup_bindings(name)))

    def run(self, text: str, *, allow_network: bool = False) -> QueryResult:
        return run_local(self.store, text, allow_network=allow_network, timeout=self.timeout)


class QueryTimeout(QueryError):
    """The query ran longer than its time limit (exit 2)."""


def run_local(store: ox.Store, query: str, *, bindings: dict[str, Term | list[Term]] | None = None,
              allow_network: bool = False, timeout: float | None = None) -> QueryResult:
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
        return _interruptible(evaluate, timeout)
    except TimeoutError:
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped",
                           hint="narrow it (fewer patterns, a LIMIT, a more selective filter), or give more time "
                                "with --timeout SECONDS") from None
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}", hint="check the query at that line and column") from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None


def _interruptible(work, timeout: float | None = None):
    """Run `work` in a thread and wait for it, at most `timeout` seconds (TimeoutError after). Oxigraph cannot be
    interrupted while it evaluates (a cross product could only be killed), but the main thread, waiting here,
    still gets Ctrl-C or sees the time run out: the command then ends, and the abandoned evaluation with its
    process (Oxigraph releases the interpreter's lock while it works, so nothing waits for it)."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="kg-query", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError
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
