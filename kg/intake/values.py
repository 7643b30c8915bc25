"""Reading what clerks type into a cell: years, values with units, codes, numbers, yes/no.

Every reader takes the cell's text (or the number Excel stored), returns plain data, and raises CellProblem with a
message code (kg/intake/messages.py) when it cannot read the cell, so that the caller can say which cell it was.
Readers work on the NFKC form of the text (full-width digits, ％ and ： become 0-9, % and :), but what is kept as
"as written" (year labels, value labels) is the cell's own text.

Values are read the way plans write targets: a number with its unit (14,070人), a number that is a bound (15,000人以上:
a qualifier of ontology/vocab/value-qualifiers.ttl), a direction without a number (増加, 減少, 現状維持:
ontology/vocab/target-directions.ttl), each optionally with its year beside it (15,000人（令和8年度）).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..eras import ERA_YEAR_PATTERN, NoSuchEraYear, western_year
from ..namespaces import PREFIXES

YEAR_RANGE = (1900, 2200)  # as the shapes (jpps:IndicatorValueShape-fiscalYear)

LATEST_AVAILABLE_WORDS = ("直近まで",)
# Qualifiers that make a number a bound (以上, 以下, 超, 未満): they need a number, so never go with a direction.
BOUND_QUALIFIERS = frozenset(PREFIXES["q"] + name for name in ("at-least", "at-most", "more-than", "less-than"))
NONE_MARK = "-"  # written in a column with a default: "none", not "the default"
NONE_WORDS = (NONE_MARK, "－", "ー", "なし")


class CellProblem(Exception):
    """A cell that cannot be read; `code` selects the message, `params` fill it in, and `column_key` names the
    column to report it at when the problem is about another cell than the one being read (None: that one)."""

    def __init__(self, code: str, *, column_key: str | None = None, **params):
        super().__init__(code)
        self.code = code
        self.column_key = column_key
        self.params = params

    def located(self, column_key: str) -> CellProblem:
        """The same problem, to be reported at the column `column_key`."""
        return CellProblem(self.code, column_key=column_key, **self.params)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def cell_text(value) -> str:
    """The text of a cell as a clerk sees it: numbers without a trailing .0 or an exponent."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def lines_of(raw) -> list[str]:
    """A cell's values: one per line, blank lines dropped."""
    text = cell_text(raw)
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def is_none_mark(raw) -> bool:
    return isinstance(raw, str) and raw.strip() in NONE_WORDS


# --- years -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearReading:
    year: int                 # the western year (a fiscal year is the year its April falls in)
    fiscal: bool              # 年度 (or no suffix) → fiscal; 年 → calendar
    label: str                # the cell's text, as written
    latest_available: bool = False  # "(直近まで)" written with the year


_ERA_YEAR = re.compile(
    rf"^{ERA_YEAR_PATTERN}\s*(?:\(\s*(?P<western>\d{{4}})\s*(?:年度|年)?\s*\))?\s*(?P<suffix>年度|年)?$")
_WESTERN_YEAR = re.compile(
    rf"^(?:FY|fy)?\s*(?P<western>\d{{4}})\s*(?:\(\s*{ERA_YEAR_PATTERN}\s*(?:年度|年)?\s*\))?\s*(?P<suffix>年度|年)?$")
_PARENTHESISED_QUALIFIER = re.compile(r"[\s(]*直近まで[\s)]*")


