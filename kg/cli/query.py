"""`kg query`, `kg queries`, `kg describe`, `kg stats`: asking the built store or an endpoint (kg.query)."""

from __future__ import annotations

import sys

from ..errors import EXIT_OK, QueryError

FORMATS = ("table", "md", "csv", "tsv", "json", "xml", "ttl", "nt", "xlsx")


def register(subparsers) -> None:
    p = subparsers.add_parser("query", help="run a named query, a .rq file or a query text")
    p.add_argument("query", nargs="?", help="a name from `kg queries` (or its number), or a .rq file")
    p.add_argument("-e", "--expression", help="the query text itself")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--format", "-f", choices=FORMATS,
                   help="table (default), md, csv, tsv (plain values), json, xml, ttl, nt; xlsx with --out only. "
                        "With --out, taken from the file's suffix when not given")
    p.add_argument("--out", "-o", metavar="FILE",
                   help="write the answer to FILE (.csv, .tsv, .xlsx, .json, .md …) instead of printing it; its "
                        "folder must exist")
    p.add_argument("--no-bom", dest="bom", action="store_false",
                   help="no byte-order mark at the start of a CSV or TSV file (by default one is written, so that "
                        "Excel reads the Japanese as UTF-8)")
    p.add_argument("--endpoint", help="a remote SPARQL 1.1 endpoint instead of the built store")
    p.add_argument("--timeout", type=float, default=60.0,
                   help="seconds the query may run, on the built store or the endpoint (default 60); longer: "
                        "stopped, exit 2")
    p.add_argument("--allow-network", action="store_true", help="let SERVICE clauses reach other endpoints")
    p.set_defaults(run=run_query)

    p = subparsers.add_parser("queries", help="list the named queries with their parameters")
    p.add_argument("--checks", action="store_true", help="list the data-quality checks instead")
    p.add_argument("--lang", choices=("ja", "en"), default="ja",
                   help="the titles in Japanese (default, as kg's messages for clerks) or English")
    p.set_defaults(run=run_queries)

    p = subparsers.add_parser("describe", help="everything the store says about one resource")
    p.add_argument("iri")
    p.set_defaults(run=run_describe)

    p = subparsers.add_parser("stats", help="triples per graph, resources per class and per plan")
    p.set_defaults(run=run_stats)


def run_query(args, project) -> int:
    from pathlib import Path

    from ..query.ask import find, prepare, why_empty
    from ..query.catalogue import query_from_text
    from ..query.formats import format_for_file, render, write_answer_file
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
    out = Path(args.out) if args.out else None
    fmt = format_for_file(out, args.format) if out else (args.format or "table")
    query = query_from_text(args.expression) if args.expression else find(args.query, queries_dir=project.queries_dir)
    on = Endpoint(args.endpoint, timeout=args.timeout) if args.endpoint else BuiltStore.open(project, timeout=args.timeout)
    question = prepare(query, params, on=on, allow_network=args.allow_network)
    result = on.run(question.text, allow_network=args.allow_network)
    if out:
        write_answer_file(result, out, fmt, bom=args.bom, title=query.name)
        print(f"kg: wrote {out} ({fmt}, {_size(result)})", file=sys.stderr)
    else:
        _print(render(result, fmt))
    empty = why_empty(question, result, on=on)
    if empty:
        print(f"kg: {empty}", file=sys.stderr)
    return EXIT_OK


def _size(result) -> str:
    if result.form == "ASK":
        return "true" if result.boolean else "false"
    count = len(result.triples) if result.form in ("CONSTRUCT", "DESCRIBE") else len(result.rows)
    return f"{count} row(s)" if result.form == "SELECT" else f"{count} triple(s)"


def run_queries(args, project) -> int:
    from ..query.catalogue import catalogue

    ja = args.lang == "ja"
    for q in catalogue(project.queries_dir, checks=args.checks):
        params = ", ".join(f"{p.name} ({p.type}, {'既定値' if ja else 'default'} {q.defaults.get(p.name, '-')})"
                           for p in q.params)
        print(f"{q.name}\n    {q.summary_in(args.lang)}"
              + (f"\n    {'パラメータ' if ja else 'parameters'}: {params}" if params else "")
              + (("\n    推論結果が必要です（kg build）" if ja else "\n    needs the inferred closure (kg build)")
                 if q.needs_inference else ""))
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
