"""Where the project's files are: ontology, shapes, vocabularies, data, queries and the build folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .namespaces import GRAPH as GRAPH_BASE

INFERRED_GRAPH = GRAPH_BASE + "inferred"  # what no single file entails (kg.build.reasoning.Closure.residual)


def inferred_graph_iri(graph_iri: str) -> str:
    """The graph holding what one file's graph entails (kg.build.reasoning)."""
    return INFERRED_GRAPH + "/" + graph_iri.removeprefix(GRAPH_BASE)


def is_inferred_graph(graph_iri: str) -> bool:
    return graph_iri == INFERRED_GRAPH or graph_iri.startswith(INFERRED_GRAPH + "/")


@dataclass(frozen=True)
class Project:
    root: Path
    build_dir: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.ontology_dir / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data" / "ttl"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        """The ontology and its SKOS vocabularies (shapes are kept apart: they validate, they are not data)."""
        files = sorted(self.ontology_dir.glob("*.ttl")) + sorted((self.ontology_dir / "vocab").glob("*.ttl"))
        return files

    def shape_files(self) -> list[Path]:
        return sorted(self.shapes_dir.glob("*.ttl"))

    def data_files(self) -> list[Path]:
        return sorted(self.data_dir.rglob("*.ttl"))

    def reference_files(self) -> list[Path]:
        """What new plan data may link to without restating it: municipalities, sources, named external plans."""
        names = ("municipalities.ttl", "sources.ttl", "external-plans.ttl")
        return [self.data_dir / n for n in names if (self.data_dir / n).exists()]

    def relative(self, path: Path) -> str:
        """The file's name as the manifest records it: relative to the project root."""
        return str(path.relative_to(self.root))

    def graph_iri(self, path: Path) -> str:
        """One named graph per file, named after its place in the project (stable, independent of the checkout)."""
        # As listed (cheap), else resolved: resolving costs a system call per path component, and a national
        # build names 7,000 graphs.
        for resolve in (False, True):
            if not resolve and (not path.is_absolute() or ".." in path.parts):
                continue
            candidate = path.resolve() if resolve else path
            for top, prefix in ((self.data_dir, ""), (self.ontology_dir, "ontology/")):
                try:
                    rel = candidate.relative_to(top.resolve() if resolve else top)
                except ValueError:
                    continue
                return GRAPH_BASE + prefix + rel.with_suffix("").as_posix()
        return GRAPH_BASE + "external/" + path.stem


def default_project(*, root: str | os.PathLike | None = None, build_dir: str | os.PathLike | None = None) -> Project:
    """The checkout this package lives in, unless KG_ROOT / KG_BUILD_DIR or the arguments say otherwise."""
    root_path = Path(root or os.environ.get("KG_ROOT") or Path(__file__).resolve().parent.parent)
    build_path = Path(build_dir or os.environ.get("KG_BUILD_DIR") or root_path / "build")
    return Project(root=root_path.resolve(), build_dir=build_path.resolve())
