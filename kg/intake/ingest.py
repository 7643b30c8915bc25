"""`kg ingest`: a filled template (or a folder of CSV files) → Turtle that conforms to the shapes.

Every statement made is remembered with the cell it came from, so that both the readers' problems and the shapes'
violations are reported at a cell (KPI!D7) with what to write instead. Nothing is written while there is a problem.
Source facts and the editorial classification (green columns, the テーマ関連 sheet) come out as two graphs, to be
written as data/ttl/<name>.ttl and data/ttl/classification/<name>.ttl. Rows are named by kg.intake.row_ids, the
other-statements sheet is read by kg.intake.statements, an indicator's values by kg.intake.indicator_values.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import ID, JPP
from ..project import Project
from ..reference import Registry
from .achieved_values import achieved_values, evaluation_statements, indicator_of
from .change_records import fold_change_records
from .columns import CLASSIFICATION, FACTS
from .context import Context
from .ids import id_text
from .indicator_values import IndicatorFacts, build_values
from .layout import (
    DATA_SHEETS,
    ELEMENT_SHEETS,
    OTHER_SHEET,
    PLAN_CLASSES,
    PLAN_SHEET,
    SHEETS,
    sheet_by_name,
)
from .messages import Problem
from .municipality import project_registry
from .result import IngestResult, Location, RowRecord
from .row_ids import RowNamer
from .shapes import ProjectIndex, shape_problems
from .statements import read_statement, row_cells, statement_rows
from .tables import Table, UnreadableInput, read_tables
from .values import CellProblem, is_blank, nfkc
from .vocabulary import Vocabulary, load_vocabulary

# The plan row's columns that also describe the plan's own document, when that is made from the row.
SOURCE_FROM_PLAN = ("title", "label", "publisher", "municipality", "status", "completeness", "completeness_note",
                    "completeness_note_en", "date_label", "seed_file", "document_part")


def ingest(path: Path, *, project: Project, lang: str = "ja", validate: bool = True,
           exclude: tuple[Path, ...] = ()) -> IngestResult:
    """Read, build and (when the cells are fine) check against the shapes. Raises UnreadableInput (exit 2)."""
    tables = read_tables(path, lang=lang)
    vocabulary = load_vocabulary(project)
    index = ProjectIndex.load(project, exclude=exclude)
    result = ingest_tables(tables, vocabulary=vocabulary, known=index.known, lang=lang, source=str(path),
                           registry=project_registry(project))
    if validate and result.plan is not None:
        # What did parse is checked too, so that one run names every problem; a violation that follows from a
        # problem already reported at its cell is left out (kg.intake.shapes).
        result.problems += shape_problems(result, project=project, index=index, lang=lang, vocabulary=vocabulary,
                                          reported=result.problems)
    result.problems.sort(key=_reading_order)
    return result


def ingest_tables(tables: list[Table], *, vocabulary: Vocabulary, known: set[str] | frozenset | None = frozenset(),
                  lang: str = "ja", source: str = "workbook", registry: Registry | None = None) -> IngestResult:
    """Build the graphs from tables; known=None skips the check that every referenced ID exists."""
    return _Ingest(vocabulary, known, lang, source, registry).run(tables)


SHEET_ORDER = {sheet.name: i for i, sheet in enumerate(SHEETS)}


def _reading_order(problem: Problem) -> tuple:
    """Sheet by sheet as the workbook orders them, then row by row, column by column (B before AA)."""
    column = problem.column or ""
    return (problem.sheet is None, SHEET_ORDER.get(problem.sheet or "", len(SHEET_ORDER)), problem.sheet or "",
            problem.row or 0, len(column), column)


# --- building the graphs ----------------------------------------------------------------------------------

class _Ingest:
    def __init__(self, vocabulary: Vocabulary, known, lang: str, source: str, registry: Registry | None):
        self.vocabulary = vocabulary
        self.known = known
        self.lang = lang
        self.source = source
        self.ctx = Context(vocabulary=vocabulary, registry=registry)
        self.main: RowRecord | None = None
        self.notes: list[Problem] = []
        self.graphs = {FACTS: Graph(), CLASSIFICATION: Graph()}
        self.problems: dict[Problem, None] = {}
        self.cells: dict[tuple[str, str], Location] = {}
        self.rows: dict[str, Location] = {}
        self.records: list[RowRecord] = []
        self.other: list[tuple[Table, dict[str, str], dict[str, int]]] = []
        self.pending_refs: list[tuple[str, Location]] = []
        self.made_from: dict[str, RowRecord] = {}  # resources made from a row that is not theirs

    def report(self, problem: Problem) -> None:
        self.problems.setdefault(problem, None)

    def _has_problem(self, location: Location) -> bool:
        return any((p.sheet, p.row, p.column) == (location.sheet, location.row, location.column) for p in self.problems)

    def run(self, tables: list[Table]) -> IngestResult:
        self._read_sheets(tables)
        main = next((r for r in self.records if r.sheet is PLAN_SHEET), None)
        if main is None:
            self.report(Problem("plan.missing", sheet=PLAN_SHEET.name, row=3, column="A"))
            return self._result()
        self.main = main
        namer = RowNamer(self.records, self.ctx, self.report)
        if not namer.name_plan(main):
            self._provisional_plan(main)
        namer.explicit_ids()
        namer.generated_ids()
        namer.check_duplicates()
        self._context()
        for record in self.records:
            if record.iri is not None:
                self._decode_row(record)
        self._missing_sources(main)
        self._change_records()
        for record in self.records:
            if record.sheet.key == "kpis" and record.iri is not None:
                self._indicator_values(record)
        self._achieved_values([r for r in self.records if r.sheet.key == "achieved" and r.iri is not None])
        for table, letters, positions in self.other:
            self._other_statements(statement_rows(table, letters, positions))
        self._check_references()
        self._check_indicators()
        return self._result()

    def _result(self) -> IngestResult:
        records = {str(r.iri): r for r in self.records if r.iri is not None}
        records.update(self.made_from)
        return IngestResult(facts=self.graphs[FACTS], classification=self.graphs[CLASSIFICATION],
                            problems=list(self.problems), cells=self.cells, rows=self.rows, plan=self.ctx.plan,
                            records=records, main=self.main, notes=self.notes)

    def _provisional_plan(self, main: RowRecord) -> None:
        """The plan's row has a problem (reported) that keeps it from being named: name it for now, so that every
        other row is still read and checked in this run. Nothing is written while a problem remains."""
        if main.kind not in PLAN_CLASSES:
            main.kind = PLAN_CLASSES[0]
        main.iri = URIRef(ID + "plan/unnamed")
        self.ctx.plan = str(main.iri)
        try:
            self.ctx.plan_sources = PLAN_SHEET.column("source").objects(main.cells.get("source"), self.ctx,
                                                                        row_iri=self.ctx.plan, is_plan_row=True)
        except CellProblem:
            self.ctx.plan_sources = []  # reported when the row is decoded

    def _missing_sources(self, main: RowRecord) -> None:
        """A source the plan names that is neither a row nor in the project's data is the plan's own document (a
        new municipality's first plan): made from the plan's row, whose cells then answer for it."""
        if self.known is None or main.iri is None:
            return
        for source in main.decoded.get("source", []):
            iri = str(source)
            if not isinstance(source, URIRef) or iri in self.ctx.row_iris or iri in self.known:
                continue
            at = main.at("source")
            known_sources = [k for k in (*self.known, *self.ctx.row_iris) if k.startswith(ID + "source/")]
            close = difflib.get_close_matches(iri, known_sources, n=1, cutoff=0.9)
            if close:  # a mistyped ID of a source the project or a row has, not a new document
                self.report(at.problem("source.typo", text=id_text(source, plan=self.ctx.plan),
                                       suggestion=id_text(URIRef(close[0]), plan=self.ctx.plan)))
                continue
            self._add(FACTS, (source, RDF.type, URIRef(JPP + "SourceDocument")), at)
            for key in SOURCE_FROM_PLAN:
                column = PLAN_SHEET.column(key)
                objects = main.decoded.get(key) or (main.decoded.get("label", []) if key == "title" else [])
                for obj in objects:
                    self._add(FACTS, (source, URIRef(column.predicate), obj), main.at(key))
            self.rows.setdefault(iri, at)
            self.made_from[iri] = main
            self.notes.append(at.problem("source.created", text=id_text(source, plan=self.ctx.plan)))
            return  # the plan's row is one document; a second unknown source is reported as an unknown ID

    # sheets and headers

    def _read_sheets(self, tables: list[Table]) -> None:
        from openpyxl.utils import get_column_letter

        seen_plan = False
        for table in tables:
            sheet = sheet_by_name(table.name)
            if sheet is None:
                continue
            letters: dict[str, str] = {}
            positions: dict[str, int] = {}
            width = max(len(table.headers_ja), len(table.headers_en))
            for index in range(width):
                ja = table.headers_ja[index] if index < len(table.headers_ja) else ""
                en = table.headers_en[index] if index < len(table.headers_en) else ""
                if not ja and not en:
                    continue
                column = next((c for c in sheet.columns if ja and nfkc(ja) == nfkc(c.ja)), None) or next(
                    (c for c in sheet.columns if en and en.casefold() == c.en.casefold()), None)
                letter = get_column_letter(index + 1)
                if column is None or column.key in letters:
                    self.report(Problem("header.unknown", sheet=table.name, row=1, column=letter, params={"text": ja or en}))
                    continue
                letters[column.key], positions[column.key] = letter, index
            if not letters and table.rows:
                raise UnreadableInput("file.not_template", self.lang, where=table.name)
            if table.rows:
                for column in sheet.columns:
                    if column.key not in letters and (column.plan_row_required or (column.required and column.default is None)):
                        self.report(Problem("header.missing", sheet=table.name, params={"column": column.ja}))
            seen_plan = seen_plan or sheet is PLAN_SHEET
            if sheet is OTHER_SHEET:
                self.other.append((table, letters, positions))
                continue
            for number, values in table.rows:
                cells = row_cells(values, positions)
                if all(is_blank(v) for v in cells.values()):
                    continue
                self.records.append(RowRecord(sheet, table.name, number, cells, letters))
        if not seen_plan:
            raise UnreadableInput("file.no_plan_sheet", self.lang, path=self.source)
        order = {s.key: i for i, s in enumerate(DATA_SHEETS)}
        self.records.sort(key=lambda r: (order[r.sheet.key], r.number))

    def _context(self) -> None:
        rows = [r for r in self.records if r.iri is not None]
        self.ctx.row_iris = {str(r.iri) for r in rows}
        self.ctx.plan_row_iris = {str(r.iri) for r in rows if r.sheet is PLAN_SHEET and r.kind in PLAN_CLASSES}
        self.ctx.element_row_iris = {str(r.iri) for r in rows if r.sheet.key in ELEMENT_SHEETS}

    # statements

    def _add(self, graph: str, triple: tuple, location: Location, *, inverse_key: str | None = None) -> None:
        self.graphs[graph].add(triple)
        subject, predicate, _ = triple
        self.cells.setdefault((str(subject), str(predicate)), location)
        if inverse_key:
            self.cells.setdefault((inverse_key, "^" + str(predicate)), location)

    def _decode_row(self, record: RowRecord) -> None:
        sheet, iri = record.sheet, record.iri
        self.rows.setdefault(str(iri), record.at("id"))
        if record.kind is not None:
            at = record.at("kind") if sheet.has("kind") else record.at("id")
            self._add(sheet.graph, (iri, RDF.type, URIRef(JPP + record.kind)), at)
        for column in sheet.columns:
            if not column.stands_alone:
                continue
            raw = record.cells.get(column.key)
            location = record.at(column.key)
            try:
                objects = column.objects(raw, self.ctx, row_iri=str(iri), is_plan_row=sheet is PLAN_SHEET)
            except CellProblem as problem:
                self.report(record.problem_at(problem, column.key))
                continue
            record.decoded[column.key] = objects
            if column.required and not objects:
                self.report(location.problem("cell.required", column=column.ja))
                continue
            if (column.plan_row_required and record is self.main and not objects and column.key in record.letters
                    and not self._has_problem(location)):
                code = "source.missing" if column.key == "source" else "cell.required"
                self.report(location.problem(code, column=column.ja))
                continue
            for obj in objects:
                if column.inverse:
                    self._add(column.graph, (obj, URIRef(column.predicate), iri), location, inverse_key=str(iri))
                else:
                    self._add(column.graph, (iri, URIRef(column.predicate), obj), location)
                if column.refers_to_rows and isinstance(obj, URIRef) and not is_blank(raw):
                    self.pending_refs.append((str(obj), location))

    def _change_records(self) -> None:
        """The revision cells become one change record per row and revision; a problem in the record is the
        cell's (kg.intake.change_records)."""
        rows = {str(r.iri): r for r in self.records if r.iri is not None}
        for moved, from_row in fold_change_records(self.graphs[FACTS]):
            record_iri, row_iri = str(moved[0]), str(from_row[0])
            location = self.cells.get((row_iri, str(from_row[1])))
            if location is not None:
                self.cells.setdefault((record_iri, str(moved[1])), location)
            if row_iri in self.rows:
                self.rows.setdefault(record_iri, self.rows[row_iri])
            if row_iri in rows:
                self.made_from.setdefault(record_iri, rows[row_iri])

    def _indicator_values(self, record: RowRecord) -> None:
        indicator = IndicatorFacts.from_columns(str(record.iri), record.decoded)
        built = {}
        for role in ("baseline", "target"):
            try:
                values = build_values(indicator, role, record.cells, self.ctx)
            except CellProblem as problem:
                self.report(record.problem_at(problem, f"{role}_value"))
                continue
            built[role] = values
            for value in values:
                self.rows.setdefault(str(value.iri), record.at(f"{role}_value"))
                for triple in value.triples:
                    key = value.cells.get((str(triple[0]), str(triple[1])), f"{role}_value")
                    self._add(FACTS, triple, record.at(key))
        baselines = {v.part.breakdown: v for v in built.get("baseline", [])}
        for target in built.get("target", []):
            baseline = baselines.get(target.part.breakdown)
            if baseline is not None and target.year.year < baseline.year.year:
                # A warning (the shapes' IndicatorShape-hasTarget-yearOrder): shown, and the plan still goes in.
                self.notes.append(record.at("target_year").problem(
                    "value.target_before_baseline", target=target.year.label, baseline=baseline.year.label))

    def _achieved_values(self, records: list[RowRecord]) -> None:
        indicators = {str(r.iri): r for r in self.records if r.sheet.key == "kpis" and r.iri is not None}
        for record in records:
            indicator = indicator_of(record, indicators)
            if indicator is None:
                continue  # the required 指標 cell is reported when the row is decoded
            try:
                values = achieved_values(record, indicator, self.ctx)
            except CellProblem as problem:
                self.report(record.problem_at(problem, "achieved_value"))
                continue
            for value in values:
                for triple in value.triples:
                    key = value.cells.get((str(triple[0]), str(triple[1])), "achieved_value")
                    self._add(FACTS, triple, record.at(key))
        for located in evaluation_statements(records, self.ctx.plan, self.report):
            self._add(FACTS, located.triple, located.record.at(located.column_key))

    def _other_statements(self, records: list[RowRecord]) -> None:
        for record in records:
            try:
                triple, graph = read_statement(record, plan=self.ctx.plan)
            except CellProblem as problem:
                self.report(record.problem_at(problem, "object"))
                continue
            self.rows.setdefault(str(triple[0]), record.at("subject"))
            self._add(graph, triple, record.at("object"))

    # checks across rows

    def _check_references(self) -> None:
        if self.known is None:
            return
        defined = self.ctx.row_iris | {str(s) for g in self.graphs.values() for s in g.subjects()}
        for iri, location in self.pending_refs:
            # A municipality was read from the national list (kg.intake.municipality): it exists.
            registered = self.ctx.municipalities().by_iri(iri) is not None
            if iri not in defined and iri not in self.known and iri != self.ctx.plan and not registered \
                    and not self._has_problem(location):
                self.report(location.problem("ref.unknown", text=id_text(URIRef(iri), plan=self.ctx.plan)))

    def _check_indicators(self) -> None:
        facts = self.graphs[FACTS]
        for record in self.records:
            if record.sheet.key != "kpis" or record.iri is None or record.kind != "KPI":
                continue
            has_values = any(facts.triples((record.iri, URIRef(JPP + p), None)) for p in ("hasBaseline", "hasTarget"))
            no_values = (record.iri, URIRef(JPP + "noValuesInSource"), Literal("true", datatype=XSD.boolean)) in facts
            if not has_values and not no_values and not any(p.sheet == record.table and p.row == record.number
                                                            for p in self.problems):
                self.report(record.at("baseline_value").problem("kpi.no_values"))


