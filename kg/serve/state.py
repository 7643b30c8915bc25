"""What the server serves from one build: the build (leased), its store and pages, its pool of query workers.

The server holds one ServerState at a time and makes a new one when `build/current` changes (kg.serve.build_watch).
Each request is served from the state that was current when it arrived (PinBuild), which says its build in the
`Kg-Build` header; a state given up is closed only once its last request has ended.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata

import pyoxigraph as ox

from ..build.leases import Lease
from ..build.manifest import read_manifest_file
from ..build.store import BuildPaths
from ..errors import KgError
from ..project import Project
from ..query.catalogue import NamedQuery, catalogue
from ..query.local import BuiltStore
from ..rdf.files import parse_rdf_file
from .answer_cache import AnswerCache
from .limits import ServerLimits
from .query_page import render_query_page
from .ready_answers import ReadyAnswers
from .site_pages import ResourceSite
from .store_choice import StoreChoice, StorePolicy
from .workers import QueryPool

BUILD_HEADER = "Kg-Build"


@dataclass(eq=False)  # each state is itself: kept in sets by identity
class ServerState:
    limits: ServerLimits
    build: BuildPaths
    built: BuiltStore  # the store, its manifest, which graphs hold which terms (kg.query)
    triples: int
    graphs: int       # named graphs in the store: the files' graphs and the inferred graphs
    pool: QueryPool
    site: ResourceSite
    queries: dict[str, NamedQuery]
    query_page: str
    version: str
    answers: AnswerCache
    ready: ReadyAnswers  # the one-municipality questions answered for every municipality at once
    # Queries running or waiting, by client address: one Counter for the server's life, handed from state to
    # state, so that a client's queries still running on the previous build count against its cap.
    running: Counter = field(default_factory=Counter)
    lease: Lease | None = None  # keeps the build from being pruned while it is served
    store_choice: StoreChoice | None = None  # where the workers read this build from, and why
    active: int = 0  # requests being served from this state (PinBuild)

    @property
    def build_id(self) -> str:
        return self.build.root.name

    async def close(self) -> None:
        self.ready.close()
        await self.pool.close()
        if self.lease is not None:
            self.lease.release()


@dataclass(frozen=True)
class _Opened:
    built: BuiltStore
    triples: int
    graphs: int
    site: ResourceSite
    queries: list[NamedQuery]


def _open(project: Project, build: BuildPaths) -> _Opened:
    """The build's store and what is worked out from it once (reads files: run in a thread)."""
    manifest = read_manifest_file(build.manifest)
    if manifest is None:
        raise KgError(f"the build in {build.root} was made by another version of kg", hint="run `kg build --full`")
    store = ox.Store.read_only(str(build.store))
    triples = len(store)
    # Counted in the store, not the manifest's file records: the inferred graphs are graphs of the dataset too.
    graphs = sum(1 for _ in store.named_graphs())
    shapes = [t for path in project.shape_files() for t in parse_rdf_file(path).triples]
    built = BuiltStore(store, manifest=manifest, project=project)
    site = ResourceSite(store, manifest=manifest, shapes=shapes, triples=triples)
    return _Opened(built, triples, graphs, site, catalogue(project.queries_dir))


async def open_state(project: Project, build: BuildPaths, *, limits: ServerLimits, store: StorePolicy,
                     lease: Lease | None, previous: ServerState | None = None) -> ServerState:
    """A state for the build, its workers started; raises (having stopped what it started) when the build cannot
    be served. The lease is the caller's to release on failure. `previous`: the state it follows, whose counts
    of queries per client and of workers replaced go on."""
    opened = await asyncio.to_thread(_open, project, build)
    # Started from the event loop's thread: each worker asks Linux to kill it when its starting thread ends.
    choice = store.choose(build.dataset, limits.workers)
    pool = QueryPool(str(build.store), limits, dump_path=str(build.dataset) if choice.in_memory else None)
    await pool.start()
    if previous is not None:
        pool.replaced = previous.pool.replaced  # for /health: the server's count, not this build's
    ready = ReadyAnswers(opened.queries)
    ready.start(pool)
    return ServerState(
        limits=limits, build=build, built=opened.built, triples=opened.triples, graphs=opened.graphs, pool=pool,
        site=opened.site, queries={q.name: q for q in opened.queries},
        query_page=render_query_page(opened.queries, limits=limits, build_id=build.root.name, on=opened.built),
        version=_version(), answers=AnswerCache(limits.cache_bytes), ready=ready,
        running=previous.running if previous is not None else Counter(),
        lease=lease, store_choice=choice)


def _version() -> str:
    try:
        return metadata.version("jp-plan-kg")
    except metadata.PackageNotFoundError:
        return "0"


class PinBuild:
    """An ASGI middleware: each request is served from the state current when it arrived, from start to end
    (a switch meanwhile changes nothing for it), and its answer names that build in the Kg-Build header."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        state = getattr(scope["app"].state, "kg", None) if scope["type"] == "http" else None
        if state is None:
            await self.app(scope, receive, send)
            return
        scope["kg.state"] = state
        state.active += 1
        build = state.build_id.encode("ascii", "replace")

        async def send_with_build(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (BUILD_HEADER.lower().encode(), build)]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_build)
        finally:
            state.active -= 1
