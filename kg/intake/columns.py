"""A column of the workbook and a sheet of columns: the records the layout is written in.

A column says which property it fills, whether it may hold several values (one per line) and what a blank cell
means (`default`). How its cell is read and written depends on its kind: each kind is a subclass (kg.intake.kinds)
that decodes a cell into RDF terms, encodes terms into a cell, tells which terms it can hold, and tells the
template how to offer it (a drop-down list, a prompt, text format). Ingest decodes; export encodes and checks that
decoding its own cell gives back exactly the same terms (if not, those statements go to the other-statements sheet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import KW_ONLY, dataclass
from typing import ClassVar

from ..namespaces import JPP
from .context import Context
from .values import (
    NONE_MARK,
    CellProblem,
    cell_text,
    is_blank,
    is_none_mark,
    lines_of,
    nfkc,
)
from .vocabulary import Vocabulary

FACTS = "facts"                    # the seed's own file: what the document says
CLASSIFICATION = "classification"  # data/ttl/classification/: this project's judgement


@dataclass(frozen=True)
class PickList:
    """A drop-down list the template offers for a column: its name on the リスト sheet and what it lists."""
    name: str   # "scheme:unit", "kind:kpis", "boolean"
    ja: str     # for the message when a typed value is not in the list
    en: str


@dataclass(frozen=True)
class Column:
    """A column of a sheet; its subclass (kg.intake.kinds) is its kind. The methods here are what every kind shares:
    defaults, a cell's lines, and the round trip export checks."""
    key: str
    ja: str
    en: str
    predicate: str | None = None
    _: KW_ONLY
    multi: bool = False         # several values, one per line
    required: bool = False
    plan_row_required: bool = False  # required on the plan sheet's first row (the plan entered), defaulted elsewhere
    graph: str = FACTS
    default: str | None = None  # plan, source, parent-path, editors (see defaults())
    inverse: bool = False       # the triple is <cell> predicate <row>, e.g. 引用元 jpp:hasMeasureReference
    help_ja: str = ""
    help_en: str = ""
    width: int = 18

    # Ingest reads the cell on its own into statements about the row; the ID, the kind and the KPI value columns
    # are read with the whole row instead.
    stands_alone: ClassVar[bool] = True
    refers_to_rows: ClassVar[bool] = False   # its IRIs must be rows or known to the project
    text_format: ClassVar[bool] = False      # the template formats it as text (keeps 022012 and 2-1 as typed)
    none_mark_means_none: ClassVar[bool] = True
    dates_are_mistakes: ClassVar[bool] = False  # Excel turns 2-1 or 4-411 typed into a General cell into a date
    closed_list: ClassVar[bool] = True  # the template refuses what its list does not offer (single-value columns)

    # --- ingest

    def defaults(self, ctx: Context, row_iri: str | None, *, is_plan_row: bool = False) -> list:
        """The objects a blank cell stands for."""
        if self.default == "plan":
            return ctx.containing_plan(row_iri)
        if self.default == "source":
            return ctx.sources(row_iri, is_plan_row=is_plan_row)
        if self.default == "parent-path":
            return ctx.path_parent(row_iri, elements_only=self.key == "parent")
        if self.default == "editors":
            return ctx.editors()
        return []

    def objects(self, raw, ctx: Context, *, row_iri: str | None, is_plan_row: bool = False) -> list:
        """The objects a cell stands for, defaults applied: blank → the column's default, "-" → none."""
        if is_blank(raw):
            return self.defaults(ctx, row_iri, is_plan_row=is_plan_row)
        if is_none_mark(raw) and self.none_mark_means_none:
            return []
        return self.decode(raw, ctx)

    def decode(self, raw, ctx: Context) -> list:
        if self.dates_are_mistakes and isinstance(raw, dt.date | dt.datetime):
            raise CellProblem("cell.date", text=cell_text(raw))
        # A number, date or boolean cell is read as what Excel stored, not as its text.
        return [self.read(value if isinstance(raw, str) else raw, ctx) for value in self.values(raw)]

    def values(self, raw) -> list[str]:
        """The cell's values as text: one per line in a multi column; a single column refuses several."""
        values = lines_of(raw)
        if not self.multi and len(values) > 1:
            raise CellProblem("cell.one_value", column=self.ja, count=len(values))
        return values

    def read(self, value, ctx: Context):
        """One value of the cell as an RDF term."""
        raise ValueError(f"column {self.key} ({type(self).__name__}) is not read by decode()")

    # --- export

    def encode(self, objects: list, ctx: Context) -> str | int | bool | None:
        """The cell for these objects, or None when the column cannot say them exactly."""
        if not objects or (not self.multi and len(objects) > 1):
            return None
        return self.write(objects, ctx)

    def write(self, objects: list, ctx: Context) -> str | int | bool | None:
        """The cell for one or (in a multi column) more objects, or None."""
        return None

    def fits(self, term, ctx: Context) -> bool:
        """Whether a term is of the form this column holds (a column takes only its own language, datatype or
        scheme)."""
        return False

    def export_cell(self, objects: list, ctx: Context, *, row_iri: str | None, is_plan_row: bool = False):
        """(cell value, objects it stands for): blank when the objects are the default, "-" when they are none."""
        default = self.defaults(ctx, row_iri, is_plan_row=is_plan_row)
        if default and set(objects) == set(default):
            return None, list(objects)
        if not objects:
            return (NONE_MARK, []) if default else (None, [])
        chosen = objects if self.multi else sorted(objects, key=_term_order)[:1]
        cell = self.encode(chosen, ctx)
        if cell is not None:
            try:
                again = self.objects(cell, ctx, row_iri=row_iri, is_plan_row=is_plan_row)
            except CellProblem:
                again = None
            if again is not None and set(again) == set(chosen) and len(again) == len(chosen):
                return cell, list(chosen)
        # The column cannot say these objects exactly: they go to the other-statements sheet, and a "-" keeps the
        # default from adding anything.
        return (NONE_MARK if default else None), []

    # --- the template

    def pick_list(self, sheet_key: str) -> PickList | None:
        """The drop-down list the template offers in this column, if any."""
        return None

    def prompt(self, breakdown_words: str) -> str | None:
        """The input message the template shows in a column without a list, if any."""
        return None


