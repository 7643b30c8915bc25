"""Japanese era years (kg.eras): the western year of 令和5, 平成元, R5, H30, and the years an era does not have."""

from __future__ import annotations

import re

import pytest

from kg.eras import (
    ERA_YEAR_PATTERN,
    ERAS,
    NoSuchEraYear,
    era_named,
    match_era_year,
    western_year,
)
from kg.intake.values import CellProblem, read_year, read_year_month


@pytest.mark.parametrize("era, number, year", [
    ("令和", 1, 2019), ("令和", 5, 2023), ("令和", "元", 2019), ("R", 5, 2023), ("r", "7", 2025),
    ("平成", "元", 1989), ("平成", 30, 2018), ("平成", 31, 2019), ("H", 31, 2019), ("h", 1, 1989),
    ("昭和", 1, 1926), ("昭和", 64, 1989), ("S", 64, 1989), ("s", "元", 1926),
])
def test_western_year(era, number, year):
    assert western_year(era, number) == year


@pytest.mark.parametrize("era, number", [("平成", 32), ("H", 40), ("昭和", 65), ("S", 99), ("令和", 0), ("R", "0")])
def test_a_year_the_era_does_not_have(era, number):
    with pytest.raises(NoSuchEraYear):
        western_year(era, number)


def test_an_unknown_era():
    assert era_named("大正") is None and era_named("T") is None
    with pytest.raises(KeyError):
        western_year("大正", 1)


def test_every_era_by_name_and_letter():
    for era in ERAS:
        assert era_named(era.name) is era_named(era.letter) is era_named(era.letter.lower()) is era
        assert western_year(era, 1) == era.offset + 1


@pytest.mark.parametrize("text, pos, western, end", [
    ("令和5年度", 0, 2023, 3),
    ("令和元年", 0, 2019, 3),
    ("R5", 0, 2023, 2),
    ("R.5.3", 0, 2023, 3),
    ("H 30年", 0, 2018, 4),
    ("2065(令和47)年", 5, 2065, 9),
])
def test_an_era_year_at_the_start_of_a_text(text, pos, western, end):
    found = match_era_year(text, pos)
    assert found is not None and (found.western, found.end) == (western, end)


@pytest.mark.parametrize("text", ["2023", "来年度", "大正5年", "令和", "FY2023", ""])
def test_no_era_year(text):
    assert match_era_year(text) is None


def test_an_era_year_out_of_range_is_found_and_refused_when_asked():
    found = match_era_year("平成40年")
    assert found is not None and found.number == 40
    with pytest.raises(NoSuchEraYear):
        _ = found.western


def test_the_pattern_names_its_groups_for_western_year():
    match = re.fullmatch(ERA_YEAR_PATTERN, "令和 元")
    assert match is not None and western_year(match["era"], match["era_number"]) == 2019


# The cell readers build on kg.eras: years and year-months accept the same era years and refuse the same ones.

@pytest.mark.parametrize("era", ["令和", "R", "r"])
@pytest.mark.parametrize("number", ["元", "1", "5", "30", "99"])
def test_years_and_year_months_read_era_years_alike(era, number):
    western = western_year(era, number)
    assert read_year(f"{era}{number}年度").year == western
    assert read_year_month(f"{era}{number}年4月") == f"{western}-04"


@pytest.mark.parametrize("text", ["平成32年度", "昭和65年", "令和0年度", "H32"])
def test_years_outside_their_era_are_reported_as_such(text):
    with pytest.raises(CellProblem) as year:
        read_year(text)
    assert year.value.code == "year.era_out_of_range"
    with pytest.raises(CellProblem) as year_month:
        read_year_month(text.removesuffix("年度").removesuffix("年") + "年3月")
    assert year_month.value.code == "year.era_out_of_range"
