"""The answer formats the endpoint speaks: their media types, the names a client may ask for them by, and the
format IRIs of the service description. The writers are Oxigraph's, shared with `kg query` (kg.query.formats)."""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import FORMATS as FORMATS_NS
from ..query.formats import XLSX_MEDIA_TYPE


@dataclass(frozen=True)
class AnswerFormat:
    key: str
    media_type: str          # what the response says it is
    accepts: tuple[str, ...]  # media types in Accept that choose it (the first is the canonical one)
    names: tuple[str, ...]    # values of the `format` parameter that choose it
    format_iri: str           # http://www.w3.org/ns/formats/… (service description)


# In order of preference: the first is the default when the client accepts anything.
SOLUTION_FORMATS = (
    AnswerFormat("json", "application/sparql-results+json",
                 ("application/sparql-results+json", "application/json"), ("json", "srj"),
                 FORMATS_NS + "SPARQL_Results_JSON"),
    AnswerFormat("xml", "application/sparql-results+xml",
                 ("application/sparql-results+xml", "application/xml", "text/xml"), ("xml", "srx"),
                 FORMATS_NS + "SPARQL_Results_XML"),
    AnswerFormat("csv", "text/csv; charset=utf-8", ("text/csv",), ("csv",), FORMATS_NS + "SPARQL_Results_CSV"),
    AnswerFormat("tsv", "text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",), ("tsv",),
                 FORMATS_NS + "SPARQL_Results_TSV"),
)
# Tables for spreadsheets, written by kg (kg.query.formats), for SELECT answers: not SPARQL results formats, so not
# in the service description (format_iri is the media type's IANA registration).
TABLE_FORMATS = (
    AnswerFormat("xlsx", XLSX_MEDIA_TYPE, (XLSX_MEDIA_TYPE,), ("xlsx", "excel"),
                 "https://www.iana.org/assignments/media-types/" + XLSX_MEDIA_TYPE),
)
GRAPH_FORMATS = (
    AnswerFormat("ttl", "text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle", "application/turtle"),
                 ("ttl", "turtle", "n3"), FORMATS_NS + "Turtle"),
    AnswerFormat("jsonld", "application/ld+json", ("application/ld+json", "application/json"),
                 ("jsonld", "json-ld", "json"), FORMATS_NS + "JSON-LD"),
    AnswerFormat("nt", "application/n-triples; charset=utf-8", ("application/n-triples", "text/plain"),
                 ("nt", "ntriples", "n-triples"), FORMATS_NS + "N-Triples"),
    AnswerFormat("rdfxml", "application/rdf+xml", ("application/rdf+xml",), ("rdfxml", "rdf+xml", "xml", "rdf"),
                 FORMATS_NS + "RDF_XML"),
)


ALL_FORMATS = SOLUTION_FORMATS + TABLE_FORMATS + GRAPH_FORMATS
# SPARQL 1.1 Results CSV and TSV define no form for a boolean: an ASK answer in them would be a bare "true" that
# no CSV/TSV results reader accepts. ASK is answered in the formats that define one (JSON, XML).
BOOLEAN_FORMATS = tuple(f for f in SOLUTION_FORMATS if f.key in ("json", "xml"))


def formats_for(form: str) -> tuple[AnswerFormat, ...]:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_FORMATS
    return BOOLEAN_FORMATS if form == "ASK" else SOLUTION_FORMATS + TABLE_FORMATS


def refusal_for(form: str, fmt: AnswerFormat, asked: str) -> str:
    """Why `asked`, a name or media type of a format the endpoint writes (`fmt`), is not one for answers of this
    form (a sentence without its full stop)."""
    answer = {"SELECT": "a SELECT answer is a table of results", "ASK": "an ASK answer is true or false"}.get(
        form, f"a {form} answer is an RDF graph")
    if fmt in GRAPH_FORMATS:
        return f"{answer}, and {asked} is a format for RDF graphs (CONSTRUCT, DESCRIBE)"
    if fmt in TABLE_FORMATS:
        return f"{answer}, and {asked} is a spreadsheet of a SELECT answer's table"
    if form == "ASK":
        return f"{answer}, and {asked} (SPARQL 1.1 Query Results {fmt.key.upper()}) defines no way to write one"
    return f"{answer}, and {asked} is a format for SELECT and ASK results"


def format_by_key(key: str) -> AnswerFormat:
    return next(f for f in ALL_FORMATS if f.key == key)
