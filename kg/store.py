"""The built store on disk, replaced atomically.

A build writes a complete new folder under build/builds/ and then swaps the `build/current` symlink to it with
one rename; readers follow the link, so they see either the previous build or the new one, never half of one.
An interrupted or failed build leaves only an unfinished folder behind, which the next build removes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import MissingBuildError
from .project import Project

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


def write_dataset_dump(paths: BuildPaths, quads) -> None:
    with paths.dataset.open("wb") as out:
        ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)


def graph_section(iri: str, triples) -> bytes:
    """One graph's lines of the dataset dump (N-Quads).

    Serialised as N-Triples, with the graph name put before each line's final " .": Oxigraph escapes line breaks
    inside literals, so every line ends there. A national build has 2.5 million triples: making a Python Quad
    object of each took longer than writing and loading the whole store.
    """
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).replace(b" .\n", b" <" + iri.encode() + b"> .\n")


def write_graphs_dump(paths: BuildPaths, graphs) -> dict[str, list[int]]:
    """The dataset dump from (graph IRI, triples) pairs, graph after graph; returns each graph's [offset, length]
    in it, which lets a rebuild copy the graphs that did not change (write_patched_dump)."""
    sections: dict[str, list[int]] = {}
    offset = 0
    with paths.dataset.open("wb") as out:
        for iri, triples in graphs:
            data = graph_section(iri, triples)
            out.write(data)
            sections[iri] = [offset, len(data)]
            offset += len(data)
    return sections


def write_patched_dump(previous: Path, paths: BuildPaths, pieces) -> dict[str, list[int]]:
    """The dataset dump from (graph IRI, new bytes or the graph's [offset, length] in the previous dump) pairs.

    Unchanged graphs are copied by the kernel (copy_file_range), so a rebuild after one file changed does not
    re-serialise 2.5 million triples. Returns each graph's [offset, length] in the new dump, as write_graphs_dump.
    """
    sections: dict[str, list[int]] = {}
    offset = 0
    # Unbuffered: the kernel's copies and our writes share the file position.
    with previous.open("rb") as source, paths.dataset.open("wb", buffering=0) as out:
        for iri, piece in pieces:
            if isinstance(piece, bytes):
                view = memoryview(piece)
                while view:
                    view = view[out.write(view):]
                length = len(piece)
            else:
                start, length = piece
                _copy_range(source.fileno(), out.fileno(), start, length)
            sections[iri] = [offset, length]
            offset += length
    return sections


def _copy_range(source: int, target: int, start: int, length: int) -> None:
    done = 0
    while done < length:
        try:
            copied = os.copy_file_range(source, target, length - done, start + done)
        except (AttributeError, OSError):  # not Linux, or a file system that cannot: copy through memory
            copied = os.write(target, os.pread(source, min(length - done, 1 << 24), start + done))
        if copied == 0:
            raise OSError(f"the previous dataset dump ended {length - done} bytes early")
        done += copied


def read_dump_section(paths: BuildPaths, section: list[int]) -> list[ox.Triple]:
    """The triples of one graph, read back from its lines of the dump (literals exactly as the files wrote them)."""
    start, length = section
    with paths.dataset.open("rb") as handle:
        handle.seek(start)
        data = handle.read(length)
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)]


def write_store_from_dump(paths: BuildPaths) -> None:
    """The store, bulk-loaded from the dataset dump (streamed in Rust, not held in memory)."""
    store = ox.Store(str(paths.store))
    store.bulk_load(path=str(paths.dataset), format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store  # closes RocksDB before the folder is published


def publish(project: Project, paths: BuildPaths, manifest: dict) -> BuildPaths:
    """Finish a build: write its manifest, then point `current` at it in one atomic rename."""
    paths.manifest.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
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


def read_manifest(project: Project) -> dict:
    return json.loads(current_build(project).manifest.read_text(encoding="utf-8"))
