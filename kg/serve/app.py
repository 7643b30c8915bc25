"""The ASGI application of `kg serve`: routes, and the lifespan that opens the build and watches for new ones.

  /sparql              SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query); without a query,
                       the service description
  /query               the query page
  /api/queries[/NAME]  the named queries; /api/openapi.json describes them
  /health              build, triple count, workers: "ok" (200), or "degraded" (503) with the reason
  /id/…, /vocab/…      resource IRIs: 303 to the page (.html) or the data (.ttl, .jsonld, .nt) by Accept
  /, /ontology, /shapes, /static/…   the rest of the published site, rendered on request
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import asdict
from importlib import resources

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..build.leases import Lease
from ..build.store import BuildPaths
from ..errors import QueryError
from ..project import Project
from ..query.ask import prepare
from ..query.formats import RDF_FORMATS
from ..query.text import check_query, forbidden_keywords
from . import named_api
from . import query_page as query_page_view
from .answer_cache import CachedAnswer
from .build_watch import BuildWatch
from .limits import ServerLimits
from .rate_limit import RateLimit, client_address
from .request_log import RequestLog
from .result_formats import AnswerFormat, formats_for
from .service_description import description_prefixes, service_description
from .site_pages import publish_static_folder
from .sparql_protocol import ProtocolError, choose_format, parse_request, query_timeout
from .state import PinBuild, ServerState, open_state
from .store_choice import StorePolicy
from .worker_process import QueryJob, WorkerAnswer

ON_DISK = StorePolicy("disk")  # for an application made in code (tests); kg serve chooses by budget


def create_app(project: Project, *, build: BuildPaths, limits: ServerLimits, store: StorePolicy = ON_DISK,
               lease: Lease | None = None) -> Starlette:
    """The application, serving `build` (leased by the caller) at first and every later build `build/current`
    points at (kg.serve.build_watch). `store`: whether the query workers answer from the build's dump loaded in
    memory or from the on-disk store, decided for each build (kg.serve.store_choice)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.kg = await open_state(project, build, limits=limits, store=store, lease=lease)
        watch = app.state.kg_watch = BuildWatch(app, project, store=store)
        watching = asyncio.get_running_loop().create_task(watch.run())
        try:
            yield
        finally:
            watching.cancel()
            await watch.close()
            await app.state.kg.close()

    routes = [
        Route("/health", health),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/query", query_page),
        Route(named_api.API_PREFIX, api_list),
        Route("/api/openapi.json", api_openapi),
        Route(named_api.API_PREFIX + "/{name}", api_query),
        Mount("/assets", StaticFiles(directory=str(resources.files("kg.serve") / "static")), name="assets"),
        Mount("/static", StaticFiles(directory=str(publish_static_folder())), name="static"),
        Route("/{path:path}", site_page),
    ]
    middleware = [
        Middleware(RequestLog),
        # Open data: any web page may query the endpoint and read the pages (no credentials are involved).
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                   allow_headers=["Accept", "Content-Type"],
                   expose_headers=["Kg-Limit", "Kg-Timeout", "Kg-Cache", "Kg-Build", "Kg-Rows", "Kg-Explanation",
                                   "Retry-After"]),
        # Inside the log and CORS: a refused request is logged, and a web page can read why it was refused.
        Middleware(RateLimit, rate=limits.rate, burst=limits.burst),
        # Innermost: a request the rate limit lets through is served from one build, named in Kg-Build.
        Middleware(PinBuild),
    ]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={ProtocolError: _protocol_error})


def _state(request: Request) -> ServerState:
    """The state the request was pinned to when it arrived (PinBuild), even if the server has switched since."""
    return request.scope.get("kg.state") or request.app.state.kg


async def _protocol_error(request: Request, exc: ProtocolError) -> Response:
    return PlainTextResponse(str(exc).rstrip("\n") + "\n", status_code=exc.status)


# -- health ------------------------------------------------------------------------------------------------------

