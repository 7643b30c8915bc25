"""One column's cell ⇄ the RDF terms it stands for. Ingest decodes; export encodes and checks that decoding its
own cell gives back exactly the same terms (if not, those statements go to the other-statements sheet instead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from .ids import ID_BASE, PREFIXES, id_text, path_parent, resolve_id
from .layout import NONE_MARK, Column, Sheet
from .values import CellProblem, cell_text, nfkc, read_boolean, read_fiscal_year, read_integer, read_local_government_code, read_page, read_year_month
from .vocabulary import ONTOLOGY, Vocabulary

MUNICIPALITY = ID_BASE + "municipality/"
PROJECT_EDITORS = URIRef(PREFIXES["jpp"] + "ProjectEditors")


@dataclass
class Context:
    """What a blank cell means depends on the workbook: its plan, that plan's source, and which IDs are rows."""
    vocabulary: Vocabulary
    plan: str | None = None
    plan_sources: list = field(default_factory=list)
    row_iris: set[str] = field(default_factory=set)          # every row of the data sheets
    plan_row_iris: set[str] = field(default_factory=set)     # rows of the plan sheet that are plans
    element_row_iris: set[str] = field(default_factory=set)  # rows of the goals and measures sheets

    def default(self, column: Column, row_iri: str | None, *, is_plan_row: bool = False) -> list:
        if column.default == "plan":
            containing = [p for p in self.plan_row_iris if row_iri and row_iri.startswith(p + "/")]
            if containing:
                return [URIRef(max(containing, key=len))]
            return [URIRef(self.plan)] if self.plan else []
        if column.default == "source":
            return [] if is_plan_row and row_iri == self.plan else list(self.plan_sources)
        if column.default == "parent-path":
            parent = path_parent(row_iri) if row_iri else None
            allowed = self.element_row_iris if column.key == "parent" else self.row_iris
            return [URIRef(parent)] if parent and parent in allowed else []
        if column.default == "editors":
            return [PROJECT_EDITORS]
        return []


def lines_of(raw) -> list[str]:
    """A cell's values: one per line, blank lines dropped."""
    text = cell_text(raw)
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def is_none_mark(raw) -> bool:
    return isinstance(raw, str) and raw.strip() in (NONE_MARK, "－", "ー", "なし")


def cell_objects(column: Column, raw, ctx: Context, *, row_iri: str | None, is_plan_row: bool = False) -> list:
    """The objects a cell stands for, defaults applied: blank → the column's default, "-" → none."""
    if is_blank(raw):
        return ctx.default(column, row_iri, is_plan_row=is_plan_row)
    if is_none_mark(raw) and column.reads not in ("text",):
        return []
    return decode(column, raw, ctx)


def decode(column: Column, raw, ctx: Context) -> list:
    reads = column.reads
    if isinstance(raw, dt.date | dt.datetime) and reads in ("text", "ref", "publisher", "code"):
        # Excel turns 2-1 or 4-411 typed into a General-format cell into a date.
        raise CellProblem("cell.date", text=cell_text(raw))
    if reads == "text":
        if column.multi:
            values = lines_of(raw)
        else:
            text = cell_text(raw)
            if "\n" in text.strip():
                raise CellProblem("cell.newline_in_text")
            values = [text.strip()]
        return [Literal(v, lang=column.lang) if column.lang else Literal(v) for v in values]
    values = lines_of(raw) if column.multi else _single(raw, column)
    if reads in ("integer", "page"):
        read = read_page if reads == "page" else read_integer
        return [Literal(str(read(v if isinstance(raw, str) else raw)), datatype=XSD.integer) for v in values]
    if reads == "boolean":
        return [Literal("true" if read_boolean(raw if not isinstance(raw, str) else v) else "false", datatype=XSD.boolean)
                for v in values]
    if reads == "fiscal-year":
        return [Literal(str(read_fiscal_year(raw if not isinstance(raw, str) else v)), datatype=XSD.integer) for v in values]
    if reads == "year-month":
        return [Literal(read_year_month(raw if not isinstance(raw, str) else v), datatype=XSD.gYearMonth) for v in values]
    if reads == "ref":
        return [resolve_id(v, plan=ctx.plan) for v in values]
    if reads == "code":
        return [URIRef(MUNICIPALITY + read_local_government_code(raw if not isinstance(raw, str) else v)) for v in values]
    if reads == "publisher":
        return [_publisher(raw if not isinstance(raw, str) else v, ctx) for v in values]
    if reads in ("concept", "value-qualifier"):
        return [concept_iri(column.scheme, v, ctx.vocabulary) for v in values]
    raise ValueError(f"column {column.key} ({reads}) is not read by decode()")


def _single(raw, column: Column) -> list[str]:
    values = lines_of(raw)
    if len(values) > 1:
        raise CellProblem("cell.one_value", column=column.ja, count=len(values))
    return values


def _publisher(value, ctx: Context):
    text = nfkc(cell_text(value)).replace("-", "")
    if isinstance(value, int) or (text.isdigit() and len(text) in (5, 6)):
        return URIRef(MUNICIPALITY + read_local_government_code(value))
    return resolve_id(cell_text(value), plan=ctx.plan)


def concept_iri(scheme_key: str, text: str, vocabulary: Vocabulary) -> URIRef:
    scheme = vocabulary.scheme(scheme_key)
    term = scheme.find(text)
    if term is None:
        from .messages import SCHEME_NAMES
        ja, en = SCHEME_NAMES.get(scheme_key, (scheme_key, scheme_key))
        raise CellProblem("concept.unknown", text=text, scheme=ja, scheme_en=en, known="、".join(scheme.labels()))
    return URIRef(term.iri)


