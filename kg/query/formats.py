"""Answers written out: one writer per format, shared by `kg query` and `kg serve`.

SPARQL results (JSON, XML, CSV, TSV) and RDF (Turtle, N-Triples, JSON-LD, RDF/XML) are written by Oxigraph's own
serializers; only what it lacks is written here: an aligned text table and Markdown, for people. Prefixed names
come from the one namespace table (kg.namespaces).

The server writes within limits: into a buffer that refuses to grow past a byte limit, and with a row limit.
Oxigraph's results writers take a whole answer, so the rows are counted on its TSV form (one line per row: TSV
escapes line breaks inside literals), which is then converted to the format asked for without leaving Rust.

For spreadsheets (issue 21) `kg query` writes TSV as plain values (出生数, 615: not "出生数"@ja, "615"^^xsd:integer,
which is SPARQL's TSV and stays the endpoint's), and any answer as an Excel workbook (openpyxl), numbers as numbers;
a CSV written to a file starts with a byte-order mark, without which Excel on Windows reads UTF-8 as Shift_JIS.
"""

from __future__ import annotations

import datetime
import io
import json
import unicodedata
from pathlib import Path

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
FILE_FORMATS = ("xlsx",)                                          # ... and for any answer, into a file only
# `kg query --out FILE` takes the format from the file's suffix unless --format says otherwise.
SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".txt": "table", ".md": "md", ".json": "json", ".xml": "xml",
                  ".srj": "json", ".srx": "xml", ".ttl": "ttl", ".nt": "nt", ".xlsx": "xlsx"}
BOM = "\ufeff"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_NUMBER_TYPES = {XSD + name: int for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                              "positiveInteger", "negativeInteger", "nonPositiveInteger")} | \
                {XSD + name: float for name in ("decimal", "double", "float")}


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


def write_answer(answer, key: str, out: CappedBuffer, *, max_rows: int) -> int | None:
    """Write an Oxigraph answer (QueryBoolean, QuerySolutions or QueryTriples, or a list of triples) in the format
    `key` of RESULTS_FORMATS or RDF_FORMATS, within `max_rows` rows or triples and the buffer's bytes. Returns the
    number of rows of a SELECT answer (None for others): the server explains an empty one."""
    if isinstance(answer, ox.QueryBoolean):
        answer.serialize(out, format=RESULTS_FORMATS[key])
    elif isinstance(answer, ox.QuerySolutions):
        return _write_solutions(answer, key, out, max_rows=max_rows)
    else:
        prefixes = TURTLE_PREFIXES if key == "ttl" else None
        ox.serialize(_counted(answer, max_rows), out, format=RDF_FORMATS[key], prefixes=prefixes)
    return None


def _write_solutions(solutions: ox.QuerySolutions, key: str, out: CappedBuffer, *, max_rows: int) -> int:
    # The TSV form may be longer than the answer asked for (datatypes written out), never more than twice.
    tsv = CappedBuffer(2 * out.max_bytes)
    try:
        solutions.serialize(tsv, format=ox.QueryResultsFormat.TSV)
    except Exception:
        if tsv.exceeded:
            out.exceeded = True
            raise AnswerTooLarge("bytes", f"the answer is larger than {out.max_bytes:,} bytes") from None
        raise
    return write_tsv_answer(tsv.getvalue(), key, out, max_rows=max_rows)


def write_tsv_answer(data: bytes, key: str, out: CappedBuffer, *, max_rows: int) -> int:
    """Write a SELECT answer given in SPARQL TSV (Oxigraph's, one line per row) in the format `key`, within
    `max_rows` and the buffer's bytes; returns its rows. Answers worked out ahead (kg.serve.ready_answers) are
    written here too, so that they come out byte for byte as a worker's."""
    rows = data.count(b"\n") - 1  # the header line, then one line per row
    if rows > max_rows:
        raise AnswerTooLarge("rows", f"the answer has more than {max_rows:,} rows")
    if key == "tsv":
        out.write(data)
    elif key == "xlsx":
        out.write(xlsx_bytes(result_from_sparql_tsv(data)))
    else:
        ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV).serialize(out, format=RESULTS_FORMATS[key])
    return rows


def result_from_sparql_tsv(data: bytes) -> QueryResult:
    """A SELECT answer back from its SPARQL TSV form (the form workers count rows on)."""
    solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    names = [v.value for v in solutions.variables]
    return QueryResult(form="SELECT", variables=names, rows=[
        {name: solution[name] for name in names if solution[name] is not None} for solution in solutions])


