"""The project's RDF as named graphs: one graph per ontology, vocabulary and data file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from .files import parse_rdf_file


@dataclass
class NamedGraph:
    iri: str
    path: Path
    triples: list[ox.Triple]
    kind: str  # "ontology", "data" or "classification"


@dataclass
class ProjectDataset:
    graphs: list[NamedGraph] = field(default_factory=list)

    def all_triples(self) -> list[ox.Triple]:
        return [t for g in self.graphs for t in g.triples]

    def quads(self) -> list[ox.Quad]:
        return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g.iri)) for g in self.graphs for t in g.triples]

    def triple_count(self) -> int:
        return sum(len(g.triples) for g in self.graphs)


def load_project_dataset(project: Project, *, progress=None, files: list[tuple[Path, str]] | None = None) -> ProjectDataset:
    """Parse every ontology, vocabulary and data file; the first syntax error stops everything."""
    dataset = ProjectDataset()
    for path, kind in files if files is not None else project_files(project):
        if progress:
            progress(f"parse {path.relative_to(project.root)}")
        parsed = parse_rdf_file(path)
        dataset.graphs.append(NamedGraph(iri=project.graph_iri(path), path=path, triples=parsed.triples, kind=kind))
    return dataset


def project_files(project: Project) -> list[tuple[Path, str]]:
    """Every file a build reads, in build order, with its kind."""
    return [(p, "ontology") for p in project.ontology_files()] + [
        (p, "classification" if "classification" in p.relative_to(project.data_dir).parts else "data")
        for p in project.data_files()
    ]
