"""The question catalogue as an HTTP API: a listing, one operation per named query, and its OpenAPI description.

Parameters arrive as URL parameters, are typed by the query's variable names and bound as RDF terms by
kg.query.params (a VALUES block, never pasted into the query text), exactly as `kg query --param` does.
"""

from __future__ import annotations

from urllib.parse import quote

from ..errors import QueryError
from ..query.ask import Question, prepare, scope_of, why_empty
from ..query.catalogue import NamedQuery
from ..query.formats import BOM, AnswerTooLarge, CappedBuffer, plain_tsv, result_from_sparql_tsv, write_tsv_answer
from ..query.local import BuiltStore
from ..query.results import QueryResult
from .limits import ServerLimits
from .result_formats import AnswerFormat, formats_for
from .sparql_protocol import ProtocolError
from .worker_process import WorkerAnswer, too_large

API_PREFIX = "/api/queries"
# URL parameters of every operation, never query parameters: the answer format, the time limit (seconds), and
# whether the answer is a file to save (download=1).
RESERVED = ("format", "timeout", "download")
# Why an answer has no rows (kg.query.ask.why_empty), in a response header: the answer itself stays SPARQL results
# that any client reads, and a header is seen whatever the format (CSV and TSV have nowhere else to say it).
EXPLANATION_HEADER = "Kg-Explanation"
ROWS_HEADER = "Kg-Rows"
# The file name's suffix of an answer saved by download=1, by format key (kg.serve.result_formats).
FILE_SUFFIXES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "xlsx": "xlsx", "ttl": "ttl",
                 "jsonld": "jsonld", "nt": "nt", "rdfxml": "rdf"}
OPENAPI_TYPES = {
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "iri": {"type": "string", "format": "uri"},
    "string": {"type": "string"},
}


def listing(queries: list[NamedQuery]) -> dict:
    return {"queries": [
        {"name": q.name, "summary": q.summary, "description": q.description, "summary_ja": q.summary_ja,
         "description_ja": q.description_ja, "tags": list(q.tags), "form": q.form,
         "needs_inference": q.needs_inference, "url": f"{API_PREFIX}/{q.name}",
         "parameters": [{"name": p.name, "type": p.type, "variable": f"?{p.variable}",
                         "default": q.defaults.get(p.name)} for p in q.params],
         "text": q.text}
        for q in queries]}


def prepared(query: NamedQuery, params: list[tuple[str, str]], built: BuiltStore) -> Question:
    """The question with its parameters bound, from the URL's parameters (RESERVED excepted), as kg.query.prepare
    makes it: a question about one municipality runs on that municipality's graphs."""
    given = _given(params)
    try:
        return prepare(query, given, on=built)
    except QueryError as exc:   # an unknown municipality too: what it may have meant is in the message
        raise ProtocolError(400, str(exc)) from None


def _given(params: list[tuple[str, str]]) -> dict[str, str]:
    given: dict[str, str] = {}
    for name, value in params:
        if name in RESERVED:
            continue
        if name in given:
            raise ProtocolError(400, f"parameter {name} is given more than once")
        given[name] = value
    return given


def scope_of_call(query: NamedQuery, params: list[tuple[str, str]], built: BuiltStore) -> list[str] | None:
    """The municipality codes a call of a one-municipality question asks about (kg.query.ask.scope_of), or None."""
    if not query.scope:
        return None
    try:
        return scope_of(query, _given(params), on=built)
    except QueryError as exc:
        raise ProtocolError(400, str(exc)) from None


def ready_answer(tsv: bytes, fmt: AnswerFormat, limits: ServerLimits) -> WorkerAnswer:
    """An answer worked out ahead (SPARQL TSV, kg.serve.ready_answers) in the format asked for, within the limits
    a worker keeps: what a worker would have answered, byte for byte."""
    out = CappedBuffer(limits.max_bytes)
    try:
        rows = write_tsv_answer(tsv, fmt.key, out, max_rows=limits.max_rows)
    except AnswerTooLarge as exc:
        return too_large(exc.limit, str(exc))
    return WorkerAnswer(status=200, media_type=fmt.media_type, body=out.getvalue(), rows=rows)


def explanation(question: Question, built: BuiltStore) -> str | None:
    """Why the question's answer has no rows, in the words `kg query` prints on stderr (kg.query.ask.why_empty):
    a municipality with no plan in the graph yet, or what was asked. Called for an empty SELECT answer only."""
    return why_empty(question, QueryResult(form="SELECT", variables=[], rows=[]), on=built)


def explanation_header(sentence: str) -> str:
    """The sentence as an HTTP header value: header values are ASCII, and the sentence has Japanese in it, so it is
    an RFC 8187 ext-value (UTF-8'' and percent-encoded UTF-8), as in `filename*=`. Read back with
    decodeURIComponent(value.slice(7)) in a browser, urllib.parse.unquote(value[7:]) in Python."""
    return "UTF-8''" + quote(sentence, safe="")


def wants_download(params: list[tuple[str, str]]) -> bool:
    """download=1 (or true): the answer is a file to save."""
    values = [v.strip().lower() for k, v in params if k == "download"]
    if not values:
        return False
    if len(values) > 1 or values[0] not in ("1", "true", "0", "false", ""):
        raise ProtocolError(400, "download is 1 (the answer as a file to save, CSV and TSV with a byte-order mark) "
                                 "or 0")
    return values[0] in ("1", "true")


