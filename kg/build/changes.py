"""What a rebuild works from: the previous build, the project's files, and the files that changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from .manifest import BuildManifest, GraphRecord
from .store import BuildPaths


@dataclass(frozen=True)
class PreviousBuild:
    paths: BuildPaths
    manifest: BuildManifest

    @cached_property
    def by_file(self) -> dict[str, GraphRecord]:
        return self.manifest.by_file()

    @cached_property
    def by_iri(self) -> dict[str, GraphRecord]:
        return self.manifest.by_iri()


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str
    rel: str   # as the manifest names it
    iri: str   # its graph


@dataclass
class Change:
    """One file that is new, changed or gone, with its triples before and after."""

    path: Path
    iri: str
    kind: str
    old: list[ox.Triple] = field(default_factory=list)
    new: list[ox.Triple] = field(default_factory=list)
    exists: bool = True

    def __post_init__(self):
        self.old_set, self.new_set = set(self.old), set(self.new)
