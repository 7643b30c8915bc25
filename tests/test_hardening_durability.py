"""Failures part-way lose nothing: a build killed (SIGKILL) at several points leaves the previous build answering
and the data untouched; an ingest killed or failing while it writes leaves every data file whole (old or new,
never half); a push cut off part-way leaves each graph whole on the server, and pushing again repairs it.

All through the real commands, in their own processes; the push goes to the real Virtuoso
(tests/virtuoso_session.py) through a loopback proxy that cuts the connection in the middle of an upload.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.dump import write_dataset_dump
from kg.build.store import new_build_folder, publish
from kg.intake.export import export_plan
from kg.project import GRAPH_BASE, Project
from kg.query.remote import run_remote
from kg.rdf.files import parse_rdf_file
from kg.remote.graph_store import GraphStoreClient

from conftest import ROOT, manifest_of, run_kg, wait_until
from hardening_support import no_traceback
from virtuoso_session import dba_credentials, session_virtuoso

KG = [sys.executable, "-m", "kg"]
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


def digest_tree(*folders: Path) -> dict[str, str]:
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


# -- a build killed part-way --------------------------------------------------------------------------------------------

@pytest.fixture
def own_build_dir(built, tmp_path) -> Path:
    """A copy of the session's build folder (its build, `current` link and validation cache) to kill builds in."""
    target = tmp_path / "build"
    shutil.copytree(built.build_dir, target, symlinks=True)
    return target


