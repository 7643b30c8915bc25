"""`kg ingest`: a filled template (or a folder of CSV files) → Turtle that conforms to the shapes.

Every statement made is remembered with the cell it came from, so that both the readers' problems and the shapes'
violations are reported at a cell (KPI!D7) with what to write instead. Nothing is written while there is a problem.
Source facts and the editorial classification (green columns, the テーマ関連 sheet) come out as two graphs, to be
written as data/ttl/<name>.ttl and data/ttl/classification/<name>.ttl.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..project import Project
from .cells import Context, cell_objects, is_blank, is_none_mark, kind_label, kind_of
from .ids import ID_BASE, PREFIXES, id_text, resolve_id
from .indicator_values import build_values
from .layout import CLASSIFICATION, DATA_SHEETS, ELEMENT_SHEETS, FACTS, GRAPH_WORDS, ID_SLUGS, JPP, OTHER_SHEET, PLAN_CLASSES, PLAN_SHEET, Sheet, sheet_by_name
from .messages import Problem
from .tables import Table, UnreadableInput, read_tables
from .values import CellProblem, cell_text, nfkc, read_integer, read_local_government_code
from .vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class Location:
    sheet: str
    row: int
    column: str
    header: tuple[str, str] | None = None

    def problem(self, code: str, **params) -> Problem:
        return Problem(code=code, sheet=self.sheet, row=self.row, column=self.column, header=self.header, params=params)


@dataclass
class RowRecord:
    sheet: Sheet
    table: str
    number: int
    cells: dict[str, object]
    letters: dict[str, str]
    iri: URIRef | BNode | None = None
    kind: str | None = None
    decoded: dict[str, list] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        letter = self.letters.get(key) or self.letters.get("id") or "A"
        column = next((c for c in self.sheet.columns if c.key == key), None)
        return Location(self.table, self.number, letter, (column.ja, column.en) if column else None)


@dataclass
class IngestResult:
    facts: Graph
    classification: Graph
    problems: list[Problem]
    cells: dict[tuple[str, str], Location] = field(default_factory=dict)  # (subject, predicate or ^predicate) → cell
    rows: dict[str, Location] = field(default_factory=dict)               # subject → its row (the ID cell)
    plan: str | None = None


def ingest(path: Path, *, project: Project, lang: str = "ja", validate: bool = True,
           exclude: tuple[Path, ...] = ()) -> IngestResult:
    """Read, build and (when the cells are fine) check against the shapes. Raises UnreadableInput (exit 2)."""
    from .shapes import ProjectIndex, shape_problems

    tables = read_tables(path, lang=lang)
    vocabulary = load_vocabulary(project)
    index = ProjectIndex.load(project, exclude=exclude)
    result = ingest_tables(tables, vocabulary=vocabulary, known=index.known, lang=lang, source=str(path))
    if validate and not result.problems:
        result.problems = shape_problems(result, project=project, index=index, lang=lang)
    return result


def ingest_tables(tables: list[Table], *, vocabulary: Vocabulary, known: set[str] | frozenset | None = frozenset(),
                  lang: str = "ja", source: str = "workbook") -> IngestResult:
    """Build the graphs from tables; known=None skips the check that every referenced ID exists."""
    return _Ingest(vocabulary, known, lang, source).run(tables)


# --- building the graphs ----------------------------------------------------------------------------------

class _Ingest:
    def __init__(self, vocabulary: Vocabulary, known, lang: str, source: str):
        self.vocabulary = vocabulary
        self.known = known
        self.lang = lang
        self.source = source
        self.ctx = Context(vocabulary=vocabulary)
        self.graphs = {FACTS: Graph(), CLASSIFICATION: Graph()}
        self.problems: dict[Problem, None] = {}
        self.cells: dict[tuple[str, str], Location] = {}
        self.rows: dict[str, Location] = {}
        self.records: list[RowRecord] = []
        self.other: list[tuple[Table, dict[str, str]]] = []
        self.pending_refs: list[tuple[str, Location]] = []

    def report(self, problem: Problem) -> None:
        self.problems.setdefault(problem, None)

    def cell_problem(self, location: Location, problem: CellProblem) -> None:
        self.report(location.problem(problem.code, **problem.params))

    def run(self, tables: list[Table]) -> IngestResult:
        self._read_sheets(tables)
        main = next((r for r in self.records if r.sheet is PLAN_SHEET), None)
        if main is None:
            self.report(Problem("plan.missing", sheet=PLAN_SHEET.name, row=3, column="A"))
            return self._result()
        if not self._name_plan(main):
            return self._result()
        self._explicit_ids()
        self._generated_ids()
        self._check_duplicates()
        self._context()
        for record in self.records:
            if record.iri is not None:
                self._decode_row(record)
        for record in self.records:
            if record.sheet.key == "kpis" and record.iri is not None:
                self._indicator_values(record)
        for table, letters in self.other:
            self._other_statements(table, letters)
        self._check_references()
        self._check_indicators()
        return self._result()

    def _result(self) -> IngestResult:
        return IngestResult(facts=self.graphs[FACTS], classification=self.graphs[CLASSIFICATION],
                            problems=list(self.problems), cells=self.cells, rows=self.rows, plan=self.ctx.plan)

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
                    if column.required and column.key not in letters and column.default is None:
                        self.report(Problem("header.missing", sheet=table.name, params={"column": column.ja}))
            seen_plan = seen_plan or sheet is PLAN_SHEET
            if sheet is OTHER_SHEET:
                self.other.append((table, letters))
                continue
            for number, values in table.rows:
                cells = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
                if all(is_blank(v) for v in cells.values()):
                    continue
                self.records.append(RowRecord(sheet, table.name, number, cells, letters))
        if not seen_plan:
            raise UnreadableInput("file.no_plan_sheet", self.lang, path=self.source)
        order = {s.key: i for i, s in enumerate(DATA_SHEETS)}
        self.records.sort(key=lambda r: (order[r.sheet.key], r.number))

    # IDs

    def _kind(self, record: RowRecord) -> str | None:
        if record.kind is None:
            try:
                record.kind = kind_of(record.sheet, record.cells.get("kind"), self.vocabulary)
            except CellProblem as problem:
                self.cell_problem(record.at("kind"), problem)
                return None
            if record.sheet.has("kind") and record.sheet.column("kind").required and is_blank(record.cells.get("kind")):
                self.report(record.at("kind").problem("cell.required", column=record.sheet.column("kind").ja))
        return record.kind

    def _name_plan(self, main: RowRecord) -> bool:
        kind = self._kind(main)
        if kind is None or kind not in PLAN_CLASSES:
            if kind is not None:
                labels = "、".join(kind_label(c, self.vocabulary) for c in PLAN_CLASSES)
                self.report(main.at("kind").problem("plan.first_row", known=labels))
            return False
        raw = main.cells.get("id")
        try:
            main.iri = resolve_id(cell_text(raw), plan=None) if not is_blank(raw) else self._plan_iri(main, kind)
        except CellProblem as problem:
            self.cell_problem(main.at(getattr(problem, "column_key", "id")), problem)
            return False
        if main.iri is None:
            self.report(main.at("id").problem("plan.cannot_name"))
            return False
        self.ctx.plan = str(main.iri)
        try:
            self.ctx.plan_sources = cell_objects(PLAN_SHEET.column("source"), main.cells.get("source"), self.ctx,
                                                 row_iri=self.ctx.plan, is_plan_row=True)
        except CellProblem:
            self.ctx.plan_sources = []  # reported when the row is decoded
        return True

    def _plan_iri(self, record: RowRecord, kind: str) -> URIRef | None:
        raw = record.cells.get("municipality")
        if is_blank(raw):
            return None
        try:
            code = read_local_government_code(raw)
        except CellProblem as problem:
            raise _at("municipality", problem) from None
        edition = record.cells.get("edition_number")
        try:
            suffix = f"-{read_integer(edition)}" if not is_blank(edition) else ""
        except CellProblem as problem:
            raise _at("edition_number", problem) from None
        return URIRef(f"{ID_BASE}plan/{code}/{ID_SLUGS[kind]}{suffix}")

    def _explicit_ids(self) -> None:
        for record in self.records:
            if record.iri is not None:
                continue
            self._kind(record)
            raw = record.cells.get("id")
            if is_blank(raw):
                continue
            try:
                record.iri = resolve_id(cell_text(raw), plan=self.ctx.plan)
            except CellProblem as problem:
                self.cell_problem(record.at("id"), problem)

    def _generated_ids(self) -> None:
        taken = {str(r.iri) for r in self.records if r.iri is not None}
        for record in self.records:
            if record.iri is not None or not is_blank(record.cells.get("id")) or record.kind is None:
                continue
            try:
                iri = self._generate(record, taken)
            except CellProblem as problem:
                self.cell_problem(record.at(getattr(problem, "column_key", "id")), problem)
                continue
            if iri is not None:
                record.iri = iri
                taken.add(str(iri))

    def _generate(self, record: RowRecord, taken: set[str]) -> URIRef | None:
        sheet, kind = record.sheet, record.kind
        if sheet is PLAN_SHEET:
            if kind in PLAN_CLASSES:
                iri = self._plan_iri(record, kind)
                if iri is None:
                    raise _at("municipality", CellProblem("id.cannot_generate", column=sheet.column("municipality").ja))
                return iri
            if kind == "SourceDocument":
                raise _at("id", CellProblem("cell.required", column="ID"))
            return self._numbered(self.ctx.plan, ID_SLUGS[kind], record, taken)
        anchor_key = {"goals": "parent", "measures": "parent", "kpis": "target", "references": "cited_by",
                      "links": "resource"}.get(sheet.key)
        anchor = self._anchor(record, anchor_key) if anchor_key else None
        if anchor is None and sheet.key in ("goals", "measures", "viewpoints"):
            anchor = self._anchor(record, "plan") or self.ctx.plan
        if anchor is None:
            column = sheet.column(anchor_key)
            raise _at(anchor_key, CellProblem("id.cannot_generate", column=column.ja))
        if sheet.key == "links":
            concept = record.cells.get("concept")
            term = self.vocabulary.scheme("viewpoint").find(cell_text(concept)) if not is_blank(concept) else None
            if term is not None and f"{anchor}/link-{term.local_name}" not in taken:
                return URIRef(f"{anchor}/link-{term.local_name}")
            return self._numbered(anchor, "link", record, taken)
        return self._numbered(anchor, ID_SLUGS[kind], record, taken)

    def _anchor(self, record: RowRecord, key: str) -> str | None:
        raw = record.cells.get(key)
        if is_blank(raw) or is_none_mark(raw):
            return None
        try:
            return str(resolve_id(cell_text(raw).splitlines()[0], plan=self.ctx.plan))
        except CellProblem:
            return None  # reported when the row is decoded

    def _numbered(self, anchor: str, slug: str, record: RowRecord, taken: set[str]) -> URIRef:
        sequence = record.cells.get("sequence")
        if not is_blank(sequence):
            try:
                candidate = f"{anchor}/{slug}-{read_integer(sequence)}"
                if candidate not in taken:
                    return URIRef(candidate)
            except CellProblem:
                pass
        n = 1
        while f"{anchor}/{slug}-{n}" in taken:
            n += 1
        return URIRef(f"{anchor}/{slug}-{n}")

    def _check_duplicates(self) -> None:
        first: dict[str, RowRecord] = {}
        for record in self.records:
            if record.iri is None:
                continue
            key = str(record.iri)
            if key in first:
                other = first[key].at("id")
                self.report(record.at("id").problem("id.duplicate", text=id_text(record.iri, plan=self.ctx.plan),
                                                    other=f"{other.sheet}!{other.column}{other.row}"))
                record.iri = None
            else:
                first[key] = record

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
            if column.key in ("id", "kind") or column.reads.startswith("value"):
                continue
            raw = record.cells.get(column.key)
            location = record.at(column.key)
            try:
                objects = cell_objects(column, raw, self.ctx, row_iri=str(iri), is_plan_row=sheet is PLAN_SHEET)
            except CellProblem as problem:
                self.cell_problem(location, problem)
                continue
            record.decoded[column.key] = objects
            if column.required and not objects:
                self.report(location.problem("cell.required", column=column.ja))
                continue
            for obj in objects:
                if column.inverse:
                    self._add(column.graph, (obj, URIRef(column.predicate), iri), location, inverse_key=str(iri))
                else:
                    self._add(column.graph, (iri, URIRef(column.predicate), obj), location)
                if column.reads in ("ref", "publisher") and isinstance(obj, URIRef) and not is_blank(raw):
                    self.pending_refs.append((str(obj), location))

    def _indicator_values(self, record: RowRecord) -> None:
        decoded = record.decoded
        labels = [o for o in decoded.get("label", []) if isinstance(o, Literal) and o.language == "ja"]
        units = decoded.get("unit", [])
        lines = decoded.get("seed_line", [])
        built = {}
        for role in ("baseline", "target"):
            try:
                values = build_values(str(record.iri), role, record.cells, kpi_label=str(labels[0]) if labels else None,
                                      kpi_unit=str(units[0]) if units else None, kpi_sources=decoded.get("source", []),
                                      kpi_seed_line=lines[0] if lines else None, ctx=self.ctx)
            except CellProblem as problem:
                self.cell_problem(record.at(getattr(problem, "column_key", f"{role}_value")), problem)
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
                self.report(record.at("target_year").problem(
                    "value.target_before_baseline", target=target.year.label, baseline=baseline.year.label))

    def _other_statements(self, table: Table, letters: dict[str, str]) -> None:
        from openpyxl.utils import column_index_from_string

        sheet = OTHER_SHEET
        positions = {key: column_index_from_string(letter) - 1 for key, letter in letters.items()}
        for number, values in table.rows:
            cells = {key: (values[i] if i < len(values) else None) for key, i in positions.items()}
            if all(is_blank(v) for v in cells.values()):
                continue
            record = RowRecord(sheet, table.name, number, cells, letters)
            try:
                triple, graph = self._statement(record)
            except CellProblem as problem:
                self.cell_problem(record.at(getattr(problem, "column_key", "object")), problem)
                continue
            self.rows.setdefault(str(triple[0]), record.at("subject"))
            self._add(graph, triple, record.at("object"))

    def _statement(self, record: RowRecord) -> tuple[tuple, str]:
        cells = record.cells
        for key in ("subject", "property"):
            if is_blank(cells.get(key)):
                raise _at(key, CellProblem("cell.required", column=record.sheet.column(key).ja))
        try:
            subject = resolve_id(cell_text(cells["subject"]), plan=self.ctx.plan)
        except CellProblem as problem:
            raise _at("subject", problem) from None
        predicate = _property(cell_text(cells["property"]))
        kind = cell_text(cells.get("object_type")).strip()
        raw_object = cells.get("object")
        text = "" if raw_object is None else (raw_object if isinstance(raw_object, str) else cell_text(raw_object))
        if kind.casefold() in ("id", "iri", "資源"):
            try:
                obj = resolve_id(text, plan=self.ctx.plan)
            except CellProblem as problem:
                raise _at("object", problem) from None
        elif kind.startswith("@") and len(kind) > 1:
            obj = Literal(text, lang=kind[1:])
        elif kind:
            datatype = _property(kind, column_key="object_type", code="other.object_type")
            obj = Literal(text, datatype=datatype) if datatype != XSD.string else Literal(text)
            if not _well_formed(obj):
                raise _at("object", CellProblem("other.literal", text=text, datatype=kind))
        else:
            obj = Literal(text)
        graph_word = cell_text(cells.get("graph")).strip().casefold()
        graph = next((g for g, words in GRAPH_WORDS.items() if graph_word in [w.casefold() for w in words]), None)
        if graph is None:
            raise _at("graph", CellProblem("other.graph", text=graph_word))
        return (subject, predicate, obj), graph

    # checks across rows

    def _check_references(self) -> None:
        if self.known is None:
            return
        defined = self.ctx.row_iris | {str(s) for g in self.graphs.values() for s in g.subjects()}
        for iri, location in self.pending_refs:
            if iri not in defined and iri not in self.known and iri != self.ctx.plan:
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


def _at(column_key: str, problem: CellProblem) -> CellProblem:
    problem.column_key = column_key
    return problem


def _property(text: str, *, column_key: str = "property", code: str = "other.property") -> URIRef:
    text = text.strip()
    if text == "a":
        return RDF.type
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://")) and " " not in text:
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    raise _at(column_key, CellProblem(code, text=text))


def _well_formed(literal: Literal) -> bool:
    import re
    patterns = {
        XSD.integer: r"[-+]?\d+", XSD.decimal: r"[-+]?(\d+(\.\d*)?|\.\d+)", XSD.boolean: r"true|false|1|0",
        XSD.gYearMonth: r"-?\d{4,}-\d{2}(Z|[+-]\d{2}:\d{2})?", XSD.gYear: r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?",
        XSD.date: r"-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?",
    }
    pattern = patterns.get(literal.datatype)
    return pattern is None or re.fullmatch(pattern, str(literal)) is not None
