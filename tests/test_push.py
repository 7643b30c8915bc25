"""`kg push`: graphs replaced whole on a real Virtuoso, and clear failures (exit 2) when the server cannot be used.

The behaviour Virtuoso cannot be made to show (redirects, 5xx answers, a failure part way) is driven by a small
scripted HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import base64
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.dump import write_dataset_dump
from kg.build.store import current_build, new_build_folder, publish, read_manifest
from kg.errors import KgError
from kg.project import GRAPH_BASE, Project
from kg.query.remote import run_remote
from kg.remote.auth import Credentials, credentials_from_environment_or_prompt, is_loopback
from kg.remote.graph_store import GraphStoreClient, GraphStoreError
from kg.remote.push import GraphUpload, PushError, graphs_of_build, push_graphs

from conftest import ROOT, manifest_of, run_kg
from virtuoso_session import dba_credentials, emptied, push_environment, session_virtuoso

EX = "https://example.org/push-test/"
GRAPH_A, GRAPH_B, GRAPH_C = (GRAPH_BASE + f"test-push/{name}" for name in "abc")


@pytest.fixture(scope="session")
def virtuoso(request, tmp_path_factory):
    return session_virtuoso(request, tmp_path_factory)


def triple(subject: str, value: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + subject), ox.NamedNode(EX + "value"), ox.Literal(value, language="ja"))


def make_build(build_dir: Path, graphs: dict[str, list[ox.Triple]]) -> Path:
    """A build folder as `kg build` publishes it (dump, manifest, `current` link); a graph with no triples is
    listed in the manifest only, as the graph of an emptied file is."""
    project = Project(root=ROOT, build_dir=build_dir)
    paths = new_build_folder(project)
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri)) for iri, ts in graphs.items() for t in ts]
    write_dataset_dump(paths, quads)
    publish(project, paths, manifest_of({iri: len(ts) for iri, ts in graphs.items()}))
    return build_dir


def graph_sizes(server) -> dict[str, int]:
    answer = run_remote(server.sparql_endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                                f"FILTER(STRSTARTS(STR(?g), '{GRAPH_BASE}test-push/')) }} GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in answer.rows}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- against a real Virtuoso ---------------------------------------------------------------------------------

@pytest.mark.virtuoso
def test_push_replaces_each_graph_and_a_repeat_changes_nothing(virtuoso, tmp_path, monkeypatch):
    push_environment(virtuoso, monkeypatch)
    emptied(virtuoso)  # the prune below would also delete what other tests pushed
    first = make_build(tmp_path / "first", {GRAPH_A: [triple("s1", "一"), triple("s2", "二"), triple("s3", "三")],
                                            GRAPH_B: [triple("s4", "四"), triple("s5", "五")],
                                            GRAPH_C: [triple("s6", "六")]})
    done = run_kg("push", "--endpoint", virtuoso.graph_store_endpoint, build_dir=first)
    assert done.returncode == 0, done.stderr
    # The build lists its (empty) residual inferred graph too, which is deleted on the server.
    assert "3 graph(s) replaced, 1 deleted, 6 triples" in done.stdout
    assert "[1/4] graph:test-push/a  3 triples" in done.stderr and "→ 201" in done.stderr
    assert graph_sizes(virtuoso) == {GRAPH_A: 3, GRAPH_B: 2, GRAPH_C: 1}

    again = run_kg("push", "--endpoint", virtuoso.graph_store_endpoint, "--quiet", build_dir=first)
    assert again.returncode == 0 and again.stdout == again.stderr == ""
    assert graph_sizes(virtuoso) == {GRAPH_A: 3, GRAPH_B: 2, GRAPH_C: 1}, "a second push must not duplicate"

    # The next build drops s3 from a, changes s2, empties b's file and removes c's file altogether.
    second = make_build(tmp_path / "second", {GRAPH_A: [triple("s1", "一"), triple("s2", "弐")], GRAPH_B: []})
    done = run_kg("push", "--endpoint", virtuoso.graph_store_endpoint, "--prune", virtuoso.sparql_endpoint,
                  build_dir=second)
    assert done.returncode == 0, done.stderr
    assert "1 graph(s) replaced, 3 deleted" in done.stdout
    assert f"deleted <{GRAPH_C}>" in done.stderr
    assert graph_sizes(virtuoso) == {GRAPH_A: 2}
    values = run_remote(virtuoso.sparql_endpoint, f"SELECT ?s ?v WHERE {{ GRAPH <{GRAPH_A}> {{ ?s ?p ?v }} }}")
    assert {(r["s"].value, r["v"].value) for r in values.rows} == {(EX + "s1", "一"), (EX + "s2", "弐")}


@pytest.mark.virtuoso
def test_wrong_password_is_refused_with_exit_2(virtuoso, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_PUSH_USER", virtuoso.user)
    monkeypatch.setenv("KG_PUSH_PASSWORD", "not-the-password")
    build = make_build(tmp_path / "b", {GRAPH_A: [triple("x", "x")]})
    done = run_kg("push", "--endpoint", virtuoso.graph_store_endpoint, build_dir=build)
    assert done.returncode == 2
    assert "HTTP 401" in done.stderr and "refused the credentials" in done.stderr
    assert "nothing was changed on the server" in done.stderr
    assert "not-the-password" not in done.stderr + done.stdout


@pytest.mark.virtuoso
def test_server_asking_for_credentials_without_any_fails_with_exit_2(virtuoso, tmp_path, monkeypatch):
    monkeypatch.delenv("KG_PUSH_USER", raising=False)
    monkeypatch.delenv("KG_PUSH_PASSWORD", raising=False)
    build = make_build(tmp_path / "b", {GRAPH_A: [triple("x", "x")]})
    done = run_kg("push", "--endpoint", virtuoso.graph_store_endpoint, build_dir=build, stdin="")
    assert done.returncode == 2
    assert "asks for credentials (HTTP 401)" in done.stderr and "KG_PUSH_USER" in done.stderr


@pytest.mark.virtuoso
def test_refused_upload_leaves_the_previous_graph_in_place(virtuoso):
    credentials = dba_credentials(virtuoso)
    kept = ox.serialize([triple("k", "残る")], format=ox.RdfFormat.N_TRIPLES)
    with GraphStoreClient(virtuoso.graph_store_endpoint, credentials=credentials) as client:
        push_graphs([GraphUpload(GRAPH_B, 1, kept)], client)
    broken = GraphUpload(GRAPH_B, 2, kept + b'<https://example.org/x> <https://example.org/p> "unterminated .\n')
    with pytest.raises(PushError, match="HTTP 500") as failure, \
            GraphStoreClient(virtuoso.graph_store_endpoint, credentials=credentials, retries=0) as client:
        push_graphs([broken], client)
    assert "nothing was changed on the server" in str(failure.value)
    values = run_remote(virtuoso.sparql_endpoint, f"SELECT ?v WHERE {{ GRAPH <{GRAPH_B}> {{ ?s ?p ?v }} }}")
    assert [row["v"].value for row in values.rows] == ["残る"]


# --- failures that need no server --------------------------------------------------------------------------

def test_unreachable_server_fails_with_exit_2(tmp_path):
    build = make_build(tmp_path / "b", {GRAPH_A: [triple("x", "x")]})
    port = closed_port()
    done = run_kg("push", "--endpoint", f"http://127.0.0.1:{port}/sparql-graph-crud-auth", "--retries", "1",
                  build_dir=build)
    assert done.returncode == 2
    assert f"http://127.0.0.1:{port}: cannot connect" in done.stderr and "(2 attempt(s))" in done.stderr
    assert "nothing was changed on the server" in done.stderr


def test_credentials_in_the_url_are_refused(tmp_path):
    build = make_build(tmp_path / "b", {GRAPH_A: [triple("x", "x")]})
    done = run_kg("push", "--endpoint", "http://dba:dba@127.0.0.1:1/sparql-graph-crud-auth", build_dir=build)
    assert done.returncode == 2 and "credentials in the endpoint URL are not accepted" in done.stderr


def test_push_without_a_build_says_to_build(tmp_path):
    done = run_kg("push", "--endpoint", "http://127.0.0.1:1/store", build_dir=tmp_path / "empty")
    assert done.returncode == 2 and "kg build" in done.stderr


def test_blank_node_shared_by_two_graphs_is_refused(tmp_path):
    node = ox.BlankNode("shared")
    quads = [ox.Quad(node, ox.NamedNode(EX + "p"), ox.Literal("1"), ox.NamedNode(GRAPH_A)),
             ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), node, ox.NamedNode(GRAPH_B))]
    project = Project(root=ROOT, build_dir=tmp_path)
    paths = new_build_folder(project)
    write_dataset_dump(paths, quads)
    publish(project, paths, manifest_of({}))
    with pytest.raises(KgError, match="blank node"):
        graphs_of_build(current_build(project), read_manifest(project))


def test_credentials_come_from_the_environment_and_never_show():
    with open("/dev/null") as stdin:
        source = credentials_from_environment_or_prompt(environ={"KG_PUSH_USER": "u", "KG_PUSH_PASSWORD": "secret"},
                                                        stdin=stdin)
        credentials = source()
        assert credentials == Credentials("u", "secret") and "secret" not in repr(credentials)
        assert credentials_from_environment_or_prompt(environ={}, stdin=stdin)() is None


def test_loopback_hosts():
    assert is_loopback("http://127.0.0.1:8890/x") and is_loopback("http://localhost/") and is_loopback("http://[::1]/")
    assert not is_loopback("http://example.org/") and not is_loopback("http://10.0.0.1/")


# --- a scripted server for what Virtuoso does not do on demand ---------------------------------------------

class ScriptedServer:
    """Answers each request with `answer(method, path, headers) -> (status, headers)`; records what it got."""

    def __init__(self, answer, host="127.0.0.1"):
        self.requests: list[tuple[str, str, dict, int]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.requests.append((self.command, self.path, dict(self.headers), length))
                status, headers = answer(self.command, self.path, self.headers)
                self.send_response(status)
                for key, value in {**headers, "Content-Length": "0"}.items():
                    self.send_header(key, value)
                self.end_headers()

            do_PUT = do_DELETE = do_GET = do_POST = _any

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        # serve_forever looks for shutdown() every poll_interval (0.5 s by default): each test waited that long.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def no_credentials():
    raise AssertionError("credentials must not be asked for here")


def test_redirect_to_another_origin_is_refused_and_nothing_is_sent_there():
    with ScriptedServer(lambda *_: (201, {}), host="localhost") as elsewhere:
        with ScriptedServer(lambda *_: (307, {"Location": elsewhere.url + "/store"})) as server:
            with GraphStoreClient(server.url + "/store", credentials=no_credentials) as client:
                with pytest.raises(GraphStoreError, match="redirects to another origin") as failure:
                    client.put_graph(GRAPH_A, b"<a:b> <a:c> <a:d> .\n", content_type="application/n-triples")
    assert elsewhere.requests == []
    assert "pass its URL as --endpoint" in str(failure.value)


def test_same_origin_redirect_is_followed_and_basic_auth_is_sent_only_after_the_challenge():
    expected = "Basic " + base64.b64encode(b"user:pw").decode()
    body = b"<a:b> <a:c> <a:d> .\n"

    def answer(method, path, headers):
        if path.startswith("/old"):
            return 308, {"Location": "/new" + path[len("/old"):]}
        if headers.get("Authorization") != expected:
            return 401, {"WWW-Authenticate": 'Basic realm="test"'}
        return 201, {}

    with ScriptedServer(answer) as server:
        with GraphStoreClient(server.url + "/old", credentials=lambda: Credentials("user", "pw")) as client:
            answer_ = client.put_graph(GRAPH_A, body, content_type="application/n-triples")
    assert answer_.status == 201
    assert [(m, p.split("?")[0], h.get("Authorization")) for m, p, h, _ in server.requests] == [
        ("PUT", "/old", None), ("PUT", "/new", None), ("PUT", "/new", expected)]
    assert all(length == len(body) for *_, length in server.requests), "the body goes whole with every attempt"


def test_5xx_is_retried_a_bounded_number_of_times():
    statuses = iter([503, 502, 201])
    with ScriptedServer(lambda *_: (next(statuses), {})) as server:
        with GraphStoreClient(server.url + "/store", credentials=no_credentials, retries=2, backoff=0) as client:
            assert client.put_graph(GRAPH_A, b"", content_type="application/n-triples").attempts == 3

    with ScriptedServer(lambda *_: (500, {})) as server:
        with GraphStoreClient(server.url + "/store", credentials=no_credentials, retries=2, backoff=0) as client:
            with pytest.raises(GraphStoreError, match="HTTP 500") as failure:
                client.delete_graph(GRAPH_A)
    assert len(server.requests) == 3 and failure.value.status == 500


def test_failure_part_way_says_what_was_replaced_and_that_pushing_again_repairs():
    statuses = iter([201, 400])
    uploads = [GraphUpload(GRAPH_A, 1, b"<a:b> <a:c> <a:d> .\n"), GraphUpload(GRAPH_B, 1, b"<a:b> <a:c> <a:e> .\n"),
               GraphUpload(GRAPH_C, 1, b"<a:b> <a:c> <a:f> .\n")]
    with ScriptedServer(lambda *_: (next(statuses), {})) as server, pytest.raises(PushError) as failure, \
                GraphStoreClient(server.url + "/store", credentials=no_credentials, retries=0) as client:
        push_graphs(uploads, client)
    message = str(failure.value)
    assert "HTTP 400" in message
    assert "1 graph(s) were replaced before the failure; 2 keep their previous content" in message
    assert "pushing again" in message
    assert [g.iri for g in failure.value.done] == [GRAPH_A] and failure.value.pending == [GRAPH_B, GRAPH_C]


def test_bearer_token_goes_with_every_request_to_the_endpoint_only():
    with ScriptedServer(lambda method, *_: (201 if method == "PUT" else 204, {})) as server:
        with GraphStoreClient(server.url + "/", credentials=no_credentials, token="t0ken") as client:
            client.put_graph(GRAPH_A, b"", content_type="application/n-triples")
            client.delete_graph(GRAPH_B)
    assert [h.get("Authorization") for _, _, h, _ in server.requests] == ["Bearer t0ken", "Bearer t0ken"]
    with GraphStoreClient("http://example.org/store", credentials=no_credentials, token="t0ken") as client:
        with pytest.raises(KgError, match="in the clear"):
            client.put_graph(GRAPH_A, b"", content_type="application/n-triples")
