"""The kinds of column, one class each: how its cell is read into RDF terms, written from them, and offered by the
template. The layout (kg.intake.layout) builds its sheets from these classes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ..namespaces import JPP
from .columns import Column, PickList, class_named
from .context import Context
from .ids import MUNICIPALITY, id_text, resolve_id
from .messages import SCHEME_NAMES
from .municipality import read_municipality_code
from .values import (
    CellProblem,
    cell_text,
    lines_of,
    nfkc,
    read_boolean,
    read_fiscal_year,
    read_integer,
    read_page,
    read_year_month,
)

YEAR_PROMPT = "令和5年度、R5、2023 など。"
MUNICIPALITY_LIST = "municipality"  # the template's list of every municipality (kg.intake.template)


def _literals_of(objects: list, datatype: URIRef) -> bool:
    return all(isinstance(o, Literal) and o.datatype == datatype for o in objects)


@dataclass(frozen=True, kw_only=True)
class TextColumn(Column):
    lang: str | None = "ja"     # None: a plain string
    width: int = 30

    text_format = True
    none_mark_means_none = False  # "-" is text like any other
    dates_are_mistakes = True

    def values(self, raw) -> list[str]:
        if self.multi:
            return lines_of(raw)
        text = cell_text(raw)
        if "\n" in text.strip():
            raise CellProblem("cell.newline_in_text")
        return [text.strip()]

    def read(self, value, ctx: Context):
        text = cell_text(value)
        return Literal(text, lang=self.lang) if self.lang else Literal(text)

    def write(self, objects: list, ctx: Context):
        texts = []
        for o in objects:
            if not isinstance(o, Literal) or (o.language or None) != self.lang or (o.datatype and not o.language):
                return None
            value = str(o)
            if not value or value != value.strip() or "\n" in value or "\r" in value:
                return None
            texts.append(value)
        return "\n".join(sorted(texts)) if self.multi else texts[0]

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, Literal) and (term.language or None) == self.lang and (
            self.lang is not None or term.datatype is None)


@dataclass(frozen=True, kw_only=True)
class IntegerColumn(Column):
    width: int = 10

    def read(self, value, ctx: Context):
        return Literal(str(read_integer(value)), datatype=XSD.integer)

    def write(self, objects: list, ctx: Context):
        if not _literals_of(objects, XSD.integer):
            return None
        return "\n".join(str(o) for o in sorted(objects)) if self.multi else int(str(objects[0]))

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, Literal) and term.datatype == XSD.integer


@dataclass(frozen=True, kw_only=True)
class PageColumn(IntegerColumn):
    """42 / P42 / P.42 / 42頁."""

    def read(self, value, ctx: Context):
        return Literal(str(read_page(value)), datatype=XSD.integer)


@dataclass(frozen=True, kw_only=True)
class FiscalYearColumn(IntegerColumn):
    """令和6年度 / R6 / 2024, kept as the integer 2024."""

    def read(self, value, ctx: Context):
        return Literal(str(read_fiscal_year(value)), datatype=XSD.integer)

    def prompt(self, breakdown_words: str) -> str | None:
        return self.help_ja or YEAR_PROMPT


@dataclass(frozen=True, kw_only=True)
class BooleanColumn(Column):
    def read(self, value, ctx: Context):
        return Literal("true" if read_boolean(value) else "false", datatype=XSD.boolean)

    def write(self, objects: list, ctx: Context):
        if not all(isinstance(o, Literal) and o.datatype == XSD.boolean and str(o) in ("true", "false") for o in objects):
            return None
        return str(objects[0]) == "true"

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, Literal) and term.datatype == XSD.boolean

    def pick_list(self, sheet_key: str) -> PickList | None:
        return PickList("boolean", "TRUE・FALSE", "TRUE and FALSE")


@dataclass(frozen=True, kw_only=True)
class YearMonthColumn(Column):
    """令和5年3月 / 2023-03 / a date cell, kept as xsd:gYearMonth."""
    text_format = True

    def read(self, value, ctx: Context):
        return Literal(read_year_month(value), datatype=XSD.gYearMonth)

    def write(self, objects: list, ctx: Context):
        return str(objects[0]) if _literals_of(objects, XSD.gYearMonth) else None

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, Literal) and term.datatype == XSD.gYearMonth

    def prompt(self, breakdown_words: str) -> str | None:
        return self.help_ja or YEAR_PROMPT


@dataclass(frozen=True, kw_only=True)
class RefColumn(Column):
    """A row or another resource, by its ID (kg.intake.ids)."""
    width: int = 28

    text_format = True
    dates_are_mistakes = True
    refers_to_rows = True

    def read(self, value, ctx: Context):
        return resolve_id(cell_text(value), plan=ctx.plan)

    def write(self, objects: list, ctx: Context):
        if not all(isinstance(o, URIRef | BNode) for o in objects):
            return None
        return "\n".join(sorted(self.reference(o, ctx) for o in objects))

    def reference(self, node, ctx: Context) -> str:
        return id_text(node, plan=ctx.plan)

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, URIRef | BNode)


@dataclass(frozen=True, kw_only=True)
class PublisherColumn(RefColumn):
    """A municipality by its code or name (kg.intake.municipality), or any resource by its ID."""
    closed_list = False

    def read(self, value, ctx: Context):
        text = nfkc(cell_text(value)).replace("-", "")
        if isinstance(value, int | float) or (text.isdigit() and len(text) in (5, 6)):
            return URIRef(MUNICIPALITY + read_municipality_code(value, ctx.municipalities()))
        try:
            return super().read(value, ctx)
        except CellProblem as problem:
            if problem.code != "id.form":
                raise
        # Not an ID: a municipality's name (八王子市, 東京都府中市) or the template's list entry.
        return URIRef(MUNICIPALITY + read_municipality_code(value, ctx.municipalities()))

    def reference(self, node, ctx: Context) -> str:
        if str(node).startswith(MUNICIPALITY):
            return str(node)[len(MUNICIPALITY):]
        return super().reference(node, ctx)

    def pick_list(self, sheet_key: str) -> PickList | None:
        return PickList(MUNICIPALITY_LIST, "市区町村", "municipalities")


@dataclass(frozen=True, kw_only=True)
class CodeColumn(Column):
    """A municipality of the national list (kg.intake.municipality): its code (5 digits get the check digit), its
    name, or the template's list entry 東京都八王子市（132012）."""
    text_format = True
    dates_are_mistakes = True
    closed_list = False  # the list offers every municipality; a code or a name typed in is as good

    def read(self, value, ctx: Context):
        return URIRef(MUNICIPALITY + read_municipality_code(value, ctx.municipalities()))

    def write(self, objects: list, ctx: Context):
        if not all(self.fits(o, ctx) for o in objects):
            return None
        return "\n".join(sorted(str(o)[len(MUNICIPALITY):] for o in objects))

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, URIRef) and str(term).startswith(MUNICIPALITY)

    def pick_list(self, sheet_key: str) -> PickList | None:
        return PickList(MUNICIPALITY_LIST, "市区町村", "municipalities")


