"""`kg serve` as clients meet it: a real server process on loopback, real SPARQL and HTTP clients.

One server runs for the session (tests/serve_session.py) over the session's build, with a 2 s timeout and a
5,000-row limit. Expected answers come from the same query run on the store directly (kg.query.local.run_local).
"""

from __future__ import annotations

import csv
import io
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.build.store import current_build, read_manifest
from kg.query.catalogue import catalogue
from kg.query.local import run_local
from kg.query.params import bind_parameters
from kg.serve.limits import ServerLimits, server_limits
from kg.serve.result_formats import SOLUTION_FORMATS
from kg.serve.worker_process import QueryJob, run_job

from conftest import run_kg, wait_until
from serve_session import (
    MAX_ROWS,
    TIMEOUT_SECONDS,
    descendants,
    free_port,
    idle_workers,
    parent_pid,
    process_name,
    session_server,
    start_server,
    stop_server,
    wait_for_a_busy_worker,
    worker_pids,
)

ID = "https://w3id.org/jp-plan-kg/id/"
OME = ID + "municipality/132055"
MUNICIPALITIES = """PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?municipality ?name ?code WHERE {
  ?municipality jpp:localGovernmentCode ?code ; rdfs:label ?name .
  FILTER(LANG(?name) = "ja")
} ORDER BY ?code"""
MUNICIPALITY_GRAPH = """PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?municipality rdfs:label ?name ; jpp:localGovernmentCode ?code }
WHERE { ?municipality jpp:localGovernmentCode ?code ; rdfs:label ?name }"""
# Four copies of every triple joined with no shared variable: about 4 × 10^15 rows, which no engine finishes.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def server(request, built, tmp_path_factory):
    return session_server(request, built, tmp_path_factory)


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


