"""`kg publish`: the built graph as a static linked-data site (pages, RDF, charts, dumps, VoID/DCAT, server rules)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import EXIT_OK, KgError
from ..namespaces import BASE_IRI


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "publish", help="write the built graph as a static linked-data site (HTML, RDF, dumps, VoID/DCAT)",
        description="Reads the built store (build/current) and writes a static site that any static host can serve: "
                    "one page per resource with Turtle, JSON-LD and N-Triples beside it, KPI charts, the ontology's "
                    "documentation, dumps, VoID and DCAT, and nginx/Apache rules for 303 redirects by Accept.")
    p.add_argument("--base-iri", default=BASE_IRI, metavar="IRI",
                   help="where the site will be hosted, used in VoID/DCAT and the server rules "
                        f"(default: {BASE_IRI}); resource IRIs stay {BASE_IRI}id/… whatever the base")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="folder to write (default: BUILD_DIR/site); replaced only if kg publish wrote it")
    p.add_argument("--sparql-endpoint", metavar="URL", help="a SPARQL endpoint serving this data, named in VoID/DCAT")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="processes writing pages (default: one per core)")
    p.add_argument("--full", action="store_true",
                   help="write every page; by default only the pages whose data changed since the site in --out "
                        "was published are written again, the others kept")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(run=_publish)


def _publish(args, project) -> int:
    from ..publish import PublishOptions, publish_site

    progress = None if args.quiet else (lambda msg: print(f"· {msg}", file=sys.stderr, flush=True))
    out = args.out if args.out is not None else project.build_dir / "site"
    if args.workers is not None and args.workers < 1:
        raise KgError(f"--workers {args.workers}: give 1 or more")
    result = publish_site(project, out=out, base_iri=args.base_iri, sparql_endpoint=args.sparql_endpoint,
                          progress=progress, options=PublishOptions(workers=args.workers, incremental=not args.full))
    if result.skipped:
        print(f"kg: {len(result.skipped)} resource(s) have IRIs that cannot be file names and got no page, e.g. "
              f"{result.skipped[0]}", file=sys.stderr)
    if not args.quiet:
        files = sum(len(s.dumps) for s in result.dumps.subsets)
        print(f"published {result.out}: {result.pages} resource pages, {result.charts} KPI charts, "
              f"{files} dumps of {result.triples:,} triples ({result.seconds:.1f} s)")
        print(f"  preview: python -m http.server -d {result.out}  then open http://127.0.0.1:8000/index.html")
    return EXIT_OK