async def health(request: Request) -> Response:
    """"ok" (200) when every configured query worker is running; else "degraded" (503) with the reason, while
    the pool starts the missing ones again (kg.serve.workers)."""
    state = _state(request)
    shortfall = state.pool.shortfall()
    watch = getattr(request.app.state, "kg_watch", None)
    body = {
        "status": "degraded" if shortfall else "ok",
        "store": "loaded",
        "build": state.build_id,
        "built": state.built.manifest.built,
        "triples": state.triples,
        "graphs": state.graphs,
        "workers": {"running": state.pool.ready, "configured": state.limits.workers, "restarted": state.pool.replaced,
                    "read_from": state.store_choice.as_json() if state.store_choice else None},
        # The one-municipality questions answered for every municipality at once (kg.serve.ready_answers).
        "ready_answers": state.ready.health(),
        "limits": asdict(state.limits),
    }
    if shortfall:
        body["reason"] = shortfall
    if watch is not None:
        body["switches"] = watch.switches
        body["refused_builds"] = {path.name: why for path, why in watch.refused.items()}
    return JSONResponse(body, status_code=503 if shortfall else 200)


# -- SPARQL ------------------------------------------------------------------------------------------------------

async def sparql(request: Request) -> Response:
    state = _state(request)
    body = await _read_body(request, state.limits) if request.method == "POST" else b""
    parsed = parse_request(request.method, request.headers.get("content-type"), request.url.query, body)
    if parsed.query is None:
        if request.method == "POST":
            raise ProtocolError(400, "no query: send query=… (form) or the query itself (application/sparql-query)")
        return _service_description(request, parsed.formats)
    if len(parsed.query.encode("utf-8")) > state.limits.max_query_bytes:
        raise ProtocolError(413, f"the query is longer than {state.limits.max_query_bytes:,} bytes")
    form = checked_form(parsed.query)
    fmt = choose_format(form, format_params=parsed.formats, accept=request.headers.get("accept"))
    # download=1 in the URL (the query page's download links): a named file, CSV and TSV with a byte-order mark.
    download = named_api.wants_download(request.query_params.multi_items())
    for graph in parsed.default_graphs + parsed.named_graphs:
        try:
            ox.NamedNode(graph)
        except ValueError:
            raise ProtocolError(400, f"default-graph-uri / named-graph-uri {graph!r} is not an IRI") from None
    seconds = query_timeout(parsed.timeouts, state.limits.timeout)
    job = QueryJob(parsed.query, fmt.key, parsed.default_graphs, parsed.named_graphs, base_iri=base_iri(request))
    response = await _run(request, job, seconds)
    return _as_download(response, fmt.key, "sparql-answer") if download and response.status_code == 200 else response


def base_iri(request: Request) -> str:
    """The base IRI of every query (SPARQL 1.1 Query 4.1.1.1, RFC 3986 5.1.3: the URI used to retrieve the
    query): the endpoint's own URL as the client addressed it, without its query string. `<s>` in a query sent
    to http://host:8000/sparql is <http://host:8000/s>; a query's BASE overrides it."""
    endpoint = str(request.url_for("sparql"))
    try:
        ox.NamedNode(endpoint)
    except ValueError:
        raise ProtocolError(400, f"the request's Host header makes {endpoint!r}, not an IRI to resolve the "
                                 "query's relative IRIs against") from None
    return endpoint


def checked_form(text: str) -> str:
    """The query form; updates and SERVICE are refused with a message for HTTP clients."""
    try:
        return check_query(text)
    except QueryError as exc:
        found = forbidden_keywords(text)
        updates = [w for w in found if w != "SERVICE"]
        if updates or exc.message.startswith("updates"):
            message = (f"this endpoint is read-only: {', '.join(updates) or 'SPARQL Update'} is refused; "
                       "send SELECT, ASK, CONSTRUCT or DESCRIBE")
        elif "SERVICE" in found:
            message = "SERVICE is refused: this endpoint never sends queries to other endpoints"
        else:
            message = exc.message
        raise ProtocolError(400, message) from None


