"""`kg serve` against the SPARQL 1.1 Protocol, as clients send requests: httpx, SPARQLWrapper (urllib),
http.client and a raw socket, to a real server process over a small build of its own whose data graphs are named
like the W3C protocol tests' (<…/data1.rdf>, <…/data2.rdf>, <…/data3.rdf>), plus one in a subfolder.

Each graph holds one triple `ex:sN ex:p "oN"`, so which graphs a query saw is read off the values it returns.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TURTLE, SPARQLWrapper

from kg.build.full import build
from kg.build.store import read_manifest
from kg.namespaces import FORMATS, GRAPH, SD
from kg.project import default_project
from kg.serve.service_description import description_prefixes, service_description

from conftest import ROOT, manifest_of
from serve_session import start_server, stop_server

EX = "http://example.org/"
DATA = {f"data{n}.rdf": f"o{n}" for n in (1, 2, 3)}
NESTED = "sub/folder/data4"  # a graph name with "/" in what follows the graph namespace
G = {name: GRAPH + name for name in [*DATA, NESTED]}
DEFAULT = f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}"
NAMED = f"SELECT ?g ?o WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}"
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("protocol-project")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "queries", root / "queries")
    data = root / "data" / "ttl"
    (data / "sub" / "folder").mkdir(parents=True)
    for name, value in DATA.items():
        (data / f"{name}.ttl").write_text(f'<{EX}s{value[1:]}> <{EX}p> "{value}" .\n', encoding="utf-8")
    (data / f"{NESTED}.ttl").write_text(f'<{EX}s4> <{EX}q> "o4" .\n', encoding="utf-8")
    project = default_project(root=root, build_dir=root / "build")
    build(project)
    running = start_server(project.build_dir, tmp_path_factory.mktemp("protocol-serve"), "--rate", "0", root=root)
    running.project = project
    yield running
    stop_server(running)


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


def _rows(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/sparql-results+json")
    return [{k: v["value"] for k, v in b.items()} for b in answer.json()["results"]["bindings"]]


def _dataset(client, dataset_clauses: str, params: dict, how: str) -> tuple[set[str], set[tuple[str, str]]]:
    """What the default graph and the named graphs hold for a query with these FROM clauses and this request."""
    seen = []
    for query in (DEFAULT, NAMED):
        text = query.replace(" WHERE", f" {dataset_clauses} WHERE")
        fields = {**params, "query": text}
        if how == "get":
            answer = client.get("/sparql", params=fields, headers={"Accept": "application/sparql-results+json"})
        elif how == "form":
            answer = client.post("/sparql", data=fields, headers={"Accept": "application/sparql-results+json"})
        else:  # the query as the body, the dataset in the URL (Protocol 2.1.3)
            answer = client.post("/sparql", params=params, content=text.encode("utf-8"),
                                 headers={"Content-Type": "application/sparql-query",
                                          "Accept": "application/sparql-results+json"})
        seen.append(_rows(answer))
    return {r["o"] for r in seen[0]}, {(r["g"].removeprefix(GRAPH), r["o"]) for r in seen[1]}


def _from(*names: str, named: tuple[str, ...] = ()) -> str:
    return " ".join([f"FROM <{G[n]}>" for n in names] + [f"FROM NAMED <{G[n]}>" for n in named])


ALL_NAMED = {("data1.rdf", "o1"), ("data2.rdf", "o2"), ("data3.rdf", "o3")}
# (FROM clauses in the query, the request's dataset, the default graph's values, the named graphs' (name, value))
DATASETS = {
    "no dataset: the union, every graph named": ("", {}, {"o1", "o2", "o3"}, ALL_NAMED),
    "FROM alone: no named graphs": (_from("data1.rdf"), {}, {"o1"}, set()),
    "two FROMs are merged": (_from("data1.rdf", "data2.rdf"), {}, {"o1", "o2"}, set()),
    "FROM NAMED alone: an empty default graph": (_from(named=("data2.rdf",)), {}, set(), {("data2.rdf", "o2")}),
    "FROM and FROM NAMED": (_from("data1.rdf", named=("data2.rdf",)), {}, {"o1"}, {("data2.rdf", "o2")}),
    "default-graph-uri alone: no named graphs": ("", {"default-graph-uri": G["data3.rdf"]}, {"o3"}, set()),
    "two default-graph-uri are merged": ("", {"default-graph-uri": [G["data1.rdf"], G["data2.rdf"]]}, {"o1", "o2"}, set()),
    "named-graph-uri alone: an empty default graph": ("", {"named-graph-uri": G["data2.rdf"]}, set(), {("data2.rdf", "o2")}),
    "both protocol parts": ("", {"default-graph-uri": G["data1.rdf"], "named-graph-uri": G["data2.rdf"]},
                            {"o1"}, {("data2.rdf", "o2")}),
    "named-graph-uri replaces FROM": (_from("data1.rdf"), {"named-graph-uri": G["data2.rdf"]}, set(), {("data2.rdf", "o2")}),
    "default-graph-uri replaces FROM NAMED": (_from(named=("data1.rdf",)), {"default-graph-uri": G["data3.rdf"]}, {"o3"}, set()),
    "default-graph-uri replaces FROM": (_from("data1.rdf"), {"default-graph-uri": G["data3.rdf"]}, {"o3"}, set()),
    "the protocol's dataset replaces both": (_from("data1.rdf", named=("data1.rdf",)),
                                             {"default-graph-uri": G["data2.rdf"], "named-graph-uri": G["data3.rdf"]},
                                             {"o2"}, {("data3.rdf", "o3")}),
}


@pytest.mark.parametrize("how", ["get", "form", "body"])
@pytest.mark.parametrize("case", list(DATASETS))
def test_the_protocol_dataset_replaces_the_querys(client, case, how):
    clauses, params, default, named = DATASETS[case]
    assert _dataset(client, clauses, params, how) == (default, named)


def test_sparqlwrapper_default_and_named_graphs(server):
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setReturnFormat(JSON)
    sparql.addNamedGraph(G["data2.rdf"])
    sparql.setQuery(DEFAULT.replace(" WHERE", f" FROM <{G['data1.rdf']}> WHERE"))
    assert sparql.query().convert()["results"]["bindings"] == []  # named-graph-uri alone: empty default graph
    sparql.setQuery(NAMED)
    bindings = sparql.query().convert()["results"]["bindings"]
    assert [(b["g"]["value"], b["o"]["value"]) for b in bindings] == [(G["data2.rdf"], "o2")]


# -- the base IRI ------------------------------------------------------------------------------------------------

def test_relative_iris_resolve_against_the_endpoint(client, server):
    answer = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, headers={"Accept": "text/turtle"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(answer.content, format=ox.RdfFormat.TURTLE))
    assert [(t.subject.value, t.predicate.value, t.object.value) for t in triples] == \
        [(server.url + "/s", server.url + "/p", "1")]
    select = client.get("/sparql", params={"query": "SELECT * { <s> ?p ?o }", "format": "json"})
    assert _rows(select) == [] and set(select.json()["head"]["vars"]) == {"p", "o"}
    resolved = client.get("/sparql", params={"query": "SELECT (STR(<x#y>) AS ?iri) {}", "format": "json"})
    assert _rows(resolved) == [{"iri": server.url + "/x#y"}]
    # BASE in the query wins, and its relative IRIs then find the data.
    based = client.get("/sparql", params={"query": f"BASE <{EX}> SELECT ?o {{ <s2> <p> ?o }}", "format": "json"})
    assert _rows(based) == [{"o": "o2"}]


def test_relative_iris_with_sparqlwrapper(server):
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setQuery("CONSTRUCT { <s> <p> 1 } WHERE {}")
    sparql.setReturnFormat(TURTLE)
    result = sparql.query()
    assert result.info()["content-type"].startswith("text/turtle")
    triples = ox.parse(result.convert(), format=ox.RdfFormat.TURTLE)  # SPARQLWrapper hands Turtle over as bytes
    assert {t.subject.value for t in triples} == {server.url + "/s"}


# -- status codes and formats ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["SELECT (<http://example.org/fn#unknown>(1) AS ?x) {}",
                                   f"SELECT * {{ ?s ?p ?o FILTER(<{EX}fn#unknown>(?o)) }}",
                                   "ASK { FILTER(<http://example.org/fn#unknown>(1)) }"])
def test_an_unknown_extension_function_is_the_clients_mistake(client, query):
    answer = client.get("/sparql", params={"query": query})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")
    assert "http://example.org/fn#unknown" in answer.text and "extension functions" in answer.text
    assert _rows(client.get("/sparql", params={"query": DEFAULT, "format": "json"}))  # the worker still answers


# (query, format name, media type): formats the endpoint writes, but not for that query form.
WRONG_FORM = [("SELECT * {}", "ttl", "text/turtle"), ("SELECT * {}", "nt", "application/n-triples"),
              ("CONSTRUCT WHERE {}", "csv", "text/csv"), ("CONSTRUCT WHERE {}", "tsv", "text/tab-separated-values"),
              ("ASK {}", "csv", "text/csv"), ("ASK {}", "tsv", "text/tab-separated-values"),
              ("ASK {}", "ttl", "text/turtle")]


@pytest.mark.parametrize(("query", "name", "media"), WRONG_FORM)
def test_a_format_the_form_cannot_have_is_406_both_ways(client, query, name, media):
    by_name = client.get("/sparql", params={"query": query, "format": name})
    by_accept = client.get("/sparql", params={"query": query}, headers={"Accept": media})
    for answer in (by_name, by_accept):
        assert answer.status_code == 406, answer.text
        assert answer.headers["content-type"].startswith("text/plain")
        assert query.split()[0] in answer.text
    if query.startswith("ASK"):
        assert "true or false" in by_name.text and "application/sparql-results+json" in by_accept.text


def test_a_format_name_that_names_nothing_is_400(client):
    answer = client.get("/sparql", params={"query": "ASK {}", "format": "pdf"})
    assert answer.status_code == 400 and "json, xml" in answer.text


def test_ask_is_negotiated_to_a_format_with_a_boolean(client, server):
    json_answer = client.get("/sparql", params={"query": "ASK {}"},
                             headers={"Accept": "text/csv, application/sparql-results+json;q=0.5"})
    assert json_answer.headers["content-type"].startswith("application/sparql-results+json")
    assert json_answer.json() == {"head": {}, "boolean": True}
    xml = client.get("/sparql", params={"query": f"ASK {{ <{EX}s9> ?p ?o }}"},
                     headers={"Accept": "text/tab-separated-values, application/sparql-results+xml;q=0.1"})
    assert xml.headers["content-type"].startswith("application/sparql-results+xml")
    assert bool(ox.parse_query_results(xml.content, format=ox.QueryResultsFormat.XML)) is False
    # SPARQLWrapper asking for CSV is told why, not handed a bare "true".
    sparql = SPARQLWrapper(server.url + "/sparql")
    sparql.setQuery("ASK {}")
    sparql.setReturnFormat(CSV)
    with pytest.raises(urllib.error.HTTPError) as refused:
        sparql.query()
    assert refused.value.code == 406


@pytest.mark.parametrize(("content_type", "query"), [
    ("application/sparql-query; charset=ISO-8859-1", 'SELECT ("café" AS ?x) {}'),
    ("application/x-www-form-urlencoded; charset=Shift_JIS", 'query=SELECT ("東京" AS ?x) {}'),
    ('application/sparql-query; charset="utf-16"', 'SELECT ("東京" AS ?x) {}')])
def test_a_charset_other_than_utf8_is_refused(client, content_type, query):
    encoding = content_type.split("charset=")[1].strip('"')
    answer = client.post("/sparql", content=query.encode(encoding), headers={"Content-Type": content_type})
    assert answer.status_code == 415
    assert answer.headers["content-type"].startswith("text/plain") and "UTF-8" in answer.text


@pytest.mark.parametrize("charset", ["; charset=utf-8", "; charset=UTF-8", ""])
def test_utf8_bodies_are_read(client, charset):
    answer = client.post("/sparql", content='SELECT ("東京 café" AS ?x) {}'.encode(),
                         headers={"Content-Type": "application/sparql-query" + charset, "Accept": "application/json"})
    assert _rows(answer) == [{"x": "東京 café"}]


def test_percent_escapes_that_are_not_utf8_are_refused(client, server):
    answer = client.get(server.url + "/sparql?query=SELECT%20(%22caf%E9%22%20AS%20?x)%20%7B%7D")
    assert answer.status_code == 400 and "UTF-8" in answer.text


# -- a body larger than the limit --------------------------------------------------------------------------------

def _huge_post(port: int, *, close: bool, chunked: bool = False) -> bytes:
    """A raw client that sends a 20 MiB query body whole before it reads (as urllib does), then reads to the end.
    Chunked, the body has no declared length: the server finds it too large only once it has read past the limit."""
    piece = b"#" * (64 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = ("POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                + ("Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {20 * MiB}\r\n")
                + ("Connection: close\r\n" if close else "") + "\r\n")
        sock.sendall(head.encode("ascii"))
        for _ in range(20 * MiB // len(piece)):  # raises ConnectionResetError if the server resets the connection
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
        if not close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("close", [True, False], ids=["connection-close", "keep-alive"])
def test_a_20_mib_body_is_answered_413_to_a_client_still_sending(server, close, chunked):
    received = _huge_post(urlsplit(server.url).port, close=close, chunked=chunked)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ")
    assert b"content-type: text/plain" in head.lower()
    assert body.startswith(b"the request body is larger than 100,000 bytes\n")
    assert b"408" not in body  # no second answer for bytes that were the refused body's


def test_a_20_mib_body_with_urllib_and_then_the_same_connection_again(server):
    request = urllib.request.Request(server.url + "/sparql", data=b"#" * (20 * MiB),
                                     headers={"Content-Type": "application/sparql-query"})
    with pytest.raises(urllib.error.HTTPError) as refused:  # urllib sends Connection: close
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413 and b"larger than" in refused.value.read()
    # http.client keeps the connection: the rest of the body is read and dropped, and the next request is answered.
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(server.url).port, timeout=30)
    connection.request("POST", "/sparql", body=b"#" * (20 * MiB), headers={"Content-Type": "application/sparql-query"})
    first = connection.getresponse()
    assert first.status == 413 and b"larger than" in first.read()
    connection.request("GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"})
    second = connection.getresponse()
    assert second.status == 200 and b'"boolean":true' in second.read()
    connection.close()


# -- the service description and /health -------------------------------------------------------------------------

@pytest.mark.parametrize(("fmt", "rdf_format"), [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                                                 ("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)])
def test_the_service_description_names_graphs_in_full(client, server, fmt, rdf_format):
    answer = client.get("/sparql", params={"format": fmt})
    assert answer.status_code == 200
    assert "\\" not in answer.text  # no "\/" escapes, nor any other
    names = {t.object.value for t in ox.parse(answer.content, format=rdf_format) if t.predicate.value == SD + "name"}
    assert names == {g.iri for g in read_manifest(server.project).graphs}
    assert {G[n] for n in [*DATA, NESTED]} <= names


def test_description_prefixes_leave_out_a_namespace_a_graph_name_would_need_escapes_in(server):
    odd = FORMATS + "x/data1.rdf"  # a project may name a graph under any namespace
    triples = service_description("http://127.0.0.1/sparql", manifest_of({odd: 1, G["data2.rdf"]: 1}),
                                  timeout=1, max_rows=1)
    prefixes = description_prefixes(triples)
    assert "formats" not in prefixes and "sd" in prefixes
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")
    assert "\\" not in text and f"<{odd}>" in text


def test_health_counts_every_graph_of_the_store(client, server):
    manifest = read_manifest(server.project)
    counted = client.get("/sparql", params={"query": "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g {} }", "format": "json"})
    in_store = int(_rows(counted)[0]["n"])
    inferred = [g.inferred.iri for g in manifest.graphs if g.inferred] + \
        ([manifest.inferred_graph] if manifest.inferred_graph_triples else [])
    assert inferred  # the closure adds graphs beside the files' ones: the count the fix is about
    assert client.get("/health").json()["graphs"] == in_store == len(manifest.graphs) + len(inferred)


def test_sparqlwrapper_posts_as_form_and_body_with_relative_iris(server):
    for method in ("urlencoded", POSTDIRECTLY):
        sparql = SPARQLWrapper(server.url + "/sparql")
        sparql.setMethod(POST)
        sparql.setRequestMethod(method)
        sparql.setReturnFormat(JSON)
        sparql.setQuery("SELECT (STR(<rel>) AS ?iri) {}")
        assert sparql.query().convert()["results"]["bindings"][0]["iri"]["value"] == server.url + "/rel"


def test_readme_states_the_protocol_behaviours():
    readme = (Path(ROOT) / "README.md").read_text(encoding="utf-8")
    section = readme.split("## SPARQL Protocol conformance", 1)[1].split("\n## ", 1)[0]
    for point in ("default-graph-uri", "from named", "base iri", "406", "415", "413", "ask", "utf-8"):
        assert point in section.lower()
