"""The `kg` command: a thin layer over the package, one module per command group, registered in COMMANDS below.

Each module declares its arguments in `register(subparsers)` and does its heavy imports when its command runs, so
that `kg query` starts fast. Exit codes as pySHACL: 0 ok, 1 invalid, 2 could not run. May import everything; holds
no domain logic.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import EXIT_COULD_NOT_RUN, EXIT_OK, KgError
from ..project import default_project
from . import build, intake, publish, push, query, serve, validate, virtuoso

# In the order `kg --help` lists them.
COMMANDS = (build, validate, query, intake, publish, serve, push, virtuoso)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    project = default_project(root=args.root, build_dir=args.build_dir)
    try:
        return args.run(args, project)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description="Japanese municipal plans as a knowledge graph.")
    parser.add_argument("--root", help="project checkout (default: the one kg is installed from, or $KG_ROOT)")
    parser.add_argument("--build-dir", help="where builds go (default: ROOT/build, or $KG_BUILD_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser
