"""The build's manifest (manifest.json), typed: what each file became, where its graphs are in the dump, and what the
build found out about it. Written and read here only; every other module reads the dataclasses.

A rebuild (kg.build.incremental) reuses a previous build through its manifest: the files' states tell what changed,
the dump sections let unchanged graphs be copied, and the dependencies and municipalities are kept for the files a
change cannot reach. Questions about one municipality (kg.query.scoping) find its graphs here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..errors import KgError
from ..project import INFERRED_GRAPH, inferred_graph_iri

# 2: an inferred graph per file, dump sections, links and municipalities per file;
# 3: a file's inferred graph holds only what is entailed about its own resources
FORMAT_VERSION = 3


class DumpSection(NamedTuple):
    """Where one graph's lines are in the dataset dump (bytes)."""

    offset: int
    length: int


@dataclass(frozen=True)
class FileState:
    """A source file as the build read it: a rebuild compares these to tell which files changed."""

    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileState:
        stat = path.stat()  # before reading: a change while hashing shows as a newer time next time
        return cls(hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True)
class InferredGraph:
    """The graph holding what one file's triples entail about its own resources (kg.build.reasoning)."""

    iri: str
    triples: int
    dump: DumpSection


@dataclass(frozen=True)
class GraphRecord:
    """One source file: its graph, its state, where it is in the dump, and what the build found out about it."""

    iri: str
    file: str                                 # relative to the project root
    kind: str                                 # "ontology", "data" or "classification"
    triples: int
    state: FileState
    dump: DumpSection
    # The municipalities the file is about (its plans, or the plans its links lead to); None for the ontology.
    municipalities: tuple[str, ...] | None = None
    plans_of: tuple[str, ...] = ()            # the municipalities whose plans the file itself states
    depends_on: tuple[str, ...] | None = None  # data files its validation depends on (kg.validation.dependencies)
    inferred: InferredGraph | None = None


@dataclass(frozen=True)
class BuildManifest:
    built: str                                # when, local time with offset
    files_checked_ns: int                     # when the files' sizes and times were read (kg.build.incremental)
    closure: str                              # asked for
    closure_used: str                         # what "auto" became
    graphs: tuple[GraphRecord, ...]
    inferred_graph_triples: int               # what no single file entails: the residual inferred graph
    inferred_graph_dump: DumpSection
    schema_files: tuple[str, ...]             # files stating class and property axioms
    inverse_predicates: tuple[str, ...]       # links the shapes follow backward (kg.validation.dependencies)
    municipality_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name or code -> codes
    format: int = FORMAT_VERSION
    inferred_graph: str = INFERRED_GRAPH

    @property
    def asserted_triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def inferred_triples(self) -> int:
        return self.inferred_graph_triples + sum(g.inferred.triples for g in self.graphs if g.inferred)

    def graph_iris(self) -> list[str]:
        """Every named graph of the build: the files' graphs, their inferred graphs, the residual inferred graph."""
        return ([g.iri for g in self.graphs] + [g.inferred.iri for g in self.graphs if g.inferred]
                + [self.inferred_graph])

    def by_file(self) -> dict[str, GraphRecord]:
        return {g.file: g for g in self.graphs}

    def by_iri(self) -> dict[str, GraphRecord]:
        return {g.iri: g for g in self.graphs}

    def to_json(self) -> str:
        document = {
            "format": self.format,
            "built": self.built,
            "files_checked_ns": self.files_checked_ns,
            "closure": self.closure,
            "closure_used": self.closure_used,
            "asserted_triples": self.asserted_triples,
            "inferred_triples": self.inferred_triples,
            "inferred_graph": self.inferred_graph,
            "inferred_graph_triples": self.inferred_graph_triples,
            "inferred_graph_dump": list(self.inferred_graph_dump),
            "schema_files": list(self.schema_files),
            "inverse_predicates": list(self.inverse_predicates),
            "graphs": [_record_json(g) for g in self.graphs],
            "municipality_names": {name: list(codes) for name, codes in self.municipality_names.items()},
        }
        return json.dumps(document, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> BuildManifest:
        document = json.loads(text)
        return cls(
            format=document["format"],
            built=document["built"],
            files_checked_ns=document.get("files_checked_ns", 0),
            closure=document["closure"],
            closure_used=document["closure_used"],
            inferred_graph=document["inferred_graph"],
            inferred_graph_triples=document["inferred_graph_triples"],
            inferred_graph_dump=DumpSection(*document["inferred_graph_dump"]),
            schema_files=tuple(document["schema_files"]),
            inverse_predicates=tuple(document["inverse_predicates"]),
            graphs=tuple(_record(r) for r in document["graphs"]),
            municipality_names={name: tuple(codes) for name, codes in document["municipality_names"].items()},
        )


def _record_json(record: GraphRecord) -> dict:
    out = {"iri": record.iri, "file": record.file, "kind": record.kind, "triples": record.triples,
           "sha256": record.state.sha256, "size": record.state.size, "mtime_ns": record.state.mtime_ns}
    if record.municipalities is not None:
        out["municipalities"] = list(record.municipalities)
    if record.plans_of:
        out["plans_of"] = list(record.plans_of)
    if record.depends_on is not None:
        out["depends_on"] = list(record.depends_on)
    out["dump"] = list(record.dump)
    if record.inferred is not None:
        out["inferred"] = {"iri": record.inferred.iri, "triples": record.inferred.triples,
                           "dump": list(record.inferred.dump)}
    return out


def _record(document: dict) -> GraphRecord:
    inferred = document.get("inferred")
    return GraphRecord(
        iri=document["iri"], file=document["file"], kind=document["kind"], triples=document["triples"],
        state=FileState(document["sha256"], document["size"], document["mtime_ns"]),
        dump=DumpSection(*document["dump"]),
        municipalities=tuple(document["municipalities"]) if "municipalities" in document else None,
        plans_of=tuple(document.get("plans_of", ())),
        depends_on=tuple(document["depends_on"]) if "depends_on" in document else None,
        inferred=InferredGraph(inferred["iri"], inferred["triples"], DumpSection(*inferred["dump"])) if inferred else None,
    )


def write_manifest(path: Path, manifest: BuildManifest) -> None:
    path.write_text(manifest.to_json(), encoding="utf-8")


def read_manifest_file(path: Path) -> BuildManifest | None:
    """The manifest, or None when it was written by another version of kg (a rebuild then starts from nothing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KgError(f"{path}: cannot read the build's manifest: {exc.strerror}",
                      hint="run `kg build --full`") from None
    try:
        if json.loads(text).get("format") != FORMAT_VERSION:
            return None
        return BuildManifest.from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise KgError(f"{path}: the build's manifest is damaged ({exc})", hint="run `kg build --full`") from None


def inferred_record(graph_iri: str, triples: int, offsets: dict[str, DumpSection]) -> InferredGraph | None:
    """The record of a file's inferred graph, if the file entails anything about its own resources."""
    if not triples:
        return None
    iri = inferred_graph_iri(graph_iri)
    return InferredGraph(iri, triples, offsets[iri])
