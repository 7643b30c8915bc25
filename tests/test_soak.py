"""A soak: `kg serve` under a steady mix of well-formed queries, runaway queries and hostile requests from two
loopback clients while the graph is rebuilt with changes four times (real `kg build`s of a copy of the project).

Every well-formed query is answered 200 from a complete build (its label is the one of the build named in its
Kg-Build header, and it counts every quad of that build's store); the answers change to each new build's once the
server has switched, never back; no worker is lost for good (every worker killed at a runaway query's timeout is
replaced, and the old builds' workers are gone); the memory of the server and its workers comes back to its level.

Bounded: about 40 s, at most ~90 s. The figures are printed and written to build/test-artifacts/soak.json.
"""

from __future__ import annotations

import json
import threading
import time

import httpx
import pyoxigraph as ox
import pytest

from conftest import ROOT, wait_until
from hardening_support import client_from, no_traceback, rss_bytes
from rebuild_support import RUNAWAY, SUBJECT, build, label_of, project_copy, set_version
from serve_session import start_server, stop_server, worker_pids

pytestmark = pytest.mark.slow

WORKERS = 3
REBUILDS = 4
SECONDS_BETWEEN_REBUILDS = 3.0  # traffic on each build before the next is made
TIME_LIMIT = 90.0
ARTIFACTS = ROOT / "build" / "test-artifacts"
# The label of the build's version and the count of all its quads: both must be the build's own.
WELL_FORMED = f"""SELECT ?label ?quads WHERE {{
  <{SUBJECT}> <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  {{ SELECT (COUNT(*) AS ?quads) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
}}"""
HOSTILE = [
    ("GET", "/sparql", {"params": {"query": RUNAWAY, "timeout": "1.5"}}),
    ("POST", "/sparql", {"data": {"update": "DROP ALL"}}),
    ("POST", "/sparql", {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}}),
    ("GET", "/sparql", {"params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}}),
    ("POST", "/sparql", {"content": "ASK " + "{ " * 12_000 + "}" * 12_000,
                         "headers": {"Content-Type": "application/sparql-query"}}),
    ("POST", "/sparql", {"content": "#" * 150_000, "headers": {"Content-Type": "application/sparql-query"}}),
    ("GET", "/sparql", {"params": {"query": f'ASK {{ FILTER(REGEX("{"a" * 5000}!", "^(a+)+$")) }}', "timeout": "1.5"}}),
    ("GET", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", {}),
    ("GET", "/api/queries/09-theme-keyword", {"params": {"keyword": '" } } SELECT * WHERE { ?s ?p ?o } #'}}),
]
EXPECTED_HOSTILE = {200, 400, 404, 413, 415, 429, 503}


def quads_of(build_dir, build_id: str) -> int:
    store = ox.Store.read_only(str(build_dir / "builds" / build_id / "store"))
    try:
        return len(store)
    finally:
        del store


def test_a_server_under_load_lives_through_rebuilds(tmp_path, monkeypatch):
    soak_started = time.monotonic()
    root, build_dir = project_copy(tmp_path / "project"), tmp_path / "build"
    set_version(root, 1)
    builds = {}  # build id -> (version, quads)
    first = build(root, build_dir)
    builds[first] = (1, quads_of(build_dir, first))
    monkeypatch.setenv("KG_SERVE_WATCH_SECONDS", "0.5")
    # A well-formed query may wait for a worker up to the server's limit (8 s); runaway queries ask for 1.5 s, so
    # the workers they hold are freed (killed and replaced) long before.
    server = start_server(build_dir, tmp_path, "--workers", str(WORKERS), "--timeout", "8", "--rate", "0", root=root)
    pid = server.process.pid
    try:
        with client_from("127.0.0.2", server) as good:
            for _ in range(WORKERS):  # warm: each worker has answered once
                assert good.post("/sparql", data={"query": WELL_FORMED}).status_code == 200
        rss_before = rss_bytes(pid)
        peak = [rss_before]
        stop = threading.Event()
        answers: list[tuple[float, int, str, str]] = []  # (when, status, build, body) of the well-formed queries
        hostile_statuses: list[int] = []
        timeouts: list[str] = []  # hostile queries stopped at their timeout: each killed a worker
        failures: list[str] = []
        switches: list[float] = []  # seconds from the end of each build to the first answer from it

        def well_formed():
            with client_from("127.0.0.2", server, timeout=30) as http:
                while not stop.is_set():
                    try:
                        answer = http.post("/sparql", data={"query": WELL_FORMED}, headers={"Accept": "text/csv"})
                    except httpx.TransportError as exc:
                        failures.append(f"well-formed: {type(exc).__name__}: {exc}")
                        continue
                    answers.append((time.monotonic(), answer.status_code, answer.headers.get("kg-build", ""),
                                    answer.text))
                    time.sleep(0.05)  # kept: the pace of a steady client

        def hostile(offset: int):
            with client_from("127.0.0.3", server, timeout=30) as http:
                index = offset
                while not stop.is_set():
                    method, path, options = HOSTILE[index % len(HOSTILE)]
                    index += 2
                    try:
                        answer = http.request(method, path, **options)
                        hostile_statuses.append(answer.status_code)
                        if answer.headers.get("kg-limit") == "timeout":
                            timeouts.append(path)
                    except httpx.TransportError as exc:
                        failures.append(f"hostile {method} {path}: {type(exc).__name__}")
                    time.sleep(0.02)  # kept: the pace of the flood

        def sample_memory():
            while not stop.is_set():
                peak[0] = max(peak[0], rss_bytes(pid))
                time.sleep(0.2)  # kept: the sampling interval

        threads = [threading.Thread(target=well_formed), threading.Thread(target=hostile, args=(0,)),
                   threading.Thread(target=hostile, args=(1,)), threading.Thread(target=sample_memory)]
        for thread in threads:
            thread.start()
        try:
            for version in range(2, REBUILDS + 2):
                time.sleep(SECONDS_BETWEEN_REBUILDS)  # kept: the traffic each build serves before the next
                set_version(root, version)
                made = build(root, build_dir)
                built_at = time.monotonic()
                builds[made] = (version, quads_of(build_dir, made))
                served = wait_until(lambda made=made: next((when for when, _s, b, _t in list(answers) if b == made), None),
                                    timeout=30, interval=0.05,
                                    what=lambda: f"an answer from the new build:\n{server.log_text()[-3000:]}")
                switches.append(served - built_at)
                assert time.monotonic() - soak_started < TIME_LIMIT - 25, "the soak is running out of its time"
            time.sleep(SECONDS_BETWEEN_REBUILDS)  # kept: traffic on the last build too
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)

        with client_from("127.0.0.4", server) as watcher:
            def settled():
                health = watcher.get("/health")
                return (health.status_code == 200 and health.json()["workers"]["running"] == WORKERS
                        and len(worker_pids(server)) == WORKERS and health)

            health = wait_until(settled, timeout=30, interval=0.1,
                                what=lambda: f"every worker running and the old ones gone:\n{server.log_text()[-3000:]}")
        rss_after = rss_bytes(pid)
        seconds = time.monotonic() - soak_started

        versions_seen = []
        wrong = []
        for _when, status, build_id, body in answers:
            if status != 200 or build_id not in builds:
                wrong.append((status, build_id, body[:300]))
                continue
            version, quads = builds[build_id]
            rows = body.strip().splitlines()
            if rows[1:] != [f"{label_of(version)},{quads}"]:
                wrong.append((status, build_id, body[:300]))
            versions_seen.append(version)
        health = health.json()
        figures = {
            "seconds": round(seconds, 1), "rebuilds": REBUILDS, "switch_seconds": [round(s, 2) for s in switches],
            "well_formed": len(answers), "well_formed_wrong": len(wrong),
            "answers_per_version": {v: versions_seen.count(v) for v in sorted(set(versions_seen))},
            "hostile": len(hostile_statuses),
            "hostile_statuses": {str(s): hostile_statuses.count(s) for s in sorted(set(hostile_statuses))},
            "hostile_stopped_at_timeout": len(timeouts),
            "workers_restarted": health["workers"]["restarted"], "switches": health["switches"],
            "builds_on_disk": len(list((build_dir / "builds").iterdir())),
            "rss_before_mib": round(rss_before / 2**20, 1), "rss_peak_mib": round(peak[0] / 2**20, 1),
            "rss_after_mib": round(rss_after / 2**20, 1),
        }
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "soak.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
        print("\nsoak:", json.dumps(figures))

        assert failures == [], failures[:5]
        assert wrong == [], wrong[:5]  # every well-formed query: 200, from a complete build, the build's answer
        assert len(answers) >= 50, figures
        assert versions_seen == sorted(versions_seen), figures  # the answers change after each switch, never back
        assert set(versions_seen) == set(range(1, REBUILDS + 2)), figures
        assert set(hostile_statuses) <= EXPECTED_HOSTILE, figures  # no 500
        assert len(timeouts) >= 3, figures  # runaway queries were stopped (their workers killed) …
        # … and each worker replaced: /health counts them over the server's life, except those killed on a build
        # the server had already switched from (at most its workers per switch).
        assert health["workers"]["restarted"] >= len(timeouts) - REBUILDS * WORKERS, figures
        assert health["switches"] == REBUILDS, figures
        assert health["build"] == max(builds, key=lambda b: builds[b][0])
        assert rss_after < rss_before + 100 * 2**20, figures  # back to its level: the old builds' workers are gone
        assert server.process.poll() is None
        assert seconds < TIME_LIMIT, figures
        no_traceback(server.log_text())
    finally:
        stop_server(server)
