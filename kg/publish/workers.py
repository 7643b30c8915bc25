"""Writing resource pages, in this process or in a pool of worker processes: each worker reads the build's dump into a
store in memory itself (or opens the built store read-only), renders chunks of resources and writes their files
straight into the site being made; it sends back only what each page read (kg.publish.tracking) and which files it
wrote.

Workers ignore SIGINT (a Ctrl-C reaches the whole process group): the publishing process alone decides to stop,
and then terminates them (kg.publish.site).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..build.dump import memory_store_from_dump
from ..build.manifest import BuildManifest, read_manifest_file
from ..errors import KgError
from ..project import Project
from ..rdf.files import parse_rdf_file
from . import locations
from .answers import AnswersAndCube, write_answers_and_cube
from .charts import is_indicator
from .graphview import GraphView
from .render import SiteRenderer
from .tracking import TrackedGraphView

# The files of a resource page beside its HTML, in the order of the bits of PageRecord.files.
SUFFIXES = ("html", *locations.RDF_SUFFIXES, "svg")


@dataclass(frozen=True)
class PageSettings:
    store: str                 # the built store's folder
    manifest: str              # the build's manifest.json
    shape_files: tuple[str, ...]
    base: str
    sparql_endpoint: str | None
    site: str                  # the folder being written
    replace: bool              # files there may be links into the previous site: unlink, never overwrite in place
    # The build's N-Quads dump: a worker reads it into a store in memory (1.3 GB and 13 s for the nation of 1,741
    # municipalities), where a page's lookups take a tenth of their time in the on-disk store. None: the store.
    dataset: str | None = None


@dataclass(frozen=True)
class PageRecord:
    iri: str
    files: int                 # bit i set: the file with SUFFIXES[i] was written
    about: tuple[str, ...]     # the IRIs whose statements (as subject) the page read
    pointing: tuple[str, ...]  # the IRIs whose incoming statements the page read


def page_files(iri_page: str, files: int) -> list[str]:
    """The site paths of a page's files, from its HTML path and its PageRecord.files."""
    stem = iri_page.removesuffix(".html")
    return [f"{stem}.{suffix}" for i, suffix in enumerate(SUFFIXES) if files >> i & 1]


class TrackedSiteRenderer(SiteRenderer):
    """A renderer whose pages' reads are kept (kg.publish.tracking), for a publish that renders only what changed."""

    def make_view(self, store: ox.Store, manifest: BuildManifest | None) -> GraphView:
        return TrackedGraphView(store, manifest=manifest)


