"""Japanese era years (和暦): 令和5 is 2023, 平成元 is 1989, R5 and H30 as the letters abbreviate them.

Plans date everything by era, fiscal years above all, so the arithmetic lives here once: the era table, the pattern
an era year is written in, and the western year it stands for. Whatever reads years (a workbook's cells, a query's
parameters) builds on this and adds its own suffixes (年, 年度, 月). Imports nothing of kg's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Era:
    name: str                # 令和
    letter: str              # R: the abbreviation, written in either case
    offset: int              # the western year before the era's year 1 (令和N = 2018 + N)
    last_year: int | None    # the era's last year (平成31); None for the present era


ERAS = (
    Era("令和", "R", 2018, None),
    Era("平成", "H", 1988, 31),
    Era("昭和", "S", 1925, 64),
)
FIRST_YEAR_WORD = "元"  # 令和元年 is year 1

_BY_NAME = {key: era for era in ERAS for key in (era.name, era.letter, era.letter.lower())}

# An era year as written: the era's name or letter, an optional dot, the year number or 元 (R.5, 令和 5, 平成元).
# Its groups are named `era` and `era_number`; pass them to western_year().
ERA_YEAR_PATTERN = (
    "(?P<era>" + "|".join(era.name for era in ERAS)
    + "|[" + "".join(era.letter + era.letter.lower() for era in ERAS) + "])"
    + r"\.?\s*(?P<era_number>" + FIRST_YEAR_WORD + r"|\d{1,2})"
)
_ERA_YEAR = re.compile(ERA_YEAR_PATTERN)


class NoSuchEraYear(ValueError):
    """An era year the era does not have: 平成32 (平成 ends in 31), 令和0."""


def era_named(text: str) -> Era | None:
    """The era a name or letter stands for: 令和, R or r → 令和."""
    return _BY_NAME.get(text)


def era_year_number(text: str) -> int:
    """The number of an era year as written: 元 → 1, "5" → 5."""
    return 1 if text == FIRST_YEAR_WORD else int(text)


def western_year(era: str | Era, number: int | str) -> int:
    """The western year of an era year: western_year("令和", 5) → 2023, western_year("H", "元") → 1989.

    Raises NoSuchEraYear for a year before the era's first or after its last, KeyError for an unknown era.
    """
    found = era if isinstance(era, Era) else _BY_NAME[era]
    year = era_year_number(number) if isinstance(number, str) else number
    if year < 1 or (found.last_year is not None and year > found.last_year):
        raise NoSuchEraYear(f"{found.name}{number}")
    return found.offset + year


@dataclass(frozen=True)
class EraYear:
    """An era year found at the start of a text, and where it ends there."""
    era: Era
    number: int
    end: int

    @property
    def western(self) -> int:
        """The western year; raises NoSuchEraYear when the era has no such year."""
        return western_year(self.era, self.number)


def match_era_year(text: str, pos: int = 0) -> EraYear | None:
    """The era year written at text[pos:] (令和5年度 → 令和5, ending before 年), or None when there is none.

    The text is taken as it is: normalise full-width letters and digits (NFKC) first.
    """
    match = _ERA_YEAR.match(text, pos)
    if match is None:
        return None
    return EraYear(era=_BY_NAME[match["era"]], number=era_year_number(match["era_number"]), end=match.end())