def _term_order(term) -> tuple:
    return (type(term).__name__, str(term), getattr(term, "language", None) or "", str(getattr(term, "datatype", "") or ""))


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str                    # the Excel sheet name (also the CSV file name)
    title_ja: str
    title_en: str
    classes: tuple[str, ...]     # local names of jpp: classes whose resources are rows here
    columns: tuple[Column, ...]
    graph: str = FACTS           # where the row's type and plain columns go
    help_ja: str = ""
    help_en: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)

    def kind_of(self, raw, vocabulary: Vocabulary) -> str:
        """The class (local name) a 種類 cell names; blank → the sheet's first class."""
        if is_blank(raw):
            return self.classes[0]
        return class_named(raw, self.classes, vocabulary)


def class_named(raw, classes, vocabulary: Vocabulary) -> str:
    """The class (local name, one of `classes`) a cell names by any of its labels or as jpp:Name."""
    text = nfkc(cell_text(raw)).strip().casefold()
    for local in classes:
        term = vocabulary.classes.by_iri(JPP + local)
        names = term.names() if term else [local]
        if any(text == nfkc(n).strip().casefold() for n in [*names, f"jpp:{local}"]):
            return local
    terms = [vocabulary.classes.by_iri(JPP + c) for c in classes]
    labels = [term.label_ja if term else c for term, c in zip(terms, classes, strict=True)]
    raise CellProblem("kind.unknown", text=cell_text(raw), known="、".join(labels))
