"""`kg query`, `kg queries`, `kg describe`, `kg stats`: asking the built store or an endpoint (kg.query)."""

from __future__ import annotations

import sys

from ..errors import EXIT_OK, QueryError

FORMATS = ("table", "md", "csv", "tsv", "json", "xml", "ttl", "nt")


def register(subparsers) -> None:
    p = subparsers.add_parser("query", help="run a named query, a .rq file or a query text")
    p.add_argument("query", nargs="?", help="a name from `kg queries` (or its number), or a .rq file")
    p.add_argument("-e", "--expression", help="the query text itself")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--format", "-f", choices=FORMATS, default="table")
    p.add_argument("--endpoint", help="a remote SPARQL 1.1 endpoint instead of the built store")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds the query may run, on the built store or the endpoint (default 60); longer: "
                        "stopped, exit 2")
    p.add_argument("--allow-network", action="store_true", help="let SERVICE clauses reach other endpoints")
    p.set_defaults(run=run_query)

    p = subparsers.add_parser("queries", help="list the named queries with their parameters")
    p.add_argument("--checks", action="store_true", help="list the data-quality checks instead")
    p.set_defaults(run=run_queries)

    p = subparsers.add_parser("describe", help="everything the store says about one resource")
    p.add_argument("iri")
    p.set_defaults(run=run_describe)

    p = subparsers.add_parser("stats", help="triples per graph, resources per class and per plan")
    p.set_defaults(run=run_stats)


def run_query(args, project) -> int:
    from ..query.ask import ask
    from ..query.catalogue import query_from_text
    from ..query.formats import render
    from ..query.local import BuiltStore
    from ..query.remote import Endpoint

    if not 0 < args.timeout < float("inf"):
        raise QueryError(f"--timeout must be a number of seconds greater than 0 (got {args.timeout:g})")
    if bool(args.query) == bool(args.expression):
        raise QueryError("give a query name or file, or -e TEXT (one of them)", hint="`kg queries` lists the named ones")
    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r} is not NAME=VALUE")
        params[name.strip()] = value
    query = query_from_text(args.expression) if args.expression else args.query
    target = {"endpoint": Endpoint(args.endpoint, timeout=args.timeout)} if args.endpoint else \
        {"store": BuiltStore.open(project, timeout=args.timeout)}
    result = ask(query, params, project=project, allow_network=args.allow_network, **target)
    _print(render(result, args.format))
    return EXIT_OK


def run_queries(args, project) -> int:
    from ..query.catalogue import catalogue

    for q in catalogue(project.queries_dir, checks=args.checks):
        params = ", ".join(f"{p.name} ({p.type}, default {q.defaults.get(p.name, '-')})" for p in q.params)
        print(f"{q.name}\n    {q.summary}" + (f"\n    parameters: {params}" if params else "")
              + ("\n    needs the inferred closure (kg build)" if q.needs_inference else ""))
    return EXIT_OK


def run_describe(args, project) -> int:
    from ..build.store import open_store
    from ..query.describe import describe, render_description

    print(render_description(describe(open_store(project), args.iri)))
    return EXIT_OK


def run_stats(args, project) -> int:
    from ..query.ask import ask
    from ..query.describe import STATS_QUERIES
    from ..query.formats import render
    from ..query.local import BuiltStore

    store = BuiltStore.open(project)
    for title, text in STATS_QUERIES.items():
        print(f"## {title}")
        print(render(ask(text, store=store, project=project), "table"))
    return EXIT_OK


def _print(output: str) -> None:
    if output:
        sys.stdout.write(output if output.endswith("\n") else output + "\n")
