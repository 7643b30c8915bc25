"""Uploading the built dataset to a SPARQL server: one request per named graph, each graph replaced whole.

Every named graph of build/current/dataset.nq (one per source file, one per file's inferred triples under
graph/inferred/, and graph/inferred) keeps its IRI on the server, so that `GRAPH ?g` answers there what it
answers locally. Each is sent with a Graph Store Protocol PUT, which replaces the graph's content: pushing twice,
or again after a failure, leaves the same data as pushing once. A graph the build lists with no triples is
deleted on the server instead.

The server replaces each graph in one request, but the push as a whole is not one transaction: a failure part way
leaves the graphs already sent replaced and the others as they were. The error says which are which; pushing again
finishes the job.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..build.store import BuildPaths
from ..errors import KgError
from ..project import GRAPH_BASE
from .graph_store import GraphStoreClient, GraphStoreError

N_TRIPLES = "application/n-triples"


@dataclass(frozen=True)
class GraphUpload:
    iri: str
    triples: int
    data: bytes             # N-Triples; empty when the build has no triples in this graph (then it is deleted)


@dataclass(frozen=True)
class PushedGraph:
    iri: str
    action: str             # "replaced" or "deleted"
    triples: int
    bytes: int
    status: int
    seconds: float
    attempts: int


@dataclass
class PushResult:
    endpoint: str
    graphs: list[PushedGraph] = field(default_factory=list)
    stale_deleted: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def bytes(self) -> int:
        return sum(g.bytes for g in self.graphs)


class PushError(KgError):
    """A push that stopped part way; the message says which graphs were already replaced."""

    def __init__(self, cause: KgError, *, done: list[PushedGraph], pending: list[str]):
        uncertain = getattr(cause, "maybe_applied", False)
        if done:
            state = (f"{len(done)} graph(s) were replaced before the failure; {len(pending)} keep their previous "
                     f"content on the server (from {short_graph_name(pending[0])})")
        elif not uncertain:
            state = "nothing was changed on the server"
        else:
            state = "no graph was confirmed replaced; the others keep their previous content"
        if uncertain:
            state += (f"\n  the request for {short_graph_name(pending[0])} got no answer: the server may or may "
                      "not have replaced that graph")
        message = f"push failed: {cause.message}\n  {state}"
        hints = [cause.hint] if cause.hint else []
        if done or uncertain:
            hints.append("pushing again replaces every graph whole, so it finishes the job and duplicates nothing")
        super().__init__(message, hint="\n  → ".join(hints) or None)
        self.cause, self.done, self.pending = cause, done, pending


class PushProgress:
    """What a push reports while it runs; the default reports nothing (--quiet)."""

    def starting(self, uploads: Sequence[GraphUpload], endpoint: str) -> None: ...
    def graph_started(self, index: int, upload: GraphUpload) -> None: ...
    def bytes_sent(self, sent: int, total: int) -> None: ...
    def graph_done(self, index: int, pushed: PushedGraph) -> None: ...
    def stale_deleted(self, iri: str) -> None: ...


def graphs_of_build(paths: BuildPaths, manifest: BuildManifest, *, only: Sequence[str] = ()) -> list[GraphUpload]:
    """The build's named graphs as N-Triples, in the dump's order; `only` selects some by IRI."""
    by_graph: dict[str, list[ox.Triple]] = {}
    default_graph_triples = 0
    blank_nodes: dict[str, set[str]] = {}
    for quad in ox.parse(path=str(paths.dataset), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            default_graph_triples += 1
            continue
        graph = quad.graph_name.value
        by_graph.setdefault(graph, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode):
                blank_nodes.setdefault(term.value, set()).add(graph)
    if default_graph_triples:
        raise KgError(f"{paths.dataset} has {default_graph_triples} triple(s) outside any named graph",
                      hint="kg push sends named graphs only; rebuild with `kg build`")
    # A blank node is local to one request: split over two uploads it would become two different nodes.
    shared = {node: graphs for node, graphs in blank_nodes.items() if len(graphs) > 1}
    if shared:
        node, graphs = next(iter(shared.items()))
        raise KgError(f"{len(shared)} blank node(s) occur in more than one named graph (e.g. _:{node} in "
                      f"{', '.join(sorted(graphs))}); uploaded graph by graph they would stop being the same node",
                      hint="give such resources IRIs in the data")
    listed = manifest.graph_iris()
    order = list(by_graph) + [iri for iri in listed if iri not in by_graph]
    if only:
        unknown = [iri for iri in only if iri not in order]
        if unknown:
            raise KgError(f"the build has no graph {unknown[0]}",
                          hint="its graphs: " + ", ".join(short_graph_name(i) for i in order))
        order = [iri for iri in order if iri in only]
    uploads = []
    for iri in order:
        triples = by_graph.get(iri, [])
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
        uploads.append(GraphUpload(iri=iri, triples=len(triples), data=data))
    return uploads


def push_graphs(uploads: Sequence[GraphUpload], client: GraphStoreClient, *, prune_sparql: str | None = None,
                progress: PushProgress | None = None) -> PushResult:
    """Replace each graph on the server `client` talks to, in order; then, with `prune_sparql` (the server's query
    endpoint), delete the project's graphs that the server has and the build does not (a data file removed or
    renamed). The client (endpoint, credentials, timeouts, retries) is the caller's to open and close."""
    progress = progress or PushProgress()
    started = time.monotonic()
    result = PushResult(endpoint=client.endpoint)
    progress.starting(uploads, client.endpoint)
    for index, upload in enumerate(uploads):
        progress.graph_started(index, upload)
        try:
            if upload.data:
                answer = client.put_graph(upload.iri, upload.data, content_type=N_TRIPLES, progress=progress.bytes_sent)
            else:
                answer = client.delete_graph(upload.iri)
        except KgError as exc:
            raise PushError(exc, done=result.graphs, pending=[u.iri for u in uploads[index:]]) from None
        except KeyboardInterrupt:
            raise PushError(GraphStoreError("interrupted", maybe_applied=True), done=result.graphs,
                            pending=[u.iri for u in uploads[index:]]) from None
        pushed = PushedGraph(iri=upload.iri, action="replaced" if upload.data else "deleted",
                             triples=upload.triples, bytes=len(upload.data), status=answer.status,
                             seconds=answer.seconds, attempts=answer.attempts)
        result.graphs.append(pushed)
        progress.graph_done(index, pushed)
    if prune_sparql:
        result.stale_deleted = _prune(client, prune_sparql, keep={u.iri for u in uploads}, progress=progress)
    result.seconds = time.monotonic() - started
    return result


