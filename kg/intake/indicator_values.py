"""An indicator's baseline or target, from the five cells of its row: year, value, qualifier, label, source line.

`小学校:76.5% 中学校:72.1%` gives two value resources, `<kpi>/baseline-elementary-school` and
`<kpi>/baseline-junior-high-school`, each with its breakdown; a single value is `<kpi>/baseline`. Ingest builds the
values with this module, and export checks with it that the cells it wrote give back the same statements.

Targets are taken as plans write them: `15,000人以上` is the number with the qualifier q:at-least, `増加` a
jpp:targetDirection without a number (a target only), and `15,000人（令和8年度）` takes its year from the value when the
year cell is blank (and must agree with it when it is not). The value's wording stays in jpp:valueLabel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ..namespaces import JPP, PREFIXES, PROV
from .context import Context
from .layout import ALL_VALUE_ROLES
from .values import (
    CellProblem,
    ValuePart,
    YearReading,
    is_blank,
    is_none_mark,
    lines_of,
    read_integer,
    read_value,
    read_year,
)

LATEST_AVAILABLE = PREFIXES["q"] + "latest-available"


@dataclass(frozen=True)
class IndicatorFacts:
    """What an indicator's row says that its values take on: its IRI, Japanese label (for the values' labels), unit
    (for values written without one), sources and source line."""
    iri: str
    label: str | None = None
    unit: str | None = None
    sources: tuple = ()
    seed_line: Literal | None = None

    @classmethod
    def from_columns(cls, iri: str, objects: dict[str, list]) -> IndicatorFacts:
        """From the objects of the row's label, unit, source and seed_line columns."""
        labels = [o for o in objects.get("label", []) if isinstance(o, Literal) and o.language == "ja"]
        units = objects.get("unit", [])
        lines = objects.get("seed_line", [])
        return cls(iri=iri, label=str(labels[0]) if labels else None, unit=str(units[0]) if units else None,
                   sources=tuple(objects.get("source", [])), seed_line=lines[0] if lines else None)


@dataclass
class BuiltValue:
    iri: URIRef
    year: YearReading
    part: ValuePart
    triples: list[tuple] = field(default_factory=list)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (subject, predicate) → column key

    def add(self, predicate: str, obj, column: str) -> None:
        """A statement about the value, made from the cell of `column`."""
        self.triples.append((self.iri, URIRef(predicate), obj))
        self.cells[(str(self.iri), predicate)] = column


def value_iri(kpi: str, role: str, breakdown: str | None) -> URIRef:
    suffix = role if breakdown is None else f"{role}-{breakdown.rstrip('/').rsplit('/', 1)[-1]}"
    return URIRef(f"{kpi}/{suffix}")


def generated_label(kpi_label: str | None, role: str, breakdown_label: str | None, year_label: str) -> str:
    role_ja = ALL_VALUE_ROLES[role][2]
    part = f"・{breakdown_label}" if breakdown_label else ""
    return f"{kpi_label or ''} {role_ja}{part}（{year_label}）".strip()


