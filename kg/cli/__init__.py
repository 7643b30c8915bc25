"""The `kg` command: a thin layer over the package, one module per command group, registered in COMMANDS below.

Each module declares its arguments in `register(subparsers)` and does its heavy imports when its command runs, so
that `kg query` starts fast. Exit codes as pySHACL: 0 ok, 1 invalid, 2 could not run. May import everything; holds
no domain logic.

Commands that read or write a build (`build`, `query`, `publish`, `serve`, `push`, …) need a project: `--root`,
KG_ROOT, or the folder found from the working directory (kg.project); outside one they say so and exit 2. The
commands in WITHOUT_PROJECT need only the ontology, shapes and reference data: outside a project they use the ones
shipped in the package (kg.bundled_project), so that a clerk with no checkout can fill, ingest and validate.
"""

from __future__ import annotations

import argparse
import sys

from ..bundled_project import project_or_bundle
from ..errors import EXIT_COULD_NOT_RUN, EXIT_OK, KgError
from ..project import default_project
from . import build, intake, publish, push, query, serve, validate, virtuoso

# In the order `kg --help` lists them.
COMMANDS = (build, validate, query, intake, publish, serve, push, virtuoso)

# Commands that read no build and write none: outside a project they run on the package's own resources.
WITHOUT_PROJECT = frozenset({"validate", "template", "ingest", "queries"})


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args, _project(args))
    except KgError as exc:
        if exc.report is not None:
            from ..validation.report import render_text
            print(render_text(exc.report, lang=getattr(args, "lang", "ja")), file=sys.stderr)
        print(f"kg: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return EXIT_COULD_NOT_RUN
    except BrokenPipeError:
        return EXIT_OK


def _project(args):
    lang = getattr(args, "lang", None)
    if args.command in WITHOUT_PROJECT:
        return project_or_bundle(root=args.root, build_dir=args.build_dir, lang=lang)
    return default_project(root=args.root, build_dir=args.build_dir, command=args.command, lang=lang)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description="Japanese municipal plans as a knowledge graph.")
    parser.add_argument("--root", help="the project's folder (default: $KG_ROOT, else the nearest folder at or above "
                                       "the working directory holding ontology/jp-plan.ttl and data/ttl/)")
    parser.add_argument("--build-dir", help="where builds go (default: ROOT/build, or $KG_BUILD_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser
