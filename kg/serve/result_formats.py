"""The answer formats the endpoint speaks, and the writers that produce them within the size limits.

SELECT and ASK answers are written here row by row (SPARQL 1.1 JSON, XML, CSV and TSV) rather than by
Oxigraph's serializer, because only a row-by-row writer can stop at the row limit before the whole answer is in
memory. CONSTRUCT and DESCRIBE answers are written by Oxigraph from a counting iterator. Both write into a
buffer that refuses to grow past the byte limit.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..results import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class AnswerFormat:
    key: str
    media_type: str          # what the response says it is
    accepts: tuple[str, ...]  # media types in Accept that choose it (the first is the canonical one)
    names: tuple[str, ...]    # values of the `format` parameter that choose it
    format_iri: str           # http://www.w3.org/ns/formats/… (service description)


FORMATS_NS = "http://www.w3.org/ns/formats/"

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
OXIGRAPH_RDF = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
                "rdfxml": ox.RdfFormat.RDF_XML}


def formats_for(form: str) -> tuple[AnswerFormat, ...]:
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS


def format_by_key(key: str) -> AnswerFormat:
    return next(f for f in SOLUTION_FORMATS + GRAPH_FORMATS if f.key == key)


class AnswerTooLarge(Exception):
    """The answer passed a limit; `limit` is "rows" or "bytes"."""

    def __init__(self, limit: str, message: str):
        super().__init__(message)
        self.limit = limit


class CappedBuffer(io.RawIOBase):
    """A bytes buffer that raises AnswerTooLarge when it would grow past `max_bytes`."""

    def __init__(self, max_bytes: int):
        super().__init__()
        self.max_bytes = max_bytes
        self.exceeded = False
        self._parts: list[bytes] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        size = len(data)
        if self._size + size > self.max_bytes:
            # Oxigraph may wrap an exception raised here in its own; the flag tells the caller what happened.
            self.exceeded = True
            raise AnswerTooLarge("bytes", f"the answer is larger than {self.max_bytes:,} bytes")
        self._parts.append(bytes(data))
        self._size += size
        return size

    def text(self, value: str) -> None:
        self.write(value.encode("utf-8"))

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def write_answer(answer, fmt: AnswerFormat, out: CappedBuffer, *, max_rows: int) -> None:
    """Write an Oxigraph answer (QueryBoolean, QuerySolutions or QueryTriples) in `fmt`."""
    if isinstance(answer, ox.QueryBoolean):
        _write_boolean(bool(answer), fmt.key, out)
    elif isinstance(answer, ox.QuerySolutions):
        _write_solutions(answer, fmt.key, out, max_rows=max_rows)
    else:
        prefixes = PREFIXES if fmt.key == "ttl" else None
        ox.serialize(_counted(answer, max_rows, "triples"), out, format=OXIGRAPH_RDF[fmt.key], prefixes=prefixes)


def _counted(items, max_rows: int, what: str):
    for count, item in enumerate(items, start=1):
        if count > max_rows:
            raise AnswerTooLarge("rows", f"the answer has more than {max_rows:,} {what}")
        yield item


def _write_boolean(value: bool, key: str, out: CappedBuffer) -> None:
    text = "true" if value else "false"
    if key == "json":
        out.text(json.dumps({"head": {}, "boolean": value}))
    elif key == "xml":
        out.text('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                 f"<boolean>{text}</boolean></sparql>\n")
    else:
        out.text(text)  # CSV and TSV define no boolean form; Oxigraph and Jena write the bare word


def _write_solutions(solutions: ox.QuerySolutions, key: str, out: CappedBuffer, *, max_rows: int) -> None:
    names = [v.value for v in solutions.variables]
    rows = _counted(solutions, max_rows, "rows")
    if key == "json":
        out.text(json.dumps({"head": {"vars": names}})[:-1] + ',"results":{"bindings":[')
        for i, solution in enumerate(rows):
            row = {name: _json_term(solution[name]) for name in names if solution[name] is not None}
            out.text(("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False))
        out.text("\n]}}\n")
    elif key == "xml":
        out.text('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
                 + "".join(f"<variable name={quoteattr(n)}/>" for n in names) + "</head>\n<results>\n")
        for solution in rows:
            out.text("<result>" + "".join(f"<binding name={quoteattr(n)}>{_xml_term(solution[n])}</binding>"
                                          for n in names if solution[n] is not None) + "</result>\n")
        out.text("</results>\n</sparql>\n")
    elif key == "csv":
        # SPARQL 1.1 CSV: plain values (IRIs without brackets, literals without datatype), CRLF line ends.
        line = io.StringIO()
        writer = csv.writer(line, lineterminator="\r\n")
        for values in ([names], ([_csv_value(s[n]) for n in names] for s in rows)):
            for value_row in values:
                writer.writerow(value_row)
                out.text(line.getvalue())
                line.seek(0)
                line.truncate()
    else:
        # SPARQL 1.1 TSV: terms in Turtle/N-Triples syntax; a tab inside a literal is written as \t.
        out.text("\t".join(f"?{n}" for n in names) + "\n")
        for solution in rows:
            out.text("\t".join("" if solution[n] is None else str(solution[n]).replace("\t", "\\t")
                               for n in names) + "\n")


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    # A quoted triple (RDF-star): the SPARQL-star JSON form.
    return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>")


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)
