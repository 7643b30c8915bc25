"""The 実績値 sheet: one achieved value (実績値) of an indicator per row, and the city's evaluation scheme made from
the grades the rows use.

A row is the value itself (its ID, blank: <indicator>/achieved-<year>), read with the same cells as a KPI's baseline
or target (year, value as written, qualifier, label, source line: kg.intake.indicator_values) and linked from its
indicator by jpp:hasAchievedValue. Its source is the report it comes from, not the plan. A grade (評価: A, ◎, 達成)
becomes a concept of the plan's evaluation scheme, <plan>/evaluation, with the grade in skos:notation and its
meaning (評価の意味), where given, in skos:prefLabel; two rows giving one grade two meanings are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ..namespaces import JPP
from .context import Context
from .indicator_values import BuiltValue, IndicatorFacts, build_values
from .messages import Problem
from .result import RowRecord
from .values import CellProblem, cell_text, is_blank

Triple = tuple


@dataclass(frozen=True)
class Located:
    triple: Triple
    record: RowRecord
    column_key: str


def indicator_of(record: RowRecord, indicator_rows: dict[str, RowRecord]) -> IndicatorFacts | None:
    """What the row's values take from their indicator (its label and unit, from its KPI row where the workbook has
    one) and from the row itself (the report as source, its line)."""
    indicators = record.decoded.get("indicator", [])
    if not indicators:
        return None
    kpi = str(indicators[0])
    own = IndicatorFacts.from_columns(kpi, {"source": record.decoded.get("source", []),
                                            "seed_line": record.decoded.get("seed_line", [])})
    row = indicator_rows.get(kpi)
    if row is None:
        return own
    facts = IndicatorFacts.from_columns(kpi, row.decoded)
    return IndicatorFacts(iri=kpi, label=facts.label, unit=facts.unit, sources=own.sources, seed_line=own.seed_line)


def achieved_values(record: RowRecord, indicator: IndicatorFacts, ctx: Context) -> list[BuiltValue]:
    """The row's value (one: a row is one achieved value); raises CellProblem naming the cell to fix."""
    return build_values(indicator, "achieved", record.cells, ctx, row_iri=record.iri)


# The grade's meaning, in the columns that carry it: Japanese as the report writes it, English for the pages and
# for jpps:EvaluationGradeShape-prefLabel-english (a grade without an English name is a warning).
MEANING_COLUMNS = (("evaluation_meaning", "ja"), ("evaluation_meaning_en", "en"))


def evaluation_statements(records: Iterable[RowRecord], plan: str,
                          report: Callable[[Problem], None]) -> list[Located]:
    """The grades of the rows as concepts of the plan's evaluation scheme, and each row's jpp:evaluation."""
    scheme = URIRef(f"{plan}/evaluation")
    out: list[Located] = []
    meanings: dict[tuple[str, str], tuple[str, RowRecord]] = {}
    for record in records:
        grade_raw = record.cells.get("evaluation")
        if is_blank(grade_raw):
            for key, _lang in MEANING_COLUMNS:
                if not is_blank(record.cells.get(key)):
                    report(record.at(key).problem("evaluation.meaning_without_grade"))
            continue
        grade = cell_text(grade_raw).strip()
        concept = URIRef(f"{scheme}/{quote(grade, safe='')}")
        statements = [((record.iri, URIRef(JPP + "evaluation"), concept), "evaluation"),
                      ((concept, RDF.type, SKOS.Concept), "evaluation"),
                      ((concept, SKOS.inScheme, scheme), "evaluation"),
                      ((concept, SKOS.notation, Literal(grade)), "evaluation"),
                      ((scheme, RDF.type, URIRef(JPP + "EvaluationScheme")), "evaluation"),
                      ((scheme, RDF.type, SKOS.ConceptScheme), "evaluation"),
                      ((scheme, SKOS.prefLabel, Literal("評価の区分", lang="ja")), "evaluation"),
                      ((scheme, SKOS.prefLabel, Literal("Evaluation grades", lang="en")), "evaluation")]
        for key, lang in MEANING_COLUMNS:
            raw = record.cells.get(key)
            if is_blank(raw):
                continue
            meaning = cell_text(raw).strip()
            first = meanings.setdefault((grade, lang), (meaning, record))
            if first[0] != meaning:
                report(record.at(key).problem("evaluation.meaning_differs", grade=grade, first=first[0], second=meaning))
                continue
            statements.append(((concept, SKOS.prefLabel, Literal(meaning, lang=lang)), key))
        out += [Located(triple, record, key) for triple, key in statements]
    return out


__all__ = ["MEANING_COLUMNS", "CellProblem", "Located", "achieved_values", "evaluation_statements", "indicator_of"]
