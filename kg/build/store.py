"""The built store on disk, replaced atomically.

A build writes a complete new folder under build/builds/ and then swaps the `build/current` symlink to it with
one rename; readers follow the link, so they see either the previous build or the new one, never half of one.
An interrupted or failed build leaves only an unfinished folder behind, which the next build removes.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import KgError, MissingBuildError
from ..project import Project
from .manifest import BuildManifest, read_manifest_file, write_manifest

STORE_DIR = "store"
DATASET_FILE = "dataset.nq"
MANIFEST_FILE = "manifest.json"
PARTIAL_SUFFIX = ".partial"


@dataclass(frozen=True)
class BuildPaths:
    root: Path

    @property
    def store(self) -> Path:
        return self.root / STORE_DIR

    @property
    def dataset(self) -> Path:
        return self.root / DATASET_FILE

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST_FILE


def current_link(project: Project) -> Path:
    return project.build_dir / "current"


def current_build(project: Project) -> BuildPaths:
    link = current_link(project)
    target = link.resolve() if link.is_symlink() else None
    if target is None or not (target / MANIFEST_FILE).exists():
        raise MissingBuildError(str(project.build_dir))
    return BuildPaths(target)


def new_build_folder(project: Project) -> BuildPaths:
    builds = project.build_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    for stale in builds.glob(f"*{PARTIAL_SUFFIX}"):
        shutil.rmtree(stale, ignore_errors=True)
    # Microseconds too: a rebuild can follow the previous build within the same second.
    now = time.time()  # read once: the seconds and their fraction must agree
    name = time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f"{now % 1:.6f}"[1:] + f"-{os.getpid()}{PARTIAL_SUFFIX}"
    folder = builds / name
    folder.mkdir()
    return BuildPaths(folder)


def publish(project: Project, paths: BuildPaths, manifest: BuildManifest) -> BuildPaths:
    """Finish a build: write its manifest, then point `current` at it in one atomic rename."""
    write_manifest(paths.manifest, manifest)
    final = paths.root.with_name(paths.root.name.removesuffix(PARTIAL_SUFFIX))
    paths.root.rename(final)
    link = current_link(project)
    previous = link.resolve() if link.is_symlink() else None
    tmp_link = link.with_name(f".current-{os.getpid()}")
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path("builds") / final.name)
    os.replace(tmp_link, link)
    _remove_old_builds(project, keep={final, previous})
    return BuildPaths(final)


def _remove_old_builds(project: Project, *, keep: set[Path | None]) -> None:
    # The previous build is kept as well: a reader that opened it just before the swap can finish.
    for folder in (project.build_dir / "builds").iterdir():
        if folder.is_dir() and folder.resolve() not in {k.resolve() for k in keep if k} and not folder.name.endswith(PARTIAL_SUFFIX):
            shutil.rmtree(folder, ignore_errors=True)


def open_store(project: Project) -> ox.Store:
    paths = current_build(project)
    return ox.Store.read_only(str(paths.store))


def read_manifest(project: Project) -> BuildManifest:
    """The current build's manifest; a build made by another version of kg must be made again."""
    paths = current_build(project)
    manifest = read_manifest_file(paths.manifest)
    if manifest is None:
        raise KgError(f"the build in {paths.root} was made by another version of kg", hint="run `kg build --full`")
    return manifest