def kill_build(build_dir: Path, *, after: float | None = None, at_step: str | None = None) -> subprocess.Popen:
    process = subprocess.Popen(KG + ["--build-dir", str(build_dir), "build"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, env=ENV)
    if after is not None:
        # Kept: a kill at a moment of no step's choosing (between the progress lines), not at an event.
        time.sleep(after)
    else:
        for line in process.stderr:  # the build's progress lines: kill as soon as the step begins
            if at_step in line:
                break
        else:
            pytest.fail(f"the build never reached {at_step!r} (exit {process.wait()})")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    return process


@pytest.mark.slow  # four builds, two of them killed at a time (about 9 s)
def test_a_build_killed_part_way_leaves_the_previous_build_and_the_data_untouched(own_build_dir):
    current = own_build_dir / "current"
    target = os.readlink(current)
    manifest = (current / "manifest.json").read_bytes()
    data = digest_tree(ROOT / "data", ROOT / "ontology")
    answer = run_kg("query", "05-kpi-values", "-f", "csv", build_dir=own_build_dir)
    assert answer.returncode == 0 and answer.stdout.count("\n") > 5
    for when in ({"after": 0.5}, {"after": 2.0}, {"at_step": "closure"}, {"at_step": "write store"}):
        process = kill_build(own_build_dir, **when)
        assert process.returncode == -signal.SIGKILL, when  # it really was killed part-way, not finished
        assert os.readlink(current) == target, when
        assert (current / "manifest.json").read_bytes() == manifest, when
        again = run_kg("query", "05-kpi-values", "-f", "csv", build_dir=own_build_dir)
        assert again.returncode == 0 and again.stdout == answer.stdout, when
        leftovers = [p.name for p in (own_build_dir / "builds").iterdir() if p.name != Path(target).name]
        assert all(name.endswith(".partial") for name in leftovers), leftovers  # removed by the next build
    assert digest_tree(ROOT / "data", ROOT / "ontology") == data


# -- an ingest killed or failing part-way ----------------------------------------------------------------------------

OLD_TEXT = "# the previous version of this file\n<urn:x:old> <urn:x:is> \"whole\" .\n"


@pytest.fixture(scope="module")
def workbook(built, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "aomori.xlsx"
    export_plan(built, "id:plan/022012/comprehensive-plan", path)
    return path


def ingest_target(tmp_path: Path) -> tuple[Path, Path]:
    out = tmp_path / "data" / "ttl" / "022012-aomori.ttl"
    classification = out.parent / "classification" / out.name
    for path in (out, classification):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(OLD_TEXT, encoding="utf-8")
    return out, classification


def assert_whole(out: Path, classification: Path) -> None:
    """Each file is the old one or a complete new one; nothing Turtle-named is left half written."""
    for path in (out, classification):
        text = path.read_text(encoding="utf-8")
        if text != OLD_TEXT:
            assert len(parse_rdf_file(path).triples) > 300, path
    for path in out.parent.rglob("*.ttl"):  # what `kg build` would read from data/ttl
        assert path in (out, classification), path


@pytest.mark.slow  # kills at set times
def test_an_ingest_killed_part_way_leaves_each_file_whole(workbook, tmp_path):
    out, classification = ingest_target(tmp_path)
    caught_writing = 0
    for delay in (0.3, 0.8, 1.2, None, None, None):
        process = subprocess.Popen(KG + ["ingest", str(workbook), "--out", str(out)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=ENV)
        if delay is not None:
            time.sleep(delay)  # kept: a kill at a moment of no step's choosing, not at an event
        else:
            # Kill it the moment its first temporary file appears: in the middle of writing.
            deadline = time.monotonic() + 30
            while process.poll() is None and time.monotonic() < deadline:
                if any(name.endswith(".tmp") for name in os.listdir(out.parent)):
                    caught_writing += 1
                    break
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert_whole(out, classification)
    # A temporary file a killed process left behind is named *.tmp: never read as data, never half a .ttl.
    leftovers = [p.name for p in out.parent.rglob("*") if p.is_file() and p not in (out, classification)]
    assert all(name.endswith(".tmp") for name in leftovers), leftovers
    print(f"ingest killed while writing {caught_writing} time(s) of 3")


def test_an_ingest_that_cannot_finish_writing_changes_nothing(workbook, tmp_path):
    out, classification = ingest_target(tmp_path)

    def small_file_limit():  # as a full disk: writes past 20,000 bytes fail (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = subprocess.run(KG + ["ingest", str(workbook), "--out", str(out)], capture_output=True, text=True,
                            env=ENV, preexec_fn=small_file_limit, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "書き込めません" in result.stderr and "データファイルは変更していません" in result.stderr, result.stderr
    no_traceback(result.stderr)
    assert out.read_text(encoding="utf-8") == OLD_TEXT and classification.read_text(encoding="utf-8") == OLD_TEXT
    assert sorted(p.name for p in out.parent.rglob("*") if p.is_file()) == [out.name, classification.name]


# -- a push cut off part-way ---------------------------------------------------------------------------------------------

GRAPHS = [GRAPH_BASE + f"test-hardening/{name}" for name in ("a", "b", "c")]
TRIPLES_PER_GRAPH = 5000


def versioned_build(build_dir: Path, version: str) -> None:
    """A build of three graphs of 5,000 triples each, every value saying which version it belongs to."""
    project = Project(root=ROOT, build_dir=build_dir)
    paths = new_build_folder(project)
    quads = [ox.Quad(ox.NamedNode(f"{graph}/s{i}"), ox.NamedNode("urn:x:version"),
                     ox.Literal(f"{version} value {i} of a graph pushed whole or not at all"), ox.NamedNode(graph))
             for graph in GRAPHS for i in range(TRIPLES_PER_GRAPH)]
    write_dataset_dump(paths, quads)
    publish(project, paths, manifest_of(dict.fromkeys(GRAPHS, TRIPLES_PER_GRAPH)))


class CuttingProxy:
    """Forwards connections to `upstream` until `cut_after` bytes have gone upstream in all, then drops every
    connection at once and refuses new ones: a server that goes away in the middle of an upload. With
    stall=True it keeps the connections open but forwards nothing more, until the client is killed."""

    def __init__(self, upstream: tuple[str, int], cut_after: int, *, stall: bool = False):
        self.upstream, self.cut_after, self.sent, self.stall = upstream, cut_after, 0, stall
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.cut = threading.Event()
        self.sockets: list[socket.socket] = []
        self.upstream_ports: set[int] = set()  # the local ports of its connections to `upstream`
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.cut.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.upstream_ports.add(server.getsockname()[1])
            self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, upstream: bool):
        try:
            while not self.cut.is_set():
                data = source.recv(16384)
                if not data:
                    break
                if upstream:
                    with self.lock:
                        self.sent += len(data)
                        if self.sent > self.cut_after:
                            if self.stall:
                                self.cut.set()
                                source.recv(1 << 20)  # hold the connection until the client goes away
                            else:
                                self.close()
                            return
                target.sendall(data)
        except OSError:
            pass

    def close(self):
        self.cut.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone would leave it listening)
        except OSError:
            pass
        self.listener.close()
        for sock in self.sockets:
            try:
                # shutdown first: close() alone would wait for the other pump thread's recv() on the same socket.
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass


def server_holds_open(server_port: int, client_ports: set[int]) -> bool:
    """Whether the server listening on `server_port` still holds one of these connections open: its side is
    ESTABLISHED, or CLOSE_WAIT (the client has closed, the server not yet), in /proc/net/tcp and tcp6."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, remote, state = line.split()[1:4]
            if (int(local.rsplit(":", 1)[1], 16) == server_port and int(remote.rsplit(":", 1)[1], 16) in client_ports
                    and state in ("01", "08")):
                return True
    return False


def graph_versions(server) -> dict[str, dict[str, int]]:
    answer = run_remote(server.sparql_endpoint, "SELECT ?g ?version (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <urn:x:version> ?o } "
                        f"BIND(STRBEFORE(STR(?o), ' ') AS ?version) FILTER(STRSTARTS(STR(?g), '{GRAPH_BASE}test-hardening/')) }} "
                        "GROUP BY ?g ?version")
    versions: dict[str, dict[str, int]] = {}
    for row in answer.rows:
        versions.setdefault(row["g"].value, {})[row["version"].value] = int(row["n"].value)
    return versions


@pytest.fixture
def virtuoso(request, tmp_path_factory):
    """The session's Virtuoso; this test's graphs are deleted afterwards (other tests prune what they do not know)."""
    server = session_virtuoso(request, tmp_path_factory)
    yield server
    with GraphStoreClient(server.graph_store_endpoint, credentials=dba_credentials(server)) as client:
        for graph in GRAPHS:
            client.delete_graph(graph)


@pytest.mark.virtuoso
@pytest.mark.slow  # four pushes of 15,000 triples (about 7 s)
def test_a_push_cut_off_or_killed_part_way_leaves_whole_graphs_and_pushing_again_repairs(virtuoso, tmp_path):
    server = virtuoso
    env = {**ENV, "KG_PUSH_USER": server.user, "KG_PUSH_PASSWORD": server.password}
    old, new = tmp_path / "old", tmp_path / "new"
    versioned_build(old, "old")
    versioned_build(new, "new")
    endpoint = "/sparql-graph-crud-auth"
    first = subprocess.run(KG + ["--build-dir", str(old), "push", "-q", "--endpoint", server.base_url + endpoint],
                           capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert graph_versions(server) == {g: {"old": TRIPLES_PER_GRAPH} for g in GRAPHS}

    # The new build through a proxy that drops everything in the middle of the second graph's upload.
    graph_bytes = len((new / "current" / "dataset.nq").read_bytes()) // len(GRAPHS)
    proxy = CuttingProxy((server.host, server.http_port), cut_after=int(graph_bytes * 1.5))
    cut = subprocess.run(KG + ["--build-dir", str(new), "push", "--retries", "1", "--timeout", "30",
                               "--endpoint", proxy.url + endpoint], capture_output=True, text=True, env=env, timeout=300)
    assert proxy.cut.is_set()
    assert cut.returncode == 2, cut.stderr
    assert "were replaced before the failure" in cut.stderr and "pushing again" in cut.stderr
    no_traceback(cut.stderr)
    versions = graph_versions(server)
    assert set(versions) == set(GRAPHS)
    for graph, counts in versions.items():
        assert counts in ({"old": TRIPLES_PER_GRAPH}, {"new": TRIPLES_PER_GRAPH}), (graph, counts)  # never half
    assert versions[GRAPHS[0]] == {"new": TRIPLES_PER_GRAPH} and versions[GRAPHS[-1]] == {"old": TRIPLES_PER_GRAPH}

    again = subprocess.run(KG + ["--build-dir", str(new), "push", "-q", "--endpoint", server.base_url + endpoint],
                           capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    assert graph_versions(server) == {g: {"new": TRIPLES_PER_GRAPH} for g in GRAPHS}

    # Now the client dies (SIGKILL) in the middle of the second upload of the old build.
    stalling = CuttingProxy((server.host, server.http_port), cut_after=int(graph_bytes * 1.5), stall=True)
    client = subprocess.Popen(KG + ["--build-dir", str(old), "push", "-q", "--endpoint", stalling.url + endpoint],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    assert stalling.cut.wait(timeout=60)
    client.send_signal(signal.SIGKILL)
    client.wait(timeout=30)
    stalling.close()  # and the half-sent request to Virtuoso ends with its connection
    # Virtuoso is done with the half-sent request once it has closed its side of the connection.
    assert stalling.upstream_ports
    wait_until(lambda: not server_holds_open(server.http_port, stalling.upstream_ports), timeout=30,
               what="Virtuoso to close the connection of the half-sent request")
    versions = graph_versions(server)
    for graph, counts in versions.items():
        assert counts in ({"old": TRIPLES_PER_GRAPH}, {"new": TRIPLES_PER_GRAPH}), (graph, counts)
    assert versions[GRAPHS[0]] == {"old": TRIPLES_PER_GRAPH} and versions[GRAPHS[-1]] == {"new": TRIPLES_PER_GRAPH}
    repaired = subprocess.run(KG + ["--build-dir", str(old), "push", "-q", "--endpoint", server.base_url + endpoint],
                              capture_output=True, text=True, env=env, timeout=300)
    assert repaired.returncode == 0, repaired.stderr
    assert graph_versions(server) == {g: {"old": TRIPLES_PER_GRAPH} for g in GRAPHS}


def test_a_half_written_validation_cache_entry_is_validated_again(own_build_dir):
    # What a build killed while writing its validation cache used to leave: the next build then failed to read it.
    entries = sorted((own_build_dir / "cache" / "validation").glob("*.json"))
    assert entries
    text = entries[0].read_text(encoding="utf-8")
    entries[0].write_text(text[: len(text) // 2] + '[{"focus_node": "half', encoding="utf-8")
    result = run_kg("build", build_dir=own_build_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "validate 1 of" in result.stderr  # that one entry was validated again, the others reused
    no_traceback(result.stderr)
