"""The その他の記述 (other statements) sheet: one statement per row, for what no column says.

A row names the subject by its ID, the property by a prefixed name (kg.namespaces) or <IRI>, the value and its
type (@ja, xsd:integer, ID) and the graph (blank: facts, 分類: classification). A typed value is checked as
validation checks literals (kg.validation.literals), so that intake accepts no value that validation refuses.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..namespaces import PREFIXES
from ..validation.literals import ill_typed
from .ids import resolve_id
from .layout import GRAPH_WORDS, OTHER_SHEET
from .result import RowRecord
from .tables import Table
from .values import CellProblem, cell_text, is_blank


def row_cells(values: list, positions: dict[str, int]) -> dict[str, object]:
    """A row's cells by column key, from its values and the position of each column."""
    return {key: (values[i] if i < len(values) else None) for key, i in positions.items()}


def statement_rows(table: Table, letters: dict[str, str], positions: dict[str, int]) -> list[RowRecord]:
    """The rows of the other-statements sheet that are not blank."""
    records = []
    for number, values in table.rows:
        cells = row_cells(values, positions)
        if not all(is_blank(v) for v in cells.values()):
            records.append(RowRecord(OTHER_SHEET, table.name, number, cells, letters))
    return records


def read_statement(record: RowRecord, *, plan: str | None) -> tuple[tuple, str]:
    """(subject, predicate, object) and its graph key; raises CellProblem located at the cell to fix."""
    cells = record.cells
    for key in ("subject", "property"):
        if is_blank(cells.get(key)):
            raise CellProblem("cell.required", column_key=key, column=record.sheet.column(key).ja)
    try:
        subject = resolve_id(cell_text(cells["subject"]), plan=plan)
    except CellProblem as problem:
        raise problem.located("subject") from None
    predicate = property_iri(cell_text(cells["property"]))
    kind = cell_text(cells.get("object_type")).strip()
    raw_object = cells.get("object")
    text = "" if raw_object is None else (raw_object if isinstance(raw_object, str) else cell_text(raw_object))
    if kind.casefold() in ("id", "iri", "資源"):
        try:
            obj = resolve_id(text, plan=plan)
        except CellProblem as problem:
            raise problem.located("object") from None
    elif kind.startswith("@") and len(kind) > 1:
        obj = Literal(text, lang=kind[1:])
    elif kind:
        datatype = property_iri(kind, column_key="object_type", code="other.object_type")
        if _ill_typed(text, datatype, kind):
            raise CellProblem("other.literal", column_key="object", text=text, datatype=kind)
        obj = Literal(text, datatype=datatype) if datatype != XSD.string else Literal(text)
    else:
        obj = Literal(text)
    graph_word = cell_text(cells.get("graph")).strip().casefold()
    graph = next((g for g, words in GRAPH_WORDS.items() if graph_word in [w.casefold() for w in words]), None)
    if graph is None:
        raise CellProblem("other.graph", column_key="graph", text=graph_word)
    return (subject, predicate, obj), graph


def _ill_typed(text: str, datatype: URIRef, kind: str) -> bool:
    try:
        node = ox.NamedNode(str(datatype))
    except ValueError:
        raise CellProblem("other.object_type", column_key="object_type", text=kind) from None
    return ill_typed(ox.Literal(text, datatype=node))


def property_iri(text: str, *, column_key: str = "property", code: str = "other.property") -> URIRef:
    """The IRI of `a`, a prefixed name or an <IRI>; raises CellProblem(code) at `column_key` for anything else."""
    text = text.strip()
    if text == "a":
        return RDF.type
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if text.startswith(("http://", "https://")) and " " not in text:
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and local and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    raise CellProblem(code, column_key=column_key, text=text)
