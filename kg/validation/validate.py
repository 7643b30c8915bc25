"""Validating plan data against the SHACL shapes: the ontology and reference data it needs, the literal checks,
and the choice of engine (kg's set-based engine where it covers the shapes, pySHACL otherwise)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..project import Project
from ..rdf.files import parse_rdf_file
from .literals import check_literals
from .pyshacl_engine import validate_by_pyshacl
from .report import ValidationReport
from .set_engine import shape_model, validate_by_set_engine
from .shacl import UnsupportedShapes


def reference_triples(project: Project, *, exclude: Iterable[Path] = (),
                      reachable_from: Sequence[ox.Triple] | None = None) -> list[ox.Triple]:
    """The ontology, vocabularies and reference data that submitted plan data may link to; with
    `reachable_from`, only the reference resources those triples' links reach (a submission names one
    municipality and its sources, not all 1,741 of a national build)."""
    excluded = {Path(p).resolve() for p in exclude}
    ontology: list[ox.Triple] = []
    reference: list[ox.Triple] = []
    for path in project.ontology_files():
        ontology += parse_rdf_file(path).triples
    for path in project.reference_files():
        if path.resolve() not in excluded:
            reference += parse_rdf_file(path).triples
    if reachable_from is not None:
        by_subject: dict = {}
        for t in reference:
            by_subject.setdefault(t.subject, []).append(t)
        reference = reachable_triples(reachable_from, by_subject)
    return ontology + reference


def reachable_triples(triples: Sequence[ox.Triple], by_subject: dict) -> list[ox.Triple]:
    """The triples of `by_subject` (subject -> its triples) reachable from the given triples by following links
    forward: the shapes look from a focus node along its properties (duplicates are harmless)."""
    seen, out = set(), []
    frontier = [t.object for t in triples if isinstance(t.object, (ox.NamedNode, ox.BlankNode))]
    frontier += [t.subject for t in triples]
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in by_subject.get(node, ()):
            out.append(t)
            if isinstance(t.object, (ox.NamedNode, ox.BlankNode)):
                frontier.append(t.object)
    return out


ENGINES = ("auto", "pyshacl")


@dataclass(frozen=True)
class DataContext:
    """What a caller validating batch after batch already has: the files each subject comes from (named in
    the issues) and the shapes graph, loaded once (for pySHACL)."""

    origin: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    shapes: rdflib.Graph | None = None


def validate_triples(data: Sequence[ox.Triple], *, project: Project, lang: str = "ja", inference: str = "none",
                     engine: str = "auto", context: DataContext | None = None) -> ValidationReport:
    """Validate triples that already include whatever ontology and reference data they need.

    engine "auto" runs the set-based engine (kg.validation.shacl) when it implements every feature the shapes use and no
    inference is asked for, pySHACL otherwise; "pyshacl" always runs pySHACL, the reference implementation.
    """
    context = context or DataContext()
    origin = context.origin
    # Ill-typed literals ("abc"^^xsd:integer) and control characters are reported here; the ill-typed ones are
    # kept from the engines, which crash comparing them or ignore them where no shape looks.
    literal_issues, data = check_literals(data, lang=lang, origin=origin)
    model = shape_model(project) if engine == "auto" and inference == "none" else None
    result = None
    if model is not None:
        try:
            result = validate_by_set_engine(data, model, lang=lang, origin=origin)
        except UnsupportedShapes:
            pass  # a SPARQL constraint broke the engine's rule in a way only its results show: pySHACL decides
    if result is None:
        result = validate_by_pyshacl(data, project, context.shapes, inference=inference, lang=lang, origin=origin)
    conforms, issues, report_graph = result
    return ValidationReport(conforms=conforms and not literal_issues, issues=literal_issues + issues,
                            report_graph=report_graph)


def validate_files(paths: Sequence[Path], *, project: Project, lang: str = "ja", inference: str = "none",
                   engine: str = "auto") -> ValidationReport:
    """Validate new plan data files together with the ontology and the reference data they link to."""
    origin: dict[str, set[str]] = {}
    data: list[ox.Triple] = []
    for path in paths:
        parsed = parse_rdf_file(Path(path))
        for t in parsed.triples:
            origin.setdefault(t.subject.value, set()).add(str(path))
        data += parsed.triples
    data += reference_triples(project, exclude=paths, reachable_from=data)
    return validate_triples(data, project=project, lang=lang, inference=inference, engine=engine,
                            context=DataContext(origin={k: tuple(sorted(v)) for k, v in origin.items()}))