def _wrapper(server, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def _expected_rows(store) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    rows = run_local(store, MUNICIPALITIES).rows
    assert len(rows) >= 5  # the five seed municipalities at least
    return rows


# -- health and the service description --------------------------------------------------------------------------

def test_health_names_the_build_and_counts_its_triples(client, built):
    answer = client.get("/health")
    assert answer.status_code == 200
    health = answer.json()
    manifest = read_manifest(built)
    assert health["store"] == "loaded"
    assert health["build"] == current_build(built).root.name
    assert health["triples"] == manifest.asserted_triples + manifest.inferred_triples
    assert health["workers"]["running"] == health["workers"]["configured"] == 2
    assert health["limits"]["timeout"] == TIMEOUT_SECONDS


def test_service_description_is_turtle_in_the_sd_vocabulary(client, server, built):
    answer = client.get("/sparql")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = list(ox.parse(answer.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    services = [t.subject for t in graph if t.predicate.value.endswith("#type") and t.object.value == sd + "Service"]
    assert len(services) == 1
    endpoints = [t.object.value for t in graph if t.predicate.value == sd + "endpoint"]
    assert endpoints == [server.url + "/sparql"]
    names = {t.object.value for t in graph if t.predicate.value == sd + "name"}
    assert names == {g.iri for g in read_manifest(built).graphs}
    formats = {t.object.value for t in graph if t.predicate.value == sd + "resultFormat"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats


# -- SPARQL results with SPARQLWrapper ---------------------------------------------------------------------------

def test_select_as_sparql_json(server, store):
    result = _wrapper(server, MUNICIPALITIES, JSON).query()
    assert result.info()["content-type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert data["head"]["vars"] == ["municipality", "name", "code"]
    got = [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
    assert got == [{k: v.value for k, v in row.items()} for row in _expected_rows(store)]
    first = data["results"]["bindings"][0]
    assert first["municipality"]["type"] == "uri" and first["name"]["xml:lang"] == "ja"


def test_select_as_sparql_xml(server, store):
    result = _wrapper(server, MUNICIPALITIES, XML).query()
    assert result.info()["content-type"].startswith("application/sparql-results+xml")
    document = result.convert()  # an xml.dom.minidom document
    got = []
    for node in document.getElementsByTagName("result"):
        got.append({b.getAttribute("name"): b.firstChild.firstChild.data for b in node.getElementsByTagName("binding")})
    assert got == [{k: v.value for k, v in row.items()} for row in _expected_rows(store)]
    names = document.getElementsByTagName("literal")
    assert any(n.getAttribute("xml:lang") == "ja" for n in names)


def test_select_as_csv(server, store):
    result = _wrapper(server, MUNICIPALITIES, CSV).query()
    assert result.info()["content-type"].startswith("text/csv")
    text = result.convert().decode("utf-8")
    assert "\r\n" in text  # SPARQL 1.1 CSV lines end with CRLF
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows == [{k: v.value for k, v in row.items()} for row in _expected_rows(store)]


def test_select_as_tsv_keeps_the_terms(server, store):
    result = _wrapper(server, MUNICIPALITIES, TSV).query()
    assert result.info()["content-type"].startswith("text/tab-separated-values")
    parsed = ox.parse_query_results(result.convert(), format=ox.QueryResultsFormat.TSV)
    got = [{v.value: s[v.value] for v in parsed.variables} for s in parsed]
    assert got == _expected_rows(store)  # IRIs, language tags and datatypes survive


def test_ask_as_json_and_xml(server):
    assert _wrapper(server, "ASK { ?s ?p ?o }", JSON).query().convert()["boolean"] is True
    document = _wrapper(server, "ASK { <urn:x:nothing> ?p ?o }", XML).query().convert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("method", [POST, POSTDIRECTLY])
def test_select_by_post_as_form_and_as_query_body(server, store, method):
    sparql = _wrapper(server, MUNICIPALITIES, JSON)
    sparql.setMethod(POST)
    sparql.setRequestMethod(method if method == POSTDIRECTLY else "urlencoded")
    data = sparql.query().convert()
    assert len(data["results"]["bindings"]) == len(_expected_rows(store))


# -- CONSTRUCT and DESCRIBE --------------------------------------------------------------------------------------

def _expected_triples(store) -> set[tuple[str, str, str]]:
    triples = run_local(store, MUNICIPALITY_GRAPH).triples
    assert triples
    return {(t.subject.value, t.predicate.value, t.object.value) for t in triples}


def _values(triples) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in triples}


def test_construct_as_turtle(server, store):
    result = _wrapper(server, MUNICIPALITY_GRAPH, TURTLE).query()
    assert result.info()["content-type"].startswith("text/turtle")
    assert _values(ox.parse(result.convert(), format=ox.RdfFormat.TURTLE)) == _expected_triples(store)


def test_construct_as_n_triples_by_accept_alone(server, store):
    sparql = _wrapper(server, MUNICIPALITY_GRAPH, N3)
    sparql.setOnlyConneg(True)  # no format parameter: the Accept header alone decides
    sparql.addCustomHttpHeader("Accept", "application/n-triples")
    result = sparql.query()
    assert result.info()["content-type"].startswith("application/n-triples")
    assert _values(ox.parse(result.convert(), format=ox.RdfFormat.N_TRIPLES)) == _expected_triples(store)


def test_construct_as_json_ld(server, store):
    result = _wrapper(server, MUNICIPALITY_GRAPH, JSONLD).query()
    assert result.info()["content-type"].startswith("application/ld+json")
    graph = result.convert()  # parsed by rdflib's JSON-LD parser
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == _expected_triples(store)


def test_construct_as_rdf_xml(server, store):
    graph = _wrapper(server, MUNICIPALITY_GRAPH, XML).query().convert()  # rdflib parses RDF/XML
    assert {(str(s), str(p), str(o)) for s, p, o in graph} == _expected_triples(store)


def test_describe_a_resource(server):
    result = _wrapper(server, f"DESCRIBE <{OME}>", TURTLE).query()
    triples = list(ox.parse(result.convert(), format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == OME and t.object.value == "132055" for t in triples)


def test_format_parameter_beats_accept(client):
    answer = client.get("/sparql", params={"query": MUNICIPALITIES, "format": "csv"},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text.startswith("municipality,name,code\r\n")


def test_unknown_format_and_unacceptable_types_are_refused(client):
    unknown = client.get("/sparql", params={"query": "ASK {}", "format": "pdf"})
    assert unknown.status_code == 400 and "json" in unknown.text
    refused = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "application/sparql-results+json" in refused.text


def test_default_graph_uri_limits_the_dataset(client, built):
    ome = next(g.iri for g in read_manifest(built).graphs if g.file.endswith("132055-ome-strategy.ttl"))
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answer = client.get("/sparql", params={"query": query, "default-graph-uri": ome}, headers={"Accept": "application/json"})
    count = int(answer.json()["results"]["bindings"][0]["n"]["value"])
    assert count == next(g.triples for g in read_manifest(built).graphs if g.iri == ome)


# -- read-only and refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("request_kind", ["update-form", "update-body", "insert-as-query", "load", "drop"])
def test_updates_are_refused(client, request_kind):
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    if request_kind == "update-form":
        answer = client.post("/sparql", data={"update": update})
    elif request_kind == "update-body":
        answer = client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"})
    elif request_kind == "insert-as-query":
        answer = client.post("/sparql", data={"query": update})
    elif request_kind == "load":
        answer = client.get("/sparql", params={"query": "LOAD <http://example.org/data.ttl>"})
    else:
        answer = client.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-query"})
    assert answer.status_code == 400
    assert "read-only" in answer.text
    assert client.get("/sparql", params={"query": "ASK { <urn:x:a> ?p ?o }", "format": "json"}).json()["boolean"] is False


def test_service_is_refused(server):
    sparql = _wrapper(server, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", JSON)
    with pytest.raises(QueryBadFormed, match="SERVICE is refused"):
        sparql.query()


def test_from_names_only_local_graphs(client, built):
    # A FROM that names no graph of the store gives an empty dataset: nothing is fetched.
    answer = client.get("/sparql", params={"query": "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }",
                                           "format": "json"})
    assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []
    # A FROM that names a graph of the store makes it the default graph.
    graph = next(g for g in read_manifest(built).graphs if g.file.endswith("municipalities.ttl"))
    counted = client.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph.iri}> WHERE {{ ?s ?p ?o }}",
                                            "format": "json"})
    assert int(counted.json()["results"]["bindings"][0]["n"]["value"]) == graph.triples


def test_syntax_errors_are_400_with_the_position(client):
    answer = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert answer.status_code == 400
    assert "syntax error" in answer.text and re.search(r"\d", answer.text)


def test_a_too_large_request_body_is_413(client):
    answer = client.post("/sparql", content="#" * 200_000, headers={"Content-Type": "application/sparql-query"})
    assert answer.status_code == 413


# -- limits ------------------------------------------------------------------------------------------------------

def test_row_limit_answers_503_with_a_message(client):
    answer = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert answer.status_code == 503
    assert answer.headers["kg-limit"] == "rows"
    assert f"more than {MAX_ROWS:,} rows" in answer.text and "LIMIT" in answer.text
    construct = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
    assert construct.status_code == 503 and construct.headers["kg-limit"] == "rows"


@pytest.mark.slow  # a 2 s timeout, and answers timed while it runs
def test_runaway_query_is_stopped_while_other_requests_are_answered(server, client):
    idle = idle_workers(server, client)
    before = worker_pids(server)
    assert len(before) == 2
    with ThreadPoolExecutor(max_workers=1) as background:
        started = time.monotonic()
        runaway = background.submit(httpx.post, server.url + "/sparql", data={"query": RUNAWAY}, timeout=30)
        wait_for_a_busy_worker(idle)  # it has reached a worker (the other one stays free)
        t = time.monotonic()
        health = client.get("/health")
        health_seconds = time.monotonic() - t
        t = time.monotonic()
        small = client.post("/sparql", data={"query": MUNICIPALITIES}, headers={"Accept": "text/csv"})
        small_seconds = time.monotonic() - t
        assert not runaway.done()  # both were answered while the runaway was still running
        answer = runaway.result()
        elapsed = time.monotonic() - started
    assert health.status_code == 200 and health_seconds < 1.0
    assert small.status_code == 200 and small.text.count("\r\n") >= 6 and small_seconds < 1.0
    assert answer.status_code == 503
    assert answer.headers["kg-limit"] == "timeout"
    assert f"longer than {TIMEOUT_SECONDS} s" in answer.text
    assert TIMEOUT_SECONDS <= elapsed < TIMEOUT_SECONDS + 3
    # The worker that ran it was killed (its work really stopped) and a fresh one took its place.
    wait_until(lambda: client.get("/health").json()["workers"]["running"] == 2, timeout=20, interval=0.1,
               what="a new worker in place of the one stopped (/health: 2 running)")
    after = worker_pids(server)
    assert len(after) == 2 and len(before & after) == 1
    killed = (before - after).pop()
    assert not Path(f"/proc/{killed}").exists()
    assert client.get("/health").json()["workers"]["restarted"] >= 1
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "json"}).json()["boolean"] is True


def test_answers_are_written_within_the_byte_limit(store, built):
    # In-process, on the real store: the worker's own function with a small byte limit.
    store_path = str(current_build(built).store)
    worker_store = ox.Store.read_only(store_path)
    small = run_job(worker_store, QueryJob("SELECT * WHERE { ?s ?p ?o }", "json"), max_rows=100_000, max_bytes=10_000)
    assert small.status == 503 and small.limit == "bytes" and b"10,000 bytes" in small.body
    graph = run_job(worker_store, QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", "ttl"), max_rows=100_000, max_bytes=10_000)
    assert graph.status == 503 and graph.limit == "bytes"


@pytest.mark.parametrize("fmt", [f.key for f in SOLUTION_FORMATS])
def test_result_writers_agree_with_oxigraph(built, fmt):
    # What our row-by-row writers produce, a reader that is not ours (Oxigraph's parsers; Python's csv for the
    # lossy CSV) reads back as the very same terms, every kind of term of the whole graph included.
    worker_store = ox.Store.read_only(str(current_build(built).store))
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    answer = run_job(worker_store, QueryJob(query, fmt), max_rows=100_000, max_bytes=50_000_000)
    assert answer.status == 200
    expected = [[s[v] for v in ("s", "p", "o")] for s in worker_store.query(query, use_default_graph_as_union=True)]
    if fmt == "csv":
        parsed = list(csv.reader(io.StringIO(answer.body.decode("utf-8"), newline="")))
        assert parsed[0] == ["s", "p", "o"]
        assert parsed[1:] == [[t.value if not isinstance(t, ox.BlankNode) else f"_:{t.value}" for t in row]
                              for row in expected]
        return
    oxigraph_format = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                       "tsv": ox.QueryResultsFormat.TSV}[fmt]
    parsed = [[s[v] for v in ("s", "p", "o")] for s in ox.parse_query_results(answer.body, format=oxigraph_format)]
    assert parsed == expected


# -- resource IRIs -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("accept, suffix, media", [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html", "text/html"),
    ("text/turtle", "ttl", "text/turtle"),
    ("application/ld+json", "jsonld", "application/ld+json"),
    ("application/n-triples", "nt", "application/n-triples"),
    ("text/turtle;q=0.5, application/ld+json", "jsonld", "application/ld+json"),
    ("*/*", "html", "text/html"),
])
def test_resource_iris_are_303_to_the_page_or_the_data(client, accept, suffix, media):
    path = OME.removeprefix("https://w3id.org/jp-plan-kg")
    answer = client.get(path, headers={"Accept": accept})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"132055.{suffix}"
    assert "Accept" in answer.headers["vary"]
    document = client.get(answer.url.join(answer.headers["location"]))
    assert document.status_code == 200
    assert document.headers["content-type"].startswith(media)
    if suffix == "html":
        assert "青梅市" in document.text and OME in document.text
    else:
        fmt = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}[suffix]
        triples = list(ox.parse(document.content, format=fmt))
        assert triples and all(t.subject.value == OME for t in triples)