def read_year(raw, *, want_fiscal: bool | None = None) -> YearReading:
    """令和5年度 / R5 / 2023 / 平成30年度 / 令和元年度 / 令和47(2065)年 / 2023年 / 令和4年度 (直近まで).

    A fiscal year unless 年 is written without 度. want_fiscal=True refuses calendar years (plan periods).
    """
    label = cell_text(raw)
    if not label:
        raise CellProblem("year.empty")
    text = nfkc(label).strip()
    latest = False
    if "直近まで" in text:
        latest = True
        text = _PARENTHESISED_QUALIFIER.sub("", text).strip()
    text = re.sub(r"(年度|年)\s*(末|時点|当初|実績|見込み?)$", r"\1", text)  # 令和5年度末 is still FY2023
    match = _ERA_YEAR.match(text) or _WESTERN_YEAR.match(text)
    if not match:
        raise CellProblem("year.unreadable", text=label)
    groups = match.groupdict()
    year = _era_year(groups, label) if groups.get("era") else None
    western = int(groups["western"]) if groups.get("western") else None
    if year is not None and western is not None and western != year:
        raise CellProblem("year.era_mismatch", text=label, era_year=year, western=western)
    year = year if year is not None else western
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise CellProblem("year.out_of_range", text=label, year=year)
    fiscal = groups.get("suffix") != "年"
    if want_fiscal and not fiscal:
        raise CellProblem("year.calendar_not_fiscal", text=label, year=year)
    return YearReading(year=year, fiscal=fiscal, label=label, latest_available=latest)


def _era_year(groups: dict, label: str) -> int:
    try:
        return western_year(groups["era"], groups["era_number"])
    except NoSuchEraYear:
        raise CellProblem("year.era_out_of_range", text=label) from None


def read_fiscal_year(raw) -> int:
    return read_year(raw, want_fiscal=True).year


_YEAR_MONTH_ERA = re.compile(rf"^{ERA_YEAR_PATTERN}\s*(?:年|\.|/|-)\s*(?P<month>\d{{1,2}})\s*月?$")
_YEAR_MONTH_WESTERN = re.compile(r"^(?P<western>\d{4})\s*(?:年|\.|/|-)\s*(?P<month>\d{1,2})\s*月?$")


def read_year_month(raw) -> str:
    """令和5年3月 / R5.3 / 2023年3月 / 2023-03 / a date cell → "2023-03" (xsd:gYearMonth)."""
    if isinstance(raw, dt.date | dt.datetime):
        return f"{raw.year:04d}-{raw.month:02d}"
    label = cell_text(raw)
    text = nfkc(label).strip()
    match = _YEAR_MONTH_ERA.match(text) or _YEAR_MONTH_WESTERN.match(text)
    if not match:
        raise CellProblem("year_month.unreadable", text=label)
    groups = match.groupdict()
    year = _era_year(groups, label) if groups.get("era") else int(groups["western"])
    month = int(groups["month"])
    if not 1 <= month <= 12 or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise CellProblem("year_month.unreadable", text=label)
    return f"{year:04d}-{month:02d}"


# --- values with units -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ValuePart:
    number: str | None               # xsd:decimal lexical form, e.g. "14070.0", "12.5"; None for a direction
    unit: str | None                 # unit concept IRI (None only for a direction of an indicator without one)
    label: str                       # the part as written ("小学校:76.5%", "延べ 759 人", "増加")
    breakdown: str | None = None     # breakdown concept IRI
    qualifiers: frozenset[str] = field(default_factory=frozenset)  # qualifier concept IRIs written in the text
    direction: str | None = None     # target-direction concept IRI when the part is a direction without a number
    year: YearReading | None = None  # the year written beside the value: 15,000人（令和8年度）


@dataclass(frozen=True)
class ValueWords:
    """The words a value may contain, read from the vocabularies (units, breakdowns, qualifiers, directions)."""
    units: dict[str, str]        # NFKC word → unit IRI ("人", "%", "世帯" ...)
    breakdowns: dict[str, str]   # word → breakdown IRI ("小学校", "中学校")
    qualifiers: dict[str, str]   # word → qualifier IRI ("延べ", "累計", "直近まで", "以上" ...)
    directions: dict[str, str] = field(default_factory=dict)  # word → target-direction IRI ("増加", "減少", "現状維持")


_MULTIPLIERS = {"億": Decimal(100_000_000), "万": Decimal(10_000), "千": Decimal(1_000)}
_NUMBER_GROUP = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER_EXPRESSION = re.compile(
    rf"^(?P<sign>[-−▲△])?\s*(?P<expr>(?:(?:{_NUMBER_GROUP})\s*[億万千]\s*)*(?:{_NUMBER_GROUP})?)\s*(?P<rest>.*)$")
