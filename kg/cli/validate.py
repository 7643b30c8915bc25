"""`kg validate`: plan data files checked against the shapes, with a report a clerk can act on (kg.validation)."""

from __future__ import annotations

from pathlib import Path

from ..errors import EXIT_INVALID, EXIT_OK, RdfSyntaxError


def register(subparsers) -> None:
    p = subparsers.add_parser("validate", help="validate plan data files against the shapes")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--lang", choices=("ja", "en"), default="ja")
    p.add_argument("--format", choices=("text", "json", "turtle"), default="text")
    p.add_argument("--inference", choices=("none", "rdfs"), default="none")
    p.add_argument("--engine", choices=("auto", "pyshacl"), default="auto",
                   help="auto: kg's set-based engine where it covers the shapes (pySHACL otherwise); "
                        "pyshacl: always pySHACL, the reference implementation")
    p.set_defaults(run=run_validate)


def run_validate(args, project) -> int:
    from ..validation.report import render_json, render_text, render_turtle
    from ..validation.syntax import syntax_error
    from ..validation.validate import validate_files

    try:
        report = validate_files(args.files, project=project, lang=args.lang, inference=args.inference,
                                engine=args.engine)
    except RdfSyntaxError as exc:
        raise syntax_error(exc, args.lang) from None
    render = {"text": lambda r: render_text(r, lang=args.lang), "json": render_json, "turtle": render_turtle}[args.format]
    print(render(report))
    return EXIT_OK if report.conforms else EXIT_INVALID
