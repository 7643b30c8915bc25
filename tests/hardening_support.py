"""Shared parts of the hardening tests (tests/test_hardening_*.py): a listener that records every connection made
to it, the hostile copy of the project, and the two servers those tests run against.

* The hostile project: a copy of ontology/, data/ and queries/ in which every label, title, comment, definition
  and shape message starts with markup and script, plus javascript:, data: and our-namespace-javascript IRIs on
  one resource of each class and a query whose summary tries to close the page's script element. It builds and
  validates (the shapes do not mind markup in text); the pages made from it must show all of it as text.
* `hostile_server`: `kg serve` over that build, without a rate limit (the hostile-input tests send many requests).
* `limits_server`: `kg serve` over the session's build with small limits (2 s per query, 20 requests/s per
  client in bursts of 20, one query at a time per client, 1 s to send headers or body, 3 workers), for the
  tests of those limits and the load test.

Clients that must count as different clients connect from different loopback addresses (127.0.0.2, …): Linux
routes all of 127.0.0.0/8 to this machine.
"""

from __future__ import annotations

import re
import secrets
import shutil
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, run_kg, wait_until
from serve_session import Server, start_server, stop_server

# What a hostile data file puts at the start of every text: if any of it runs, window.__xss is set.
MARK = "<script>window.__xss=1</script><img src=x onerror=window.__xss=2>"
MARK_ESCAPED = "&lt;script&gt;window.__xss=1&lt;/script&gt;&lt;img src=x onerror=window.__xss=2&gt;"
HOSTILE_IRIS = ("javascript:window.__xss=3", "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9NDwvc2NyaXB0Pg==",
                "https://w3id.org/jp-plan-kg/javascript:window.__xss=5")
HOSTILE_SUMMARY = "</script><script>window.__xss=6</script>"
TEXT_PREDICATES = re.compile(
    r'((?:rdfs:label|skos:prefLabel|dcterms:title|sh:message|rdfs:comment|skos:definition)\s+)"(?!")')
# One resource of each class that has a page (kg query … GROUP BY ?type on the seed data), and a KPI plan.
PAGE_EXAMPLES = {
    "Municipality": "id/municipality/132055",
    "Prefecture": "id/prefecture/13",
    "Government": "id/national-government",
    "ComprehensivePlan": "id/plan/022012/comprehensive-plan",
    "RevitalisationStrategy": "id/plan/132055/strategy-2",
    "DigitalGardenCityStrategy": "id/plan/national/digital-garden-city-strategy",
    "Plan": "id/plan/132055/population-vision",
    "Goal": "id/plan/132055/strategy-2/goal-1",
    "Direction": "id/plan/132055/strategy-2/goal-1/direction-1",
    "Policy": "id/plan/132217/comprehensive-plan/future-image-4/group-1",
    "Measure": "id/plan/132217/comprehensive-plan/future-image-4/group-2/measure-4-421",
    "Initiative": "id/plan/142123/strategy-2/goal-4/measure-3/initiative-3",
    "KPI": "id/plan/132055/strategy-2/goal-2/direction-1/kpi-1",
    "BaselineValue": "id/plan/132055/strategy-2/goal-3/direction-1/kpi-1/baseline",
    "TargetValue": "id/plan/142123/strategy-2/population-target/target",
    "NumericalTarget": "id/plan/142123/strategy-2/population-target",
    "Indicator": "id/plan/142123/strategy-2/challenge-a/births",
    "StatedValue": "id/plan/142123/strategy-2/challenge-a/births/2022",
    "Challenge": "id/plan/022012/comprehensive-plan/challenge-6",
    "CoreConcept": "id/plan/142123/strategy-2/core-concept",
    "DraftingStep": "id/plan/022012/comprehensive-plan/drafting-step-3",
    "Enabler": "id/plan/022012/comprehensive-plan/enabler-1",
    "FutureImage": "id/plan/022012/comprehensive-plan/future-image",
    "GuidingStatement": "id/plan/022012/comprehensive-plan/guiding-statement-4",
    "MeasureReference": "id/plan/132055/strategy-2/goal-2/direction-2/ref-2",
    "Pillar": "id/plan/022012/comprehensive-plan/pillar-3",
    "Revision": "id/plan/142123/strategy-2/revision-kaitei",
    "SourceDocument": "id/source/022012-aomori-comprehensive-plan",
    "ThematicLink": "id/plan/132055/strategy-2/goal-2/link-information-promotion",
    "Viewpoint": "id/plan/132055/strategy-2/viewpoint-2",
    "Concept": "vocab/qualifier/cumulative",
    "ConceptScheme": "vocab/qualifier",
}
KPI_PLAN = "id/plan/132055/strategy-2"


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text, text[-2000:]


# -- a listener that must stay silent -------------------------------------------------------------------------------

