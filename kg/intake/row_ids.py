"""Naming the rows: the workbook's plan first (from its ID, or from its code, kind and edition), then every row with
an ID, then the rows without one, numbered under their parent (goal-1/direction-2) as data/README.md says IRIs are
made; two rows with one IRI are reported."""

from __future__ import annotations

from collections.abc import Callable

from rdflib import URIRef

from ..namespaces import ID
from .context import Context
from .ids import id_text, resolve_id
from .layout import ID_SLUGS, PLAN_CLASSES, PLAN_SHEET
from .messages import Problem
from .municipality import read_municipality_code
from .result import RowRecord
from .values import (
    CellProblem,
    cell_text,
    is_blank,
    is_none_mark,
    read_integer,
    read_year,
)

# The column whose row a generated ID goes under, per sheet (blank: the plan).
ANCHOR_COLUMNS = {"goals": "parent", "measures": "parent", "kpis": "target", "references": "cited_by",
                  "links": "resource", "achieved": "indicator"}


class RowNamer:
    def __init__(self, records: list[RowRecord], ctx: Context, report: Callable[[Problem], None]):
        self.records = records
        self.ctx = ctx
        self.vocabulary = ctx.vocabulary
        self.report = report

    def kind(self, record: RowRecord) -> str | None:
        """The row's class (local name), read once; None when the 種類 cell names none of the sheet's classes."""
        if record.kind is None:
            try:
                record.kind = record.sheet.kind_of(record.cells.get("kind"), self.vocabulary)
            except CellProblem as problem:
                self.report(record.problem_at(problem, "kind"))
                return None
            if record.sheet.has("kind") and record.sheet.column("kind").required and is_blank(record.cells.get("kind")):
                self.report(record.at("kind").problem("cell.required", column=record.sheet.column("kind").ja))
        return record.kind

    def name_plan(self, main: RowRecord) -> bool:
        """Name the workbook's plan (the first row of the plan sheet); False when it cannot be named."""
        kind = self.kind(main)
        if kind is None or kind not in PLAN_CLASSES:
            if kind is not None:
                labels = "、".join(self.vocabulary.class_label(c) for c in PLAN_CLASSES)
                self.report(main.at("kind").problem("plan.first_row", known=labels))
            return False
        raw = main.cells.get("id")
        try:
            main.iri = resolve_id(cell_text(raw), plan=None) if not is_blank(raw) else self.plan_iri(main, kind)
        except CellProblem as problem:
            self.report(main.problem_at(problem, "id"))
            return False
        if main.iri is None:
            self.report(main.at("id").problem("plan.cannot_name"))
            return False
        self.ctx.plan = str(main.iri)
        try:
            self.ctx.plan_sources = PLAN_SHEET.column("source").objects(main.cells.get("source"), self.ctx,
                                                                        row_iri=self.ctx.plan, is_plan_row=True)
        except CellProblem:
            self.ctx.plan_sources = []  # reported when the row is decoded
        return True

    def plan_iri(self, record: RowRecord, kind: str) -> URIRef | None:
        """plan/<code>/<kind>-<edition>, or None without a code."""
        raw = record.cells.get("municipality")
        if is_blank(raw):
            return None
        try:
            code = read_municipality_code(raw, self.ctx.municipalities())
        except CellProblem as problem:
            raise problem.located("municipality") from None
        edition = record.cells.get("edition_number")
        try:
            suffix = f"-{read_integer(edition)}" if not is_blank(edition) else ""
        except CellProblem as problem:
            raise problem.located("edition_number") from None
        return URIRef(f"{ID}plan/{code}/{ID_SLUGS[kind]}{suffix}")

    def explicit_ids(self) -> None:
        for record in self.records:
            if record.iri is not None:
                continue
            self.kind(record)
            raw = record.cells.get("id")
            if is_blank(raw):
                continue
            try:
                record.iri = resolve_id(cell_text(raw), plan=self.ctx.plan)
            except CellProblem as problem:
                self.report(record.problem_at(problem, "id"))

    def generated_ids(self) -> None:
        taken = {str(r.iri) for r in self.records if r.iri is not None}
        for record in self.records:
            if record.iri is not None or not is_blank(record.cells.get("id")) or record.kind is None:
                continue
            try:
                iri = self.generate(record, taken)
            except CellProblem as problem:
                self.report(record.problem_at(problem, "id"))
                continue
            if iri is not None:
                record.iri = iri
                taken.add(str(iri))

    def generate(self, record: RowRecord, taken: set[str]) -> URIRef | None:
        sheet, kind = record.sheet, record.kind
        if sheet is PLAN_SHEET:
            if kind in PLAN_CLASSES:
                iri = self.plan_iri(record, kind)
                if iri is None:
                    raise CellProblem("id.cannot_generate", column_key="municipality",
                                      column=sheet.column("municipality").ja)
                return iri
            if kind == "SourceDocument":
                raise CellProblem("cell.required", column_key="id", column="ID")
            return self.numbered(self.ctx.plan, ID_SLUGS[kind], record, taken)
        anchor_key = ANCHOR_COLUMNS.get(sheet.key)
        anchor = self.anchor(record, anchor_key) if anchor_key else None
        if anchor is None and sheet.key in ("goals", "measures", "viewpoints"):
            anchor = self.anchor(record, "plan") or self.ctx.plan
        if anchor is None:
            column = sheet.column(anchor_key)
            raise CellProblem("id.cannot_generate", column_key=anchor_key, column=column.ja)
        if sheet.key == "links":
            concept = record.cells.get("concept")
            term = self.vocabulary.scheme("viewpoint").find(cell_text(concept)) if not is_blank(concept) else None
            if term is not None and f"{anchor}/link-{term.local_name}" not in taken:
                return URIRef(f"{anchor}/link-{term.local_name}")
            return self.numbered(anchor, "link", record, taken)
        if sheet.key == "achieved":  # <indicator>/achieved-<year>: an indicator has one achieved value a year
            try:
                year = read_year(record.cells.get("achieved_year"))
            except CellProblem:
                year = None  # reported when the value is read
            if year is not None and f"{anchor}/achieved-{year.year}" not in taken:
                return URIRef(f"{anchor}/achieved-{year.year}")
        return self.numbered(anchor, ID_SLUGS[kind], record, taken)

    def anchor(self, record: RowRecord, key: str) -> str | None:
        raw = record.cells.get(key)
        if is_blank(raw) or is_none_mark(raw):
            return None
        try:
            return str(resolve_id(cell_text(raw).splitlines()[0], plan=self.ctx.plan))
        except CellProblem:
            return None  # reported when the row is decoded

    def numbered(self, anchor: str, slug: str, record: RowRecord, taken: set[str]) -> URIRef:
        """<anchor>/<slug>-<順序> when that is free, else the first free number."""
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

    def check_duplicates(self) -> None:
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
