"""Printing query results: table, csv, tsv, json, md for SELECT/ASK; ttl (and nt) for CONSTRUCT/DESCRIBE."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pyoxigraph as ox

from .errors import QueryError
from .querying import QueryResult

SELECT_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("ttl", "nt")

PREFIXES = {
    "id": "https://w3id.org/jp-plan-kg/id/",
    "jpp": "https://w3id.org/jp-plan-kg/ontology#",
    "vp": "https://w3id.org/jp-plan-kg/vocab/viewpoint/",
    "pd": "https://w3id.org/jp-plan-kg/vocab/policy-domain/",
    "nd": "https://w3id.org/jp-plan-kg/vocab/national-direction/",
    "u": "https://w3id.org/jp-plan-kg/vocab/unit/",
    "sdg": "http://metadata.un.org/sdg/",
    "graph": "https://w3id.org/jp-plan-kg/graph/",
    "jpps": "https://w3id.org/jp-plan-kg/shapes#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "schema": "https://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
}


def render(result: QueryResult, fmt: str) -> str:
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        if fmt in ("table", "ttl"):
            return _graph(result.triples, ox.RdfFormat.TURTLE)
        if fmt == "nt":
            return _graph(result.triples, ox.RdfFormat.N_TRIPLES)
        raise QueryError(f"format {fmt!r} is for SELECT/ASK results", hint="use --format ttl or nt for CONSTRUCT/DESCRIBE")
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"format {fmt!r} is for CONSTRUCT/DESCRIBE results", hint=f"use one of {', '.join(SELECT_FORMATS)}")
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean}) if fmt == "json" else ("true" if result.boolean else "false")
    return {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "md": _markdown}[fmt](result)


def short(term) -> str:
    """A readable form for tables: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in PREFIXES.items():
            if term.value.startswith(ns) and len(term.value) > len(ns):
                return f"{prefix}:{term.value[len(ns):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _cells(result: QueryResult) -> list[list[str]]:
    return [[short(row.get(v)).replace("\n", " ") for v in result.variables] for row in result.rows]


def _table(result: QueryResult) -> str:
    cells = _cells(result)
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(_pad(v, w) for v, w in zip(result.variables, widths)) + " |", line]
    out += ["| " + " | ".join(_pad(c, w) for c, w in zip(r, widths)) + " |" for r in cells]
    out += [line, f"{len(cells)} row(s)"]
    return "\n".join(out)


def _markdown(result: QueryResult) -> str:
    cells = _cells(result)
    out = ["| " + " | ".join(result.variables) + " |", "|" + "|".join("---" for _ in result.variables) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells]
    return "\n".join(out)


def _csv(result: QueryResult) -> str:
    # SPARQL 1.1 CSV results: plain values, IRIs without brackets.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([("" if row.get(v) is None else (f"_:{row[v].value}" if isinstance(row[v], ox.BlankNode) else row[v].value))
                         for v in result.variables])
    return buffer.getvalue().rstrip("\r\n")


def _tsv(result: QueryResult) -> str:
    # SPARQL 1.1 TSV results: terms in SPARQL/N-Triples syntax.
    out = ["\t".join(f"?{v}" for v in result.variables)]
    out += ["\t".join("" if row.get(v) is None else str(row[v]) for v in result.variables) for row in result.rows]
    return "\n".join(out)


def json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _json(result: QueryResult) -> str:
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": [
        {k: json_term(v) for k, v in row.items()} for row in result.rows]}}, ensure_ascii=False, indent=1)


def _graph(triples, fmt) -> str:
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes).decode("utf-8") if triples else ""