class RecordingListener:
    """A TCP listener on 127.0.0.1 that accepts and records every connection (and the first bytes sent on it).
    Whatever a test points at it must never connect: `connections` stays empty."""

    def __init__(self):
        self.connections: list[bytes] = []
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(2048) or b"(connected, sent nothing)")
                except OSError:
                    self.connections.append(b"(connected)")

    def settle(self, timeout: float = 10) -> None:
        """Return once every connection made to the listener so far has been recorded (rather than sleeping "long
        enough" for a connection, had there been one, to show up). The listener makes a last connection of its
        own and waits until it is recorded: connections are accepted in the order they were made, so whatever
        connected before it has been recorded by then. That connection is then left out of `connections`."""
        marker = b"RecordingListener.settle " + secrets.token_hex(8).encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as probe:
            probe.sendall(marker)
            wait_until(lambda: marker in self.connections, timeout=timeout,
                       what="the listener to record its own last connection")
        self.connections.remove(marker)

    def __enter__(self) -> RecordingListener:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


# -- clients from distinct loopback addresses ---------------------------------------------------------------------

def client_from(address: str, server: Server, *, timeout: float = 30) -> httpx.Client:
    """An HTTP client whose connections come from `address` (127.0.0.x): a client of its own for the rate limits."""
    return httpx.Client(base_url=server.url, timeout=timeout, transport=httpx.HTTPTransport(local_address=address))


def raw_request(server: Server, request: bytes, *, source: str = "127.0.0.1", timeout: float = 10) -> bytes:
    """Send bytes exactly as given (no client normalises the path) and read the whole answer."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout, source_address=(source, 0)) as connection:
        connection.sendall(request)
        chunks = []
        while True:
            try:
                chunk = connection.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


# -- the hostile project, built and published once per session ----------------------------------------------------

@dataclass
class HostileProject:
    root: Path
    build_dir: Path
    site: Path


def make_hostile_copy(root: Path) -> None:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    for path in root.rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        path.write_text(TEXT_PREDICATES.sub(lambda m: m.group(1) + '"' + MARK, text), encoding="utf-8")
    links = "\n".join(
        f"<{path}> rdfs:seeAlso " + " , ".join(f"<{iri}>" for iri in HOSTILE_IRIS) + " ."
        for path in PAGE_EXAMPLES.values())
    (root / "data" / "ttl" / "zz-hostile-links.ttl").write_text(
        "@base <https://w3id.org/jp-plan-kg/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + links + "\n",
        encoding="utf-8")
    (root / "queries" / "99-hostile.rq").write_text(
        f"#+ summary: {HOSTILE_SUMMARY}\n#+ description: {MARK}\nSELECT ?s WHERE {{ ?s ?p ?o }} LIMIT 1\n",
        encoding="utf-8")


_HOSTILE = pytest.StashKey[HostileProject]()
_HOSTILE_SERVER = pytest.StashKey[Server]()
_LIMITS_SERVER = pytest.StashKey[Server]()

LIMITS = {"timeout": 2, "rate": 20, "burst": 20, "client_queries": 1, "header_timeout": 1, "body_timeout": 1,
          "workers": 3}


def hostile_project(request, tmp_path_factory) -> HostileProject:
    config = request.config
    if _HOSTILE not in config.stash:
        folder = tmp_path_factory.mktemp("hostile")
        project = HostileProject(folder / "project", folder / "build", folder / "site")
        make_hostile_copy(project.root)
        built = run_kg("build", "-q", root=project.root, build_dir=project.build_dir)
        assert built.returncode == 0, built.stderr[-3000:]
        published = run_kg("publish", "-q", "--out", str(project.site), root=project.root, build_dir=project.build_dir)
        assert published.returncode == 0, published.stderr[-3000:]
        config.stash[_HOSTILE] = project
    return config.stash[_HOSTILE]


def hostile_server(request, tmp_path_factory) -> Server:
    config = request.config
    if _HOSTILE_SERVER not in config.stash:
        project = hostile_project(request, tmp_path_factory)
        server = start_server(project.build_dir, tmp_path_factory.mktemp("hostile-serve"), "--timeout", "2",
                              "--rate", "0", root=project.root)
        config.stash[_HOSTILE_SERVER] = server
        config.add_cleanup(lambda: stop_server(server))
    return config.stash[_HOSTILE_SERVER]


def limits_server(request, built, tmp_path_factory) -> Server:
    config = request.config
    if _LIMITS_SERVER not in config.stash:
        args = [a for name, value in LIMITS.items() for a in (f"--{name.replace('_', '-')}", str(value))]
        server = start_server(built.build_dir, tmp_path_factory.mktemp("limits-serve"), *args)
        config.stash[_LIMITS_SERVER] = server
        config.add_cleanup(lambda: stop_server(server))
    return config.stash[_LIMITS_SERVER]


# -- memory of a process tree -------------------------------------------------------------------------------------

def tree_pids(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its children (the server and its query workers), from /proc."""
    total = 0
    for current in tree_pids(pid):
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