_NUMBER_TERM = re.compile(rf"({_NUMBER_GROUP})\s*([億万千])?")


def read_value(raw, *, words: ValueWords, default_unit: str | None = None) -> list[ValuePart]:
    """14,070人 / 12.5% / 延べ 759 人 / ６１５人 / 小学校:76.5% 中学校:72.1% / 20万人 / ▲5% → one part per breakdown.

    Also 15,000人以上 (a bound: a qualifier), 増加 / 減少 / 現状維持 (a direction, no number; whether the role may be
    one is the caller's question) and 15,000人（令和8年度） (the year beside the value, in ValuePart.year).
    """
    label = cell_text(raw)
    if not label:
        raise CellProblem("value.empty")
    parts = _split_breakdowns(label, words)
    readings = []
    seen = set()
    for breakdown, part_label, body in parts:
        if breakdown in seen:
            raise CellProblem("value.breakdown_twice", text=label, breakdown=part_label)
        seen.add(breakdown)
        readings.append(_read_one_value(body, part_label, breakdown, words=words, default_unit=default_unit))
    return readings


def _split_breakdowns(label: str, words: ValueWords) -> list[tuple[str | None, str, str]]:
    names = sorted(words.breakdowns, key=len, reverse=True)
    if not names:
        return [(None, label, label)]
    pattern = re.compile("(" + "|".join(re.escape(n) for n in names) + r")\s*[:：]")
    starts = list(pattern.finditer(label))
    if not starts:
        return [(None, label, label)]
    if label[:starts[0].start()].strip(" 　、,/／・"):
        raise CellProblem("value.text_before_breakdown", text=label)
    parts = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(label)
        part_label = label[match.start():end].strip().rstrip("、,/／・").strip()
        body = label[match.end():end].strip().rstrip("、,/／・").strip()
        parts.append((words.breakdowns[match.group(1)], part_label, body))
    return parts


def _read_one_value(body: str, part_label: str, breakdown: str | None, *, words: ValueWords,
                    default_unit: str | None) -> ValuePart:
    body, year = _year_beside(body)
    text = nfkc(body).strip()
    qualifiers = set()
    for word, iri in sorted(words.qualifiers.items(), key=lambda kv: -len(kv[0])):
        for form in (f"({nfkc(word)})", nfkc(word)):
            if form in text:
                qualifiers.add(iri)
                text = text.replace(form, " ")
    text = text.strip()
    direction = _direction(text, words)
    if direction is not None:
        # A direction states no number; its unit is the indicator's (what is to rise or fall), which the caller
        # asks for once it knows the role may be a direction at all.
        if qualifiers & BOUND_QUALIFIERS:
            raise CellProblem("value.no_number", text=part_label)
        return ValuePart(number=None, unit=default_unit, label=part_label, breakdown=breakdown,
                         qualifiers=frozenset(qualifiers), direction=direction, year=year)
    if text.startswith(("約", "およそ", "概ね")):
        raise CellProblem("value.approximate", text=part_label)
    match = _NUMBER_EXPRESSION.match(text)
    if not match or not match.group("expr").strip() or match.group("rest")[:1] in tuple("0123456789,."):
        raise CellProblem("value.no_number", text=part_label)
    number = _number_from_expression(match.group("expr"), part_label)
    if match.group("sign"):
        number = -number
    rest = match.group("rest").strip()
    unit = None
    if rest:
        unit = words.units.get(rest) or words.units.get(rest.replace(" ", ""))
        if unit is None:
            raise CellProblem("value.unknown_unit", text=part_label, unit=rest, known="、".join(sorted(words.units)))
        if default_unit and unit != default_unit:
            raise CellProblem("value.unit_differs", text=part_label, unit=rest)
    else:
        unit = default_unit
        if unit is None:
            raise CellProblem("value.no_unit", text=part_label)
    return ValuePart(number=decimal_lexical(number), unit=unit, label=part_label, breakdown=breakdown,
                     qualifiers=frozenset(qualifiers), year=year)


