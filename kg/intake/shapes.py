"""The shapes' verdict on ingested data, reported at the cells the statements came from (or that should say them),
one message per root cause, in the workbook's words (kg.intake.shape_words)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ..namespaces import JPP, PROV, SH
from ..project import Project
from ..rdf.files import parse_rdf_file
from ..rdf.terms import to_oxigraph
from ..validation.report import ValidationIssue
from ..validation.validate import reference_triples, validate_triples
from .columns import Column, Sheet
from .layout import SHEETS
from .messages import Problem
from .result import IngestResult, Location, RowRecord
from .shape_words import say
from .values import is_blank
from .vocabulary import Vocabulary

PROV_DERIVED = PROV + "wasDerivedFrom"
SH_CLASS = SH + "class"


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


def shape_problems(result: IngestResult, *, project: Project, index: ProjectIndex, lang: str,
                   vocabulary: Vocabulary, reported: Iterable[Problem] = ()) -> list[Problem]:
    """The shapes' violations of what did parse, each at the cell to fix, in the workbook's words (results of a
    lower severity, a sh:Warning such as a target year before its baseline's, go to result.notes: shown, not blocking). A result that
    follows from a problem already reported at that cell (a value the reader refused is missing) is left out, and
    results with one root cause (every row's source defaults to the plan's) are said once, at that cause."""
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
    classes = _expected_classes(project)
    reported = [p for p in reported if p.sheet is not None]
    taken = {(p.sheet, p.row, p.column) for p in reported}
    # A column missing from a sheet is reported once, not at every row that lacks what it would have said.
    headers_missing = {(p.sheet, h) for p in reported if p.code == "header.missing"
                       for h in _headers(p.params.get("column"))}
    # A row with a cell the reader refused lacks what that cell would have said (a year refused: no baseline), so
    # a statement missing on that row is a consequence. Not on the plan's row, which also speaks for its document.
    main = (result.main.table, result.main.number) if result.main is not None else None
    rows_taken = {(p.sheet, p.row) for p in reported} - {main}
    by_cell: dict[tuple, Problem] = {}
    for issue in report.issues:
        problem = _problem(issue, result, vocabulary=vocabulary, expected_class=classes.get(issue.source_shape))
        if issue.severity != "Violation":
            # One warning per cell: ingest's own reading may have said it already, in plainer words.
            if all((w.sheet, w.row, w.column) != (problem.sheet, problem.row, problem.column) for w in result.notes):
                result.notes.append(problem)
            continue
        cell = (problem.sheet, problem.row, problem.column)
        if cell in taken or (problem.sheet, problem.header) in headers_missing:
            continue
        if issue.value in (None, "", issue.focus_node) and (problem.sheet, problem.row) in rows_taken:
            continue
        # One message per cell: what one wrong cell breaks in several shapes has one cause. The plainest is kept
        # (a value missing, one too many, of the wrong kind), before a rule's message about the same cell.
        key = cell if problem.sheet is not None else (problem.code, problem.text, str(problem.params))
        if key not in by_cell or _rank(problem) < _rank(by_cell[key]):
            by_cell[key] = problem
    return list(by_cell.values())


def _rank(problem: Problem) -> int:
    return 0 if problem.code.startswith(("shape.", "source.")) else 1


def _problem(issue: ValidationIssue, result: IngestResult, *, vocabulary: Vocabulary,
             expected_class: str | None) -> Problem:
    location, record, column = _locate(issue, result)
    said = say(issue, column, record.sheet if record else None, vocabulary=vocabulary, expected_class=expected_class,
               plan=result.plan)
    if said.column_key and record is not None and record.sheet.has(said.column_key):
        location = record.at(said.column_key)
    if said.code == "shape.required" and column is not None and column.key == "source" and result.main is not None \
            and record is result.main:
        said.code = "source.missing"
    if location is None:
        return Problem("shape", text=said.text[0], params={"en": said.text[1]}) if said.text else Problem(
            said.code, params=said.params)
    if said.text:
        return Problem("shape", sheet=location.sheet, row=location.row, column=location.column, header=location.header,
                       text=said.text[0], params={"en": said.text[1]})
    return location.problem(said.code, **said.params)


def _locate(issue: ValidationIssue, result: IngestResult) -> tuple[Location | None, RowRecord | None, Column | None]:
    """The cell a result is about, its row and its column: where the statement came from; else, for a missing
    statement, the column of the focus's row that would say it; else the focus's row (and no column: the result is
    not about what that cell says). A blank cell that took the plan's source by default sends it to the plan's
    出典 cell: one root cause, said once."""
    path = issue.result_path
    location = result.cells.get((issue.focus_node, path)) if path else None
    exact = location is not None
    record = result.records.get(issue.focus_node)
    if location is None and record is not None and path:
        column = _column_for(record.sheet, path)
        if column is not None:
            location, exact = record.at(column.key), True
    if location is None:
        location = result.rows.get(issue.focus_node)
        record = result.record_at(location) if location is not None else None
        if record is not None and path == PROV_DERIVED and record.sheet.has("source"):
            # A value resource (a KPI's baseline) takes its row's source.
            location, exact = record.at("source"), True
    if location is None:
        return None, None, None
    if record is None or (record.table, record.number) != (location.sheet, location.row):
        record = result.record_at(location)
    column = _column_at(record, location) if record is not None and exact else None
    if column is None and record is not None and path and issue.focus_node != str(record.iri):
        # A resource made from the row's cells (a KPI's baseline from 現状値): the row's column for the property
        # names what is missing, reported at the cell the resource came from.
        column = _column_for(record.sheet, path)
    main = result.main
    if (column is not None and column.default == "source" and record is not main and main is not None
            and is_blank(record.cells.get(column.key)) and main.sheet.has("source")):
        record, location, column = main, main.at("source"), main.sheet.column("source")
    return location, record, column


def _headers(ja: str | None) -> list[tuple[str, str]]:
    return [(c.ja, c.en) for sheet in SHEETS for c in sheet.columns if c.ja == ja]


def _column_for(sheet: Sheet, path: str) -> Column | None:
    inverse = path.startswith("^")
    predicate = path.lstrip("^")
    return next((c for c in sheet.columns if c.predicate == predicate and c.inverse == inverse), None)


def _column_at(record: RowRecord, location: Location) -> Column | None:
    key = next((k for k, letter in record.letters.items() if letter == location.column), None)
    return record.sheet.column(key) if key and record.sheet.has(key) else None


def _expected_classes(project: Project) -> dict[str, str]:
    """Each property shape's sh:class (a jpp: local name), to say which kind of row a reference must name."""
    classes = {}
    for path in project.shape_files():
        for t in parse_rdf_file(path).triples:
            if t.predicate.value == SH_CLASS and t.object.value.startswith(JPP):
                classes[t.subject.value] = t.object.value[len(JPP):]
    return classes