async def _read_body(request: Request, limits: ServerLimits) -> bytes:
    # A compressed body is refused, not inflated: a few kilobytes of gzip can inflate to gigabytes.
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise ProtocolError(415, f"Content-Encoding {encoding} is not accepted here: send the request body uncompressed")
    limit = limits.max_query_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ProtocolError(413, f"the request body is larger than {limit:,} bytes")
    chunks, size = [], 0
    try:
        async with asyncio.timeout(limits.body_timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ProtocolError(413, f"the request body is larger than {limit:,} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise ProtocolError(408, f"the request body did not arrive within {limits.body_timeout:g} s") from None
    return b"".join(chunks)


async def _run(request: Request, job: QueryJob, seconds: float) -> Response:
    """Run a query for a client that may have at most `client_queries` running or waiting at once: one client
    cannot take every worker while others wait."""
    state = _state(request)
    client = client_address(request.scope)
    if state.limits.client_queries and state.running[client] >= state.limits.client_queries:
        return PlainTextResponse(
            f"you already have {state.running[client]} queries running or waiting; this server runs at most "
            f"{state.limits.client_queries} at once per client. Wait for them to finish.\n",
            status_code=429, headers={"Retry-After": "1", "Kg-Limit": "client-queries"})
    state.running[client] += 1
    try:
        answer: WorkerAnswer = await state.pool.run(job, timeout=seconds)
    finally:
        state.running[client] -= 1
        if not state.running[client]:
            del state.running[client]
    return _answer_response(answer, {"Vary": "Accept", "Kg-Timeout": f"{seconds:g}"})


def _answer_response(answer: WorkerAnswer, headers: dict[str, str]) -> Response:
    if answer.limit:
        headers["Kg-Limit"] = answer.limit
    if answer.rows is not None:
        headers[named_api.ROWS_HEADER] = str(answer.rows)
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers)


def _service_description(request: Request, formats: tuple[str, ...]) -> Response:
    state = _state(request)
    fmt: AnswerFormat = choose_format("DESCRIBE", format_params=formats, accept=request.headers.get("accept"))
    endpoint = str(request.url.replace(query=""))
    triples = service_description(endpoint, state.built.manifest, timeout=state.limits.timeout,
                                  max_rows=state.limits.max_rows)
    body = ox.serialize(triples, format=RDF_FORMATS[fmt.key], prefixes=description_prefixes(triples) if fmt.key == "ttl" else None)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


# -- query page and named queries --------------------------------------------------------------------------------

async def query_page(request: Request) -> Response:
    """The query page: the question of `?q=` answered with its parameters from the URL, bound by
    kg.query.prepare as the CLI and the API bind them, and run by the query workers."""
    state = _state(request)
    asked = query_page_view.read_request(request.query_params, state.queries)
    names = sorted(state.built.manifest.municipality_names) if state.built.manifest else []
    view = query_page_view.PageState(asked, list(state.queries.values()), names, state.limits, state.build_id,
                                     built=state.built.manifest.built if state.built.manifest else "")
    status = 404 if asked.unknown else 200
    if query_page_view.runnable(asked):
        status = await _answer_question(request, view)
    return HTMLResponse(await asyncio.to_thread(query_page_view.render, view), status_code=status)


async def _answer_question(request: Request, view: query_page_view.PageState) -> int:
    """Fill in `view` with the question's SPARQL and answer (or why there is none); the page's HTTP status."""
    state, asked = _state(request), view.request
    query = asked.question
    scope = next((f for f in asked.fields if f.kind == "municipality"), None)
    candidates = None if scope is None else \
        query_page_view.municipality_candidates(asked.values[scope.name], view.municipalities)
    if candidates:   # part of a name: the names that contain it, to pick from
        view.error, view.suggestions = query_page_view.UI[asked.lang]["not_found"], candidates
        return 400
    try:
        prepared = await asyncio.to_thread(prepare, query, asked.values, on=state.built)
    except QueryError as exc:   # kg.query's own words: a wrong type, an unknown name with what it may be
        view.error = str(exc)
        return 400
    if candidates is not None:   # no name contains it, and kg.query suggested nothing either
        view.error = query_page_view.UI[asked.lang]["no_candidates"]
        return 400
    view.text = prepared.text
    # Tables first (CSV, Excel where the API writes it), then the SPARQL formats.
    offered = [f.names[0] for f in formats_for(query.form or "SELECT") if f.key != "json"]
    formats = sorted(offered, key=lambda name: (name not in ("csv", "xlsx"), name != "csv"))
    view.downloads = query_page_view.download_links(query, asked.values, formats)
    started = time.perf_counter()
    response = await _run(request, QueryJob(prepared.text, "json", base_iri=base_iri(request)), state.limits.timeout)
    view.seconds = time.perf_counter() - started
    if response.status_code != 200:
        view.error = bytes(response.body).decode("utf-8", "replace").strip()
        return response.status_code
    view.answer = query_page_view.answer_from_json(bytes(response.body), lang=asked.lang, chart=asked.chart)
    if view.answer.boolean is None and not view.answer.rows:   # why, instead of a bare "0 rows"
        view.explanation = await asyncio.to_thread(named_api.explanation, prepared, state.built) or ""
    return 200


async def api_list(request: Request) -> Response:
    return JSONResponse(named_api.listing(list(_state(request).queries.values())))


async def api_openapi(request: Request) -> Response:
    state = _state(request)
    return JSONResponse(named_api.openapi(list(state.queries.values()), version=state.version))


async def api_query(request: Request) -> Response:
    state = _state(request)
    name = request.path_params["name"]
    query = state.queries.get(name)
    if query is None:
        raise ProtocolError(404, f"no named query {name!r}; GET {named_api.API_PREFIX} lists them")
    params = request.query_params.multi_items()
    fmt = choose_format(query.form or "SELECT", format_params=tuple(v for k, v in params if k == "format"),
                        accept=request.headers.get("accept"))
    download = named_api.wants_download(params)
    # Keyed on what the client asked (a timeout does not change a complete answer, download=1 only wraps it), so
    # that a repeated call is answered before any binding or query text is worked out.
    key = (state.build_id, name, tuple(sorted((k, v) for k, v in params if k not in named_api.RESERVED)), fmt.key)
    cached = state.answers.get(key) if state.limits.cache_bytes else None
    if cached is not None:
        response = Response(cached.body, media_type=cached.media_type, headers={**cached.headers, "Kg-Cache": "hit"})
        return _as_download(response, fmt.key, name) if download else response
    ready = state.ready.answer(name, named_api.scope_of_call(query, params, state.built))
    if ready is not None:
        # Written here, not by a worker: JSON, XML, CSV of one municipality's rows take well under a millisecond;
        # a workbook takes longer, so it is written off the event loop.
        write = named_api.ready_answer
        answer = (await asyncio.to_thread(write, ready, fmt, state.limits) if fmt.key == "xlsx"
                  else write(ready, fmt, state.limits))
        response = _answer_response(answer, {"Vary": "Accept"})
    else:
        question = named_api.prepared(query, params, state.built)
        seconds = query_timeout([v for k, v in params if k == "timeout"], state.limits.timeout)
        response = await _run(request, QueryJob(question.text, fmt.key, base_iri=base_iri(request)), seconds)
    if response.status_code == 200 and response.headers.get(named_api.ROWS_HEADER) == "0":
        # An empty answer says why, as `kg query` does on stderr: in a header, so the body stays SPARQL results.
        question = named_api.prepared(query, params, state.built)
        sentence = await asyncio.to_thread(named_api.explanation, question, state.built)
        if sentence:
            response.headers[named_api.EXPLANATION_HEADER] = named_api.explanation_header(sentence)
    if state.limits.cache_bytes and response.status_code == 200:
        kept = {"vary", "kg-limit", "kg-rows", "kg-explanation"}
        headers = {k: v for k, v in response.headers.items() if k.lower() in kept}
        state.answers.put(key, CachedAnswer(bytes(response.body), response.media_type or "", headers))
    # "ready": from the answers worked out for every municipality when the build was opened, no query run.
    response.headers["Kg-Cache"] = "ready" if ready is not None else "miss"
    return _as_download(response, fmt.key, name) if download and response.status_code == 200 else response


def _as_download(response: Response, format_key: str, name: str) -> Response:
    """The answer as a file to save (named_api.as_download: a name, and a BOM for CSV and TSV)."""
    body, extra = named_api.as_download(bytes(response.body), format_key, name)
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
    return Response(body, status_code=response.status_code, media_type=response.media_type,
                    headers={**headers, **extra})


# -- the published site ------------------------------------------------------------------------------------------

async def site_page(request: Request) -> Response:
    state = _state(request)
    path = request.path_params["path"]
    endpoint = str(request.url_for("sparql"))
    # Rendering reads the store: in a thread, so the event loop keeps answering meanwhile.
    if state.site.questions is None:
        state.site.questions = list(state.queries.values())   # the home page lists them
    accept = request.headers.get("accept")
    answer = await asyncio.to_thread(state.site.answer, path, accept=accept, endpoint=endpoint)
    if answer.status == 404:
        answer = await asyncio.to_thread(state.site.not_found_page, path, accept=accept, endpoint=endpoint)
    headers = {}
    if answer.location:
        headers = {"Location": answer.location, "Vary": "Accept"}
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers)