def test_unknown_resources_are_404(client):
    assert client.get("/id/municipality/999999", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/municipality/999999.html").status_code == 404


def test_every_published_page_is_served_from_its_path(client, built):
    """The server finds a page's resource from its path (not from a list made at start-up): a page in our
    namespace, an SDG's page outside it, and paths that are not pages."""
    from kg.build.store import open_store, read_manifest
    from kg.publish import SiteRenderer

    renderer = SiteRenderer(open_store(built), base="https://w3id.org/jp-plan-kg/", manifest=read_manifest(built))
    pages, _ = renderer.resource_iris()
    external = [renderer.view.page_of(iri) for iri in pages if not iri.startswith("https://w3id.org/jp-plan-kg/")]
    assert "external/metadata-un-org/sdg/13.html" in external
    for page in external[:3] + [renderer.view.page_of(OME), "vocab/viewpoint/dx.html"]:
        answer = client.get("/" + page)
        assert answer.status_code == 200, page
    assert client.get("/external/metadata-un-org/sdg/99.html").status_code == 404
    assert client.get("/vocab/nothing-here.html").status_code == 404


def test_site_pages_and_their_assets_are_served(client):
    home = client.get("/")
    assert home.status_code == 200 and "自治体計画ナレッジグラフ" in home.text
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).headers["location"] == "ontology.ttl"
    assert client.get("/ontology.html").status_code == 200


