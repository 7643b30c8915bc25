"""`kg build`: parse, infer, validate, then publish a new store atomically."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from .dataset import load_project_dataset
from .errors import EXIT_INVALID, KgError
from .project import INFERRED_GRAPH, Project
from .reasoning import inferred_triples
from .store import new_build_folder, publish, write_graphs_dump, write_store_from_dump
from .incremental_validation import data_dependencies, validate_project_files
from .scoping import municipality_index
from .validation import ValidationReport


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


def build(project: Project, *, closure: str = "auto", lang: str = "ja",
          progress: Callable[[str], None] | None = None) -> BuildResult:
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    dataset = load_project_dataset(project, progress=say)
    asserted = dataset.all_triples()
    say(f"closure ({closure}) over {len(asserted):,} asserted triples")
    inferred = inferred_triples(asserted, closure=closure)
    dependencies = data_dependencies(project, dataset)
    report = validate_project_files(project, dataset=dataset, dependencies=dependencies, lang=lang, progress=say)
    if not report.conforms:
        raise BuildInvalid(report)
    about, names = municipality_index(dataset, dependencies)
    paths = new_build_folder(project)
    graphs = [(g.iri, g.triples) for g in dataset.graphs] + [(INFERRED_GRAPH, inferred)]
    say(f"write store ({len(asserted) + len(inferred):,} quads)")
    write_graphs_dump(paths, graphs)
    write_store_from_dump(paths)
    manifest = {
        "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "closure": closure,
        "asserted_triples": len(asserted),
        "inferred_triples": len(inferred),
        "inferred_graph": INFERRED_GRAPH,
        "graphs": [{"iri": g.iri, "file": str(g.path.relative_to(project.root)), "kind": g.kind,
                    "triples": len(g.triples), "sha256": _sha256(g.path),
                    **({"municipalities": about[g.iri]} if g.iri in about else {})} for g in dataset.graphs],
        # For questions about one municipality (kg.scoping): its names and codes, and the graphs about it above.
        "municipality_names": names,
    }
    final = publish(project, paths, manifest)
    return BuildResult(path=str(final.root), asserted_triples=len(asserted), inferred_triples=len(inferred),
                       graphs=len(dataset.graphs) + 1, seconds=time.perf_counter() - started)


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
