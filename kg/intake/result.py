"""What ingest gives back (IngestResult: the two graphs, the problems, and the cell each statement came from), and
the rows it reads them from (RowRecord), located by sheet, row and column (Location)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef

from .columns import Sheet
from .messages import Problem
from .values import CellProblem


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
    """One row of a sheet as read: its cells by column key, the letters of those columns, and what ingest makes
    of it (the row's IRI and class, and the objects of each column)."""
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

    def problem_at(self, problem: CellProblem, key: str) -> Problem:
        """A cell problem met reading the column `key`, at the column it names (if any), else at `key`."""
        return self.at(problem.column_key or key).problem(problem.code, **problem.params)


@dataclass
class IngestResult:
    facts: Graph
    classification: Graph
    problems: list[Problem]
    cells: dict[tuple[str, str], Location] = field(default_factory=dict)  # (subject, predicate or ^predicate) → cell
    rows: dict[str, Location] = field(default_factory=dict)               # subject → its row (the ID cell)
    plan: str | None = None
    records: dict[str, RowRecord] = field(default_factory=dict)  # subject → the row it was made from
    main: RowRecord | None = None                                  # the plan's row (計画, row 3)
    notes: list[Problem] = field(default_factory=list)             # what ingest did on its own (no problem)

    def record_at(self, location: Location) -> RowRecord | None:
        """The row a cell lies in."""
        return next((r for r in self.records.values() if r.table == location.sheet and r.number == location.row), None)
