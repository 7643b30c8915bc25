"""`kg build`: parse, infer, validate, then publish a new store atomically.

A build from nothing parses every file; a rebuild reuses the previous build for the files that did not change
(kg.incremental_build) and falls back to a build from nothing where it cannot (the ontology or reference data
changed, no previous build, `--full`). Both write the same store, dump and manifest for the same files.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .dataset import load_project_dataset, project_files
from .errors import EXIT_INVALID, KgError
from .incremental_validation import data_dependencies, data_graphs_of, inverse_predicates, validate_project_files
from .project import INFERRED_GRAPH, Project, inferred_graph_iri
from .reasoning import closure_by_graph, schema_triples_of
from .scoping import municipality_index
from .store import new_build_folder, publish, write_graphs_dump, write_store_from_dump
from .validation import ValidationReport

# 2: an inferred graph per file, dump sections, links and municipalities per file;
# 3: a file's inferred graph holds only what is entailed about its own resources
BUILD_FORMAT = 3


class BuildInvalid(KgError):
    """The data does not conform: nothing was published; the previous build stays current."""

    exit_code = EXIT_INVALID

    def __init__(self, report: ValidationReport):
        super().__init__(f"the data does not conform to the shapes ({len(report.issues)} problem(s)); the previous build is unchanged",
                         hint="fix the resources listed above, or run `kg validate FILE` on one file")
        self.report = report


@dataclass(frozen=True)
class BuildResult:
    path: str
    asserted_triples: int
    inferred_triples: int
    graphs: int
    seconds: float
    rebuilt_files: int | None = None  # None: built from nothing; else how many files a rebuild parsed


def build(project: Project, *, closure: str = "auto", lang: str = "ja", full: bool = False,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    if not full:
        from .incremental_build import rebuild

        result = rebuild(project, closure=closure, lang=lang, say=say)
        if result is not None:
            return replace(result, seconds=time.perf_counter() - started)
    # Each file's size, time and hash before it is parsed: a file saved during the build then looks changed to
    # the next one (its recorded state is older than what the store holds), never the other way round.
    checked_ns = time.time_ns()
    files = project_files(project)  # listed once: a file appearing mid-build waits for the next build
    states = {path: file_state(path) for path, _ in files}
    dataset = load_project_dataset(project, progress=say, files=files)
    say(f"closure ({closure}) over {dataset.triple_count():,} asserted triples")
    inferred = closure_by_graph([(g.iri, g.triples) for g in dataset.graphs], closure=closure)
    dependencies = data_dependencies(project, dataset)
    data_files = [g.path for g in data_graphs_of(project, dataset.graphs)]
    digests = {path: bytes.fromhex(state.sha256) for path, state in states.items()}
    report = validate_project_files(project, data_files=data_files, dependencies=dependencies, digests=digests,
                                    lang=lang, progress=say)
    if not report.conforms:
        raise BuildInvalid(report)
    about, names, own = municipality_index(dataset, dependencies)
    paths = new_build_folder(project)
    sections = [(g.iri, g.triples) for g in dataset.graphs]
    sections += [(inferred_graph_iri(g.iri), inferred.by_graph[g.iri]) for g in dataset.graphs if g.iri in inferred.by_graph]
    sections.append((INFERRED_GRAPH, inferred.residual))
    say(f"write store ({dataset.triple_count() + len(inferred):,} quads)")
    offsets = write_graphs_dump(paths, sections)
    write_store_from_dump(paths)
    records = [graph_record(project, path=g.path, iri=g.iri, kind=g.kind, triples=len(g.triples), state=states[g.path],
                            about=about.get(g.iri), own=own.get(g.path, []),
                            depends_on=dependencies.get(g.path) if g.path in dependencies else None,
                            inferred=len(inferred.by_graph.get(g.iri, ())), offsets=offsets) for g in dataset.graphs]
    schema_files = [g.path for g in dataset.graphs if schema_triples_of(g.triples)]
    manifest = build_manifest(project, closure=closure, closure_used=inferred.kind, records=records,
                              residual=len(inferred.residual), offsets=offsets, names=names, schema_files=schema_files,
                              checked_ns=checked_ns, inverse=inverse_predicates(project))
    final = publish(project, paths, manifest)
    return BuildResult(path=str(final.root), asserted_triples=manifest["asserted_triples"],
                       inferred_triples=manifest["inferred_triples"], graphs=len(sections),
                       seconds=time.perf_counter() - started)


def graph_record(project: Project, *, path: Path, iri: str, kind: str, triples: int, state: FileState, about, own,
                 depends_on, inferred: int, offsets: dict, rel: str | None = None) -> dict:
    """One file's entry in the manifest: its graph, what the build found out about it, where it is in the dump."""
    record = {"iri": iri, "file": rel or relative(project, path), "kind": kind, "triples": triples,
              "sha256": state.sha256, "size": state.size, "mtime_ns": state.mtime_ns}
    if about is not None:
        record["municipalities"] = about  # for questions about one municipality (kg.scoping)
    if own:
        record["plans_of"] = own  # the municipalities whose plans the file itself states
    if depends_on is not None:
        record["depends_on"] = sorted(relative(project, p) for p in depends_on)  # kg.incremental_validation
    record["dump"] = offsets[iri]
    if inferred:
        inferred_iri = inferred_graph_iri(iri)
        record["inferred"] = {"iri": inferred_iri, "triples": inferred, "dump": offsets[inferred_iri]}
    return record


def build_manifest(project: Project, *, closure: str, closure_used: str, records: list[dict], residual: int,
                   offsets: dict, names: dict, schema_files: list[Path], checked_ns: int, inverse) -> dict:
    inferred = residual + sum(r["inferred"]["triples"] for r in records if "inferred" in r)
    return {
        "format": BUILD_FORMAT,
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "files_checked_ns": checked_ns,  # when the files' sizes and times below were read (kg.incremental_build)
        "closure": closure,
        "closure_used": closure_used,
        "asserted_triples": sum(r["triples"] for r in records),
        "inferred_triples": inferred,
        "inferred_graph": INFERRED_GRAPH,  # what no single file entails; each file's own are in its record
        "inferred_graph_triples": residual,
        "inferred_graph_dump": offsets[INFERRED_GRAPH],
        "schema_files": sorted(relative(project, p) for p in schema_files),
        "inverse_predicates": sorted(inverse),  # links the shapes follow backward (kg.incremental_validation)
        "graphs": records,
        # For questions about one municipality (kg.scoping): its names and codes, and the graphs about it above.
        "municipality_names": names,
    }


def relative(project: Project, path: Path) -> str:
    return str(path.relative_to(project.root))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class FileState:
    sha256: str
    size: int
    mtime_ns: int


def file_state(path: Path) -> FileState:
    stat = path.stat()  # before reading: a change while hashing shows as a newer time next time
    return FileState(file_sha256(path), stat.st_size, stat.st_mtime_ns)