def _prune(client: GraphStoreClient, sparql_endpoint: str, *, keep: set[str], progress: PushProgress) -> list[str]:
    try:
        stale = stale_graphs(sparql_endpoint, keep=keep, timeout=client.timeout)
    except KgError as exc:
        raise KgError(f"every graph was replaced, but listing the server's graphs failed: {exc.message}",
                      hint=exc.hint or "check the --prune URL: the server's SPARQL query endpoint") from None
    deleted = []
    for iri in stale:
        try:
            client.delete_graph(iri)
        except GraphStoreError as exc:
            raise KgError(f"every graph was replaced, but deleting the stale graph <{iri}> failed: "
                          f"{exc.message}", hint=exc.hint) from None
        deleted.append(iri)
        progress.stale_deleted(iri)
    return deleted


def stale_graphs(sparql_endpoint: str, *, keep: set[str], timeout: float = 60.0) -> list[str]:
    """This project's graphs (under GRAPH_BASE) that the server at `sparql_endpoint` has, less `keep`."""
    from ..query.remote import run_remote

    # The Graph Store Protocol cannot list graphs; a query can. Only graphs under the project's own base are
    # candidates: whatever else the server holds is not ours to delete.
    query = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
             f"FILTER(STRSTARTS(STR(?g), \"{GRAPH_BASE}\")) }}")
    answer = run_remote(sparql_endpoint, query, timeout=timeout)
    found = sorted(row["g"].value for row in answer.rows if "g" in row)
    return [iri for iri in found if iri not in keep]


def short_graph_name(iri: str) -> str:
    return "graph:" + iri[len(GRAPH_BASE):] if iri.startswith(GRAPH_BASE) else f"<{iri}>"