# -- named queries -----------------------------------------------------------------------------------------------

def test_api_lists_the_catalogue(client, built):
    listing = client.get("/api/queries").json()["queries"]
    assert [q["name"] for q in listing] == [q.name for q in catalogue(built.queries_dir)]
    plans = next(q for q in listing if q["name"] == "13-plans-in-force")
    assert plans["parameters"] == [{"name": "year", "type": "integer", "variable": "?_year_integer", "default": "2026"}]


def _expected_plans(store, built, year: str):
    query = next(q for q in catalogue(built.queries_dir) if q.name == "13-plans-in-force")
    bindings = bind_parameters(list(query.params), {"year": year}, query.defaults)
    return run_local(store, query.text, bindings=bindings).rows


def test_api_runs_a_named_query_with_typed_parameters_as_json(client, store, built):
    answer = client.get("/api/queries/13-plans-in-force", params={"year": "2030"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    got = [{k: v["value"] for k, v in b.items()} for b in answer.json()["results"]["bindings"]]
    expected = [{k: v.value for k, v in row.items()} for row in _expected_plans(store, built, "2030")]
    assert got == expected
    assert expected != [{k: v.value for k, v in row.items()} for row in _expected_plans(store, built, "2021")]


@pytest.mark.parametrize("how", ["format", "accept"])
def test_api_answers_csv(client, store, built, how):
    params, headers = ({"format": "csv"}, {}) if how == "format" else ({}, {"Accept": "text/csv"})
    answer = client.get("/api/queries/13-plans-in-force", params=params, headers=headers)
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == [{k: (row[k].value if k in row else "") for k in rows[0]} for row in _expected_plans(store, built, "2026")]


def test_api_answers_a_repeated_call_from_its_cache_with_the_same_bytes(client):
    params = {"year": "2027", "format": "csv"}
    first = client.get("/api/queries/13-plans-in-force", params=params)
    second = client.get("/api/queries/13-plans-in-force", params=params)
    other = client.get("/api/queries/13-plans-in-force", params={"year": "2027", "format": "json"})
    assert first.status_code == second.status_code == other.status_code == 200
    assert (first.headers["kg-cache"], second.headers["kg-cache"]) == ("miss", "hit")
    assert second.content == first.content and second.headers["content-type"] == first.headers["content-type"]
    assert other.headers["kg-cache"] == "miss"  # the format is part of the key
    refused = client.get("/api/queries/13-plans-in-force", params={"year": "x"})
    assert refused.status_code == 400 and "kg-cache" not in refused.headers


def test_api_refuses_unknown_parameters_and_bad_values(client):
    unknown = client.get("/api/queries/13-plans-in-force", params={"yaer": "2026"})
    assert unknown.status_code == 400 and "yaer" in unknown.text and "year" in unknown.text
    wrong_type = client.get("/api/queries/13-plans-in-force", params={"year": "2026; DROP ALL"})
    assert wrong_type.status_code == 400 and "not an integer" in wrong_type.text
    assert client.get("/api/queries/no-such-question").status_code == 404


def test_api_binds_values_as_terms_not_text(client):
    # A value that would break the query if pasted in stays one literal.
    answer = client.get("/api/queries/09-theme-keyword", params={"keyword": '出生" ) } } SELECT * { ?s ?p ?o'})
    assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []
    # A municipality's name is looked up first: such a value is no municipality (issue 21), refused as one.
    named = client.get("/api/queries/04-plan-tree", params={"municipality": '青梅市" } } SELECT * { ?s ?p ?o'})
    assert named.status_code == 400 and "no municipality of Japan is named" in named.text


def test_openapi_is_generated_from_the_query_headers(client, built):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    queries = catalogue(built.queries_dir)
    assert {f"/api/queries/{q.name}" for q in queries} <= set(document["paths"])
    operation = document["paths"]["/api/queries/13-plans-in-force"]["get"]
    assert operation["summary"] == next(q.summary for q in queries if q.name == "13-plans-in-force")
    year = next(p for p in operation["parameters"] if p["name"] == "year")
    assert year["schema"] == {"type": "integer", "default": 2026} and year["required"] is False
    assert set(operation["responses"]["200"]["content"]) >= {"application/sparql-results+json", "text/csv"}
    ids = [op["get"]["operationId"] for op in document["paths"].values()]
    assert len(ids) == len(set(ids))


# -- the query page, CORS, the request log -----------------------------------------------------------------------

def test_query_page_embeds_the_catalogue_and_serves_its_script(client, built):
    page = client.get("/query")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for query in catalogue(built.queries_dir):
        assert f'value="{query.name}"' in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text.split("<script")[1].split(">")[0]
    script = client.get("/assets/query.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]


def test_cors_allows_any_origin(client):
    simple = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                   "Access-Control-Request-Method": "POST",
                                                   "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_one_log_line_per_request(client, server):
    client.get("/health")
    client.get("/id/municipality/999999.html")
    # A request's line is written once its answer has gone out: the client may have it first.
    lines = ("GET /health 200 ", "GET /id/municipality/999999.html 404 ")
    wait_until(lambda: all(line in server.log_text() for line in lines), what="both requests' log lines")
    log = server.log_text()
    assert re.search(r"^GET /health 200 \d+ ms$", log, re.MULTILINE)
    assert re.search(r"^GET /id/municipality/999999\.html 404 \d+ ms$", log, re.MULTILINE)


# -- the command -------------------------------------------------------------------------------------------------

def test_serve_without_a_build_says_what_to_do(tmp_path):
    result = run_kg("serve", "--port", str(free_port()), build_dir=tmp_path)
    assert result.returncode == 2
    assert "no built store" in result.stderr and "kg build" in result.stderr


def test_serve_on_a_port_in_use_says_so(built, server):
    port = int(server.url.rsplit(":", 1)[1])
    result = run_kg("serve", "--port", str(port), build_dir=built.build_dir, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


def test_limits_come_from_options_then_environment_then_defaults():
    assert server_limits(environ={}) == ServerLimits()
    assert server_limits(environ={"KG_SERVE_TIMEOUT": "5", "KG_SERVE_WORKERS": "3"}).timeout == 5.0
    chosen = server_limits(environ={"KG_SERVE_TIMEOUT": "5"}, timeout=7, max_rows=10)
    assert (chosen.timeout, chosen.max_rows, chosen.workers) == (7.0, 10, 2)
    with pytest.raises(Exception, match="KG_SERVE_MAX_ROWS"):
        server_limits(environ={"KG_SERVE_MAX_ROWS": "many"})
    with pytest.raises(Exception, match="greater than 0"):
        server_limits(environ={}, timeout=0)


def test_stopping_the_server_ends_running_queries_at_once(built, tmp_path):
    # Its own server: this one is stopped (SIGTERM, as a service manager does) while a runaway query runs.
    own = start_server(built.build_dir, tmp_path, "--timeout", "60")
    try:
        with httpx.Client(base_url=own.url, timeout=30) as http:
            idle = idle_workers(own, http)
        workers = set(idle)
        with ThreadPoolExecutor(max_workers=1) as background:
            runaway = background.submit(httpx.post, own.url + "/sparql", data={"query": RUNAWAY}, timeout=30)
            wait_for_a_busy_worker(idle)  # the query is running when the server is told to stop
            own.process.terminate()
            answer = runaway.result()
            # uvicorn ends by the signal it was stopped with, once it has shut down cleanly (as systemd expects).
            assert own.process.wait(timeout=10) in (0, -signal.SIGTERM)
    finally:
        stop_server(own)  # if the test failed before it stopped the server (nothing to do otherwise)
    assert answer.status_code == 503 and "stopping" in answer.text
    wait_until(lambda: not [pid for pid in workers if Path(f"/proc/{pid}").exists()], timeout=5,
               what="the stopped server's query workers to be gone")


def test_the_answer_cache_keeps_at_most_its_bytes_dropping_the_least_recently_used():
    from kg.serve.answer_cache import AnswerCache, CachedAnswer

    cache = AnswerCache(max_bytes=10)
    for key in "abc":
        cache.put((key,), CachedAnswer(b"1234", "text/csv", {}))
    assert cache.get(("a",)) is None and cache.size == 8  # a was dropped to make room for c
    cache.get(("b",))  # b is now the most recently used: d makes c go, not b
    cache.put(("d",), CachedAnswer(b"1234", "text/csv", {}))
    assert cache.get(("b",)) is not None and cache.get(("c",)) is None
    cache.put(("big",), CachedAnswer(b"x" * 11, "text/csv", {}))  # larger than the whole cache: not kept
    assert cache.get(("big",)) is None and cache.size <= 10


def test_in_memory_workers_answer_as_the_on_disk_ones(server, client, built, tmp_path):
    # By default (--store auto) the seed build fits the memory budget: the workers answer from the dump loaded
    # in memory, once, by one process they are forked from (they share its pages). A budget too small for it
    # sends them to the on-disk store; the answers are the same, byte for byte.
    read_from = client.get("/health").json()["workers"]["read_from"]
    assert read_from["kind"] == "memory" and read_from["estimate_bytes"] <= read_from["budget_bytes"], read_from
    idle_workers(server, client)
    holders = [pid for pid in descendants(server.process.pid) if process_name(pid) == "kg-serve-store"]
    assert len(holders) == 1, holders
    assert {parent_pid(pid) for pid in worker_pids(server)} == set(holders)
    own = start_server(built.build_dir, tmp_path, "--memory-budget", "1K", "--cache-bytes", "0")
    try:
        with httpx.Client(base_url=own.url, timeout=30) as disk:
            health = disk.get("/health").json()
            assert health["workers"]["running"] == 2 and health["workers"]["read_from"]["kind"] == "disk", health
            assert {parent_pid(pid) for pid in worker_pids(own)} == {own.process.pid}
            assert not [pid for pid in descendants(own.process.pid) if process_name(pid) == "kg-serve-store"]
            assert "over the budget of" in health["workers"]["read_from"]["reason"]
            for path, params in (("/sparql", {"query": MUNICIPALITIES}),
                                 ("/api/queries/04-plan-tree", {"municipality": "青梅市"}),
                                 ("/api/queries/12-related-measures", {"municipality": "132055", "format": "csv"}),
                                 ("/api/queries/05-kpi-values", {"format": "csv"})):
                in_memory, on_disk = client.get(path, params=params), disk.get(path, params=params)
                assert on_disk.status_code == in_memory.status_code == 200, (path, on_disk.text)
                assert in_memory.content == on_disk.content, path
        assert "workers read the build on disk: in memory would take" in own.log_text()
    finally:
        stop_server(own)


def test_the_store_is_chosen_by_the_memory_budget_unless_forced(tmp_path):
    from kg.errors import KgError
    from kg.serve.store_choice import MEMORY_PER_DUMP_BYTE, WORKER_BASE_BYTES, StorePolicy, parse_size

    dump = tmp_path / "dataset.nq"
    dump.write_bytes(b"x" * 1_000_000)
    # A copy in each worker (reads unshare the pages they were forked with) and in the process that loaded it.
    need = 3 * (int(1_000_000 * MEMORY_PER_DUMP_BYTE) + WORKER_BASE_BYTES)
    assert StorePolicy("auto", need).choose(dump, 2).in_memory
    assert not StorePolicy("auto", need - 1).choose(dump, 2).in_memory
    assert StorePolicy("auto", need).choose(dump, 3).in_memory is False  # a worker more: over the budget
    assert StorePolicy("memory", 0).choose(dump, 2).in_memory and not StorePolicy("disk", 10 ** 15).choose(dump, 2).in_memory
    missing = StorePolicy("memory", 10 ** 15).choose(tmp_path / "none.nq", 2)
    assert not missing.in_memory and "none.nq" in missing.reason
    assert [parse_size(t) for t in ("4G", "512MiB", "1.5k", "1000")] == [4 * 1024 ** 3, 512 * 1024 ** 2, 1536, 1000]
    with pytest.raises(KgError):
        parse_size("lots")
    with pytest.raises(KgError):
        StorePolicy("ram", 0)


def test_kg_query_at_an_endpoint_turns_a_name_into_the_code_first(server, built):
    # 04 matches the code; the default (青梅市) is looked up at the endpoint before the question is sent.
    local = run_kg("query", "04-plan-tree", "--format", "csv", build_dir=built.build_dir)
    remote = run_kg("query", "04-plan-tree", "--format", "csv", "--endpoint", server.url + "/sparql",
                    build_dir=built.build_dir)
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert "第2期青梅市まち・ひと・しごと創生総合戦略" in remote.stdout
    assert remote.stdout == local.stdout


# -- answers that explain themselves, and files for Excel (issue 21) ------------------------------------------------

def _explanation(response: httpx.Response) -> str | None:
    """The Kg-Explanation header read back (an RFC 8187 ext-value: UTF-8'' then percent-encoded UTF-8)."""
    from urllib.parse import unquote

    value = response.headers.get("kg-explanation")
    if value is None:
        return None
    assert value.isascii() and value.startswith("UTF-8''"), value
    return unquote(value[len("UTF-8''"):], encoding="utf-8", errors="strict")


def test_an_empty_api_answer_says_why_in_a_header_as_kg_query_does(client, built):
    # 千代田区 is a real municipality with no plan in the seeds: answered, empty, and explained.
    said = run_kg("query", "04-plan-tree", "--param", "municipality=131016", "--format", "csv",
                  build_dir=built.build_dir)
    assert said.returncode == 0 and said.stderr.startswith("kg: 千代田区（東京都、131016）"), said.stderr
    for fmt in ("json", "csv", "tsv", "xml"):
        answer = client.get("/api/queries/04-plan-tree", params={"municipality": "131016", "format": fmt})
        assert answer.status_code == 200 and answer.headers["kg-rows"] == "0"
        assert _explanation(answer) == said.stderr.removeprefix("kg: ").rstrip("\n"), fmt
        assert "no plan of this municipality is in the graph yet" in _explanation(answer)
    # The body is still plain SPARQL results a client reads as before; a repeated call (from the cache) says it too.
    again = client.get("/api/queries/04-plan-tree", params={"municipality": "131016"})
    assert again.headers["kg-cache"] == "hit" and again.json()["results"]["bindings"] == []
    assert "千代田区" in _explanation(again)
    # Any empty answer says what was asked; an answer with rows says nothing.
    nothing = client.get("/api/queries/09-theme-keyword", params={"keyword": "存在しない語句"})
    assert "該当する行はありません" in _explanation(nothing) and "keyword=存在しない語句" in _explanation(nothing)
    found = client.get("/api/queries/04-plan-tree", params={"municipality": "青梅市"})
    assert int(found.headers["kg-rows"]) == len(found.json()["results"]["bindings"]) > 0
    assert "kg-explanation" not in found.headers


def test_a_web_page_elsewhere_can_read_the_explanation(client):
    answer = client.get("/api/queries/04-plan-tree", params={"municipality": "131016"},
                        headers={"Origin": "https://example.org"})
    exposed = {h.strip().lower() for h in answer.headers["access-control-expose-headers"].split(",")}
    assert {"kg-explanation", "kg-rows"} <= exposed


def test_the_query_page_shows_why_an_answer_is_empty(client):
    page = client.get("/query", params={"q": "04-plan-tree", "municipality": "131016"})
    assert page.status_code == 200
    empty = re.search(r'<p class="empty-answer" id="empty-answer">(.*?)</p>', page.text, re.DOTALL)
    assert empty and "千代田区（東京都、131016）" in empty[1] and "計画はまだグラフにありません" in empty[1]


def test_a_csv_download_from_the_api_starts_with_a_bom_for_excel(client, store, built):
    plain = client.get("/api/queries/05-kpi-values", params={"format": "csv"})
    saved = client.get("/api/queries/05-kpi-values", params={"format": "csv", "download": "1"})
    assert plain.status_code == saved.status_code == 200
    # Programmatic clients get SPARQL 1.1 Results CSV as it is: no mark, no attachment.
    assert not plain.content.startswith(b"\xef\xbb\xbf") and "content-disposition" not in plain.headers
    assert saved.content == b"\xef\xbb\xbf" + plain.content
    assert saved.headers["content-disposition"] == 'attachment; filename="05-kpi-values.csv"'
    assert saved.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(saved.content.decode("utf-8-sig"), newline="")))
    expected = run_local(store, next(q for q in catalogue(built.queries_dir) if q.name == "05-kpi-values").text)
    assert table[0] == expected.variables
    assert {row[1] for row in table[1:]} == {row["kpi"].value for row in expected.rows}
    assert any("\u3040" <= c <= "\u9fff" for row in table[1:] for c in row[1])   # the Japanese reads back
    # From the cache, the same file; other formats are named, and only CSV and TSV get the mark.
    assert client.get("/api/queries/05-kpi-values", params={"format": "csv", "download": "1"}).content == saved.content
    # A TSV to save holds values, as kg query --out writes it (出生数, 615), not SPARQL's TSV terms.
    tsv = client.get("/api/queries/05-kpi-values", params={"format": "tsv", "download": "1"})
    assert tsv.headers["content-disposition"].endswith('.tsv"')
    cli = run_kg("query", "05-kpi-values", "--format", "tsv", build_dir=built.build_dir)
    assert tsv.content == b"\xef\xbb\xbf" + cli.stdout.encode("utf-8")
    assert "@ja" not in cli.stdout and "^^" not in cli.stdout and cli.stdout.startswith("municipality\t")
    sparql_tsv = client.get("/api/queries/05-kpi-values", params={"format": "tsv"})
    assert sparql_tsv.text.startswith("?municipality\t") and "@ja" in sparql_tsv.text  # the endpoint's form stays
    xlsx = client.get("/api/queries/05-kpi-values", params={"format": "xlsx", "download": "true"})
    assert xlsx.content.startswith(b"PK") and xlsx.headers["content-disposition"].endswith('05-kpi-values.xlsx"')
    assert client.get("/api/queries/05-kpi-values", params={"download": "maybe"}).status_code == 400


def test_the_query_pages_downloads_ask_for_files(client):
    page = client.get("/query", params={"q": "05-kpi-values"})
    link = re.search(r'href="([^"]+)" id="download-answer-csv"', page.text)
    assert link and "download=1" in link[1] and "format=csv" in link[1]
    answer = client.get("/" + link[1].replace("&amp;", "&"))
    assert answer.content.startswith(b"\xef\xbb\xbf") and "attachment" in answer.headers["content-disposition"]


def test_the_sparql_endpoint_answers_a_file_to_save_when_asked(client):
    # The query page's editor links its downloads to /sparql with download=1: a named file, CSV with the BOM.
    plain = client.get("/sparql", params={"query": MUNICIPALITIES, "format": "csv"})
    saved = client.get("/sparql", params={"query": MUNICIPALITIES, "format": "csv", "download": "1"})
    assert plain.status_code == saved.status_code == 200
    assert not plain.content.startswith(b"\xef\xbb\xbf") and "content-disposition" not in plain.headers
    assert saved.content == b"\xef\xbb\xbf" + plain.content
    assert saved.headers["content-disposition"] == 'attachment; filename="sparql-answer.csv"'
    assert client.get("/sparql", params={"query": MUNICIPALITIES, "download": "maybe"}).status_code == 400
