"""`kg build`: parse, infer, validate and write the store under build/ (kg.build)."""

from __future__ import annotations

import sys

from ..errors import EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("build", help="parse, infer, validate and write the store under build/")
    p.add_argument("--closure", choices=("auto", "owl-rl", "rules", "rdfs", "none"), default="auto",
                   help="auto: owlrl's OWL 2 RL closure for small data, the same entailments by rules for large data")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of validation messages")
    p.add_argument("--full", action="store_true",
                   help="parse and infer every file again (default: reuse the previous build for unchanged files)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    p.set_defaults(run=run_build)


def run_build(args, project) -> int:
    from ..build.full import build

    progress = None if args.quiet else (lambda msg: print(f"· {msg}", file=sys.stderr))
    result = build(project, closure=args.closure, lang=args.lang, full=args.full, progress=progress)
    if not args.quiet:
        how = "" if result.rebuilt_files is None else f"; {result.rebuilt_files} changed file(s) parsed, the rest reused"
        print(f"built {result.path}: {result.asserted_triples:,} asserted + {result.inferred_triples:,} inferred triples "
              f"in {result.graphs} graphs ({result.seconds:.1f} s{how})")
    return EXIT_OK
