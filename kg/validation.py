"""Validating plan data against the SHACL shapes, with a report a city-hall clerk can act on."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH

from .project import Project
from .rdf_files import parse_rdf_file, printable
from .terms import rdflib_graph

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationIssue:
    focus_node: str
    focus_label: str | None
    result_path: str | None
    result_path_label: str | None
    value: str | None
    source_shape: str
    constraint: str
    severity: str
    message: str
    files: tuple[str, ...]


@dataclass
class ValidationReport:
    conforms: bool
    issues: list[ValidationIssue] = field(default_factory=list)
    report_graph: rdflib.Graph | None = None

    def by_resource(self) -> dict[str, list[ValidationIssue]]:
        grouped: dict[str, list[ValidationIssue]] = {}
        for issue in sorted(self.issues, key=lambda i: (i.focus_node, i.result_path or "", i.message)):
            grouped.setdefault(issue.focus_node, []).append(issue)
        return grouped


@lru_cache(maxsize=256)
def _prepared(text: str):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


class PreparedQueryGraph(rdflib.Graph):
    """A graph that parses each distinct SPARQL text once.

    pySHACL runs a SHACL-SPARQL constraint once per focus node with the same text ($this is passed as a
    binding), and rdflib parses the text every time (about 0.1 s): caching the parsed query made validating
    the real data 6x faster.
    """

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,  # noqa: N803
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and not initNs:
            query_object = _prepared(query_object)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def load_shapes(project: Project) -> rdflib.Graph:
    triples: list[ox.Triple] = []
    for path in project.shape_files():
        triples += parse_rdf_file(path).triples
    return rdflib_graph(triples)


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


def validate_triples(data: Sequence[ox.Triple], *, project: Project, lang: str = "ja", inference: str = "none",
                     origin: dict[str, tuple[str, ...]] | None = None, shapes: rdflib.Graph | None = None,
                     engine: str = "auto") -> ValidationReport:
    """Validate triples that already include whatever ontology and reference data they need.

    engine "auto" runs the set-based engine (kg.shacl) when it implements every feature the shapes use and no
    inference is asked for, pySHACL otherwise; "pyshacl" always runs pySHACL, the reference implementation.
    """
    from .literal_checks import check_literals

    # Ill-typed literals ("abc"^^xsd:integer) and control characters are reported here; the ill-typed ones are
    # kept from the engines, which crash comparing them or ignore them where no shape looks.
    literal_issues, data = check_literals(data, lang=lang, origin=origin or {})
    model = shape_model(project) if engine == "auto" and inference == "none" else None
    if model is not None:
        conforms, issues, report_graph = _validate_set_based(data, model, lang=lang, origin=origin or {})
    else:
        conforms, issues, report_graph = _validate_pyshacl(data, project, shapes, inference=inference, lang=lang,
                                                           origin=origin or {})
    return ValidationReport(conforms=conforms and not literal_issues, issues=literal_issues + issues,
                            report_graph=report_graph)


def shape_model(project: Project):
    """The shapes read for the set-based engine, or None when they use a feature it does not implement."""
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in project.shape_files())
    return _shape_model(key)


@lru_cache(maxsize=4)
def _shape_model(key):
    from .shacl import UnsupportedShapes, read_shapes

    triples = [t for path, _mtime, _size in key for t in parse_rdf_file(Path(path)).triples]
    try:
        return read_shapes(triples)
    except UnsupportedShapes:
        return None


def _validate_set_based(data, model, *, lang, origin):
    from .shacl import report_graph, validate_store

    store = ox.Store()
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in data])
    results = validate_store(store, model)
    conforms = not any(r.severity == "Violation" for r in results)
    issues = [ValidationIssue(
        focus_node=r.focus.value if not isinstance(r.focus, ox.Literal) else str(r.focus),
        focus_label=_store_label(store, r.focus, lang),
        result_path=r.path.text() if r.path is not None else None,
        result_path_label=_store_label(store, r.path.term, lang) if r.path is not None and r.path.term else None,
        value=None if r.value is None else (str(r.value) if isinstance(r.value, ox.Literal) else r.value.value),
        source_shape=r.shape.node.value,
        constraint=r.component,
        severity=r.severity,
        message=_pick_language([rdflib.Literal(m.value, lang=m.language or None) for m in r.messages], lang),
        files=origin.get(r.focus.value if not isinstance(r.focus, ox.Literal) else str(r.focus), ()),
    ) for r in results]
    return conforms, issues, report_graph(results, model, conforms=conforms)


def _store_label(store: ox.Store, node, lang: str) -> str | None:
    if isinstance(node, ox.Literal):
        return None
    labels = [rdflib.Literal(q.object.value, lang=q.object.language or None)
              for q in store.quads_for_pattern(node, ox.NamedNode(str(RDFS.label)), None, ox.DefaultGraph())
              if isinstance(q.object, ox.Literal)]
    return _pick_language(labels, lang) if labels else None


def _validate_pyshacl(data, project, shapes, *, inference, lang, origin):
    import pyshacl  # imported here: it is slow to import and only this engine needs it

    data_graph = rdflib_graph(data, PreparedQueryGraph())
    shapes_graph = shapes if shapes is not None else load_shapes(project)
    # inplace: the data graph is ours and thrown away afterwards, so pySHACL need not copy it.
    conforms, report_graph, _ = pyshacl.validate(
        data_graph, shacl_graph=shapes_graph, inference=inference, advanced=True, inplace=True,
        allow_warnings=False, do_owl_imports=False, abort_on_first=False, iterate_rules=False)
    return bool(conforms), _issues(report_graph, data_graph, shapes_graph, lang=lang, origin=origin), report_graph


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
                            origin={k: tuple(sorted(v)) for k, v in origin.items()})


def _issues(report: rdflib.Graph, data: rdflib.Graph, shapes: rdflib.Graph, *, lang: str,
            origin: dict[str, tuple[str, ...]]) -> list[ValidationIssue]:
    issues = []
    # Results under sh:detail explain a failed sh:node from inside the nested shape (pySHACL adds them); the
    # result they belong to already says what to fix, in the clerk's language, so they are not listed again.
    details = set(report.objects(None, SH.detail))
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        if result in details:
            continue
        focus = report.value(result, SH.focusNode)
        messages = list(report.objects(result, SH.resultMessage))
        if not any(getattr(m, "language", None) for m in messages):
            # pySHACL drops the language tags of SHACL-SPARQL messages: take them from the shapes instead.
            for node in (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape)):
                tagged = [m for m in shapes.objects(node, SH.message) if getattr(m, "language", None)] if node is not None else []
                if tagged:
                    messages = tagged
                    break
        issues.append(ValidationIssue(
            focus_node=str(focus),
            focus_label=_label(data, focus, lang),
            result_path=_path_text(report, report.value(result, SH.resultPath)),
            result_path_label=_label(data, report.value(result, SH.resultPath), lang),
            value=_term_text(report.value(result, SH.value)),
            source_shape=str(report.value(result, SH.sourceShape)),
            constraint=str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1],
            severity=SEVERITY_NAMES.get(report.value(result, SH.resultSeverity), "Violation"),
            message=_pick_language(messages, lang),
            files=origin.get(str(focus), ()),
        ))
    return issues


def _pick_language(messages: list[rdflib.Literal], lang: str) -> str:
    for wanted in (lang, "en", "ja", None):
        for m in messages:
            if getattr(m, "language", None) == wanted:
                return str(m)
    return str(messages[0]) if messages else ""


def _label(graph: rdflib.Graph, node, lang: str) -> str | None:
    if node is None:
        return None
    labels = list(graph.objects(node, RDFS.label))
    return _pick_language(labels, lang) if labels else None


def _path_text(report: rdflib.Graph, path) -> str | None:
    if path is None:
        return None
    if isinstance(path, rdflib.BNode):
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
        return "(complex path)"
    return str(path)


def _term_text(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, rdflib.Literal):
        return term.n3()
    return str(term)


# --- rendering -------------------------------------------------------------------------------------

HEADINGS = {
    "ja": {"ok": "適合しています（違反 0 件）。", "bad": "{n} 件の問題があります（{r} 件の資源）。",
           "path": "プロパティ", "value": "値", "shape": "シェイプ", "file": "ファイル", "fix": "対処"},
    "en": {"ok": "Conforms (0 violations).", "bad": "{n} problem(s) in {r} resource(s).",
           "path": "property", "value": "value", "shape": "shape", "file": "file", "fix": "what to do"},
}


def render_text(report: ValidationReport, *, lang: str = "ja") -> str:
    h = HEADINGS["ja" if lang == "ja" else "en"]
    if report.conforms:
        return h["ok"]
    grouped = report.by_resource()
    lines = [h["bad"].format(n=len(report.issues), r=len(grouped))]
    for focus, issues in grouped.items():
        # Labels and values come from the data: control characters are shown as escapes, never sent to a terminal.
        label = printable(issues[0].focus_label or "")
        lines.append("")
        lines.append(f"● {focus}" + (f"  「{label}」" if label else ""))
        if issues[0].files:
            lines.append(f"    {h['file']}: {', '.join(issues[0].files)}")
        for issue in issues:
            lines.append(f"  - [{issue.severity}] {issue.message}")
            if issue.result_path:
                named = f"（{issue.result_path_label}）" if lang == "ja" else f" ({issue.result_path_label})"
                lines.append(f"      {h['path']}: {_short(issue.result_path)}" + (named if issue.result_path_label else ""))
            if issue.value:
                lines.append(f"      {h['value']}: {printable(issue.value)}")
            lines.append(f"      {h['shape']}: {_short(issue.source_shape)}")
    return "\n".join(lines)


def _short(iri: str) -> str:
    from .results import short

    return short(ox.NamedNode(iri)) if iri.startswith(("http://", "https://")) else iri


def render_json(report: ValidationReport) -> str:
    return json.dumps({"conforms": report.conforms, "resources": {
        focus: [asdict(i) for i in issues] for focus, issues in report.by_resource().items()}},
        ensure_ascii=False, indent=2)


def render_turtle(report: ValidationReport) -> str:
    graph = report.report_graph if report.report_graph is not None else rdflib.Graph()
    graph.bind("sh", SH)
    return graph.serialize(format="turtle")
