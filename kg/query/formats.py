"""Answers written out: one writer per format, shared by `kg query` and `kg serve`.

SPARQL results (JSON, XML, CSV, TSV) and RDF (Turtle, N-Triples, JSON-LD, RDF/XML) are written by Oxigraph's own
serializers; only what it lacks is written here: an aligned text table and Markdown, for people. Prefixed names
come from the one namespace table (kg.namespaces).

The server writes within limits: into a buffer that refuses to grow past a byte limit, and with a row limit.
Oxigraph's results writers take a whole answer, so the rows are counted on its TSV form (one line per row: TSV
escapes line breaks inside literals), which is then converted to the format asked for without leaving Rust.
"""

from __future__ import annotations

import io
import json
import unicodedata

import pyoxigraph as ox

from ..errors import QueryError
from ..namespaces import TURTLE_PREFIXES, XSD, compact
from .results import QueryResult

RESULTS_FORMATS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                   "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdfxml": ox.RdfFormat.RDF_XML}
TEXT_FORMATS = ("table", "md")  # for people: ours
SELECT_FORMATS = ("table", "md", "csv", "tsv", "json", "xml")   # what `kg query` offers for SELECT and ASK
GRAPH_FORMATS = ("ttl", "nt")                                     # ... and for CONSTRUCT and DESCRIBE


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

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def write_answer(answer, key: str, out: CappedBuffer, *, max_rows: int) -> None:
    """Write an Oxigraph answer (QueryBoolean, QuerySolutions or QueryTriples, or a list of triples) in the format
    `key` of RESULTS_FORMATS or RDF_FORMATS, within `max_rows` rows or triples and the buffer's bytes."""
    if isinstance(answer, ox.QueryBoolean):
        answer.serialize(out, format=RESULTS_FORMATS[key])
    elif isinstance(answer, ox.QuerySolutions):
        _write_solutions(answer, key, out, max_rows=max_rows)
    else:
        prefixes = TURTLE_PREFIXES if key == "ttl" else None
        ox.serialize(_counted(answer, max_rows), out, format=RDF_FORMATS[key], prefixes=prefixes)


def _write_solutions(solutions: ox.QuerySolutions, key: str, out: CappedBuffer, *, max_rows: int) -> None:
    # The TSV form may be longer than the answer asked for (datatypes written out), never more than twice.
    tsv = CappedBuffer(2 * out.max_bytes)
    try:
        solutions.serialize(tsv, format=ox.QueryResultsFormat.TSV)
    except Exception:
        if tsv.exceeded:
            out.exceeded = True
            raise AnswerTooLarge("bytes", f"the answer is larger than {out.max_bytes:,} bytes") from None
        raise
    data = tsv.getvalue()
    rows = data.count(b"\n") - 1  # the header line, then one line per row
    if rows > max_rows:
        raise AnswerTooLarge("rows", f"the answer has more than {max_rows:,} rows")
    if key == "tsv":
        out.write(data)
    else:
        ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV).serialize(out, format=RESULTS_FORMATS[key])


def _counted(items, max_rows: int):
    for count, item in enumerate(items, start=1):
        if count > max_rows:
            raise AnswerTooLarge("rows", f"the answer has more than {max_rows:,} triples")
        yield item


def render(result: QueryResult, fmt: str) -> str:
    """An answer as `kg query --format` prints it."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        if fmt not in ("table",) + GRAPH_FORMATS:
            raise QueryError(f"format {fmt!r} is for SELECT/ASK results",
                             hint="use --format ttl or nt for CONSTRUCT/DESCRIBE")
        if not result.triples:
            return ""
        key = "nt" if fmt == "nt" else "ttl"
        return ox.serialize(result.triples, format=RDF_FORMATS[key],
                            prefixes=TURTLE_PREFIXES if key == "ttl" else None).decode("utf-8")
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"format {fmt!r} is for CONSTRUCT/DESCRIBE results",
                         hint=f"use one of {', '.join(SELECT_FORMATS)}")
    if fmt == "table":
        return _table(result) if result.form != "ASK" else ("true" if result.boolean else "false")
    if fmt == "md":
        return _markdown(result) if result.form != "ASK" else ("true" if result.boolean else "false")
    return engine_answer(result).serialize(format=RESULTS_FORMATS[fmt]).decode("utf-8")


def engine_answer(result: QueryResult) -> ox.QuerySolutions | ox.QueryBoolean:
    """The answer handed back to Oxigraph, to be written by its serializers (SPARQL JSON is the exchange form)."""
    if result.form == "ASK":
        document = {"head": {}, "boolean": bool(result.boolean)}
    else:
        document = {"head": {"vars": result.variables},
                    "results": {"bindings": [{k: json_term(v) for k, v in row.items()} for row in result.rows]}}
    return ox.parse_query_results(json.dumps(document, ensure_ascii=False), format=ox.QueryResultsFormat.JSON)


def json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def short(term) -> str:
    """A readable form for tables: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        shown = compact(term.value)
        return shown if shown != term.value else f"<{term.value}>"
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
    out = [line, "| " + " | ".join(_pad(v, w) for v, w in zip(result.variables, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    out += [line, f"{len(cells)} row(s)"]
    return "\n".join(out)


def _markdown(result: QueryResult) -> str:
    cells = _cells(result)
    out = ["| " + " | ".join(result.variables) + " |", "|" + "|".join("---" for _ in result.variables) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells]
    return "\n".join(out)
