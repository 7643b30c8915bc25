"""Running a query on a remote SPARQL 1.1 endpoint through SPARQLWrapper."""

from __future__ import annotations

import ast
import hashlib
import io
import json
import re
import urllib.error
from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import KgError, QueryError
from ..namespaces import XSD
from .municipalities import NAME_LOOKUP, codes_in, name_lookup_bindings
from .params import bound_query_text
from .results import QueryResult, Term
from .text import check_query


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL 1.1 endpoint that answers questions: the same texts as the embedded store gets."""

    url: str
    timeout: float = 60.0

    def codes_named(self, name: str) -> list[str]:
        """The codes of the municipalities of this name, asked of the endpoint itself."""
        return codes_in(run_remote(self.url, NAME_LOOKUP, bindings=name_lookup_bindings(name), timeout=self.timeout))

    def run(self, text: str, *, allow_network: bool = False) -> QueryResult:
        return run_remote(self.url, text, timeout=self.timeout, allow_network=allow_network)


def run_remote(endpoint: str, query: str, *, bindings: dict[str, Term | list[Term]] | None = None,
               timeout: float = 60.0, allow_network: bool = False) -> QueryResult:
    # Only the checks that hold in any dialect: the server parses the query in its own (kg.query.text.check_query).
    form = check_query(query, allow_network=allow_network, syntax=False)
    text = bound_query_text(query, bindings)
    return sparql_select_or_graph(endpoint, text, form=form, timeout=timeout)


def sparql_select_or_graph(endpoint: str, text: str, *, form: str, timeout: float) -> QueryResult:
    # SPARQLWrapper is imported only for remote work: `kg query` on the local store starts faster without it.
    from SPARQLWrapper import JSON, N3, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    if not endpoint.startswith(("http://", "https://")):
        raise KgError(f"endpoint {endpoint!r} is not an http(s) URL")
    client = SPARQLWrapper(endpoint)
    client.setQuery(text)
    # SPARQLWrapper guesses the form with a regex that reads comments too (a header saying "describes" made it
    # ask for DESCRIBE results); the form is known exactly here, and picks the Accept header.
    client.queryType = form
    # Content negotiation only: the extra format=/output= parameters that SPARQLWrapper adds otherwise make
    # Virtuoso answer CONSTRUCT with 406 (they ask for N3 while Accept asks for N-Triples).
    client.setOnlyConneg(True)
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
        raise QueryError(refusal_sentence(endpoint, exc),
                         hint="the server reads the query in its own SPARQL dialect; fix it where the server says / "
                              "サーバーが示す箇所を直してください") from None
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


# What SPARQLWrapper's exceptions stand for: the HTTP status the server answered with.
REFUSAL_STATUS = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404, "URITooLong": 414,
                  "EndPointInternalError": 500}
MAX_SERVER_SENTENCE = 400


def refusal_sentence(endpoint: str, exc: Exception) -> str:
    """One sentence for a query the server refused, with the server's own words: its syntax error, in its dialect,
    with its line (Virtuoso: "SP030: SPARQL compiler, line 3: syntax error at 'x' before '}'"), not SPARQLWrapper's
    "probably the SPARQL query is badly formed" followed by the raw response as a Python bytes literal."""
    status = REFUSAL_STATUS.get(type(exc).__name__)
    said = server_words(str(exc))
    return (f"{endpoint} refused the query" + (f" (HTTP {status})" if status else "")
            + (f": {said}" if said else f": {type(exc).__name__}"))


def server_words(message: str) -> str:
    """The first paragraph of the response body SPARQLWrapper puts in its message (as a bytes literal), on one
    line; Virtuoso's next paragraphs repeat the query."""
    _, found, raw = message.partition("\n\nResponse:\n")
    if not found:
        return ""
    try:
        body = ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError):
        body = raw
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    first = next((p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()), "")
    first = " ".join(first.split())
    return first if len(first) <= MAX_SERVER_SENTENCE else first[: MAX_SERVER_SENTENCE - 1] + "…"


XSD_BOOLEAN = XSD + "boolean"
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}


def _term(binding: dict):
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return _blank_node(value)
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        if binding["datatype"] == XSD_BOOLEAN:
            # Virtuoso stores booleans as integers and answers "1"/"0": valid lexical forms of xsd:boolean, but
            # printed they would differ from the embedded store's canonical "true"/"false".
            value = _CANONICAL_BOOLEAN.get(value, value)
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)


def _blank_node(label: str) -> ox.BlankNode:
    # Servers name blank nodes as they like (Virtuoso: "nodeID://b10006"); keep the label where it is a valid
    # N-Triples label, else a stable one derived from it, so that equal labels still mean the same node.
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode("b" + hashlib.sha1(label.encode("utf-8")).hexdigest()[:16])
