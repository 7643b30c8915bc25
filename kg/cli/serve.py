"""`kg serve`: the built graph over HTTP (a read-only SPARQL endpoint, pages, a query page, a named-query API)."""

from __future__ import annotations

import sys
from dataclasses import fields

from ..errors import EXIT_COULD_NOT_RUN, EXIT_OK, KgError
from ..serve.limits import ENVIRONMENT, ServerLimits


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "serve", help="serve the built graph over HTTP: SPARQL endpoint, resource pages, query page, named-query API",
        description="Serve build/current read-only on HTTP until Ctrl-C; a new build is served as soon as "
                    "`kg build` makes it current, without a restart. Limits: option, else environment "
                    "variable, else default.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    defaults = ServerLimits()
    for option, kind, text in (
            ("timeout", float, "seconds a query may run before it is stopped"),
            ("max_rows", int, "rows (or triples) an answer may have"),
            ("max_bytes", int, "bytes an answer may have"),
            ("max_query_bytes", int, "bytes a request body (a query) may have"),
            ("workers", int, "queries that run at once, one process each"),
            ("rate", float, "requests per second one client may keep sending; 0 turns the rate limit off"),
            ("burst", int, "requests one client may send at once before --rate applies"),
            ("client_queries", int, "queries one client may have running or waiting at once; 0: no limit"),
            ("header_timeout", float, "seconds a client has to send its request line and headers"),
            ("body_timeout", float, "seconds a client has to send its request body"),
            ("max_header_bytes", int, "bytes the request line and headers may have"),
            ("cache_bytes", int, "bytes of named-query API answers kept for repeated calls (per build: a new "
                                 "build starts with an empty cache); 0 turns the cache off")):
        default = getattr(defaults, option)
        shown = f"{default:g}" if kind is float else str(default)
        if option == "client_queries":
            shown = "one fewer than --workers, at least 1"
        p.add_argument("--" + option.replace("_", "-"), type=kind,
                       help=f"{text} (default {shown}, or ${ENVIRONMENT[option]})")
    p.add_argument("--store", choices=("auto", "memory", "disk"), default="auto",
                   help="where the query workers read the build: memory (Oxigraph's in-memory store, loaded from "
                        "the build's dump once at start, the workers forked from it: 2-8x faster questions for a "
                        "slower start and a copy of the store per worker), disk (the on-disk store), or auto "
                        "(default): memory when it fits --memory-budget, decided again for each new build")
    p.add_argument("--memory-budget", metavar="SIZE",
                   help="memory the in-memory store and the workers may take, e.g. 4G or 512M (default "
                        "$KG_SERVE_MEMORY_BUDGET, else half the memory available at start)")
    p.set_defaults(run=_serve)


def _serve(args, project) -> int:
    import os
    import socket

    from ..build.store import lease_current_build
    from ..serve import runner
    from ..serve.app import create_app
    from ..serve.limits import server_limits
    from ..serve.store_choice import StorePolicy, default_budget, parse_size

    limits = server_limits(**{spec.name: getattr(args, spec.name) for spec in fields(ServerLimits)})
    budget = parse_size(args.memory_budget) if args.memory_budget else default_budget()
    store = StorePolicy(args.store, budget)
    # Leased for as long as it is served: `kg build` prunes old builds, but never one a live process reads.
    build, lease = lease_current_build(project, holder=f"kg serve (pid {os.getpid()})")
    # The socket is bound here rather than by uvicorn, so that a port in use is a clear error (exit 2).
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio turns Nagle's algorithm off only on sockets that say they are TCP, and
    # with it on, every answer waits ~40 ms for the client's delayed ACK.
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((args.host, args.port))
    except OSError as exc:
        listener.close()
        raise KgError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
                      hint="choose another --port, or stop the program that uses it") from None
    port = listener.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"kg serve: build {build.root.name} at http://{host}:{port}/  (SPARQL /sparql · query page /query · "
          f"API /api/queries · /health)\n"
          f"kg serve: limits: {limits.timeout:g} s per query, {limits.max_rows:,} rows, {limits.max_bytes:,} bytes "
          f"per answer, {limits.workers} worker(s), " + (f"{limits.rate:g} requests/s per client (bursts of "
          f"{limits.burst})" if limits.rate else "no rate limit")
          + "; Ctrl-C stops\n"
          f"kg serve: workers read the build {store.choose(build.dataset, limits.workers).reason}",
          file=sys.stderr, flush=True)
    if not runner.run(create_app(project, build=build, limits=limits, store=store, lease=lease), listener,
                      limits=limits):
        print("kg: the server did not start (see the messages above)", file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    return EXIT_OK
