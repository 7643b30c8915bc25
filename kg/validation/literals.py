"""Literals that parse but cannot be right: a value outside its datatype ("abc"^^xsd:integer) and text with
control characters.

RDF syntax allows both, so the parsers accept them. Validation reports them as problems (exit 1) before the
shapes run, and keeps ill-typed values away from pySHACL, which otherwise crashes comparing them
(sh:lessThanOrEquals) or reports them nowhere (a property no shape constrains).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Sequence
from functools import lru_cache

import pyoxigraph as ox
import rdflib

from ..namespaces import XSD
from ..rdf.files import printable
from .labels import labels_of
from .report import ValidationIssue

_TIMEZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
# The XSD types rdflib does not check itself; rdflib knows the others (integer, decimal, date, dateTime, boolean …).
# The commonest types are checked here too, by their XSD lexical rules: rdflib is slow per value (and its integer
# check, Python's int(), lets "1_000" through).
_LEXICAL = {
    XSD + "gYear": re.compile(_YEAR + _TIMEZONE),
    XSD + "gYearMonth": re.compile(_YEAR + r"-(?:0[1-9]|1[0-2])" + _TIMEZONE),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
}
# C0 controls but tab, line feed and carriage return; DEL and C1; the bidirectional embeddings, overrides and
# isolates, which reorder what a reader sees ("Trojan Source"). Japanese plan text needs none of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

MESSAGES = {
    "ill-typed": {
        "ja": "値「{value}」は {datatype} として読めません。{datatype} の書き方で書き直すか、型を直してください。",
        "en": "The value \"{value}\" is not a valid {datatype}; write it as {datatype} requires, or correct the datatype.",
    },
    "control": {
        "ja": "文字列に制御文字（{codes}）が含まれています。削除してください。",
        "en": "The text contains control characters ({codes}); remove them.",
    },
}
SOURCES = {"ill-typed": "kg:well-typed-literal", "control": "kg:no-control-characters"}
CONSTRAINTS = {"ill-typed": "DatatypeConstraintComponent", "control": "ControlCharacters"}


def ill_typed(literal: ox.Literal) -> bool:
    """True when an XSD-typed literal's text is not in its datatype's lexical space."""
    datatype = literal.datatype.value
    if literal.language or not datatype.startswith(XSD) or datatype == XSD + "string":
        return False
    return _ill_typed(literal.value, datatype)


@lru_cache(maxsize=65536)  # years, counts and flags repeat across a nation's plans
def _ill_typed(text: str, datatype: str) -> bool:
    pattern = _LEXICAL.get(datatype)
    if pattern is not None:
        return pattern.fullmatch(text.strip()) is None
    # rdflib logs a traceback and warns for every value it cannot convert: the problem is reported here instead.
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bool(rdflib.Literal(text, datatype=rdflib.URIRef(datatype)).ill_typed)
    finally:
        logger.setLevel(level)


def check_literals(data: Sequence[ox.Triple], *, lang: str, origin: dict[str, tuple[str, ...]]
                   ) -> tuple[list[ValidationIssue], list[ox.Triple]]:
    """The problems found, and the triples without the ill-typed ones (what the shapes may safely see)."""
    language = "ja" if lang == "ja" else "en"
    found: list[tuple[str, ox.Triple, dict]] = []
    kept: list[ox.Triple] = []
    for triple in data:
        value = triple.object
        if not isinstance(value, ox.Literal):
            kept.append(triple)
            continue
        if ill_typed(value):
            found.append(("ill-typed", triple, {"datatype": _short_xsd(value.datatype.value)}))
            continue
        kept.append(triple)
        controls = sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(value.value)})
        if controls:
            found.append(("control", triple, {"codes": ", ".join(controls)}))
    if not found:
        return [], kept
    labels = labels_of(data, language)
    issues = []
    for kind, triple, details in found:
        shown = printable(triple.object.value)
        issues.append(ValidationIssue(
            focus_node=triple.subject.value,
            focus_label=labels.get(triple.subject.value),
            result_path=triple.predicate.value,
            result_path_label=None,
            value=printable(str(triple.object)),
            source_shape=SOURCES[kind],
            constraint=CONSTRAINTS[kind],
            severity="Violation",
            message=MESSAGES[kind][language].format(value=shown, **details),
            files=origin.get(triple.subject.value, ()),
        ))
    return issues, kept


def _short_xsd(iri: str) -> str:
    return "xsd:" + iri[len(XSD):] if iri.startswith(XSD) else f"<{iri}>"
