"""The readers of what clerks type: years, values with units and breakdowns, codes, pages, yes/no, IDs."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.intake.ids import id_text, resolve_id
from kg.intake.values import (
    CellProblem,
    check_digit,
    read_boolean,
    read_fiscal_year,
    read_integer,
    read_local_government_code,
    read_page,
    read_value,
    read_year,
    read_year_month,
)
from kg.intake.vocabulary import load_vocabulary
from kg.namespaces import ID
from kg.project import default_project

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


@pytest.mark.parametrize("raw, code", [("132055", "132055"), ("022012", "022012"), (22012, "022012"), ("13205", "132055"),
                                       ("１３２０５５", "132055"), ("13205-5", "132055"), (" 142123 ", "142123")])
def test_local_government_codes(raw, code):
    assert read_local_government_code(raw) == code


@pytest.mark.parametrize("raw, code", [("132056", "code.check_digit"), ("1320", "code.form"), ("13205X", "code.form"),
                                       ("青梅市", "code.form")])
def test_wrong_codes(raw, code):
    with pytest.raises(CellProblem) as caught:
        read_local_government_code(raw)
    assert caught.value.code == code
    if code == "code.check_digit":
        assert caught.value.params["expected"] == "132055"


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