def as_download(body: bytes, format_key: str, name: str) -> tuple[bytes, dict[str, str]]:
    """An answer as a file to save: named (Content-Disposition) and, for CSV and TSV, starting with a UTF-8
    byte-order mark, as `kg query --out` writes them: without it Excel on Windows reads UTF-8 as Shift_JIS and the
    Japanese is garbled. Only here, not in the plain text/csv programmatic clients get: a BOM is not part of SPARQL
    1.1 Results CSV/TSV, and many readers (Python's csv without utf-8-sig, pandas, awk, other SPARQL clients) would
    take it into the first column's name."""
    if format_key == "tsv":
        # A file for a spreadsheet: values as kg query --out writes them (出生数, 615), not SPARQL's TSV terms
        # ("出生数"@ja, "615"^^xsd:integer), which stay the endpoint's plain answer.
        try:
            body = plain_tsv(result_from_sparql_tsv(body)).encode("utf-8")
        except (SyntaxError, ValueError):
            pass  # not a SELECT answer in TSV: saved as it came
    if format_key in ("csv", "tsv"):
        body = BOM.encode("utf-8") + body
    filename = f"{name}.{FILE_SUFFIXES.get(format_key, format_key)}"
    return body, {"Content-Disposition": f'attachment; filename="{filename}"'}


def openapi(queries: list[NamedQuery], *, version: str) -> dict:
    """An OpenAPI 3.1 description of the API, generated from the query files' headers."""
    paths = {API_PREFIX: {"get": {
        "operationId": "listQueries",
        "summary": "The question catalogue: every named query with its parameters and text",
        "responses": {"200": {"description": "the catalogue",
                              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Catalogue"}}}}},
    }}}
    for query in queries:
        paths[f"{API_PREFIX}/{query.name}"] = {"get": _operation(query)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "JP Plan KG — named queries",
            "version": version,
            "description": "The cross-city questions of the JP Plan KG as HTTP operations. Each runs one SPARQL query "
                           "(see the `text` in the catalogue) on the read-only store; parameters are typed and bound "
                           "as RDF terms. Answers are SPARQL 1.1 results (JSON by default, or CSV, TSV, XML by "
                           "Accept or `format`).",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Catalogue": {"type": "object", "properties": {"queries": {"type": "array", "items": {"type": "object"}}}},
                "SparqlResults": {"type": "object", "description": "SPARQL 1.1 Query Results JSON Format",
                                  "properties": {"head": {"type": "object"}, "results": {"type": "object"},
                                                 "boolean": {"type": "boolean"}}},
            },
            "responses": {
                "BadRequest": {"description": "unknown parameter or a value of the wrong type",
                               "content": {"text/plain": {"schema": {"type": "string"}}}},
                "Limit": {"description": "the query ran past the time limit or its answer past the size limit",
                          "content": {"text/plain": {"schema": {"type": "string"}}}},
                "TooMany": {"description": "too many requests, or too many queries at once, from this client; "
                                           "the Retry-After header says when to try again",
                            "content": {"text/plain": {"schema": {"type": "string"}}}},
            },
        },
    }


def _operation(query: NamedQuery) -> dict:
    parameters = []
    for spec in query.params:
        schema = dict(OPENAPI_TYPES[spec.type])
        default = query.defaults.get(spec.name)
        if default is not None:
            schema["default"] = _typed_default(spec.type, default)
        parameters.append({
            "name": spec.name, "in": "query", "required": default is None, "schema": schema,
            "description": f"{spec.type}, bound to ?{spec.variable}",
        })
    formats = formats_for(query.form or "SELECT")
    parameters.append({"name": "format", "in": "query", "required": False,
                       "schema": {"type": "string", "enum": [f.names[0] for f in formats]},
                       "description": "the answer format (instead of an Accept header)"})
    parameters.append({"name": "download", "in": "query", "required": False,
                       "schema": {"type": "integer", "enum": [0, 1]},
                       "description": "1: the answer as a file to save (Content-Disposition with a file name); CSV "
                                      "and TSV then start with a UTF-8 byte-order mark, so that Excel reads the "
                                      "Japanese. Without it, CSV and TSV are SPARQL 1.1 Results, with no mark"})
    parameters.append({"name": "timeout", "in": "query", "required": False,
                       "schema": {"type": "number", "exclusiveMinimum": 0},
                       "description": "seconds the query may run; the server's own limit caps it (the Kg-Timeout "
                                      "header of the answer says which applied)"})
    content = {f.accepts[0]: ({"schema": {"$ref": "#/components/schemas/SparqlResults"}} if f.key == "json"
                              else {"schema": {"type": "string"}}) for f in formats}
    operation = {
        "operationId": "query_" + query.name.replace("-", "_"),
        "summary": query.summary,
        "description": query.description,
        "parameters": parameters,
        "responses": {
            "200": {"description": "the answer", "content": content, "headers": {
                ROWS_HEADER: {"description": "the number of rows of a SELECT answer",
                              "schema": {"type": "integer"}},
                EXPLANATION_HEADER: {
                    "description": "only when a SELECT answer has no rows: why, as `kg query` says it (a municipality "
                                   "with no plan in the graph yet, or what was asked), in Japanese and English; an "
                                   "RFC 8187 ext-value (UTF-8'' then percent-encoded UTF-8)",
                    "schema": {"type": "string"}}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "429": {"$ref": "#/components/responses/TooMany"},
            "503": {"$ref": "#/components/responses/Limit"},
        },
    }
    if query.tags:
        operation["tags"] = list(query.tags)
    return operation


def _typed_default(kind: str, value: str):
    if kind == "integer":
        return int(value)
    if kind == "decimal":
        return float(value)
    if kind == "boolean":
        return value.lower() == "true"
    return value
