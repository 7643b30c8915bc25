"""The resource pages of a publish: every one (from nothing), or, with the previous site's state, only those whose
data changed (kg.publish.incremental). Pages are written by worker processes while the publishing process writes
the rest of the site (dumps, answers, indexes); `PagePhase.finish()` waits for them."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from ..build.store import BuildPaths
from ..project import Project
from . import locations
from .incremental import PageTable, State, changes, graph_digests, link_tree
from .progress import Progress
from .render import SiteRenderer
from .workers import SUFFIXES, AnswersInPool, PagePool, PageRecord, PageSettings, PageWriter, page_files

# Below this many pages a pool costs more (starting workers, each opening the store) than it saves.
POOL_FROM = 2000
CHUNK = 250


# A dump this large holds far more than POOL_FROM pages (the nation's 864 MB hold 270,000; 2,000 take some 6 MB):
# the pool is started before the pages are counted.
LARGE_DUMP_BYTES = 64 * 2**20


def _large(settings: PageSettings) -> bool:
    try:
        return settings.dataset is not None and os.path.getsize(settings.dataset) >= LARGE_DUMP_BYTES
    except OSError:
        return False


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


class PagePhase:
    def __init__(self, renderer: SiteRenderer, settings: PageSettings, *, build: BuildPaths,
                 previous: tuple[State, Path] | None, workers: int, say: Callable[[str], None]):
        """`previous`: the state of the previous site and its folder, to keep what did not change (None: all)."""
        self.renderer, self.settings, self.build, self.manifest = renderer, settings, build, renderer.manifest
        self.previous, self.previous_site = previous if previous is not None else (None, None)
        self.workers, self.say = workers, say
        self.site = Path(settings.site)
        self.table = PageTable()
        self.pool: PagePool | None = None
        self.answers: AnswersInPool | None = None
        self.rendered = 0
        self.mode = "from nothing"

    def start(self, *, answers_of: Project | None = None) -> None:
        """Work out which pages to write and set the workers on them; if there are workers, on the answers of
        `answers_of`'s questions too (`answers`)."""
        self.graphs = graph_digests(self.build.dataset, self.manifest)
        incremental = self.previous is not None and self.previous_site is not None
        # Kept pages are links into the previous site: a page written again replaces its link, never writes into it.
        self.settings = replace(self.settings, replace=incremental)
        todo = self._incremental() if incremental else None
        if todo is None:
            if self.workers > 1 and _large(self.settings):
                # Started before the list of pages is read (11 s nationally), which its workers spend reading the
                # build's dump (13 s): a core would otherwise wait.
                self.pool = PagePool(self.settings, workers=self.workers)
            self.pages, self.skipped = self.renderer.resource_iris()
            todo = self.pages
            self.say(f"pages for {len(todo)} resources")
        self.rendered = len(todo)
        # The vocabularies' pages first: a concept used all over the nation has a long page, better not left last.
        todo = sorted(todo, key=lambda iri: (not iri.startswith(locations.BASE_IRI + "vocab/"), iri))
        self.progress = Progress("pages", len(todo), self.say)
        if self.pool is None and len(todo) >= POOL_FROM and self.workers > 1:
            self.pool = PagePool(self.settings, workers=self.workers)
        if self.pool is not None:
            if answers_of is not None:
                # Before the pages: the answers take a worker half a minute, better not left for last.
                self.answers = self.pool.answers(answers_of)
            self.pool.start(todo, chunk=CHUNK, on_done=self._done)
        elif todo:
            writer = PageWriter(self.settings, store=self.renderer.view.store)
            for part in range(0, len(todo), CHUNK):
                self._done(writer.write_pages(todo[part:part + CHUNK]))

    def _done(self, records: list[PageRecord]) -> None:
        self.table.add(records)
        self.progress.advance(len(records))

    def finish(self) -> None:
        if self.pool is not None:
            self.pool.wait()
            self.pool = None

    def stop(self) -> None:
        """Stop the workers at once (the publish failed or was interrupted)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None

    @property
    def charts(self) -> int:
        return sum(1 for _iri, (files, _a, _p) in self.table.pages.items() if files >> SUFFIXES.index("svg") & 1)

    def _incremental(self) -> list[str] | None:
        previous = self.previous
        found = changes(previous.dataset, previous.graphs, self.build.dataset, self.graphs)
        table = previous.pages()
        before = table.resources()
        stale = table.reading(found.about, found.pointing)
        view = self.renderer.view
        now_pages, now_skipped = self.renderer.sort_resources({iri for iri in found.about if view.described(iri)})
        now_pages_set = set(now_pages)
        vanished = (found.about & before) - now_pages_set
        appeared = now_pages_set - before
        self.skipped = sorted((set(previous.skipped) - found.about) | set(now_skipped))
        self.say(f"{len(found.graphs)} graph(s) changed since the site was published: "
                 f"{len(stale - vanished) + len(appeared)} page(s) to write, {len(vanished)} to remove, "
                 f"{len(before) - len(stale | vanished)} kept")
        # The kept pages, as links into the previous site (the folders of pages only: the rest is written anew).
        for folder in sorted({page_path(iri).split("/", 1)[0] for iri in before}):
            if (self.previous_site / folder).is_dir():
                link_tree(self.previous_site / folder, self.site / folder)
        for iri in vanished:
            for file in page_files(page_path(iri), table.files_of(iri)):
                (self.site / file).unlink(missing_ok=True)
            table.remove(iri)
        self.table = table
        self.pages = sorted((before - vanished) | appeared)
        return sorted((stale - vanished) | appeared)


def page_path(iri: str) -> str:
    """Where a resource's page is (or was) in the site, whether or not it is described now."""
    own = locations.own_page_path(iri)
    if own is not None:
        return own + ".html"
    return (locations.external_page_path(iri) or "") + ".html"
