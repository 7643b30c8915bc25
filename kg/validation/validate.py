"""Validating plan data against the SHACL shapes: the ontology and reference data it needs, the literal checks,
and the choice of engine (kg's set-based engine where it covers the shapes, pySHACL otherwise)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..errors import KgError
from ..project import Project, classification_file_for
from ..rdf.files import parse_rdf_file
from .country import check_country, project_registry
from .literals import check_literals
from .pyshacl_engine import validate_by_pyshacl
from .report import ValidationReport, add_to_report_graph
from .root_cause import one_per_root_cause
from .set_engine import shape_model, validate_by_set_engine
from .shacl import UnsupportedShapes
from .syntax import require_readable
from .terms import check_terms
from .vocabulary import scheme_checked_properties, shape_count, vocabulary


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
    require_something_to_check(project, has_data=bool(data), lang=lang)
    # Ill-typed literals ("abc"^^xsd:integer) and control characters are reported here; the ill-typed ones are
    # kept from the engines, which crash comparing them or ignore them where no shape looks.
    literal_issues, data = check_literals(data, lang=lang, origin=origin)
    # What no shape can know: the national list of local governments, and which terms our vocabularies define.
    own_issues = literal_issues + check_country(data, project_registry(project, lang=lang), lang=lang, origin=origin)
    own_issues += check_terms(data, vocabulary(project), scheme_checked=scheme_checked_properties(project),
                              lang=lang, origin=origin)
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
    issues = one_per_root_cause(own_issues + issues)
    add_to_report_graph(report_graph, own_issues, lang=lang)
    return ValidationReport(conforms=conforms and not own_issues, issues=issues, report_graph=report_graph)


NOTHING_TO_CHECK = {
    "no-shapes": {"ja": "検証シェイプが見つかりません（{where}）。シェイプなしでは何も検査できないため、検証を中止しました。",
                  "en": "no SHACL shapes found (in {where}): with no shapes nothing would be checked, so validation stopped"},
    "no-data": {"ja": "検証するデータがありません（トリプル 0 件）。ファイルが空でないか確認してください。",
                "en": "there is no data to validate (0 triples): check that the files are not empty"},
    "hint": {"ja": "プロジェクトのフォルダで実行するか、--root でプロジェクトを指定してください。",
             "en": "run kg in the project's folder or name it with --root"},
}


def require_something_to_check(project: Project, *, has_data: bool, lang: str) -> None:
    """Fail closed: validation with no shapes, or of no triples, would report "conforms" having checked
    nothing (an installed kg that took its own folder for the project passed every file that way)."""
    language = "ja" if lang == "ja" else "en"
    if shape_count(project) == 0:
        raise KgError(NOTHING_TO_CHECK["no-shapes"][language].format(where=project.shapes_dir),
                      hint=NOTHING_TO_CHECK["hint"][language])
    if not has_data:
        raise KgError(NOTHING_TO_CHECK["no-data"][language])


def validate_files(paths: Sequence[Path], *, project: Project, lang: str = "ja", inference: str = "none",
                   engine: str = "auto") -> ValidationReport:
    """Validate new plan data files together with the ontology and the reference data they link to.

    A plan's source facts and this project's classification of them are kept in two files
    (data/ttl/<name>.ttl and classification/<name>.ttl) but are judged together: some decisions the shapes ask
    for (a viewpoint's shared concept, or that none fits) are classification. So a file given alone brings its
    classification file along where one exists beside it; without one, those decisions are reported missing."""
    paths = with_classification_files(paths)
    require_readable(paths, lang)
    origin: dict[str, set[str]] = {}
    data: list[ox.Triple] = []
    for path in paths:
        parsed = parse_rdf_file(Path(path))
        for t in parsed.triples:
            origin.setdefault(t.subject.value, set()).add(str(path))
        data += parsed.triples
    require_something_to_check(project, has_data=bool(data), lang=lang)  # before the ontology and reference data join them
    data += reference_triples(project, exclude=paths, reachable_from=data)
    return validate_triples(data, project=project, lang=lang, inference=inference, engine=engine,
                            context=DataContext(origin={k: tuple(sorted(v)) for k, v in origin.items()}))




def with_classification_files(paths: Sequence[Path]) -> list[Path]:
    """The given files, each followed by its classification file where one exists and was not given."""
    given = [Path(p) for p in paths]
    named = {p.resolve() for p in given if p.exists()}
    out: list[Path] = []
    for path in given:
        out.append(path)
        companion = classification_file_for(path)
        if companion.is_file() and companion.resolve() not in named:
            named.add(companion.resolve())
            out.append(companion)
    return out