def _counted(items, max_rows: int):
    for count, item in enumerate(items, start=1):
        if count > max_rows:
            raise AnswerTooLarge("rows", f"the answer has more than {max_rows:,} triples")
        yield item


def render(result: QueryResult, fmt: str) -> str:
    """An answer as `kg query --format` prints it."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        if fmt == "xlsx":
            raise QueryError("an Excel workbook is a file, not text to print", hint="give --out FILE.xlsx")
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
    if fmt == "xlsx":
        raise QueryError("an Excel workbook is a file, not text to print / xlsx はファイルに書き出します",
                         hint="give --out FILE.xlsx")
    if fmt == "tsv":
        return plain_tsv(result)
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


def plain_value(term, *, typed: bool = True):
    """A term as a spreadsheet cell holds it: the literal's value (a number as a number, where `typed`), an IRI
    written out, nothing for an unbound variable."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and not typed:
        return term.value
    if isinstance(term, ox.Literal):
        convert = _NUMBER_TYPES.get(term.datatype.value)
        if convert is not None:
            try:
                return convert(term.value)
            except ValueError:
                return term.value
        if term.datatype.value == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def answer_table(result: QueryResult, *, typed: bool = True) -> tuple[list[str], list[list]]:
    """Any answer as a table of plain values: a SELECT's columns, an ASK's one cell, a graph's triples; literals as
    numbers and booleans where `typed`, else as written."""
    if result.form == "ASK":
        return ["boolean"], [[bool(result.boolean) if typed else ("true" if result.boolean else "false")]]
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return ["subject", "predicate", "object"], [
            [plain_value(term, typed=typed) for term in (t.subject, t.predicate, t.object)] for t in result.triples]
    return list(result.variables), [[plain_value(row.get(v), typed=typed) for v in result.variables]
                                    for row in result.rows]


def plain_tsv(result: QueryResult) -> str:
    """TSV of values for spreadsheets: the header names the columns; a tab or line break inside a value becomes a
    space (TSV has no quoting)."""
    header, rows = answer_table(result, typed=False)

    def cell(value) -> str:
        return " ".join(("" if value is None else value).replace("\t", " ").splitlines())

    return "".join("\t".join(cell(v) for v in row) + "\n" for row in [header, *rows])


def xlsx_bytes(result: QueryResult, *, title: str = "answer", created: datetime.datetime | None = None) -> bytes:
    """The answer as an Excel workbook: one sheet, the header row frozen, numbers as numbers, text as text (a value
    starting with = is never a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "answer"
    header, rows = answer_table(result)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Cells made here, not looked up after append: sheet.max_row and sheet[row] scan every cell of the sheet,
        # which made a 30,000-row answer take seven minutes.
        cells = [Cell(sheet, value=ILLEGAL_CHARACTERS_RE.sub(" ", v) if isinstance(v, str) else v) for v in row]
        for cell in cells:
            if cell.data_type == "f":   # openpyxl reads "=…" as a formula: the data is text
                cell.data_type = "s"
        sheet.append(cells)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        longest = max([_width(str(name))] + [_width(str(r[index - 1])) for r in rows[:200] if r[index - 1] is not None])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, max(8, longest + 2))
    if created is not None:
        workbook.properties.created = created
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def format_for_file(path: Path, fmt: str | None) -> str:
    """The format of `kg query --out FILE`: --format when given, else the file's suffix."""
    if fmt:
        return fmt
    found = SUFFIX_FORMATS.get(path.suffix.lower())
    if found is None:
        raise QueryError(f"cannot tell the format of {path.name} from its suffix / ファイル名から形式がわかりません",
                         hint=f"name it {path.stem}.csv, .tsv, .xlsx, .json … or give --format")
    return found


def write_answer_file(result: QueryResult, path: Path, fmt: str, *, bom: bool = True, title: str = "answer") -> None:
    """Write an answer to `path` in `fmt` (a format of `kg query`, or xlsx). CSV and TSV start with a byte-order mark
    unless `bom` is False. The folder must exist: nothing is created outside the file itself."""
    if not path.parent.is_dir():
        raise QueryError(f"the folder {path.parent} does not exist, so {path.name} cannot be written there / "
                         f"フォルダ {path.parent} がありません",
                         hint=f"create it first (mkdir -p {path.parent}) or choose another --out path")
    if fmt == "xlsx":
        data = xlsx_bytes(result, title=title)
    else:
        text = render(result, fmt)
        data = ((BOM if bom and fmt in ("csv", "tsv") else "") + text).encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise QueryError(f"cannot write {path}: {exc.strerror or exc}") from None
