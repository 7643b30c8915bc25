"""`kg export`: a plan from the built graph back into the template.

What is exported is the plan's whole source file (its named graph: the plan, the plans it cites, every element,
indicator, value, viewpoint and reference stated there) and the file's editorial classification graph. Each
statement goes into the column that says it; a statement no column can say exactly goes to the その他の記述 sheet.
Before anything is written the workbook is read back in memory and must give the same two graphs (isomorphic):
an exported workbook ingests to the data it came from.
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ..build.faults import fault_kind, sigterm_as_interrupt
from ..build.store import current_build
from ..errors import KgError
from ..namespaces import GRAPH, ID, JPP, PROV, RDFS_LABEL
from ..project import Project, is_inferred_graph
from ..rdf.terms import natural_key, to_rdflib
from .change_records import unfold_change_records
from .columns import CLASSIFICATION, FACTS, Sheet
from .context import Context
from .ids import curie, id_text, resolve_id
from .indicator_values import (
    LATEST_AVAILABLE,
    IndicatorFacts,
    build_values,
    generated_label,
)
from .ingest import ingest_tables
from .layout import (
    DATA_SHEETS,
    ELEMENT_SHEETS,
    FIRST_DATA_ROW,
    OTHER_SHEET,
    PLAN_CLASSES,
    PLAN_SHEET,
    SHEETS,
    VALUE_ROLES,
)
from .messages import message
from .tables import Table
from .template import build_workbook, save_workbook
from .values import NONE_MARK, CellProblem, read_value, read_year
from .vocabulary import Vocabulary, load_vocabulary


class ExportError(KgError):
    """The plan cannot be exported (exit 2): unknown plan, no build, or a plan known only from citations."""


@dataclass
class PlanGraphs:
    facts: Graph
    classification: Graph
    graph_iri: str


@dataclass
class ExportSummary:
    rows: dict[str, int]
    other_statements: int
    triples: int


def export_plan(project: Project, plan: str, out: Path, *, lang: str | None = None) -> ExportSummary:
    """Write the plan to the workbook `out` (replaced whole or not at all). `lang`: of the messages ("ja", "en";
    None: both)."""
    graphs = load_plan_graphs(project, plan)
    vocabulary = load_vocabulary(project)
    plan_iri = str(resolve_plan_iri(plan))
    rows = workbook_rows(graphs.facts, graphs.classification, plan=plan_iri, vocabulary=vocabulary)
    _save(build_workbook(vocabulary, rows), Path(out), lang=lang)
    return ExportSummary(rows={k: len(v) for k, v in rows.items() if k != OTHER_SHEET.key},
                         other_statements=len(rows.get(OTHER_SHEET.key, [])),
                         triples=len(graphs.facts) + len(graphs.classification))


def _save(book, out: Path, *, lang: str | None) -> None:
    """Save the workbook (kg.intake.template writes a temporary copy and renames it); a write that fails (a full
    disk, no permission) is said in a sentence, exit 2, with no file left behind. SIGTERM stops it as Ctrl-C
    does, so that the temporary copy is removed then too."""
    said = None
    hook = sys.unraisablehook
    # openpyxl's writer generators, abandoned by a failed write, complain with a traceback as they are
    # collected: the failure is said once, below, and nothing may keep them (the error's frames) alive after.
    sys.unraisablehook = lambda _unraisable: None
    try:
        with sigterm_as_interrupt():
            save_workbook(book, out)
    except OSError as exc:
        code = {"space": "out.no_space", "permission": "out.no_permission"}.get(fault_kind(exc), "out.cannot_write")
        said = "\n".join(message(code, language, path=out, reason=exc.strerror or str(exc))
                         for language in ((lang,) if lang in ("ja", "en") else ("ja", "en")))
    finally:
        del book
        gc.collect()
        sys.unraisablehook = hook
    if said is not None:
        raise ExportError(said)


def resolve_plan_iri(text: str) -> URIRef:
    try:
        node = resolve_id(text, plan=None)
    except CellProblem:
        raise ExportError(f"{text!r} is not a plan IRI",
                          hint=f"give it as {ID}plan/…, id:plan/… or plan/…") from None
    return node


def load_plan_graphs(project: Project, plan: str) -> PlanGraphs:
    """The named graph of the data file that states the plan, and that file's classification graph.

    Read from the build's N-Quads dump rather than its store: the store keeps numbers in canonical form
    ("615"^^xsd:decimal) while the dump keeps every literal as the data file writes it ("615.0").
    """
    iri = str(resolve_plan_iri(plan))
    with current_build(project).dataset.open("rb") as handle:
        quads = [q for q in ox.parse(handle, format=ox.RdfFormat.N_QUADS)
                 if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(GRAPH)]
    reference_graphs = {project.graph_iri(p) for p in project.reference_files()}
    typed_in = sorted({q.graph_name.value for q in quads
                       if q.subject.value == iri and q.predicate.value == str(RDF.type)
                       and not q.graph_name.value.startswith((GRAPH + "classification/", GRAPH + "ontology/"))
                       and not is_inferred_graph(q.graph_name.value)})
    seeds = [g for g in typed_in if g not in reference_graphs]
    if not seeds:
        if typed_in:
            raise ExportError(f"{iri} is only cited (it is stated in {typed_in[0].removeprefix(GRAPH)}), not a plan of its own file",
                              hint="export the plan that cites it; `kg stats` lists the plans")
        raise ExportError(f"no plan {iri} in the built graph",
                          hint="check the IRI (e.g. id:plan/132055/strategy-2), or run `kg build` after adding the plan")
    graph_iri = seeds[0]
    classification_iri = GRAPH + "classification/" + graph_iri.removeprefix(GRAPH)
    facts, classification = Graph(), Graph()
    for quad in quads:
        target = facts if quad.graph_name.value == graph_iri else classification if quad.graph_name.value == classification_iri else None
        if target is not None:
            target.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return PlanGraphs(facts=facts, classification=classification, graph_iri=graph_iri)


# --- graphs → rows ------------------------------------------------------------------------------------------

def workbook_rows(facts: Graph, classification: Graph, *, plan: str, vocabulary: Vocabulary) -> dict[str, list[dict]]:
    exporter = _Exporter(facts, classification, plan, vocabulary)
    rows = exporter.run()
    _check_round_trip(rows, facts, classification, vocabulary)
    return rows


class _Exporter:
    def __init__(self, facts: Graph, classification: Graph, plan: str, vocabulary: Vocabulary):
        self.original = {FACTS: facts, CLASSIFICATION: classification}
        self.remaining = {FACTS: _copy(facts), CLASSIFICATION: _copy(classification)}
        # A change record the revision cells can say goes back into the row's cells (kg.intake.change_records).
        unfold_change_records(self.remaining[FACTS])
        self.plan = URIRef(plan)
        self.vocabulary = vocabulary
        self.ctx = Context(vocabulary=vocabulary, plan=plan)
        self.assigned: dict = {}  # subject → (sheet, class local name)

    def run(self) -> dict[str, list[dict]]:
        self._assign()
        if self.assigned.get(self.plan, (None,))[0] is not PLAN_SHEET:
            raise ExportError(f"{self.plan} is not typed as a plan in its file", hint="check its rdf:type")
        self.ctx.plan_sources = [o for o in self.original[FACTS].objects(self.plan, URIRef(PROV + "wasDerivedFrom"))
                                 if isinstance(o, URIRef | BNode)]
        subjects = sorted(self.assigned, key=lambda s: (s != self.plan, natural_key(s)))
        self.ctx.row_iris = {str(s) for s in subjects}
        self.ctx.plan_row_iris = {str(s) for s in subjects if self.assigned[s][1] in PLAN_CLASSES}
        self.ctx.element_row_iris = {str(s) for s in subjects if self.assigned[s][0].key in ELEMENT_SHEETS}
        rows: dict[str, list[dict]] = {sheet.key: [] for sheet in DATA_SHEETS}
        for subject in subjects:
            sheet, kind = self.assigned[subject]
            rows[sheet.key].append(self._row(subject, sheet, kind))
        rows[OTHER_SHEET.key] = self._other_rows(subjects)
        return rows

    def _assign(self) -> None:
        for sheet in DATA_SHEETS:
            graph = self.original[sheet.graph]
            for kind in sheet.classes:
                for subject in graph.subjects(RDF.type, URIRef(JPP + kind)):
                    if subject not in self.assigned and isinstance(subject, URIRef | BNode):
                        self.assigned[subject] = (sheet, kind)

    def _take(self, graph: str, triples: list[tuple]) -> None:
        for triple in triples:
            self.remaining[graph].remove(triple)

    def _row(self, subject, sheet: Sheet, kind: str) -> dict:
        cells: dict = {"id": id_text(subject, plan=str(self.plan))}
        type_triple = (subject, RDF.type, URIRef(JPP + kind))
        self._take(sheet.graph, [type_triple])
        if sheet.has("kind"):
            cells["kind"] = self.vocabulary.class_label(kind)
        is_plan_row = sheet is PLAN_SHEET
        for column in sheet.columns:
            if not column.stands_alone:
                continue
            graph = self.remaining[column.graph]
            predicate = URIRef(column.predicate)
            if column.inverse:
                candidates = list(graph.subjects(predicate, subject))
            else:
                candidates = list(graph.objects(subject, predicate))
            candidates = [o for o in candidates if column.fits(o, self.ctx)]
            cell, used = column.export_cell(candidates, self.ctx, row_iri=str(subject), is_plan_row=is_plan_row)
            if cell is not None:
                cells[column.key] = cell
            if column.inverse:
                self._take(column.graph, [(o, predicate, subject) for o in used])
            else:
                self._take(column.graph, [(subject, predicate, o) for o in used])
        if sheet.key == "kpis":
            for role in VALUE_ROLES:
                self._values(subject, role, sheet, cells)
        return cells

    def _decoded(self, sheet: Sheet, cells: dict, key: str, subject) -> list:
        try:
            return sheet.column(key).objects(cells.get(key), self.ctx, row_iri=str(subject))
        except CellProblem:
            return []

    def _values(self, kpi, role: str, sheet: Sheet, cells: dict) -> None:
        """Fill the five value cells of a role when they say the values exactly; else leave them to その他の記述."""
        facts = self.remaining[FACTS]
        link = URIRef(JPP + VALUE_ROLES[role][1])
        values = list(facts.objects(kpi, link))
        if not values or not all(isinstance(v, URIRef) for v in values):
            return
        indicator = IndicatorFacts.from_columns(
            str(kpi), {key: self._decoded(sheet, cells, key, kpi) for key in ("label", "unit", "source", "seed_line")})
        actual = {(kpi, link, v) for v in values}
        for v in values:
            actual |= set(facts.triples((v, None, None)))
        candidate = self._value_cells(values, role, indicator)
        if candidate is None:
            return
        try:
            built = build_values(indicator, role, candidate, self.ctx)
        except CellProblem:
            return
        produced = {t for value in built for t in value.triples}
        if produced != actual:
            return
        self._take(FACTS, list(actual))
        cells.update({k: v for k, v in candidate.items() if v not in (None, "")})

    def _value_cells(self, values: list, role: str, indicator: IndicatorFacts) -> dict | None:
        facts = self.remaining[FACTS]

        def jpp(name: str) -> URIRef:
            return URIRef(JPP + name)

        breakdown_order = {t.iri: i for i, t in enumerate(self.vocabulary.scheme("breakdown").terms)}
        breakdown_labels = {t.iri: t.label_ja for t in self.vocabulary.scheme("breakdown").terms}

        def one(v, name):
            objects = list(facts.objects(v, jpp(name)))
            return objects[0] if len(objects) == 1 else None

        ordered = sorted(values, key=lambda v: (breakdown_order.get(str(one(v, "breakdown")), -1), str(v)))
        year_labels = {str(one(v, "yearLabel")) for v in ordered}
        value_labels = [one(v, "valueLabel") for v in ordered]
        if len(year_labels) != 1 or None in value_labels or any(one(v, "yearLabel") is None for v in ordered):
            return None
        year_text = year_labels.pop()
        value_text = " ".join(str(label) for label in value_labels)
        if "\n" in value_text or "\n" in year_text:
            return None
        try:
            parts = read_value(value_text, words=self.vocabulary.value_words(), default_unit=indicator.unit)
            year = read_year(year_text)
        except CellProblem:
            return None
        if len(parts) != len(ordered):
            return None
        extras = set()
        for v, part in zip(ordered, parts, strict=True):
            derived = set(part.qualifiers) | ({LATEST_AVAILABLE} if year.latest_available else set())
            extra = frozenset(str(q) for q in facts.objects(v, jpp("qualifier"))) - derived
            extras.add(extra)
        if len(extras) != 1:
            return None
        qualifier_cell = "\n".join(self.vocabulary.scheme("qualifier").by_iri(q).label_ja for q in sorted(extras.pop())
                                   if self.vocabulary.scheme("qualifier").by_iri(q))
        label_lines = []
        for v in ordered:
            labels = list(facts.objects(v, URIRef(RDFS_LABEL)))
            if len(labels) > 1:
                return None
            label_lines.append(str(labels[0]) if labels else NONE_MARK)
        generated = [generated_label(indicator.label, role, breakdown_labels.get(part.breakdown), year.label) for part in parts]
        label_cell = "" if label_lines == generated else _lines(label_lines)
        line_values = [one(v, "seedLine") for v in ordered]
        if line_values == [indicator.seed_line] * len(ordered) and indicator.seed_line is not None:
            line_cell = ""
        else:
            line_cell = _lines([str(x) if x is not None else NONE_MARK for x in line_values])
        return {f"{role}_year": year_text, f"{role}_value": value_text, f"{role}_qualifier": qualifier_cell,
                f"{role}_label": label_cell, f"{role}_line": line_cell}

    def _other_rows(self, subjects: list) -> list[dict]:
        order = {s: i for i, s in enumerate(subjects)}
        rows = []
        for graph_key in (FACTS, CLASSIFICATION):
            triples = sorted(self.remaining[graph_key], key=lambda t: (order.get(t[0], len(order)), natural_key(t[0]),
                                                                        str(t[1]), str(t[2])))
            for s, p, o in triples:
                row = {"subject": id_text(s, plan=str(self.plan)), "property": _property_text(p),
                       "graph": "分類" if graph_key == CLASSIFICATION else None}
                if isinstance(o, URIRef | BNode):
                    row["object"], row["object_type"] = id_text(o, plan=str(self.plan)), "ID"
                elif o.language:
                    row["object"], row["object_type"] = str(o), f"@{o.language}"
                elif o.datatype is not None:
                    row["object"], row["object_type"] = str(o), curie(str(o.datatype))
                else:
                    row["object"] = str(o)
                rows.append(row)
        return rows


def _lines(values: list[str]) -> str:
    return values[0] if len(set(values)) == 1 else "\n".join(values)


def _property_text(predicate) -> str:
    text = curie(str(predicate))
    return "a" if str(predicate) == str(RDF.type) else text


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


# --- the round trip, checked before anything is written ----------------------------------------------------

def rows_as_tables(rows: dict[str, list[dict]]) -> list[Table]:
    tables = []
    for sheet in SHEETS:
        table = Table(name=sheet.name, headers_ja=[c.ja for c in sheet.columns], headers_en=[c.en for c in sheet.columns])
        for offset, row in enumerate(rows.get(sheet.key, [])):
            table.rows.append((FIRST_DATA_ROW + offset, [row.get(c.key) for c in sheet.columns]))
        tables.append(table)
    return tables


def _check_round_trip(rows: dict[str, list[dict]], facts: Graph, classification: Graph, vocabulary: Vocabulary) -> None:
    result = ingest_tables(rows_as_tables(rows), vocabulary=vocabulary, known=None)
    problems = [p.render("en") for p in result.problems]
    if problems or not isomorphic(result.facts, facts) or not isomorphic(result.classification, classification):
        detail = problems[:5] or _difference(result.facts, facts) + _difference(result.classification, classification)
        raise ExportError("the exported workbook would not read back to the same statements (a bug in kg export): "
                          + "; ".join(detail[:8]), hint="report it with the plan's IRI")


def _difference(got: Graph, expected: Graph) -> list[str]:
    missing = [f"missing {t}" for t in list(set(expected) - set(got))[:4]]
    extra = [f"extra {t}" for t in list(set(got) - set(expected))[:4]]
    return missing + extra
