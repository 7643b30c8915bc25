"""Intake and validation share one set of literal checks: a typed value on the other-statements sheet is refused by
`kg ingest` exactly when kg.validation.literals.ill_typed refuses it (e.g. "2023-13"^^xsd:gYearMonth)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.intake.ingest import ingest_tables
from kg.intake.layout import OTHER_SHEET, PLAN_SHEET
from kg.intake.tables import Table
from kg.intake.values import CellProblem
from kg.intake.vocabulary import load_vocabulary
from kg.namespaces import DCTERMS, ID, XSD
from kg.project import default_project
from kg.validation.literals import ill_typed

from conftest import ROOT

PLAN = ID + "plan/132055/comprehensive-plan-9"


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(default_project(root=ROOT))


def table(sheet, rows: list[dict]) -> Table:
    """A sheet as ingest reads it: both header rows, data from row 3."""
    keys = [c.key for c in sheet.columns]
    return Table(name=sheet.name, headers_ja=[c.ja for c in sheet.columns], headers_en=[c.en for c in sheet.columns],
                 rows=[(3 + i, [row.get(key) for key in keys]) for i, row in enumerate(rows)])


def ingest_statement(vocabulary, value: str, datatype: str):
    plan = table(PLAN_SHEET, [{"id": PLAN, "kind": "ComprehensivePlan", "label": "総合計画", "municipality": "132055",
                               "source": "source/132055-ome-strategy"}])
    other = table(OTHER_SHEET, [{"subject": PLAN, "property": "dcterms:issued", "object": value, "object_type": datatype}])
    return ingest_tables([plan, other], vocabulary=vocabulary, known=None)


def test_a_month_13_is_refused_by_intake_and_by_validation(vocabulary):
    assert ill_typed(ox.Literal("2023-13", datatype=ox.NamedNode(XSD + "gYearMonth")))
    result = ingest_statement(vocabulary, "2023-13", "xsd:gYearMonth")
    assert [(p.code, p.address) for p in result.problems] == [("other.literal", "その他の記述!C3")]
    assert result.problems[0].render("en").endswith("The value 「2023-13」 is not a valid xsd:gYearMonth.")


@pytest.mark.parametrize("value, datatype", [
    ("2023-13", "gYearMonth"), ("2023-00", "gYearMonth"), ("2023-3", "gYearMonth"), ("2023-12", "gYearMonth"),
    ("2023", "gYear"), ("23", "gYear"), ("5", "integer"), ("1_000", "integer"), ("+7", "integer"), ("abc", "integer"),
    ("12.5", "decimal"), ("1e3", "decimal"), ("true", "boolean"), ("maybe", "boolean"), ("2023-02-28", "date"),
    ("2023-02-30", "date"), ("", "integer"),
])
def test_intake_refuses_what_validation_refuses(vocabulary, value, datatype):
    refused_by_validation = ill_typed(ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)))
    result = ingest_statement(vocabulary, value, f"xsd:{datatype}")
    assert [p.code for p in result.problems] == (["other.literal"] if refused_by_validation else [])
    if not refused_by_validation:
        assert (URIRef(PLAN), URIRef(DCTERMS + "issued"), Literal(value, datatype=URIRef(XSD + datatype))) in result.facts


def test_a_cell_problem_located_at_another_column_is_a_copy():
    problem = CellProblem("code.form", text="13205X")
    located = problem.located("municipality")
    assert (located.code, located.params, located.column_key) == ("code.form", {"text": "13205X"}, "municipality")
    assert problem.column_key is None
