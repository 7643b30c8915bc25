"""The shapes' verdict on ingested data, reported at the cells the statements came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ..project import Project
from ..rdf.files import parse_rdf_file
from ..rdf.terms import to_oxigraph
from ..validation.validate import reference_triples, validate_triples
from .ids import curie, id_text
from .messages import Problem
from .result import IngestResult


@dataclass
class ProjectIndex:
    """Which IRIs the project already defines, and in which data file, so references can be checked and the
    files they live in validated alongside."""
    known: set[str]
    data_files: dict[Path, set[str]]
    reference_paths: list[Path]

    @classmethod
    def load(cls, project: Project, *, exclude: tuple[Path, ...] = ()) -> ProjectIndex:
        excluded = {Path(p).resolve() for p in exclude}
        known: set[str] = set()
        data_files: dict[Path, set[str]] = {}
        references = [p.resolve() for p in project.reference_files()]
        for path in project.ontology_files() + project.data_files():
            if path.resolve() in excluded:
                continue
            subjects = {t.subject.value for t in parse_rdf_file(path).triples}
            known |= subjects
            if path.resolve().is_relative_to(project.data_dir.resolve()) and path.resolve() not in references:
                data_files[path] = subjects
        return cls(known=known, data_files=data_files, reference_paths=references)


def shape_problems(result: IngestResult, *, project: Project, index: ProjectIndex, lang: str) -> list[Problem]:
    data = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
            for graph in (result.facts, result.classification) for s, p, o in graph]
    defined = {str(s) for graph in (result.facts, result.classification) for s in graph.subjects()}
    referenced = {str(o) for graph in (result.facts, result.classification) for o in graph.objects() if isinstance(o, URIRef)}
    needed = referenced - defined
    # Plan data may cite what other data files define (another plan's measures): validate with those files too.
    extra = []
    for path, subjects in index.data_files.items():
        if subjects & needed and not subjects & defined:
            extra += parse_rdf_file(path).triples
    report = validate_triples(data + reference_triples(project) + extra, project=project, lang=lang)
    problems: dict[Problem, None] = {}
    plan = result.plan
    for issue in report.issues:
        location = None
        if issue.result_path:
            location = result.cells.get((issue.focus_node, issue.result_path))
        if location is None:
            location = result.rows.get(issue.focus_node)
        focus = id_text(URIRef(issue.focus_node), plan=plan) if not issue.focus_node.startswith("_:") else issue.focus_node
        detail = [f"ID {focus}"]
        if issue.result_path:
            detail.append(curie(issue.result_path.lstrip("^")) if not issue.result_path.startswith("^")
                          else "^" + curie(issue.result_path[1:]))
        if issue.value:
            detail.append(issue.value)
        text = f"{issue.message}（{'、'.join(detail)}）" if lang == "ja" else f"{issue.message} ({'; '.join(detail)})"
        if location is None:
            problems.setdefault(Problem("shape", text=text), None)
        else:
            problems.setdefault(Problem("shape", sheet=location.sheet, row=location.row, column=location.column,
                                        header=location.header, text=text), None)
    return sorted(problems, key=lambda p: (p.sheet or "", p.row or 0, p.column or "", p.text or ""))
