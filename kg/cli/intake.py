"""`kg template`, `kg ingest`, `kg export`: plan data to and from the city halls' spreadsheets (kg/intake/)."""

from __future__ import annotations

import sys
from pathlib import Path

DEFAULT_TEMPLATE = Path("plan-template.xlsx")


def register(subparsers) -> None:
    p = subparsers.add_parser("template", help="write an empty plan workbook (Japanese and English headers, drop-down lists)")
    p.add_argument("--out", type=Path, default=DEFAULT_TEMPLATE, help=f"the .xlsx to write (default: {DEFAULT_TEMPLATE})")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of the messages")
    p.set_defaults(run=_template)

    p = subparsers.add_parser("ingest", help="turn a filled workbook (or a folder of CSV files) into Turtle, checked by the shapes")
    p.add_argument("input", type=Path, help="FILE.xlsx, or a folder with one CSV per sheet")
    p.add_argument("--out", type=Path, required=True, help="the Turtle file for the source facts (data/ttl/<code>-<name>.ttl)")
    p.add_argument("--classification-out", type=Path,
                   help="where the editorial classification goes (default: classification/<same name> next to --out)")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of the messages")
    p.set_defaults(run=_ingest)

    p = subparsers.add_parser("export", help="write a plan from the built graph into the workbook template")
    p.add_argument("--plan", required=True, help="the plan's IRI (https://…, id:plan/… or plan/…)")
    p.add_argument("--out", type=Path, required=True, help="the .xlsx to write")
    p.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of the messages")
    p.set_defaults(run=_export)


def _template(args, project) -> int:
    from ..intake.municipality import project_registry
    from ..intake.template import write_template
    from ..intake.vocabulary import load_vocabulary

    _check_suffix(args.out, args.lang)
    write_template(args.out, load_vocabulary(project), registry=project_registry(project))
    print(f"{args.out} に書き出しました" if args.lang == "ja" else f"wrote {args.out}")
    return 0


def _ingest(args, project) -> int:
    from ..errors import EXIT_INVALID, EXIT_OK
    from ..intake.ingest import ingest
    from ..intake.messages import render_problems
    from ..intake.output import check_output, write_outputs
    from ..project import classification_file_for

    check_output(args.out, lang=args.lang)
    classification_out = args.classification_out or classification_file_for(args.out)
    # The files being replaced are not "the project's data" that the new data is checked against.
    result = ingest(args.input, project=project, lang=args.lang, exclude=(args.out, classification_out))
    if result.problems:
        print(render_problems(result.problems, lang=args.lang, source=str(args.input)), file=sys.stderr)
        return EXIT_INVALID
    for note in result.notes:
        print(note.render(args.lang))
    written = write_outputs(result, out=args.out, classification_out=classification_out, source=str(args.input),
                            lang=args.lang)
    for path, count in written:
        print(f"{path} に書き出しました（{count} トリプル）" if args.lang == "ja" else f"wrote {path} ({count} triples)")
    return EXIT_OK


def _export(args, project) -> int:
    from ..intake.export import export_plan

    _check_suffix(args.out, args.lang)
    summary = export_plan(project, args.plan, args.out, lang=args.lang)
    sheets = ", ".join(f"{name} {count}" for name, count in summary.rows.items() if count)
    if args.lang == "ja":
        print(f"{args.out} に書き出しました：{summary.triples} トリプルを行に（{sheets}）、その他の記述 {summary.other_statements} 件")
    else:
        print(f"wrote {args.out}: {summary.triples} triples as rows ({sheets}) and {summary.other_statements} other statements")
    return 0


def _check_suffix(path: Path, lang: str) -> None:
    from ..errors import KgError
    from ..intake.messages import message

    if path.suffix.lower() != ".xlsx":
        raise KgError(message("out.not_xlsx", lang, path=path))