# A parenthesised text closing the value, in either width: 15,000人（令和8年度）, 80%(2026年度).
_TRAILING_PARENTHESES = re.compile(r"[(（]([^()（）]*)[)）]\s*$")


def _year_beside(body: str) -> tuple[str, YearReading | None]:
    """The value without the year written in parentheses after it, and that year (None when there is none).
    Parentheses holding no year (（累計）) stay for the qualifiers; a wrong year (（平成32年度）) is refused."""
    match = _TRAILING_PARENTHESES.search(body)
    if match is None:
        return body, None
    try:
        year = read_year(match.group(1).strip())
    except CellProblem as problem:
        if problem.code in ("year.unreadable", "year.empty"):
            return body, None
        raise
    return body[:match.start()].rstrip(), year


def _direction(text: str, words: ValueWords) -> str | None:
    """The target direction a whole value names (増加, 減少, 現状維持, 維持), else None."""
    return next((iri for word, iri in words.directions.items() if text.replace(" ", "") == nfkc(word)), None)


def _number_from_expression(expr: str, label: str) -> Decimal:
    total = Decimal(0)
    position = 0
    expr = expr.strip()
    last_multiplier = None
    for term in _NUMBER_TERM.finditer(expr):
        if expr[position:term.start()].strip():
            raise CellProblem("value.no_number", text=label)
        position = term.end()
        digits, multiplier = term.group(1), term.group(2)
        factor = _MULTIPLIERS[multiplier] if multiplier else Decimal(1)
        if last_multiplier is not None and factor >= last_multiplier:
            raise CellProblem("value.no_number", text=label)
        last_multiplier = factor
        try:
            total += Decimal(digits.replace(",", "")) * factor
        except InvalidOperation:
            raise CellProblem("value.no_number", text=label) from None
    if expr[position:].strip():
        raise CellProblem("value.no_number", text=label)
    return total


def decimal_lexical(number: Decimal) -> str:
    """The lexical form Turtle writes for a decimal: "615.0", "12.5", "-0.5" (no exponent, no trailing zeros)."""
    text = format(number.normalize(), "f") if number != 0 else "0"
    if "." not in text:
        text += ".0"
    return text


# --- plain numbers --------------------------------------------------------------------------

def read_integer(raw, *, minimum: int | None = None) -> int:
    if isinstance(raw, bool):
        raise CellProblem("integer.unreadable", text=cell_text(raw))
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, float) and raw.is_integer():
        number = int(raw)
    else:
        text = nfkc(cell_text(raw)).replace(",", "").strip()
        if not re.fullmatch(r"[-+]?\d+", text):
            raise CellProblem("integer.unreadable", text=cell_text(raw))
        number = int(text)
    if minimum is not None and number < minimum:
        raise CellProblem("integer.too_small", text=cell_text(raw), minimum=minimum)
    return number


def read_page(raw) -> int:
    """42 / P42 / P.42 / p.42 / 42頁 / 42ページ → 42."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return read_integer(raw, minimum=1)
    text = nfkc(cell_text(raw)).strip()
    match = re.fullmatch(r"(?:[Pp]\.?\s*)?(\d+)\s*(?:頁|ページ|p)?", text)
    if not match:
        raise CellProblem("page.unreadable", text=cell_text(raw))
    return read_integer(match.group(1), minimum=1)


_TRUE_WORDS = {"true", "yes", "y", "1", "はい", "○", "〇", "◯", "有", "あり", "該当"}
_FALSE_WORDS = {"false", "no", "n", "0", "いいえ", "×", "無", "なし", "非該当"}


def read_boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = nfkc(cell_text(raw)).strip().casefold()
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise CellProblem("boolean.unreadable", text=cell_text(raw))