@dataclass(frozen=True, kw_only=True)
class ConceptColumn(Column):
    """A concept of a SKOS scheme (ontology/vocab/<scheme>.ttl), by its label; the template offers the list."""
    scheme: str
    width: int = 22

    def read(self, value, ctx: Context):
        return ctx.vocabulary.concept_iri(self.scheme, cell_text(value))

    def write(self, objects: list, ctx: Context):
        scheme = ctx.vocabulary.scheme(self.scheme)
        labels = []
        for o in objects:
            term = scheme.by_iri(str(o)) if isinstance(o, URIRef) else None
            if term is None:
                return None
            labels.append(term.label_ja)
        order = {t.label_ja: i for i, t in enumerate(scheme.terms)}
        return "\n".join(sorted(labels, key=lambda x: order.get(x, 0)))

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, URIRef) and ctx.vocabulary.scheme(self.scheme).by_iri(str(term)) is not None

    def pick_list(self, sheet_key: str) -> PickList | None:
        ja, en = SCHEME_NAMES.get(self.scheme, (self.ja, self.en))
        return PickList(f"scheme:{self.scheme}", ja, en)


@dataclass(frozen=True, kw_only=True)
class PlanKindColumn(Column):
    """The kind of plan a version is (dcterms:type), by the class's label as the 種類 column names it."""
    KINDS: ClassVar[tuple[str, ...]] = ("ComprehensivePlan", "RevitalisationStrategy", "DigitalGardenCityStrategy")
    closed_list = False

    def read(self, value, ctx: Context):
        return URIRef(JPP + class_named(value, self.KINDS, ctx.vocabulary))

    def write(self, objects: list, ctx: Context):
        if not all(self.fits(o, ctx) for o in objects):
            return None
        return "\n".join(ctx.vocabulary.class_label(str(o)[len(JPP):]) for o in objects)

    def fits(self, term, ctx: Context) -> bool:
        return isinstance(term, URIRef) and str(term) in {JPP + k for k in self.KINDS}