def build_values(indicator: IndicatorFacts, role: str, cells: dict, ctx: Context, *,
                 row_iri: URIRef | None = None) -> list[BuiltValue]:
    """The value resources of one role (baseline or target of a KPI's row; achieved, from a row of the 実績値 sheet
    that is the value itself: `row_iri`) from the row's cells; raises CellProblem with .column_key naming the cell
    to fix."""
    kpi = indicator.iri
    year_raw, value_raw = cells.get(f"{role}_year"), cells.get(f"{role}_value")
    if is_blank(year_raw) and is_blank(value_raw):
        return []
    if is_blank(value_raw):
        raise CellProblem("value.value_missing", column_key=f"{role}_value", text=str(year_raw).strip(), column="")
    column_year = None
    if not is_blank(year_raw):
        try:
            column_year = read_year(year_raw)
        except CellProblem as problem:
            raise problem.located(f"{role}_year") from None
    try:
        parts = read_value(value_raw, words=ctx.vocabulary.value_words(), default_unit=indicator.unit)
    except CellProblem as problem:
        raise problem.located(f"{role}_value") from None
    if row_iri is not None and len(parts) > 1:
        raise CellProblem("value.one_per_row", column_key=f"{role}_value", parts=len(parts))
    years = [_year_of(part, column_year, role, value_raw) for part in parts]
    try:
        extra = [ctx.vocabulary.concept_iri("qualifier", q) for q in lines_of(cells.get(f"{role}_qualifier"))]
    except CellProblem as problem:
        raise problem.located(f"{role}_qualifier") from None
    labels = _per_part(cells.get(f"{role}_label"), len(parts), f"{role}_label")
    lines = _per_part(cells.get(f"{role}_line"), len(parts), f"{role}_line")
    breakdown_labels = {t.iri: t.label_ja for t in ctx.vocabulary.scheme("breakdown").terms}
    value_class = URIRef(JPP + ALL_VALUE_ROLES[role][0])
    link = URIRef(JPP + ALL_VALUE_ROLES[role][1])
    built = []
    for index, (part, year) in enumerate(zip(parts, years, strict=True)):
        iri = row_iri if row_iri is not None else value_iri(kpi, role, part.breakdown)
        value = BuiltValue(iri=iri, year=year, part=part)
        value.triples.append((URIRef(kpi), link, iri))
        value.cells[(str(kpi), str(link))] = f"{role}_value"
        value.add(str(RDF.type), value_class, f"{role}_value")
        label = labels[index] if labels else None
        if label is None:
            label = generated_label(indicator.label, role, breakdown_labels.get(part.breakdown), year.label)
            value.add(str(RDFS.label), Literal(label, lang="ja"), f"{role}_value")
        elif label != "":
            value.add(str(RDFS.label), Literal(label, lang="ja"), f"{role}_label")
        # The year comes from the year cell, or, where that is blank, from the value cell (15,000人（令和8年度）).
        year_column = f"{role}_year" if column_year is not None else f"{role}_value"
        value.add(JPP + ("fiscalYear" if year.fiscal else "calendarYear"), Literal(str(year.year), datatype=XSD.integer), year_column)
        value.add(JPP + "yearLabel", Literal(year.label, lang="ja"), year_column)
        if part.number is not None:
            value.add(JPP + "numericValue", Literal(part.number, datatype=XSD.decimal), f"{role}_value")
        if part.direction is not None:
            value.add(JPP + "targetDirection", URIRef(part.direction), f"{role}_value")
        value.add(JPP + "unit", URIRef(part.unit), f"{role}_value")
        value.add(JPP + "valueLabel", Literal(part.label, lang="ja"), f"{role}_value")
        if part.breakdown:
            value.add(JPP + "breakdown", URIRef(part.breakdown), f"{role}_value")
        qualifiers = set(part.qualifiers) | set(map(str, extra))
        if year.latest_available or (part.year is not None and part.year.latest_available):
            qualifiers.add(LATEST_AVAILABLE)
        for qualifier in sorted(qualifiers):
            column = f"{role}_qualifier" if qualifier in map(str, extra) else f"{role}_value"
            value.add(JPP + "qualifier", URIRef(qualifier), column)
        for source in indicator.sources:
            value.add(PROV + "wasDerivedFrom", source, "source")
        line = lines[index] if lines else None
        if line is None and indicator.seed_line is not None:
            value.add(JPP + "seedLine", indicator.seed_line, "seed_line")
        elif line not in (None, ""):
            value.add(JPP + "seedLine", line, f"{role}_line")
        built.append(value)
    return built


def _year_of(part: ValuePart, column_year: YearReading | None, role: str, value_raw) -> YearReading:
    """The year of one value: the year cell's, or the one written beside the value; both must say the same year.

    A direction (増加 …) may only be a target: a baseline is where the indicator starts, a number."""
    if part.direction is not None and role != "target":
        raise CellProblem("value.direction_not_target", column_key=f"{role}_value", text=part.label)
    if part.unit is None:  # a direction, and the indicator has no unit to say what is to rise or fall
        raise CellProblem("value.no_unit", column_key=f"{role}_value", text=part.label)
    if part.year is None:
        if column_year is None:
            raise CellProblem("value.year_missing", column_key=f"{role}_year", text=str(value_raw).strip(), column="")
        return column_year
    if column_year is None:
        return part.year
    if (part.year.year, part.year.fiscal) != (column_year.year, column_year.fiscal):
        raise CellProblem("value.year_contradicts", column_key=f"{role}_value", text=part.label,
                          value_year=part.year.label, column_year=column_year.label)
    return column_year


def _per_part(raw, count: int, column_key: str) -> list | None:
    """One line for all parts, or one line per part; "-" means none. None when the cell is blank."""
    if is_blank(raw):
        return None
    lines = lines_of(raw)
    if len(lines) not in (1, count):
        raise CellProblem("value.lines_mismatch", column_key=column_key, lines=len(lines), parts=count)
    if len(lines) == 1:
        lines = lines * count
    values = []
    for line in lines:
        if is_none_mark(line):
            values.append("")
        elif column_key.endswith("_line"):
            try:
                values.append(Literal(str(read_integer(line)), datatype=XSD.integer))
            except CellProblem as problem:
                raise problem.located(column_key) from None
        else:
            values.append(line)
    return values
