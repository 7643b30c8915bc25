"""Query parameters: named by the query's variables (`?_year_integer`), typed by their suffix, bound as RDF terms.

The terms go into a VALUES block that opens the query's WHERE group (kg.query.text.with_values_block), the
same text locally and on a remote endpoint. The value is an RDF term built and validated here, serialised by
Oxigraph, never text pasted into the query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from ..eras import NoSuchEraYear, match_era_year
from ..errors import QueryError
from ..namespaces import XSD
from .results import Term
from .text import with_values_block

TYPES = ("iri", "integer", "decimal", "boolean", "date", "string")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What may follow a year: 2026年度, 令和8年, R8 (a fiscal year and a calendar year are the same number here).
_YEAR_SUFFIX = re.compile(r"\s*(?:年度|年)?")
MAX_VALUE_LENGTH = 2000


@dataclass(frozen=True)
class ParamSpec:
    name: str       # what users pass: --param year=2026
    variable: str   # the query variable without "?": _year_integer
    type: str


def param_spec(variable: str) -> ParamSpec | None:
    """`_year_integer` → year (integer); `_keyword` → keyword (string); other variables are not parameters."""
    if not variable.startswith("_") or len(variable) < 2:
        return None
    body = variable[1:]
    name, _, suffix = body.rpartition("_")
    if name and suffix in TYPES:
        return ParamSpec(name=name, variable=variable, type=suffix)
    return ParamSpec(name=body, variable=variable, type="string")


def to_term(spec: ParamSpec, raw: str) -> ox.NamedNode | ox.Literal:
    # Clerks type full-width digits (２０２６); NFKC folds them to ASCII before checking.
    value = unicodedata.normalize("NFKC", raw).strip() if spec.type != "string" else raw
    if len(value) > MAX_VALUE_LENGTH:
        raise QueryError(f"parameter {spec.name}: value longer than {MAX_VALUE_LENGTH} characters")
    if any(unicodedata.category(c) == "Cc" and c not in "\t" for c in value):
        raise QueryError(f"parameter {spec.name}: control characters are not allowed")
    if spec.type == "iri":
        if not re.match(r"(?:https?|urn):", value):
            raise QueryError(f"parameter {spec.name}: {value!r} is not an absolute http(s) or urn IRI")
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise QueryError(f"parameter {spec.name}: invalid IRI {value!r}: {exc}") from None
    if spec.type == "integer" and "year" in spec.name:
        return ox.Literal(str(year_value(spec, value, raw)), datatype=ox.NamedNode(XSD + "integer"))
    if spec.type == "integer":
        if not _INTEGER.fullmatch(value):
            raise QueryError(f"parameter {spec.name}: {raw!r} is not an integer", hint="write digits only, e.g. 2026")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if spec.type == "decimal":
        if not _DECIMAL.fullmatch(value):
            raise QueryError(f"parameter {spec.name}: {raw!r} is not a decimal number")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "decimal"))
    if spec.type == "boolean":
        if value.lower() not in ("true", "false"):
            raise QueryError(f"parameter {spec.name}: {raw!r} is not true or false")
        return ox.Literal(value.lower(), datatype=ox.NamedNode(XSD + "boolean"))
    if spec.type == "date":
        if not _DATE.fullmatch(value):
            raise QueryError(f"parameter {spec.name}: {raw!r} is not a date (YYYY-MM-DD)")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(value)


def year_value(spec: ParamSpec, value: str, raw: str) -> int:
    """A year parameter's western year: 2026, 2026年度, 令和8, 令和8年度, R8, 令和元年 (kg.eras, as ingest reads
    them). `value` is NFKC-folded already, so ｒ８ and ２０２６ are read too."""
    era = match_era_year(value)
    digits = _INTEGER.match(value) if era is None else None
    end = era.end if era is not None else (digits.end() if digits else 0)
    suffix = _YEAR_SUFFIX.match(value, end)
    if digits and suffix.end() == len(value):
        return int(digits.group())
    if era is None or suffix.end() != len(value):
        raise QueryError(f"parameter {spec.name}: {raw!r} is not an integer or an era year / 年として読めません",
                         hint="write a western year (2026) or an era year (令和8, 令和8年度, R8)")
    try:
        return era.western
    except NoSuchEraYear:
        last = f"{era.era.name}{era.era.last_year}" if era.era.last_year else None
        raise QueryError(f"parameter {spec.name}: {era.era.name}{era.number} does not exist / "
                         f"{era.era.name}{era.number}年はありません",
                         hint=f"{era.era.name} ends in {last} ({era.era.offset + era.era.last_year})" if last else
                         f"{era.era.name} starts with {era.era.name}元年 ({era.era.offset + 1})") from None


def serialize_term(term: ox.NamedNode | ox.Literal) -> str:
    """SPARQL syntax for a term: Oxigraph writes N-Triples, which SPARQL reads (escapes included)."""
    return str(term)


def bind_parameters(specs: list[ParamSpec], given: dict[str, str], defaults: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Terms for every parameter: given values, else defaults; unknown or missing names are errors."""
    by_name = {s.name: s for s in specs}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        known = ", ".join(sorted(by_name)) or "none"
        raise QueryError(f"unknown parameter(s): {', '.join(unknown)}", hint=f"this query takes: {known}")
    bound = {}
    for spec in specs:
        raw = given.get(spec.name, defaults.get(spec.name))
        if raw is None:
            raise QueryError(f"parameter {spec.name} ({spec.type}) has no value and no default",
                             hint=f"pass --param {spec.name}=VALUE")
        bound[spec.variable] = to_term(spec, str(raw))
    return bound


def bound_query_text(query: str, bindings: dict[str, Term | list[Term]] | None) -> str:
    """The query with its parameters as a VALUES block opening the WHERE group (a list of terms: one row each)."""
    return with_values_block(query, {name: [serialize_term(t) for t in term] if isinstance(term, list)
                                     else serialize_term(term) for name, term in (bindings or {}).items()})
