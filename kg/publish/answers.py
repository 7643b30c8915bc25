"""Each named question's answer on the published data, as downloads beside the site's pages (issue 21):
`answers/<query-name>.csv` (UTF-8 with a byte-order mark, so that Excel on Windows reads the Japanese) and
`answers/<query-name>.xlsx`, for every query in `queries/` (not the checks), asked with its default parameters as
`kg query` asks it (kg.query.ask) and written by the same writers (kg.query.formats). The pages link to them by
`answer_path`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..errors import QueryError
from ..project import Project
from ..query.ask import ask
from ..query.catalogue import catalogue
from ..query.formats import write_answer_file
from ..query.local import BuiltStore

ANSWERS_FOLDER = "answers"
ANSWER_FORMATS = ("csv", "xlsx")


def answer_path(query_name: str, fmt: str) -> str:
    """The site-relative path of a question's answer: answers/13-plans-in-force.csv."""
    return f"{ANSWERS_FOLDER}/{query_name}.{fmt}"


def write_answers(project: Project, store: ox.Store, site: Path, *, manifest: BuildManifest | None = None,
                  say: Callable[[str], None] = lambda message: None) -> list[str]:
    """Write every named question's answer as CSV and XLSX under `site`; returns the paths written (site-relative).
    A question that cannot be asked with its defaults alone (a parameter without one) is left out, and said."""
    on = BuiltStore(store, manifest=manifest, project=project)
    (site / ANSWERS_FOLDER).mkdir(parents=True, exist_ok=True)
    written = []
    for query in catalogue(project.queries_dir):
        try:
            result = ask(query, store=on, project=project)
        except QueryError as exc:
            say(f"no download of {query.name}: {exc.message}")
            continue
        for fmt in ANSWER_FORMATS if result.form == "SELECT" else ("xlsx",):
            write_answer_file(result, site / answer_path(query.name, fmt), fmt, bom=True, title=query.name)
            written.append(answer_path(query.name, fmt))
    return written
