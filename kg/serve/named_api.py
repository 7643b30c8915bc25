"""The question catalogue as an HTTP API: a listing, one operation per named query, and its OpenAPI description.

Parameters arrive as URL parameters, are typed by the query's variable names and bound as RDF terms by
kg.query.params (a VALUES block, never pasted into the query text), exactly as `kg query --param` does.
"""

from __future__ import annotations

from ..errors import QueryError
from ..query.ask import prepare
from ..query.catalogue import NamedQuery
from ..query.local import BuiltStore
from .result_formats import formats_for
from .sparql_protocol import ProtocolError

API_PREFIX = "/api/queries"
# URL parameters of every operation, never query parameters: the answer format and the time limit (seconds).
RESERVED = ("format", "timeout")
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
        {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags), "form": q.form,
         "needs_inference": q.needs_inference, "url": f"{API_PREFIX}/{q.name}",
         "parameters": [{"name": p.name, "type": p.type, "variable": f"?{p.variable}",
                         "default": q.defaults.get(p.name)} for p in q.params],
         "text": q.text}
        for q in queries]}


def bound_text(query: NamedQuery, params: list[tuple[str, str]], built: BuiltStore) -> str:
    """The query text with its parameters bound, from the URL's parameters (`format` and `timeout` excepted), as
    kg.query.prepare makes it: a question about one municipality runs on that municipality's graphs."""
    given: dict[str, str] = {}
    for name, value in params:
        if name in RESERVED:
            continue
        if name in given:
            raise ProtocolError(400, f"parameter {name} is given more than once")
        given[name] = value
    try:
        return prepare(query, given, on=built).text
    except QueryError as exc:
        raise ProtocolError(400, str(exc)) from None


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
            "200": {"description": "the answer", "content": content},
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
