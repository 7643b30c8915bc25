"""The validation report a city-hall clerk reads: issues by resource, in Japanese or English, as text, JSON or a
SHACL report graph."""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import asdict, dataclass, field

import rdflib
from rdflib.namespace import SH

from ..namespaces import JPPS, compact
from ..rdf.files import printable


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


HEADINGS = {
    "ja": {"ok": "適合しています（違反 0 件）。", "bad": "{n} 件の問題があります（{r} 件の資源）。",
           "warnings": "適合しています（違反 0 件）。警告が {n} 件あります（{r} 件の資源）。確かめてください。",
           "path": "プロパティ", "value": "値", "shape": "シェイプ", "file": "ファイル", "fix": "対処"},
    "en": {"ok": "Conforms (0 violations).", "bad": "{n} problem(s) in {r} resource(s).",
           "warnings": "Conforms (0 violations), with {n} warning(s) in {r} resource(s) to check.",
           "path": "property", "value": "value", "shape": "shape", "file": "file", "fix": "what to do"},
}


def render_text(report: ValidationReport, *, lang: str = "ja") -> str:
    h = HEADINGS["ja" if lang == "ja" else "en"]
    if not report.issues:
        return h["ok"]
    grouped = report.by_resource()
    # Warnings (sh:Warning, e.g. a target year before its baseline's) are shown, and the data still conforms.
    lines = [h["warnings" if report.conforms else "bad"].format(n=len(report.issues), r=len(grouped))]
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
    return compact(iri) if iri.startswith(("http://", "https://")) else iri


def render_json(report: ValidationReport) -> str:
    return json.dumps({"conforms": report.conforms, "resources": {
        focus: [asdict(i) for i in issues] for focus, issues in report.by_resource().items()}},
        ensure_ascii=False, indent=2)


def render_turtle(report: ValidationReport) -> str:
    graph = report.report_graph if report.report_graph is not None else rdflib.Graph()
    graph.bind("sh", SH)
    return graph.serialize(format="turtle")


def add_to_report_graph(graph: rdflib.Graph | None, issues: list[ValidationIssue], *, lang: str) -> None:
    """The issues kg's own checks found (literals, the national list, defined terms), added to an engine's SHACL
    report graph, which then no longer conforms: `--format turtle` says what the text says. Their checks are not
    shapes of the shapes file; they are named in the shapes namespace after the check (jpps:defined-term)."""
    if graph is None or not issues:
        return
    report = graph.value(predicate=rdflib.RDF.type, object=SH.ValidationReport, any=True)
    if report is None:
        report = rdflib.BNode()
        graph.add((report, rdflib.RDF.type, SH.ValidationReport))
    graph.set((report, SH.conforms, rdflib.Literal(False)))
    for issue in issues:
        node = rdflib.BNode()
        graph.add((report, SH.result, node))
        graph.add((node, rdflib.RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, rdflib.URIRef(issue.focus_node)))
        graph.add((node, SH.sourceShape, rdflib.URIRef(JPPS + issue.source_shape.removeprefix("kg:"))))
        graph.add((node, SH.sourceConstraintComponent, rdflib.URIRef(JPPS + issue.constraint)))
        graph.add((node, SH.resultSeverity, SH[issue.severity]))
        graph.add((node, SH.resultMessage, rdflib.Literal(issue.message, lang="ja" if lang == "ja" else "en")))
        if issue.result_path:
            graph.add((node, SH.resultPath, rdflib.URIRef(issue.result_path)))
        if issue.value is not None:
            graph.add((node, SH.value, _term(issue.value)))


def _term(text: str):
    """An issue's value (N-Triples for a literal) as an rdflib term. An ill-typed literal ("abc"^^xsd:integer, what
    the literal checks report) makes rdflib log a traceback: it is expected here, and kept off the terminal."""
    if not text.startswith('"'):
        return rdflib.URIRef(text)
    from rdflib.util import from_n3

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return from_n3(text)
    finally:
        logger.setLevel(level)


def pick_language(messages: list[rdflib.Literal], lang: str) -> str:
    for wanted in (lang, "en", "ja", None):
        for m in messages:
            if getattr(m, "language", None) == wanted:
                return str(m)
    return str(messages[0]) if messages else ""