class PageWriter:
    """Renders and writes the files of resource pages, remembering what each read."""

    def __init__(self, settings: PageSettings, *, store: ox.Store | None = None):
        self.settings = settings
        self.site = settings.site
        if store is None:
            store = memory_store_from_dump(settings.dataset) if settings.dataset else ox.Store.read_only(settings.store)
        shapes = [t for f in settings.shape_files for t in parse_rdf_file(Path(f)).triples]
        self.renderer = TrackedSiteRenderer(store, base=settings.base,
                                            manifest=read_manifest_file(Path(settings.manifest)),
                                            sparql_endpoint=settings.sparql_endpoint, shapes=shapes)
        self.reads = self.renderer.view.reads
        self._folders: set[str] = set()

    def write_pages(self, iris: Iterable[str]) -> list[PageRecord]:
        return [self.write_page(iri) for iri in iris]

    def write_page(self, iri: str) -> PageRecord:
        renderer = self.renderer
        self.reads.push()
        try:
            page = renderer.view.page_of(iri)
            contents: list[str | bytes | None] = [renderer.resource_page(iri)]
            rdfs = renderer.resource_rdfs(iri)
            contents += [rdfs[fmt] for fmt in locations.RDF_SUFFIXES]
            contents.append(renderer.indicator_svg(iri) if is_indicator(renderer.view, iri) else None)
        finally:
            about, pointing = self.reads.pop()
        stem = os.path.join(self.site, page.removesuffix(".html"))
        files = 0
        for i, (suffix, data) in enumerate(zip(SUFFIXES, contents, strict=True)):
            path = f"{stem}.{suffix}"
            if self.settings.replace:
                _unlink(path)
            if data:
                self._write(path, data)
                files |= 1 << i
        return PageRecord(iri, files, tuple(sorted(about)), tuple(sorted(pointing)))

    def _write(self, path: str, data: str | bytes) -> None:
        # Each folder made once (the 1,741 municipalities share one folder; a mkdir per file was a system call for
        # nothing). Paths are strings and the file is written by os calls, without pathlib's objects and Python's
        # buffered file: a national site has a million files, and writing them was a seventh of a worker's user CPU
        # (measured on 3,000 pages). A failed write fails the publish.
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        if isinstance(data, str):
            data = data.encode("utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


_WRITER: PageWriter | None = None


def _start_worker(settings: PageSettings) -> None:
    global _WRITER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WRITER = PageWriter(settings)


def _write_chunk(iris: list[str]) -> list[PageRecord]:
    assert _WRITER is not None
    return _WRITER.write_pages(iris)


def _write_answers(project: Project) -> tuple[AnswersAndCube, list[str]]:
    """write_answers_and_cube on the worker's store: (what was written, what it had to say)."""
    assert _WRITER is not None
    said: list[str] = []
    written = write_answers_and_cube(project, _WRITER.renderer.view.store, Path(_WRITER.site),
                                     manifest=_WRITER.renderer.manifest, say=said.append)
    return written, said


def chunks(iris: list[str], size: int) -> list[list[str]]:
    return [iris[i:i + size] for i in range(0, len(iris), size)]


class PagePool:
    """Worker processes writing pages while this process does the rest; `terminate()` stops them at once."""

    def __init__(self, settings: PageSettings, *, workers: int):
        # spawn, not fork: a forked copy of a process holding an open RocksDB store and threads is not safe.
        self.pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_start_worker, initargs=(settings,))

    def start(self, iris: list[str], *, chunk: int, on_done: Callable[[list[PageRecord]], None]) -> None:
        self._errors: list[BaseException] = []
        self._pending = [self.pool.apply_async(_write_chunk, (part,), callback=on_done,
                                               error_callback=self._errors.append)
                         for part in chunks(iris, chunk)]

    def answers(self, project: Project) -> AnswersInPool:
        """The named questions' answers and the Data Cube (kg.publish.answers), written by the next free worker."""
        return AnswersInPool(self.pool.apply_async(_write_answers, (project,)))

    def wait(self) -> None:
        for pending in self._pending:
            pending.wait()
            if self._errors:
                raise self._errors[0]
        self.pool.close()
        self.pool.join()

    def terminate(self) -> None:
        self.pool.terminate()
        self.pool.join()


class AnswersInPool:
    """The answers and the Data Cube written by a page worker, from the store in memory it writes pages from: the
    nation's questions take less than half the CPU there (42 s) that they take on the built store in a process of
    their own (107 s: kg.publish.answers.AnswersElsewhere), which would also compete with the workers for the two
    cores; the cube, 56 s against 76 s."""

    def __init__(self, pending):
        self.pending = pending

    def result(self, say: Callable[[str], None]) -> AnswersAndCube:
        """What was written, once the worker is done (what it had to say is said here). A KgError there (a cube
        that breaks a constraint) is raised here as it was raised."""
        try:
            written, said = self.pending.get()
        except KgError:
            raise
        except Exception as exc:  # said by the publishing process, which stops the publish
            raise RuntimeError(f"writing the answers failed: {type(exc).__name__}: {exc}") from exc
        for message in said:
            say(message)
        return written

    def stop(self) -> None:
        """Nothing of its own to stop: the pool is stopped with the pages."""
