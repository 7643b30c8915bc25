"""The built store on disk, replaced atomically.

A build writes a complete new folder under build/builds/ and then swaps the `build/current` symlink to it with
one rename; readers follow the link, so they see either the previous build or the new one, never half of one.
An interrupted or failed build leaves only an unfinished folder behind, which the next build removes.

A build is deleted only when it is neither current nor the previous one and no live process holds a lease on it
(kg.build.leases): a server, or a long `kg query`, keeps the build it reads for as long as it reads it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import KgError, MissingBuildError
from ..project import Project
from .leases import BuildGone, Lease, remove_unless_leased, take_lease
from .manifest import BuildManifest, read_manifest_file, write_manifest

STORE_DIR = "store"
DATASET_FILE = "dataset.nq"
MANIFEST_FILE = "manifest.json"
PARTIAL_SUFFIX = ".partial"


@dataclass(frozen=True)
class BuildPaths:
    root: Path
    lease: Lease | None = field(default=None, compare=False, repr=False)  # held on a folder being built

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


def lease_current_build(project: Project, *, holder: str) -> tuple[BuildPaths, Lease | None]:
    """The current build with a lease on it, so that no later build deletes it while it is read. A build that
    is pruned at the very moment it is leased is left for the new current one. Without a lease (None) only where
    the build folder cannot hold one (read-only: then nothing can delete it either)."""
    for _attempt in range(10):
        paths = current_build(project)
        try:
            return paths, take_lease(paths.root, holder=holder)
        except BuildGone:
            continue
        except OSError:
            return paths, None
    raise MissingBuildError(str(project.build_dir))


# Unfinished build folders this process made: removed when its build fails (kg.build.faults).
UNFINISHED: dict[Path, BuildPaths] = {}


def new_build_folder(project: Project) -> BuildPaths:
    builds = project.build_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    remove_unfinished(builds)
    # Microseconds too: a rebuild can follow the previous build within the same second.
    now = time.time()  # read once: the seconds and their fraction must agree
    name = time.strftime("%Y%m%dT%H%M%S", time.localtime(now)) + f"{now % 1:.6f}"[1:] + f"-{os.getpid()}{PARTIAL_SUFFIX}"
    folder = builds / name
    folder.mkdir()
    # Leased while it is built: another build running meanwhile removes only the unfinished folders of builds
    # that died.
    paths = BuildPaths(folder, lease=take_lease(folder, holder="kg build (unfinished)", require=None))
    UNFINISHED[folder] = paths
    return paths


def remove_unfinished(builds: Path) -> None:
    """Remove the unfinished folders of builds that died (killed, or cut short by a full disk)."""
    for stale in builds.glob(f"*{PARTIAL_SUFFIX}"):
        if stale.is_dir():
            remove_unless_leased(stale, trash_suffix=PARTIAL_SUFFIX)


def discard(paths: BuildPaths) -> None:
    """Remove a folder this process was building (its build failed)."""
    root = paths.lease.root if paths.lease is not None else paths.root  # renamed if it failed while published
    if paths.lease is not None:
        paths.lease.release()
    if root.exists():
        remove_unless_leased(root, trash_suffix=PARTIAL_SUFFIX)
    UNFINISHED.pop(paths.root, None)


def publish(project: Project, paths: BuildPaths, manifest: BuildManifest,
            say: Callable[[str], None] | None = None) -> BuildPaths:
    """Finish a build: write its manifest, then point `current` at it in one atomic rename. `say`: told which
    old builds were kept because a process still reads them."""
    write_manifest(paths.manifest, manifest)
    final = paths.root.with_name(paths.root.name.removesuffix(PARTIAL_SUFFIX))
    paths.root.rename(final)
    if paths.lease is not None:
        paths.lease.root = final  # kept until `current` points at it: no other build may prune it before
    link = current_link(project)
    previous = link.resolve() if link.is_symlink() else None
    tmp_link = link.with_name(f".current-{os.getpid()}")
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path("builds") / final.name)
    os.replace(tmp_link, link)
    UNFINISHED.pop(paths.root, None)
    if paths.lease is not None:
        paths.lease.release()
    _remove_old_builds(project, keep={final, previous}, say=say or (lambda _msg: None))
    return BuildPaths(final)


def _remove_old_builds(project: Project, *, keep: set[Path | None], say: Callable[[str], None]) -> None:
    """Delete the builds that are neither current nor the previous one (a reader that resolved `current` just
    before the swap can still take its lease on it) and that no live process holds a lease on."""
    kept = {k.resolve() for k in keep if k}
    for folder in sorted((project.build_dir / "builds").iterdir()):
        if folder.is_dir() and folder.resolve() not in kept and not folder.name.endswith(PARTIAL_SUFFIX):
            try:
                holders = remove_unless_leased(folder, trash_suffix=PARTIAL_SUFFIX)
            except OSError as exc:  # the new build is current already: an old one left over is no failure
                say(f"could not remove {folder.name}: {exc.strerror or exc}")
                continue
            if holders:
                say(f"kept {folder.name}: in use by {'; '.join(holders)}")


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
