"""Each named question's answer on the published data, as downloads beside the site's pages (issue 21):
`answers/<query-name>.csv` (UTF-8 with a byte-order mark, so that Excel on Windows reads the Japanese) and
`answers/<query-name>.xlsx`, for every query in `queries/` (not the checks), asked with its default parameters as
`kg query` asks it (kg.query.ask) and written by the same writers (kg.query.formats). The pages link to them by
`answer_path`.

kg publish has them written by a process holding the build in memory, a page worker or one of their own, which
writes the Data Cube too (`write_answers_and_cube`): both are questions to the whole store, three or more times
quicker in memory than on the built store, and the publishing process writes the dumps meanwhile.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..build.dump import memory_store_from_dump
from ..build.manifest import BuildManifest, read_manifest_file
from ..errors import KgError, QueryError
from ..project import Project
from ..query.ask import ask
from ..query.catalogue import catalogue
from ..query.formats import write_answer_file
from ..query.local import BuiltStore
from .dumps import Dump, write_cube

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


@dataclass(frozen=True)
class AnswersAndCube:
    answers: list[str]         # the answers' paths in the site
    cube: Dump                 # the Data Cube's file (kg.publish.dumps.write_cube)
    observations: int          # its observations


def write_answers_and_cube(project: Project, store: ox.Store, site: Path, *, manifest: BuildManifest | None,
                           say: Callable[[str], None]) -> AnswersAndCube:
    """write_answers, then the Data Cube (CubeInvalid if it breaks an integrity constraint)."""
    answers = write_answers(project, store, site, manifest=manifest, say=say)
    cube, observations = write_cube(store, site)
    return AnswersAndCube(answers, cube, observations)


class AnswersElsewhere:
    """write_answers_and_cube in a process of its own, started now: the national questions and the cube take two
    minutes, which the publishing process spends on the dumps meanwhile (2 cores: after one municipality changed,
    few pages are written and a core would otherwise wait).

    The process reads the build's dataset dump into a store in memory (kg.build.dump.memory_store_from_dump), as
    the page workers do: for the nation of 1,741 municipalities 13 s of reading and 42 s of questions, against
    107 s on the built store (which it opens read-only, as `kg query` does, when there is no dump)."""

    def __init__(self, project: Project, store: Path, manifest: Path, site: Path, *, dataset: Path | None = None):
        context = multiprocessing.get_context("spawn")  # not fork: the publishing process has threads
        self._receiving, sending = context.Pipe(duplex=False)
        self.process = context.Process(target=_answers_main, name="kg-publish-answers", daemon=True,
                                       args=(sending, project, str(store), str(manifest), str(site),
                                             str(dataset) if dataset is not None else None))
        self.process.start()
        sending.close()

    def result(self, say: Callable[[str], None]) -> AnswersAndCube:
        """What was written, once the process is done (what it had to say is said here). A KgError there (a cube
        that breaks a constraint) is raised here as it was raised."""
        try:
            outcome, value, said = self._receiving.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError(f"writing the answers stopped unexpectedly (exit code {self.process.exitcode})") \
                from None
        self.process.join()
        for message in said:
            say(message)
        if isinstance(value, KgError):
            raise value
        if outcome != "ok":
            raise RuntimeError(f"writing the answers failed: {value}")
        return value

    def stop(self) -> None:
        """Stop it at once (the publish failed or was interrupted)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _answers_main(sending, project: Project, store: str, manifest: str, site: str, dataset: str | None) -> None:
    # A Ctrl-C reaches the whole process group: the publishing process alone decides to stop, and terminates this.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    said: list[str] = []
    try:
        opened = memory_store_from_dump(dataset) if dataset else ox.Store.read_only(store)
        written = write_answers_and_cube(project, opened, Path(site), manifest=read_manifest_file(Path(manifest)),
                                         say=said.append)
        sending.send(("ok", written, said))
    except KgError as exc:  # raised in the publishing process, which stops the publish
        sending.send(("failed", exc, said))
    except Exception as exc:
        sending.send(("failed", f"{type(exc).__name__}: {exc}", said))
