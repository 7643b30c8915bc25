"""The readers of what clerks type: years, values with units and breakdowns, codes, pages, yes/no, IDs."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, URIRef

from kg.intake.context import Context
from kg.intake.ids import id_text, resolve_id
from kg.intake.indicator_values import IndicatorFacts, build_values
from kg.intake.messages import MESSAGES, message
from kg.intake.values import (
    CellProblem,
    read_boolean,
    read_fiscal_year,
    read_integer,
    read_page,
    read_value,
    read_year,
    read_year_month,
)
from kg.intake.vocabulary import load_vocabulary
from kg.namespaces import ID, JPP
from kg.project import default_project
from kg.query.local import run_local
from kg.reference import check_digit

from conftest import ROOT

U = "https://w3id.org/jp-plan-kg/vocab/unit/"
Q = "https://w3id.org/jp-plan-kg/vocab/qualifier/"
BD = "https://w3id.org/jp-plan-kg/vocab/breakdown/"


@pytest.fixture(scope="module")
def words():
    return load_vocabulary(default_project(root=ROOT)).value_words()


@pytest.mark.parametrize("text, year, fiscal, latest", [
    ("令和5年度", 2023, True, False),
    ("令和元年度", 2019, True, False),
    ("令和元年", 2019, False, False),
    ("平成30年度", 2018, True, False),
    ("平成元年度", 1989, True, False),
    ("平成31年度", 2019, True, False),
    ("昭和64年", 1989, False, False),
    ("R5", 2023, True, False),
    ("r5", 2023, True, False),
    ("R.5", 2023, True, False),
    ("R5年度", 2023, True, False),
    ("H30", 2018, True, False),
    ("2023", 2023, True, False),
    ("2023年度", 2023, True, False),
    ("2023年", 2023, False, False),
    ("FY2023", 2023, True, False),
    ("令和９年度", 2027, True, False),          # full-width digit
    ("２０２７年度", 2027, True, False),
    ("令和 9 年度", 2027, True, False),
    ("令和9(2027)年度", 2027, True, False),
    ("令和47（2065）年", 2065, False, False),   # Atsugi's population target: a calendar year
    ("2027(令和9)年度", 2027, True, False),
    ("令和4年度 (直近まで)", 2022, True, True),
    ("令和4年度（直近まで）", 2022, True, True),
    ("令和5年度末", 2023, True, False),
    (2023, 2023, True, False),                  # a number cell
    (2023.0, 2023, True, False),
])
def test_years_are_read_as_written(text, year, fiscal, latest):
    reading = read_year(text)
    assert (reading.year, reading.fiscal, reading.latest_available) == (year, fiscal, latest)
    assert reading.label == str(text if not isinstance(text, float) else int(text)).strip()


@pytest.mark.parametrize("text, code", [
    ("来年度", "year.unreadable"),
    ("令和X年度", "year.unreadable"),
    ("今年", "year.unreadable"),
    ("5年度", "year.unreadable"),
    ("", "year.empty"),
    ("平成32年度", "year.era_out_of_range"),
    ("令和0年度", "year.era_out_of_range"),
    ("令和5(2024)年度", "year.era_mismatch"),
    ("1800年", "year.out_of_range"),
    ("3000年度", "year.out_of_range"),
])
def test_unreadable_years_say_why(text, code):
    with pytest.raises(CellProblem) as caught:
        read_year(text)
    assert caught.value.code == code


def test_plan_periods_must_be_fiscal_years():
    assert read_fiscal_year("令和6年度") == 2024
    assert read_fiscal_year("2024") == 2024
    with pytest.raises(CellProblem) as caught:
        read_fiscal_year("2024年")
    assert caught.value.code == "year.calendar_not_fiscal"


@pytest.mark.parametrize("text, expected", [
    ("令和5年3月", "2023-03"), ("R5.3", "2023-03"), ("2023年3月", "2023-03"), ("2023-03", "2023-03"),
    ("2023/3", "2023-03"), ("平成28年3月", "2016-03"), ("令和元年12月", "2019-12"), (dt.date(2023, 3, 1), "2023-03"),
])
def test_year_months(text, expected):
    assert read_year_month(text) == expected


@pytest.mark.parametrize("text", ["令和●年●月", "2023-13", "三月"])
def test_unreadable_year_months(text):
    with pytest.raises(CellProblem) as caught:
        read_year_month(text)
    assert caught.value.code == "year_month.unreadable"


@pytest.mark.parametrize("text, number, unit, qualifiers", [
    ("14,070人", "14070.0", "person", set()),
    ("615人", "615.0", "person", set()),
    ("12.5%", "12.5", "percent", set()),
    ("１２．５％", "12.5", "percent", set()),          # full-width digits and ％ (NFKC)
    ("６１５人", "615.0", "person", set()),
    ("延べ 759 人", "759.0", "person", {"gross"}),
    ("延べ 1,200 人", "1200.0", "person", {"gross"}),
    ("延759人", "759.0", "person", {"gross"}),
    ("累計 100件", "100.0", "case", {"cumulative"}),
    ("100件(累計)", "100.0", "case", {"cumulative"}),
    ("10件", "10.0", "case", set()),
    ("20万人", "200000.0", "person", set()),
    ("1万4,070人", "14070.0", "person", set()),
    ("2.5万人", "25000.0", "person", set()),
    ("5千円", "5000.0", "yen", set()),
    ("1億2,000万円", "120000000.0", "yen", set()),
    ("▲5%", "-5.0", "percent", set()),
    ("-0.5%", "-0.5", "percent", set()),
    ("12.50%", "12.5", "percent", set()),
    ("3 世帯", "3.0", "household", set()),
    ("12箇所", "12.0", "place", set()),
])
def test_values_with_units(words, text, number, unit, qualifiers):
    (part,) = read_value(text, words=words)
    assert part.number == number
    assert part.unit == U + unit
    assert {q.rsplit("/", 1)[-1] for q in part.qualifiers} == qualifiers
    assert part.label == text and part.breakdown is None


def test_a_number_takes_the_indicators_unit(words):
    (part,) = read_value("615", words=words, default_unit=U + "person")
    assert (part.number, part.unit) == ("615.0", U + "person")
    (part,) = read_value(1.21, words=words, default_unit=U + "rate")
    assert (part.number, part.label) == ("1.21", "1.21")


def test_two_school_levels_in_one_cell_are_two_breakdowns(words):
    parts = read_value("小学校:76.5% 中学校:72.1%", words=words)
    assert [(p.breakdown, p.number, p.unit, p.label) for p in parts] == [
        (BD + "elementary-school", "76.5", U + "percent", "小学校:76.5%"),
        (BD + "junior-high-school", "72.1", U + "percent", "中学校:72.1%"),
    ]
    parts = read_value("小学校：80％、中学校：80％", words=words)
    assert [(p.number, p.label) for p in parts] == [("80.0", "小学校：80％"), ("80.0", "中学校：80％")]


@pytest.mark.parametrize("text, default_unit, code", [
    ("615", None, "value.no_unit"),
    ("615人/年", None, "value.unknown_unit"),
    ("615ポイント", None, "value.unknown_unit"),
    ("約1,000人", None, "value.approximate"),
    ("多数", None, "value.no_number"),
    ("1,2,3人", None, "value.no_number"),
    ("10件", U + "person", "value.unit_differs"),
    ("小学校:1% 小学校:2%", None, "value.breakdown_twice"),
    ("全体 小学校:1%", None, "value.text_before_breakdown"),
    ("", None, "value.empty"),
])
def test_unreadable_values_say_why(words, text, default_unit, code):
    with pytest.raises(CellProblem) as caught:
        read_value(text, words=words, default_unit=default_unit)
    assert caught.value.code == code


@pytest.mark.parametrize("five, check", [("13205", 5), ("02201", 2), ("14212", 3), ("13221", 7), ("13229", 2),
                                         ("13104", 1), ("13101", 6), ("20000", 0)])
def test_check_digit(five, check):
    # 新宿区 131041: r = 0, so 11 - r = 11 is written as its last digit 1; r = 1 gives 10, written 0 (20000: 12 mod 11).
    assert check_digit(five) == check


@pytest.mark.parametrize("raw, number", [("42", 42), (42, 42), (42.0, 42), ("１２", 12), ("1,200", 1200)])
def test_integers(raw, number):
    assert read_integer(raw) == number


@pytest.mark.parametrize("raw", ["4.5", "四", "", True])
def test_not_integers(raw):
    with pytest.raises(CellProblem):
        read_integer(raw)


@pytest.mark.parametrize("raw, page", [("42", 42), ("P42", 42), ("P.42", 42), ("p.42", 42), ("42頁", 42), ("42ページ", 42),
                                       ("Ｐ４２", 42), (42, 42)])
def test_pages(raw, page):
    assert read_page(raw) == page


@pytest.mark.parametrize("raw", ["P", "頁42", "0"])
def test_not_pages(raw):
    with pytest.raises(CellProblem):
        read_page(raw)


@pytest.mark.parametrize("raw, value", [(True, True), ("TRUE", True), ("true", True), ("はい", True), ("○", True), ("1", True),
                                        (False, False), ("FALSE", False), ("いいえ", False), ("×", False), ("0", False)])
def test_booleans(raw, value):
    assert read_boolean(raw) is value


def test_not_a_boolean():
    with pytest.raises(CellProblem) as caught:
        read_boolean("たぶん")
    assert caught.value.code == "boolean.unreadable"


PLAN = ID + "plan/132055/strategy-2"


@pytest.mark.parametrize("text, iri", [
    ("goal-1/direction-2", PLAN + "/goal-1/direction-2"),
    ("plan/132055/comprehensive-plan-7/measure-2-1", ID + "plan/132055/comprehensive-plan-7/measure-2-1"),
    ("source/132055-ome-strategy", ID + "source/132055-ome-strategy"),
    ("vp:dx", "https://w3id.org/jp-plan-kg/vocab/viewpoint/dx"),
    ("jpp:ProjectEditors", "https://w3id.org/jp-plan-kg/ontology#ProjectEditors"),
    ("<http://example.org/a b>".replace(" ", ""), "http://example.org/ab"),
    ("https://example.org/x", "https://example.org/x"),
    ("sdg:3", "http://metadata.un.org/sdg/3"),
])
def test_ids_resolve_and_print_back(text, iri):
    node = resolve_id(text, plan=PLAN)
    assert str(node) == iri
    assert resolve_id(id_text(node, plan=PLAN), plan=PLAN) == node


@pytest.mark.parametrize("text", ["目標1", "goal 1", "goal-1//x", "unknown:thing"])
def test_bad_ids(text):
    with pytest.raises(CellProblem) as caught:
        resolve_id(text, plan=PLAN)
    assert caught.value.code == "id.form"


# --- targets as plans write them: a direction, a bound, a year beside the value (issue 18) -----------------------

TD = "https://w3id.org/jp-plan-kg/vocab/target-direction/"
TARGET_FORMS = ROOT / "tests" / "shapes" / "valid" / "kpi-target-forms.ttl"  # a plan with each form, shape-checked


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(default_project(root=ROOT))


@pytest.fixture(scope="module")
def plan_words(vocabulary):
    return vocabulary.value_words()


@pytest.mark.parametrize("text, number, unit, qualifiers", [
    ("15,000人以上", "15000.0", "person", {"at-least"}),
    ("5人以下", "5.0", "person", {"at-most"}),
    ("1万人超", "10000.0", "person", {"more-than"}),
    ("5%未満", "5.0", "percent", {"less-than"}),
    ("１５，０００人以上", "15000.0", "person", {"at-least"}),   # full-width
    ("延べ 1,200 人以上", "1200.0", "person", {"gross", "at-least"}),
])
def test_a_bound_is_the_number_with_a_qualifier(plan_words, text, number, unit, qualifiers):
    (part,) = read_value(text, words=plan_words)
    assert (part.number, part.unit, part.direction, part.label) == (number, U + unit, None, text)
    assert {q.rsplit("/", 1)[-1] for q in part.qualifiers} == qualifiers


@pytest.mark.parametrize("text, direction", [
    ("増加", "increase"), ("減少", "decrease"), ("現状維持", "maintain"), ("維持", "maintain"), ("上昇", "increase"),
    (" 減少 ", "decrease"),
])
def test_a_direction_has_no_number_and_takes_the_indicators_unit(plan_words, text, direction):
    (part,) = read_value(text, words=plan_words, default_unit=U + "person")
    assert (part.number, part.direction, part.unit, part.label) == (None, TD + direction, U + "person", text.strip())


@pytest.mark.parametrize("text, number, year, fiscal, year_label", [
    ("15,000人（令和8年度）", "15000.0", 2026, True, "令和8年度"),
    ("15,000人(令和８年度)", "15000.0", 2026, True, "令和８年度"),      # as written, full-width digit kept
    ("80%（2026年度）", "80.0", 2026, True, "2026年度"),
    ("15,000人以上（R8）", "15000.0", 2026, True, "R8"),
    ("1,000人（令和47年）", "1000.0", 2065, False, "令和47年"),           # a calendar year
    ("減少（令和9年度）", None, 2027, True, "令和9年度"),
])
def test_a_year_beside_the_value(plan_words, text, number, year, fiscal, year_label):
    (part,) = read_value(text, words=plan_words, default_unit=U + "person" if "%" not in text else None)
    assert part.number == number and part.label == text
    assert (part.year.year, part.year.fiscal, part.year.label) == (year, fiscal, year_label)


def test_parentheses_without_a_year_are_not_a_year(plan_words):
    (part,) = read_value("100件（累計）", words=plan_words)
    assert part.year is None and part.qualifiers == {Q + "cumulative"}


@pytest.mark.parametrize("text, default_unit, code", [
    ("増加以上", U + "person", "value.no_number"),             # a bound needs a number
    ("15,000人（平成32年度）", None, "year.era_out_of_range"),   # a year that cannot be, refused as in the year column
    ("やや増加", U + "person", "value.no_number"),
])
def test_target_forms_that_cannot_be_read_say_why(plan_words, text, default_unit, code):
    with pytest.raises(CellProblem) as caught:
        read_value(text, words=plan_words, default_unit=default_unit)
    assert caught.value.code == code


KPI = ID + "plan/132055/strategy-9/goal-1/kpi-1"


def _build(vocabulary, role, year, value, *, unit=U + "person"):
    indicator = IndicatorFacts(iri=KPI, label="転入者数", unit=unit, sources=(URIRef(ID + "source/132055-ome-strategy"),))
    return build_values(indicator, role, {f"{role}_year": year, f"{role}_value": value}, Context(vocabulary=vocabulary))


def test_a_direction_target_is_stated_without_a_number(vocabulary):
    (value,) = _build(vocabulary, "target", "令和9年度", "増加")
    predicates = {str(p): o for _, p, o in value.triples}
    assert str(predicates[JPP + "targetDirection"]) == TD + "increase"
    assert JPP + "numericValue" not in predicates
    assert str(predicates[JPP + "valueLabel"]) == "増加" and str(predicates[JPP + "unit"]) == U + "person"


@pytest.mark.parametrize("unit", [U + "person", None])  # said first, before the unit a direction would need
def test_a_baseline_cannot_be_a_direction(vocabulary, unit):
    with pytest.raises(CellProblem) as caught:
        _build(vocabulary, "baseline", "令和3年度", "増加", unit=unit)
    assert (caught.value.code, caught.value.column_key) == ("value.direction_not_target", "baseline_value")


def test_a_direction_needs_the_indicators_unit(vocabulary):
    with pytest.raises(CellProblem) as caught:
        _build(vocabulary, "target", "令和9年度", "増加", unit=None)  # nothing says what is to rise
    assert (caught.value.code, caught.value.column_key) == ("value.no_unit", "target_value")


def test_the_year_beside_the_value_fills_a_blank_year_cell(vocabulary):
    (value,) = _build(vocabulary, "target", None, "15,000人（令和8年度）")
    predicates = {str(p): o for _, p, o in value.triples}
    assert (str(predicates[JPP + "fiscalYear"]), str(predicates[JPP + "yearLabel"])) == ("2026", "令和8年度")
    assert str(predicates[JPP + "valueLabel"]) == "15,000人（令和8年度）"
    assert value.cells[(str(value.iri), JPP + "fiscalYear")] == "target_value"  # the cell the year was read from


@pytest.mark.parametrize("year_cell", ["令和8年度", "R8", "2026", "2026年度"])
def test_a_year_cell_that_agrees_with_the_value_is_kept_as_written(vocabulary, year_cell):
    (value,) = _build(vocabulary, "target", year_cell, "15,000人（令和8年度）")
    predicates = {str(p): o for _, p, o in value.triples}
    assert (str(predicates[JPP + "fiscalYear"]), str(predicates[JPP + "yearLabel"])) == ("2026", year_cell)


@pytest.mark.parametrize("year_cell", ["令和7年度", "令和8年"])  # another year; the calendar year of the same number
def test_a_year_cell_that_contradicts_the_value_is_refused(vocabulary, year_cell):
    with pytest.raises(CellProblem) as caught:
        _build(vocabulary, "target", year_cell, "15,000人（令和8年度）")
    problem = caught.value
    assert (problem.code, problem.column_key) == ("value.year_contradicts", "target_value")
    assert problem.params == {"text": "15,000人（令和8年度）", "value_year": "令和8年度", "column_year": year_cell}


def test_a_value_with_no_year_anywhere_asks_for_the_year_cell(vocabulary):
    with pytest.raises(CellProblem) as caught:
        _build(vocabulary, "target", None, "15,000人以上")
    assert (caught.value.code, caught.value.column_key) == ("value.year_missing", "target_year")


def test_the_new_value_problems_have_messages_in_japanese_and_english():
    """Each problem the target forms add is said in both languages (kg/intake/messages.py)."""
    for code in ("value.direction_not_target", "value.year_contradicts"):
        assert code in MESSAGES, f"no message for {code}"
        ja, en = (message(code, lang, text="15,000人（令和8年度）", value_year="令和8年度", column_year="令和7年度")
                  for lang in ("ja", "en"))
        assert "{" not in ja + en and "15,000人（令和8年度）" in ja and "15,000人（令和8年度）" in en


# The plan of tests/shapes/valid/kpi-target-forms.ttl as a clerk types it: (KPI, unit, baseline year and value,
# target year and value); a blank target year where the year is written beside the value.
TARGET_FORM_ROWS = [
    ("kpi-1", "person", "令和3年度", "12,000人", "令和9年度", "増加"),
    ("kpi-2", "case", "令和3年度", "300件", "令和9年度", "減少"),
    ("kpi-3", "percent", "令和4年度", "60%", "令和9年度", "現状維持"),
    ("kpi-4", "person", "令和3年度", "16,000人", "令和9年度", "15,000人以上"),
    ("kpi-5", "person", "令和4年度", "12人", "令和8年度", "5人以下"),
    ("kpi-6", "person", "令和2年度", "15,500人", None, "15,000人（令和8年度）"),
]


@pytest.fixture(scope="module")
def target_forms_from_cells(vocabulary):
    """The fixture plan with its values replaced by what ingest makes of the cells above."""
    fixture = Graph().parse(TARGET_FORMS, format="turtle")
    value_classes = {URIRef(JPP + "BaselineValue"), URIRef(JPP + "TargetValue")}
    values = {s for s, o in fixture.subject_objects(RDF.type) if o in value_classes}
    skeleton = Graph()
    for triple in fixture:
        if triple[0] not in values and triple[2] not in values:
            skeleton.add(triple)
    built = Graph()
    ctx = Context(vocabulary=vocabulary)
    source = URIRef(ID + "source/132055-ome-strategy")
    for kpi, unit, baseline_year, baseline, target_year, target in TARGET_FORM_ROWS:
        # Labels "-": none, as in the fixture (ingest would otherwise write one, e.g. 転入者数 目標値（令和9年度）).
        cells = {"baseline_year": baseline_year, "baseline_value": baseline, "baseline_label": "-",
                 "target_year": target_year, "target_value": target, "target_label": "-"}
        indicator = IndicatorFacts(iri=ID + f"plan/132055/strategy-9/goal-1/{kpi}", unit=U + unit, sources=(source,),
                                   seed_line=Literal(74))
        for role in ("baseline", "target"):
            for value in build_values(indicator, role, cells, ctx):
                for triple in value.triples:
                    built.add(triple)
    return fixture, skeleton, built


def test_the_cells_give_the_statements_of_the_shape_checked_plan(target_forms_from_cells):
    fixture, skeleton, built = target_forms_from_cells
    expected = set(fixture) - set(skeleton)
    assert set(built) == expected, (f"only from the cells: {sorted(set(built) - expected)}\n"
                                    f"only in the fixture: {sorted(expected - set(built))}")


@pytest.fixture(scope="module")
def target_forms_store(target_forms_from_cells):
    """The ontology, the schemes, the reference data and the plan made from the cells, in one store."""
    _, skeleton, built = target_forms_from_cells
    project = default_project(root=ROOT)
    store = ox.Store()
    for path in (*project.ontology_files(), *project.reference_files()):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(project.graph_iri(path)))
    plan = (skeleton + built).serialize(format="nt")
    store.load(plan.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ID + "graph/target-forms"))
    return store


def _answer(store, name: str, columns: tuple[str, ...]) -> list[tuple]:
    result = run_local(store, (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8"))
    return sorted(tuple(row[c].value if row.get(c) is not None else None for c in columns) for row in result.rows)


def test_question_5_lists_every_form(target_forms_store):
    columns = ("kpi", "baselineValue", "targetYear", "targetValue", "targetDirection", "targetBound", "unit")
    assert _answer(target_forms_store, "05-kpi-values", columns) == sorted([
        ("転入者数", "12000", "2027", None, "増加", None, "人"),
        ("空き家数", "300", "2027", None, "減少", None, "件"),
        ("市民満足度", "60", "2027", None, "現状維持", None, "%"),
        ("観光入込客数", "16000", "2027", "15000", None, "以上", "人"),
        ("待機児童数", "12", "2026", "5", None, "以下", "人"),
        ("人口", "15500", "2026", "15000", None, None, "人"),
    ])


def test_question_6_counts_a_stated_decrease_and_numbers_below_the_baseline(target_forms_store):
    columns = ("kpi", "baselineValue", "targetValue", "targetDirection", "targetBound")
    assert _answer(target_forms_store, "06-planned-decrease", columns) == sorted([
        ("空き家数", "300", None, "減少", None),          # 減少: a planned decrease without a number
        ("観光入込客数", "16000", "15000", None, "以上"),   # a floor below the baseline
        ("待機児童数", "12", "5", None, "以下"),
        ("人口", "15500", "15000", None, None),            # the year came from beside the value
    ])


def test_question_7_computes_only_what_has_a_number(target_forms_store):
    columns = ("kpi", "years", "changePerYear", "targetBound")
    assert _answer(target_forms_store, "07-change-per-year", columns) == sorted([
        ("観光入込客数", "6", "-166.67", "以上"),
        ("待機児童数", "4", "-1.75", "以下"),
        ("人口", "6", "-83.33", None),   # (15,000 - 15,500) / (2026 - 2020)
    ])