def kind_of(sheet: Sheet, raw, vocabulary: Vocabulary) -> str:
    """The class (local name) a 種類 cell names; blank → the sheet's first class."""
    if is_blank(raw):
        return sheet.classes[0]
    text = cell_text(raw)
    for local in sheet.classes:
        term = vocabulary.classes.by_iri(ONTOLOGY + local)
        names = term.names() if term else [local]
        if any(nfkc(text).strip().casefold() == nfkc(n).strip().casefold() for n in [*names, f"jpp:{local}"]):
            return local
    labels = [(vocabulary.classes.by_iri(ONTOLOGY + c).label_ja if vocabulary.classes.by_iri(ONTOLOGY + c) else c)
              for c in sheet.classes]
    raise CellProblem("kind.unknown", text=text, known="、".join(labels))


def kind_label(local: str, vocabulary: Vocabulary) -> str:
    term = vocabulary.classes.by_iri(ONTOLOGY + local)
    return term.label_ja if term and term.label_ja else local


# --- export ------------------------------------------------------------------------------------------------

def encode(column: Column, objects: list, ctx: Context):
    """The cell for these objects, or None when the column cannot say them exactly."""
    if not objects:
        return None
    if not column.multi and len(objects) > 1:
        return None
    reads = column.reads
    if reads == "text":
        texts = []
        for o in objects:
            if not isinstance(o, Literal) or (o.language or None) != column.lang or (o.datatype and not o.language):
                return None
            value = str(o)
            if not value or value != value.strip() or "\n" in value or "\r" in value:
                return None
            texts.append(value)
        return "\n".join(sorted(texts)) if column.multi else texts[0]
    if reads in ("integer", "page", "fiscal-year"):
        if not all(isinstance(o, Literal) and o.datatype == XSD.integer for o in objects):
            return None
        return "\n".join(str(o) for o in sorted(objects)) if column.multi else int(str(objects[0]))
    if reads == "boolean":
        if not all(isinstance(o, Literal) and o.datatype == XSD.boolean and str(o) in ("true", "false") for o in objects):
            return None
        return str(objects[0]) == "true"
    if reads == "year-month":
        if not all(isinstance(o, Literal) and o.datatype == XSD.gYearMonth for o in objects):
            return None
        return str(objects[0])
    if reads in ("ref", "publisher", "code"):
        if not all(isinstance(o, URIRef | BNode) for o in objects):
            return None
        texts = []
        for o in objects:
            if reads in ("code", "publisher") and str(o).startswith(MUNICIPALITY):
                texts.append(str(o)[len(MUNICIPALITY):])
            elif reads == "code":
                return None
            else:
                texts.append(id_text(o, plan=ctx.plan))
        return "\n".join(sorted(texts))
    if reads in ("concept", "value-qualifier"):
        scheme = ctx.vocabulary.scheme(column.scheme)
        labels = []
        for o in objects:
            term = scheme.by_iri(str(o)) if isinstance(o, URIRef) else None
            if term is None:
                return None
            labels.append(term.label_ja)
        order = {t.label_ja: i for i, t in enumerate(scheme.terms)}
        return "\n".join(sorted(labels, key=lambda x: order.get(x, 0)))
    return None


def export_cell(column: Column, objects: list, ctx: Context, *, row_iri: str | None, is_plan_row: bool = False):
    """(cell value, objects it stands for): blank when the objects are the default, "-" when they are none."""
    default = ctx.default(column, row_iri, is_plan_row=is_plan_row)
    if default and set(objects) == set(default):
        return None, list(objects)
    if not objects:
        return (NONE_MARK, []) if default else (None, [])
    chosen = objects if column.multi else sorted(objects, key=_sort_key)[:1]
    cell = encode(column, chosen, ctx)
    if cell is not None:
        try:
            again = cell_objects(column, cell, ctx, row_iri=row_iri, is_plan_row=is_plan_row)
        except CellProblem:
            again = None
        if again is not None and set(again) == set(chosen) and len(again) == len(chosen):
            return cell, list(chosen)
    # The column cannot say these objects exactly: they go to the other-statements sheet, and a "-" keeps the
    # default from adding anything.
    return (NONE_MARK if default else None), []


def fits(column: Column, term, ctx: Context) -> bool:
    """Whether a term is of the form this column holds (a column takes only its own language, datatype or scheme)."""
    reads = column.reads
    if reads == "text":
        return isinstance(term, Literal) and (term.language or None) == column.lang and (
            column.lang is not None or term.datatype is None)
    if reads in ("integer", "page", "fiscal-year"):
        return isinstance(term, Literal) and term.datatype == XSD.integer
    if reads == "boolean":
        return isinstance(term, Literal) and term.datatype == XSD.boolean
    if reads == "year-month":
        return isinstance(term, Literal) and term.datatype == XSD.gYearMonth
    if reads == "code":
        return isinstance(term, URIRef) and str(term).startswith(MUNICIPALITY)
    if reads in ("ref", "publisher"):
        return isinstance(term, URIRef | BNode)
    if reads in ("concept", "value-qualifier"):
        return isinstance(term, URIRef) and ctx.vocabulary.scheme(column.scheme).by_iri(str(term)) is not None
    return False


def _sort_key(term) -> tuple:
    return (type(term).__name__, str(term), getattr(term, "language", None) or "", str(getattr(term, "datatype", "") or ""))

