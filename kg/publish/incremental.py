"""Publishing again after a rebuild: only the pages whose data changed are rendered, the others kept.

Every publish leaves, in the build folder (`publish-state/<the site's folder, hashed>/`), what the next one needs to tell what changed:
  * state.json: a fingerprint of everything but the data that pages depend on (kg's code and templates, the base,
    the endpoint, the shapes), the build it published, and each named graph's place in the build's dataset dump with
    a digest of its lines;
  * dataset.nq: that dump itself (a hard link to the build's, which no later build changes; a copy across disks);
  * pages.bin: every resource page with the files it has and what it read (kg.publish.tracking).
The site's marker names the state it goes with; a state of another site, another fingerprint or another version
is not used (the site is then written from nothing).

A later publish compares the graphs' digests, takes the lines of each changed graph that were added or removed,
and from them the resources whose statements changed as subject (about) or as object (pointing to). A page is
rendered again when it read one of those, a resource gets a page or loses it only if it is one of them; every
other page is kept as it is (hard-linked from the previous site). Pages are a function of what they read, so the
result is the same, byte for byte, as a publish from nothing (tests/test_publish_incremental.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import zlib
from array import array
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..build.store import BuildPaths
from .workers import PageRecord

STATE_VERSION = 1
STATE_FILE = "state.json"
DATASET_FILE = "dataset.nq"
PAGES_FILE = "pages.bin"


def state_folder(build_dir: Path, out: Path) -> Path:
    """Kept with the builds, not in the site (a static host would serve it): one per folder published to."""
    return build_dir / "publish-state" / hashlib.sha256(str(out).encode()).hexdigest()[:16]


def code_fingerprint() -> str:
    """kg's own code, templates and static files: another version of kg renders pages anew."""
    digest = hashlib.sha256()
    package = resources.files("kg")
    stack = [package]
    files = []
    while stack:
        folder = stack.pop()
        for item in folder.iterdir():
            if item.is_dir():
                if item.name != "__pycache__":
                    stack.append(item)
            elif item.name.endswith((".py", ".html", ".svg", ".css", ".js")) or "static" in str(item):
                files.append(item)
    for item in sorted(files, key=str):
        digest.update(str(item).removeprefix(str(package)).encode() + b"\0" + item.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(*, base: str, endpoint: str | None, shapes: list[ox.Triple]) -> str:
    digest = hashlib.sha256(json.dumps({"version": STATE_VERSION, "code": code_fingerprint(), "base": base,
                                        "endpoint": endpoint}).encode())
    for line in sorted(str(t) for t in shapes):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def state_id(print_: str, build: str) -> str:
    """What the site's marker names: the state that goes with it."""
    return hashlib.sha256(f"{print_} {build}".encode()).hexdigest()[:32]


# -- the graphs of a build --------------------------------------------------------------------------------------------

def graph_sections(manifest: BuildManifest) -> dict[str, tuple[int, int, str]]:
    """Named graph -> (offset, length, kind) of its lines in the dataset dump."""
    sections = {}
    for g in manifest.graphs:
        sections[g.iri] = (g.dump.offset, g.dump.length, g.kind)
        if g.inferred is not None:
            sections[g.inferred.iri] = (g.inferred.dump.offset, g.inferred.dump.length, "inferred")
    sections[manifest.inferred_graph] = (manifest.inferred_graph_dump.offset, manifest.inferred_graph_dump.length,
                                         "inferred")
    return sections


def graph_digests(dataset: Path, manifest: BuildManifest) -> dict[str, list]:
    """Named graph -> [offset, length, digest of its kind and lines]."""
    out = {}
    with dataset.open("rb") as handle:
        for iri, (offset, length, kind) in sorted(graph_sections(manifest).items(), key=lambda item: item[1][0]):
            handle.seek(offset)
            digest = hashlib.blake2b(kind.encode() + b"\0", digest_size=16)
            digest.update(handle.read(length))
            out[iri] = [offset, length, digest.hexdigest()]
    return out


def _lines(dataset: Path, section: list | None) -> set[bytes]:
    if not section:
        return set()
    with dataset.open("rb") as handle:
        handle.seek(section[0])
        return set(handle.read(section[1]).splitlines())


@dataclass
class Changes:
    graphs: list[str]                              # graphs added, removed or changed
    about: set[str] = field(default_factory=set)   # IRIs of subjects of the lines added or removed
    pointing: set[str] = field(default_factory=set)  # IRIs of their objects


def changes(old_dataset: Path, old_graphs: dict[str, list], new_dataset: Path, new_graphs: dict[str, list]) -> Changes:
    changed = sorted(g for g in set(old_graphs) | set(new_graphs)
                     if (old_graphs.get(g) or [None] * 3)[2] != (new_graphs.get(g) or [None] * 3)[2])
    found = Changes(changed)
    for graph in changed:
        differing = _lines(old_dataset, old_graphs.get(graph)) ^ _lines(new_dataset, new_graphs.get(graph))
        if not differing:
            continue
        for quad in ox.parse(input=b"\n".join(differing) + b"\n", format=ox.RdfFormat.N_QUADS):
            if isinstance(quad.subject, ox.NamedNode):
                found.about.add(quad.subject.value)
            if isinstance(quad.object, ox.NamedNode):
                found.pointing.add(quad.object.value)
    return found


# -- what each page read ------------------------------------------------------------------------------------------------

class PageTable:
    """Every page's files and reads, the IRIs numbered once (a national site reads ten million times, from half a
    million resources)."""

    def __init__(self):
        self.iris: list[str] = []
        self.ids: dict[str, int] = {}
        self.pages: dict[int, tuple[int, array, array]] = {}   # resource id -> (files, about ids, pointing ids)

    def _id(self, iri: str) -> int:
        found = self.ids.get(iri)
        if found is None:
            found = self.ids[iri] = len(self.iris)
            self.iris.append(iri)
        return found

    def add(self, records: list[PageRecord]) -> None:
        for r in records:
            self.pages[self._id(r.iri)] = (r.files, array("i", map(self._id, r.about)), array("i", map(self._id, r.pointing)))

    def remove(self, iri: str) -> None:
        self.pages.pop(self.ids.get(iri, -1), None)

    def resources(self) -> set[str]:
        return {self.iris[i] for i in self.pages}

    def files_of(self, iri: str) -> int:
        return self.pages[self.ids[iri]][0]

    def reading(self, about: set[str], pointing: set[str]) -> set[str]:
        """The resources whose pages read one of `about` (as subject) or `pointing` (as object)."""
        about_ids = {self.ids[i] for i in about if i in self.ids}
        pointing_ids = {self.ids[i] for i in pointing if i in self.ids}
        return {self.iris[page] for page, (_files, a, p) in self.pages.items()
                if not about_ids.isdisjoint(a) or not pointing_ids.isdisjoint(p)}

    def encode(self) -> bytes:
        """Deterministic: the same pages and reads give the same bytes, however the table was filled."""
        used = sorted({i for page, (_f, a, p) in self.pages.items() for i in (page, *a, *p)}, key=self.iris.__getitem__)
        renumber = {old: new for new, old in enumerate(used)}
        header = "\n".join(self.iris[i] for i in used).encode("utf-8")
        body = array("i")
        for page in sorted(self.pages, key=self.iris.__getitem__):
            files, about, pointing = self.pages[page]
            body.extend((renumber[page], files, len(about), len(pointing)))
            body.extend(sorted(renumber[i] for i in about))
            body.extend(sorted(renumber[i] for i in pointing))
        raw = body.tobytes()
        return zlib.compress(struct.pack("<QQ", len(header), len(raw)) + header + raw, 1)

    @classmethod
    def decode(cls, data: bytes) -> PageTable:
        raw = zlib.decompress(data)
        header_length, body_length = struct.unpack_from("<QQ", raw)
        table = cls()
        header = raw[16:16 + header_length].decode("utf-8")
        table.iris = header.split("\n") if header else []
        table.ids = {iri: i for i, iri in enumerate(table.iris)}
        body = array("i")
        body.frombytes(raw[16 + header_length:16 + header_length + body_length])
        at = 0
        while at < len(body):
            page, files, n_about, n_pointing = body[at:at + 4]
            at += 4
            about = body[at:at + n_about]
            pointing = body[at + n_about:at + n_about + n_pointing]
            at += n_about + n_pointing
            table.pages[page] = (files, about, pointing)
        return table


# -- the state on disk --------------------------------------------------------------------------------------------------

@dataclass
class State:
    fingerprint: str
    build: str
    graphs: dict[str, list]
    skipped: list[str]
    folder: Path

    @property
    def id(self) -> str:
        return state_id(self.fingerprint, self.build)

    def pages(self) -> PageTable:
        return PageTable.decode((self.folder / PAGES_FILE).read_bytes())

    @property
    def dataset(self) -> Path:
        return self.folder / DATASET_FILE


def read_state(folder: Path, *, marker: dict | None) -> State | None:
    """The state in `folder` if the site whose marker is `marker` goes with it, else None (none, another
    version's, or not this site's)."""
    try:
        document = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if document.get("version") != STATE_VERSION or not (folder / DATASET_FILE).exists() \
            or not (folder / PAGES_FILE).exists():
        return None
    state = State(document["fingerprint"], document["build"], document["graphs"], document["skipped"], folder)
    if marker is None or marker.get("state") != state.id:
        return None
    return state


def write_state(folder: Path, *, fingerprint_: str, build: BuildPaths, graphs: dict[str, list], skipped: list[str],
                pages: PageTable) -> None:
    folder.mkdir(parents=True)
    try:
        os.link(build.dataset, folder / DATASET_FILE)   # the build never changes its dump: a link is a copy
    except OSError:
        shutil.copyfile(build.dataset, folder / DATASET_FILE)
    (folder / PAGES_FILE).write_bytes(pages.encode())
    (folder / STATE_FILE).write_text(json.dumps({"version": STATE_VERSION, "fingerprint": fingerprint_,
                                                 "build": build.root.name, "graphs": graphs,
                                                 "skipped": sorted(skipped)}, indent=0, sort_keys=True),
                                     encoding="utf-8")


def link_tree(source: Path, target: Path) -> int:
    """`target` made as a copy of `source` whose files are hard links (the previous site's pages, kept): folders
    are new, files shared, so a file is replaced by unlinking it first, never by writing into it."""
    count = 0
    target.mkdir(parents=True, exist_ok=True)
    stack = [(source, target)]
    while stack:
        src, dst = stack.pop()
        with os.scandir(src) as entries:
            for entry in entries:
                to = os.path.join(dst, entry.name)
                if entry.is_dir(follow_symlinks=False):
                    os.mkdir(to)
                    stack.append((Path(entry.path), Path(to)))
                else:
                    os.link(entry.path, to)
                    count += 1
    return count
