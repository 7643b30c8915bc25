"""XSD literals as the SHACL engine needs them: whether a literal is a well-formed value of its datatype
(sh:datatype, SHACL 4.1.2: "a literal that is ill-formed for its datatype" fails), and the order of values
(sh:minInclusive and friends, sh:lessThan), by value rather than by text: numbers as numbers, dates and
times as instants on one time line whatever their time zones.

The integer types keep their ranges ("300"^^xsd:byte is ill-formed); the types not written out here are
judged by kg.validation.literals, the check `kg validate` runs on every literal before the shapes.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox

from ...namespaces import RDF, XSD
from ..literals import ill_typed

_INTEGER_RANGES = {  # datatype -> (least, greatest); None for no bound
    "integer": (None, None), "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1), "short": (-2**15, 2**15 - 1),
    "byte": (-2**7, 2**7 - 1), "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1), "unsignedByte": (0, 2**8 - 1),
}
INTEGERS = {XSD + t for t in _INTEGER_RANGES}
NUMBERS = INTEGERS | {XSD + "decimal", XSD + "double", XSD + "float"}
_TZ = r"(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"(-?(?:[1-9][0-9]{3,}|0[0-9]{3}))"
_DATE = _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9](?:\.[0-9]+)?)|(24):(00):(00(?:\.0+)?))"
_PATTERNS = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
    XSD + "date": re.compile(_DATE + _TZ),
    XSD + "dateTime": re.compile(_DATE + "T" + _TIME + _TZ),
    XSD + "time": re.compile(_TIME + _TZ),
    XSD + "gYear": re.compile(_YEAR + _TZ),
    XSD + "gYearMonth": re.compile(_YEAR + r"-(0[1-9]|1[0-2])" + _TZ),
    XSD + "gMonthDay": re.compile(r"--(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])" + _TZ),
    XSD + "gMonth": re.compile(r"--(0[1-9]|1[0-2])" + _TZ),
    XSD + "gDay": re.compile(r"---(0[1-9]|[12][0-9]|3[01])" + _TZ),
}
_PATTERNS[XSD + "float"] = _PATTERNS[XSD + "double"]
_PATTERNS[XSD + "dateTimeStamp"] = re.compile(_DATE + "T" + _TIME + r"(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))")
_FOURTEEN_HOURS = Decimal(14 * 3600)


def well_formed(literal: ox.Literal) -> bool:
    """Whether the literal's text is a value of its datatype (any text is, for datatypes outside XSD)."""
    return _well_formed(literal.value, literal.datatype.value)


@lru_cache(maxsize=65536)  # years, counts and flags repeat across a nation's plans
def _well_formed(text: str, datatype: str) -> bool:
    if datatype == RDF + "langString" or not datatype.startswith(XSD) or datatype == XSD + "string":
        return True
    kind = XSD + "integer" if datatype in INTEGERS else datatype
    pattern = _PATTERNS.get(kind)
    if pattern is None:
        return not ill_typed(ox.Literal(text, datatype=ox.NamedNode(datatype)))
    match = pattern.fullmatch(text.strip())
    if match is None:
        return False
    if datatype in INTEGERS:
        low, high = _INTEGER_RANGES[datatype.removeprefix(XSD)]
        return (low is None or int(text) >= low) and (high is None or int(text) <= high)
    if kind in (XSD + "date", XSD + "dateTime", XSD + "dateTimeStamp"):
        return _day_exists(match.group(1), match.group(2), match.group(3))
    return True


def _day_exists(year: str, month: str, day: str) -> bool:
    y, m, d = int(year), int(month), int(day)
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    return d <= (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[m - 1]


def compare(a, b) -> int | None:
    """-1, 0 or 1 as a is less than, equal to or greater than b by value; None when the two cannot be
    compared (different kinds of value, ill-formed, NaN, or an order the time zones leave undecided)."""
    x, y = _ordered(a), _ordered(b)
    if x is None or y is None or x[0] != y[0]:
        return None
    if x[0] == "instant":
        return _compare_instants(x[1], y[1])
    if x[1] != x[1] or y[1] != y[1]:  # NaN
        return None
    return (x[1] > y[1]) - (x[1] < y[1])


def _compare_instants(x: tuple, y: tuple) -> int | None:
    """XSD 3.2.7.4: a value without a time zone lies anywhere from 14 hours before to 14 hours after the
    same clock reading in UTC; against one with a time zone the order holds only if it holds across that span."""
    (tx, zoned_x, kind_x), (ty, zoned_y, kind_y) = x, y
    if kind_x != kind_y:
        return None
    if zoned_x == zoned_y:
        return (tx > ty) - (tx < ty)
    if zoned_x:
        result = _compare_instants(y, x)
        return None if result is None else -result
    if tx + _FOURTEEN_HOURS < ty:
        return -1
    if tx - _FOURTEEN_HOURS > ty:
        return 1
    return None


def _ordered(term):
    """("number", value), ("instant", (seconds, zoned, kind)) or (datatype, text) for a literal with an order."""
    if not isinstance(term, ox.Literal) or term.language or not well_formed(term):
        return None
    datatype, text = term.datatype.value, term.value.strip()
    try:
        if datatype in INTEGERS or datatype == XSD + "decimal":
            return "number", Decimal(text)
        if datatype in (XSD + "double", XSD + "float"):
            return "number", float(text.replace("INF", "inf"))
    except (InvalidOperation, ValueError):
        return None
    if datatype in (XSD + "dateTime", XSD + "dateTimeStamp", XSD + "date", XSD + "time"):
        return _instant(datatype, text)
    if datatype in (XSD + "string", XSD + "gYear", XSD + "gYearMonth"):  # fixed-width text: its order
        return datatype, text
    return None


def _instant(datatype: str, text: str):
    """Seconds on one time line (UTC when zoned), whether a time zone was given, and which kind of value: a
    dateTime and a dateTimeStamp compare; a date, a time and a dateTime do not (XPath 2.0 operators)."""
    kind = "time" if datatype == XSD + "time" else "date" if datatype == XSD + "date" else "dateTime"
    match = _PATTERNS[XSD + kind].fullmatch(text)
    groups = list(match.groups())
    if kind == "time":
        day, rest = 0, groups
    else:
        year, month, dom = int(groups[0]), int(groups[1]), int(groups[2])
        if not 1 <= year <= 9999:
            return None  # beyond Python's calendar: left undecided rather than guessed
        day, rest = date(year, month, dom).toordinal(), groups[3:]
    zone = rest[-1]
    if kind == "date":
        seconds = Decimal(0)
    else:
        h, m, s = (rest[0], rest[1], rest[2]) if rest[0] is not None else (rest[3], rest[4], rest[5])
        seconds = Decimal(int(h) * 3600 + int(m) * 60) + Decimal(s)
    seconds += Decimal(day * 86400)
    if zone not in (None, "Z"):
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * Decimal(int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return "instant", (seconds, zone is not None, kind)
