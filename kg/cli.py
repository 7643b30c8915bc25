"""The `kg` command: a thin layer over the package. Exit codes as pySHACL: 0 ok, 1 invalid, 2 could not run."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from .errors import EXIT_COULD_NOT_RUN, EXIT_INVALID, EXIT_OK, KgError
from .project import default_project


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    project = default_project(root=args.root, build_dir=args.build_dir)
    try:
        return args.run(args, project)
    except KgError as exc:
        report = getattr(exc, "report", None)
        if report is not None:
            from .validation import render_text
            print(render_text(report, lang=getattr(args, "lang", "ja")), file=sys.stderr)
        print(f"kg: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    except BrokenPipeError:
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description="Japanese municipal plans as a knowledge graph.")
    parser.add_argument("--root", help="project checkout (default: the one kg is installed from, or $KG_ROOT)")
    parser.add_argument("--build-dir", help="where builds go (default: ROOT/build, or $KG_BUILD_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="parse, infer, validate and write the store under build/")
    p.add_argument("--closure", choices=("auto", "owl-rl", "rules", "rdfs", "none"), default="auto",
                   help="auto: owlrl's OWL 2 RL closure for small data, the same entailments by rules for large data")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of validation messages")
    p.add_argument("--full", action="store_true",
                   help="parse and infer every file again (default: reuse the previous build for unchanged files)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(run=_build)

    p = sub.add_parser("validate", help="validate plan data files against the shapes")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--lang", choices=("ja", "en"), default="ja")
    p.add_argument("--format", choices=("text", "json", "turtle"), default="text")
    p.add_argument("--inference", choices=("none", "rdfs"), default="none")
    p.add_argument("--engine", choices=("auto", "pyshacl"), default="auto",
                   help="auto: kg's set-based engine where it covers the shapes (pySHACL otherwise); "
                        "pyshacl: always pySHACL, the reference implementation")
    p.set_defaults(run=_validate)

    p = sub.add_parser("query", help="run a named query, a .rq file or a query text")
    p.add_argument("query", nargs="?", help="a name from `kg queries` (or its number), or a .rq file")
    p.add_argument("-e", "--expression", help="the query text itself")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--format", "-f", choices=("table", "csv", "tsv", "json", "md", "ttl", "nt"), default="table")
    p.add_argument("--endpoint", help="a remote SPARQL 1.1 endpoint instead of the built store")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds, for remote endpoints")
    p.add_argument("--allow-network", action="store_true", help="let SERVICE clauses reach other endpoints")
    p.set_defaults(run=_query)

    p = sub.add_parser("queries", help="list the named queries with their parameters")
    p.add_argument("--checks", action="store_true", help="list the data-quality checks instead")
    p.set_defaults(run=_queries)

    p = sub.add_parser("describe", help="everything the store says about one resource")
    p.add_argument("iri")
    p.set_defaults(run=_describe)

    p = sub.add_parser("stats", help="triples per graph, resources per class and per plan")
    p.set_defaults(run=_stats)

    # Further commands live in kg/cli_<name>.py, each with register(subparsers). Those modules only declare
    # arguments: their heavy imports happen when their command runs, so `kg query` starts fast.
    for module in sorted(Path(__file__).parent.glob("cli_*.py")):
        importlib.import_module(f"kg.{module.stem}").register(sub)
    return parser


def _build(args, project) -> int:
    from .build import build

    progress = None if args.quiet else (lambda msg: print(f"· {msg}", file=sys.stderr))
    result = build(project, closure=args.closure, lang=args.lang, full=args.full, progress=progress)
    if not args.quiet:
        how = "" if result.rebuilt_files is None else f"; {result.rebuilt_files} changed file(s) parsed, the rest reused"
        print(f"built {result.path}: {result.asserted_triples:,} asserted + {result.inferred_triples:,} inferred triples "
              f"in {result.graphs} graphs ({result.seconds:.1f} s{how})")
    return EXIT_OK


def _validate(args, project) -> int:
    from .validation import render_json, render_text, render_turtle, validate_files

    report = validate_files(args.files, project=project, lang=args.lang, inference=args.inference, engine=args.engine)
    render = {"text": lambda r: render_text(r, lang=args.lang), "json": render_json, "turtle": render_turtle}[args.format]
    print(render(report))
    return EXIT_OK if report.conforms else EXIT_INVALID


def _query(args, project) -> int:
    from .catalogue import find_query, load_query
    from .errors import QueryError
    from .params import bind_parameters, param_spec
    from .results import render
    from .sparql_text import variables

    if bool(args.query) == bool(args.expression):
        raise QueryError("give a query name or file, or -e TEXT (one of them)", hint="`kg queries` lists the named ones")
    named = None
    if args.expression:
        text, defaults = args.expression, {}
        specs = [s for s in (param_spec(v) for v in variables(text)) if s]
    else:
        path = Path(args.query)
        named = load_query(path) if path.suffix == ".rq" and path.exists() else find_query(project.queries_dir, args.query)
        text, defaults, specs = named.text, named.defaults, list(named.params)
    given = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            raise QueryError(f"--param {item!r} is not NAME=VALUE")
        given[name.strip()] = value
    bindings = bind_parameters(specs, given, defaults)
    if args.endpoint:
        from .municipality_param import codes_at_endpoint, resolve_scope
        from .querying import run_remote
        if named is not None and named.scope:  # a name becomes the codes the query matches, asked of the endpoint
            bindings = resolve_scope(named, bindings, codes_at_endpoint(args.endpoint, timeout=args.timeout))
        result = run_remote(args.endpoint, text, bindings=bindings, timeout=args.timeout, allow_network=args.allow_network)
    else:
        from .querying import run_local
        from .scoping import GraphContents, named_query_text
        from .store import open_store, read_manifest
        store = open_store(project)
        if named is not None and named.scope:  # a question about one municipality: run on its graphs
            text, bindings = named_query_text(named, bindings, read_manifest(project), GraphContents(store)), None
        result = run_local(store, text, bindings=bindings, allow_network=args.allow_network)
    output = render(result, args.format)
    if output:
        print(output)
    return EXIT_OK


def _queries(args, project) -> int:
    from .catalogue import catalogue

    for q in catalogue(project.queries_dir, checks=args.checks):
        params = ", ".join(f"{p.name} ({p.type}, default {q.defaults.get(p.name, '-')})" for p in q.params)
        print(f"{q.name}\n    {q.summary}" + (f"\n    parameters: {params}" if params else "")
              + ("\n    needs the inferred closure (kg build)" if q.needs_inference else ""))
    return EXIT_OK


def _describe(args, project) -> int:
    from .inspect import describe, render_description
    from .store import open_store

    print(render_description(describe(open_store(project), args.iri)))
    return EXIT_OK


def _stats(args, project) -> int:
    from .inspect import STATS_QUERIES
    from .querying import run_local
    from .results import render
    from .store import open_store

    store = open_store(project)
    for title, query in STATS_QUERIES.items():
        print(f"## {title}")
        print(render(run_local(store, query), "table"))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
