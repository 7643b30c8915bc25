"""What each page was made from: the resources whose statements it read, so that a later publish re-renders a page
only when one of them changed (kg.publish.incremental).

A page reads the store through GraphView's two lookups, `about(iri)` (the statements with the resource as subject)
and `pointing_to(iri)` (those with it as object), and `described(iri)` (whether there is any of the first kind,
noted as an `about` read); everything else a page shows (labels, links, charts, places) is
worked out from them. `TrackedGraphView` notes every lookup in the open frame of a `Reads`; its caches keep, with
each answer, the lookups the answer was made from and note them again on a hit, so that a page's reads are the
same whether or not an earlier page warmed the cache. A page is then stale exactly when a statement was added or
removed whose subject it read `about`, or whose object it read `pointing_to`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from .graphview import GraphView


class Reads:
    """A stack of frames of lookups: (IRIs read `about`, IRIs read `pointing_to`)."""

    def __init__(self):
        self.frames: list[tuple[set[str], set[str]]] = [(set(), set())]

    def about(self, iri: str) -> None:
        self.frames[-1][0].add(iri)

    def pointing(self, iri: str) -> None:
        self.frames[-1][1].add(iri)

    def push(self) -> None:
        self.frames.append((set(), set()))

    def pop(self) -> tuple[frozenset[str], frozenset[str]]:
        about, pointing = self.frames.pop()
        return frozenset(about), frozenset(pointing)

    def merge(self, about: frozenset[str], pointing: frozenset[str]) -> None:
        frame = self.frames[-1]
        frame[0].update(about)
        frame[1].update(pointing)


class TrackedCache:
    """A function's answers by argument, each with the lookups it was made from (noted again on every hit).
    Emptied when full: the pages of one chunk share a few thousand entries, no need for an LRU's bookkeeping."""

    def __init__(self, function: Callable[..., Any], reads: Reads, *, maxsize: int = 65536):
        self.function, self.reads, self.maxsize = function, reads, maxsize
        self.entries: dict[tuple, tuple[Any, frozenset[str], frozenset[str]]] = {}

    def __call__(self, *args):
        entry = self.entries.get(args)
        if entry is None:
            self.reads.push()
            try:
                value = self.function(*args)
            finally:
                about, pointing = self.reads.pop()
            if len(self.entries) >= self.maxsize:
                self.entries.clear()
            entry = self.entries[args] = (value, about, pointing)
        self.reads.merge(entry[1], entry[2])
        return entry[0]

    def cache_clear(self) -> None:
        self.entries.clear()


class TrackedGraphView(GraphView):
    """A GraphView that notes what is read into `reads`."""

    def __init__(self, store: ox.Store, *, manifest: BuildManifest | None = None,
                 extra_anchors: dict[str, set[str]] | None = None, reads: Reads | None = None):
        super().__init__(store, manifest=manifest, extra_anchors=extra_anchors)
        self.reads = reads or Reads()
        about_cached, pointing_cached, described_cached = self.about, self.pointing_to, self.described

        def about(iri: str):
            self.reads.about(iri)
            return about_cached(iri)

        def described(iri: str) -> bool:
            self.reads.about(iri)   # whether it has statements as subject: read as `about` reads them
            return described_cached(iri)

        def pointing_to(iri: str):
            self.reads.pointing(iri)
            return pointing_cached(iri)

        self.about = about
        self.pointing_to = pointing_to
        self.described = described
        self.page_of = TrackedCache(self._page_of, self.reads)
        self.labels = TrackedCache(self._tracked_labels, self.reads)

    def subject_count(self, predicate: str, iri: str) -> int:
        self.reads.pointing(iri)   # some of its statements as object: read as `pointing_to` reads them
        return super().subject_count(predicate, iri)

    def _tracked_labels(self, iri: str) -> dict[str, list[str]]:
        self.reads.about(iri)   # some of its statements as subject: read as `about` reads them
        return self._labels(iri)

    def tracked(self, function: Callable[..., Any], *, maxsize: int = 65536) -> TrackedCache:
        """A cache of `function` (built on this view's lookups) that keeps what each answer read."""
        return TrackedCache(function, self.reads, maxsize=maxsize)


def cache_for(view: GraphView, function: Callable[..., Any], *, maxsize: int) -> Callable[..., Any]:
    """A cache of `function` that keeps what each answer read when `view` is tracked; a plain LRU cache else."""
    if isinstance(view, TrackedGraphView):
        return view.tracked(function, maxsize=maxsize)
    return lru_cache(maxsize=maxsize)(function)
