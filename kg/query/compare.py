"""Comparing query answers as multisets of rows, literals compared by value (615 = 615.0 = "615"^^xsd:integer)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..namespaces import XSD

NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                              "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def term_value(term):
    """A plain Python value for comparison: Decimal for numbers, bool, str for text and IRIs, None if unbound."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in NUMERIC:
            try:
                return Decimal(term.value).normalize()
            except InvalidOperation:
                return term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return term.value


def plain_value(value):
    """The same normalisation for values written by hand (JSON numbers, strings, booleans, null)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value)).normalize()
    return value


def rows_as_values(rows: list[dict], columns: list[str]) -> list[tuple]:
    return [tuple(term_value(row.get(c)) for c in columns) for row in rows]


def multiset_difference(actual: list[tuple], expected: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """(rows only in actual, rows only in expected), each with multiplicity."""
    a, e = Counter(actual), Counter(expected)
    return sorted((a - e).elements(), key=repr), sorted((e - a).elements(), key=repr)
