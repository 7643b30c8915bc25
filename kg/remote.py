"""Talking to a remote SPARQL 1.1 endpoint through SPARQLWrapper."""

from __future__ import annotations

import io
import json
import urllib.error

import pyoxigraph as ox

from .errors import KgError, QueryError


def sparql_select_or_graph(endpoint: str, text: str, *, form: str, timeout: float):
    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from .querying import QueryResult

    if not endpoint.startswith(("http://", "https://")):
        raise KgError(f"endpoint {endpoint!r} is not an http(s) URL")
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    client.setMethod(POST)
    client.setTimeout(int(max(1, timeout)))
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    if graph_form:
        client.setReturnFormat(N3)
        client.addCustomHttpHeader("Accept", "application/n-triples, text/turtle;q=0.9")
    else:
        client.setReturnFormat(JSON)
    try:
        response = client.query()
        raw = response.response.read()
        content_type = response.response.headers.get("Content-Type", "")
    except SPARQLWrapperException as exc:
        raise QueryError(f"the endpoint refused the query: {str(exc).splitlines()[0]}") from None
    except urllib.error.HTTPError as exc:
        raise KgError(f"{endpoint}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KgError(f"{endpoint}: cannot connect: {reason}", hint="check the URL and that the server is running") from None
    if graph_form:
        fmt = ox.RdfFormat.N_TRIPLES if "n-triples" in content_type else ox.RdfFormat.TURTLE
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(io.BytesIO(raw), format=fmt)]
        return QueryResult(form=form, triples=triples)
    try:
        document = json.loads(raw)
    except ValueError:
        raise KgError(f"{endpoint}: the answer is not SPARQL JSON results (Content-Type {content_type!r})") from None
    if "boolean" in document:
        return QueryResult(form=form, boolean=bool(document["boolean"]))
    names = document["head"].get("vars", [])
    rows = [{k: _term(v) for k, v in binding.items()} for binding in document["results"]["bindings"]]
    return QueryResult(form=form, variables=names, rows=rows)


def _term(binding: dict):
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)