# --- columns ingest reads with the whole row ------------------------------------------------------------

@dataclass(frozen=True, kw_only=True)
class IdColumn(Column):
    """The row's ID: where it sits under the plan (kg.intake.row_ids names rows without one)."""
    width: int = 30

    stands_alone = False
    text_format = True


@dataclass(frozen=True, kw_only=True)
class KindColumn(Column):
    """The row's class, by its Japanese label (Sheet.kind_of)."""
    stands_alone = False

    def pick_list(self, sheet_key: str) -> PickList | None:
        return PickList(f"kind:{sheet_key}", "種類", "kinds")


@dataclass(frozen=True, kw_only=True)
class ValueYearColumn(Column):
    """The year of an indicator's baseline or target (role), read by kg.intake.indicator_values."""
    role: str
    stands_alone = False
    text_format = True

    def prompt(self, breakdown_words: str) -> str | None:
        return self.help_ja or YEAR_PROMPT


@dataclass(frozen=True, kw_only=True)
class ValueColumn(Column):
    """An indicator's baseline or target value as written: 14,070人, 小学校:76.5% 中学校:72.1%."""
    role: str
    stands_alone = False
    text_format = True

    def prompt(self, breakdown_words: str) -> str | None:
        # Breakdown words come from ontology/vocab/breakdowns.ttl; a value names them, e.g. 小学校:76.5% 中学校:72.1%.
        return f"書かれたとおりに：14,070人、12.5%、延べ 759 人。内訳（{breakdown_words}）は 小学校:76.5% 中学校:72.1% のように。"


@dataclass(frozen=True, kw_only=True)
class ValueQualifierColumn(ConceptColumn):
    """Qualifiers of a baseline or target that its value's text does not say."""
    role: str
    stands_alone = False


@dataclass(frozen=True, kw_only=True)
class ValueLabelColumn(Column):
    """A baseline's or target's label, one line per breakdown."""
    role: str
    stands_alone = False
    text_format = True


@dataclass(frozen=True, kw_only=True)
class ValueLineColumn(Column):
    """A baseline's or target's source line, one line per breakdown."""
    role: str
    stands_alone = False
    text_format = True


@dataclass(frozen=True, kw_only=True)
class EvaluationColumn(Column):
    """An achieved value's evaluation (評価) as the report writes it (A, ◎, 達成), or what the grade means; read
    with the row (kg.intake.achieved_values), which makes the city's evaluation scheme from the grades used."""
    stands_alone = False
    text_format = True


@dataclass(frozen=True, kw_only=True)
class StatementColumn(Column):
    """A part of one statement on the other-statements sheet (kg.intake.statements reads the row)."""
    stands_alone = False
    text_format = True
