"""A server that lives through rebuilds and faults (issue 24), through the real commands in their own processes:

- no build is deleted while a process reads it (a lease), and a dead reader's lease keeps nothing;
- `kg serve` switches to each new build between requests, a request that arrived before finishing on the old one;
- /health says "degraded" (503) with the reason while a worker cannot start, and the server restores it;
- a build that cannot be written (a full disk, no permission, stopped) ends with a sentence and exit 2, leaving
  no unfinished folder and the previous build current; `kg export` on a full disk likewise;
- `kg query --timeout` stops a local query; one client cannot hold every worker by default.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from conftest import run_kg, wait_until
from hardening_support import no_traceback
from rebuild_support import LABEL_QUERY, RUNAWAY, HeldRequest, build, label_in, label_of, project_copy, set_version
from serve_session import start_server, stop_server

KG = [sys.executable, "-m", "kg"]
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}


@pytest.fixture
def own_build_dir(built, tmp_path) -> Path:
    """A copy of the session's build folder (its build, `current` link and validation cache). Lease files the
    session's server holds are copied as files only, without their locks: stale, as a dead process's."""
    target = tmp_path / "build"
    shutil.copytree(built.build_dir, target, symlinks=True)
    return target


def builds_in(build_dir: Path) -> list[str]:
    return sorted(p.name for p in (build_dir / "builds").iterdir())


def current_id(build_dir: Path) -> str:
    return Path(os.readlink(build_dir / "current")).name


# -- leases ----------------------------------------------------------------------------------------------------------

@pytest.mark.slow  # four builds and a reader
def test_no_build_is_pruned_while_a_process_reads_it_and_a_dead_readers_lease_keeps_nothing(own_build_dir):
    leased = current_id(own_build_dir)
    # A real reader: `kg query` on a query that runs until it is killed, holding its lease meanwhile.
    reader = subprocess.Popen(KG + ["--build-dir", str(own_build_dir), "query", "--timeout", "600", "-e", RUNAWAY],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
    try:
        leases = own_build_dir / "builds" / leased / "leases"
        wait_until(lambda: leases.is_dir() and any(p.name.startswith(f"{reader.pid}-") for p in leases.iterdir()),
                   timeout=30, what="the reader's lease")
        made = []
        for _ in range(3):
            result = run_kg("build", "--closure", "rules", build_dir=own_build_dir)
            assert result.returncode == 0, result.stderr[-2000:]
            made.append(current_id(own_build_dir))
            assert leased in builds_in(own_build_dir)  # kept, though neither current nor the previous one
            if len(made) > 1:
                assert f"kept {leased}: in use by pid {reader.pid}: kg query" in result.stderr
        assert made[0] not in builds_in(own_build_dir)  # a build nobody reads is pruned as before
        assert reader.poll() is None
    finally:
        reader.send_signal(signal.SIGKILL)  # dies holding its lease: the kernel lets go of the lock
        reader.wait(timeout=30)
        reader.stderr.close()
    result = run_kg("build", "--closure", "rules", build_dir=own_build_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert builds_in(own_build_dir) == sorted([made[-1], current_id(own_build_dir)])


# -- switching builds ----------------------------------------------------------------------------------------------

@pytest.mark.slow  # three builds, a server
def test_the_server_switches_to_each_new_build_between_requests(tmp_path, monkeypatch):
    root, build_dir = project_copy(tmp_path / "project"), tmp_path / "build"
    set_version(root, 1)
    first = build(root, build_dir)
    monkeypatch.setenv("KG_SERVE_WATCH_SECONDS", "0.2")
    server = start_server(build_dir, tmp_path, "--rate", "0", "--body-timeout", "60", root=root)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            answer = client.post("/sparql", data={"query": LABEL_QUERY}, headers={"Accept": "text/csv"})
            assert answer.status_code == 200 and answer.headers["kg-build"] == first
            assert label_in(answer.text) == label_of(1)
            held = HeldRequest(server.url, LABEL_QUERY)  # arrives now, on the first build
            wait_until(lambda: "POST /sparql" in server.log_text() or client.get("/health").json()["build"] == first,
                       what="the held request to arrive")
            set_version(root, 2)
            second = build(root, build_dir)
            built_at = time.monotonic()
            wait_until(lambda: client.get("/health").json()["build"] == second, timeout=30,
                       what=lambda: f"the server to serve {second}:\n{server.log_text()[-2000:]}")
            switch_seconds = time.monotonic() - built_at
            assert f"now serving build {second} (was {first};" in server.log_text()
            answer = client.post("/sparql", data={"query": LABEL_QUERY}, headers={"Accept": "text/csv"})
            assert answer.headers["kg-build"] == second and label_in(answer.text) == label_of(2)
            health = client.get("/health")
            assert health.status_code == 200 and health.headers["kg-build"] == second
            assert health.json()["switches"] == 1 and health.json()["workers"]["running"] == 2
            # The request that arrived before the switch is answered from the build it arrived on.
            status, headers, body = held.finish()
            assert status == 200 and headers["kg-build"] == first and label_in(body) == label_of(1)
            wait_until(lambda: f"build {first} let go" in server.log_text(), timeout=30,
                       what="the server to let go of the first build")
            set_version(root, 3)
            third = build(root, build_dir)
            # Let go, neither current nor the previous one: pruned; the served one is kept.
            assert builds_in(build_dir) == [second, third]
            wait_until(lambda: client.get("/health").json()["build"] == third, timeout=30,
                       what="the server to serve the third build")
            answer = client.get("/sparql", params={"query": LABEL_QUERY}, headers={"Accept": "text/csv"})
            assert answer.headers["kg-build"] == third and label_in(answer.text) == label_of(3)
            page = client.get("/id/plan/132055/strategy-2/core-concept.html")
            assert page.status_code == 200 and label_of(3) in page.text and page.headers["kg-build"] == third
        print(f"\nswitch: the server served the new build {switch_seconds:.2f} s after `kg build` ended")
        assert switch_seconds < 10
        no_traceback(server.log_text())
    finally:
        stop_server(server)


# -- health ------------------------------------------------------------------------------------------------------------

@pytest.mark.slow  # a 1 s timeout, and the back-off
def test_health_is_degraded_while_a_worker_cannot_start_and_the_worker_is_restored(own_build_dir, tmp_path):
    # The workers read the on-disk store here (--store disk): it is what is taken away.
    server = start_server(own_build_dir, tmp_path, "--timeout", "1", "--rate", "0", "--client-queries", "2",
                          "--store", "disk")
    store = own_build_dir / "current" / "store"
    away = store.with_name("store.away")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            assert client.get("/health").json()["status"] == "ok"
            store.rename(away)  # what a deleted build did to the server before leases: no worker can open it
            runaway = client.post("/sparql", data={"query": RUNAWAY})
            assert runaway.status_code == 503 and runaway.headers["kg-limit"] == "timeout"

            def degraded():
                answer = client.get("/health")
                return answer if answer.status_code == 503 and "could not start" in answer.text else None

            health = wait_until(degraded, timeout=30, what=lambda: f"/health to say degraded:\n{server.log_text()}")
            body = health.json()
            workers = {k: body["workers"][k] for k in ("running", "configured", "restarted")}
            assert body["status"] == "degraded" and workers == {"running": 1, "configured": 2, "restarted": 1}
            assert "1 of 2 query workers running" in body["reason"] and "store" in body["reason"]
            assert "trying again in" in body["reason"]
            # The other worker goes on answering meanwhile.
            assert client.post("/sparql", data={"query": LABEL_QUERY}).status_code == 200
            away.rename(store)
            wait_until(lambda: client.get("/health").status_code == 200, timeout=60,
                       what=lambda: f"the worker to be restored:\n{server.log_text()[-2000:]}")
            body = client.get("/health").json()
            assert body["status"] == "ok" and body["workers"]["running"] == 2 and "reason" not in body
        assert "a query worker could not start" in server.log_text()
        no_traceback(server.log_text())
    finally:
        if away.exists():
            away.rename(store)
        stop_server(server)


@pytest.mark.slow  # a process killed, and the store loaded again
def test_a_lost_in_memory_store_is_loaded_again_and_its_workers_forked_again(own_build_dir, tmp_path):
    server = start_server(own_build_dir, tmp_path, "--store", "memory", "--rate", "0", "--client-queries", "2")
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            assert client.get("/health").json()["workers"]["read_from"]["kind"] == "memory"
            holders = _store_holders(server)
            assert len(holders) == 1
            os.kill(holders[0], signal.SIGKILL)  # its workers go with it (they die with their parent)

            def answered_by_a_new_store():
                # The queries sent meanwhile find their worker gone (500, said so), which makes the pool load the
                # store again; done once a new loader runs (the old one gone) and a query is answered.
                answered = client.post("/sparql", data={"query": LABEL_QUERY}).status_code == 200
                now = _store_holders(server)
                return answered and now and holders[0] not in now and client.get("/health").status_code == 200

            wait_until(answered_by_a_new_store, timeout=60, interval=0.2,
                       what=lambda: f"the store to be loaded again:\n{server.log_text()[-2000:]}")
        no_traceback(server.log_text())
    finally:
        stop_server(server)


def _store_holders(server) -> list[int]:
    """The server's processes holding the store in memory, not counting one that has ended (a zombie)."""
    from serve_session import descendants, process_name

    def running(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    return [pid for pid in descendants(server.process.pid) if process_name(pid) == "kg-serve-store" and running(pid)]


def test_one_client_cannot_hold_every_worker_by_default():
    from kg.serve.limits import ServerLimits, server_limits

    assert ServerLimits().client_queries < ServerLimits().workers
    for workers in (2, 3, 8):
        assert server_limits(environ={}, workers=workers).client_queries == workers - 1
    assert server_limits(environ={}, workers=1).client_queries == 1  # at least one query
    assert server_limits(environ={"KG_SERVE_WORKERS": "4"}).client_queries == 3
    assert server_limits(environ={}, workers=4, client_queries=4).client_queries == 4  # as the operator says


# -- faults during a build ---------------------------------------------------------------------------------------------

def assert_previous_build_serves(build_dir: Path, target: str) -> None:
    assert current_id(build_dir) == target
    assert not [name for name in builds_in(build_dir) if name.endswith(".partial")], builds_in(build_dir)
    answer = run_kg("query", "-f", "csv", "-e", LABEL_QUERY, build_dir=build_dir)
    assert answer.returncode == 0 and answer.stdout.count("\n") == 2, answer.stderr


@pytest.mark.parametrize("lang, words", [("ja", ("ディスクに空きがありません", "前のビルドはそのまま")),
                                         ("en", ("disk", "is full", "previous build is unchanged"))])
def test_a_build_on_a_full_disk_ends_with_a_sentence_and_exit_2_leaving_nothing(own_build_dir, lang, words):
    target = current_id(own_build_dir)
    for limit in (200_000, 3_000_000):  # the dump fails; the store fails (RocksDB's own error)

        def small_file_limit(limit=limit):  # as a full disk: writes past the limit fail (EFBIG)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        result = subprocess.run(KG + ["--build-dir", str(own_build_dir), "build", "--full", "--closure", "rules",
                                      "--lang", lang], capture_output=True, text=True, env=ENV,
                                preexec_fn=small_file_limit, timeout=120)
        assert result.returncode == 2, result.stderr[-2000:]
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("kg: ") and all(w in last for w in words), last
        no_traceback(result.stderr)
        assert_previous_build_serves(own_build_dir, target)
    # The disk freed, the next build succeeds.
    assert run_kg("build", "--closure", "rules", build_dir=own_build_dir).returncode == 0


def test_a_build_without_permission_to_write_ends_with_a_sentence_and_exit_2(built):
    # Outside pytest's temporary folders (only their owner may enter them), so that another user can read it.
    folder = Path(tempfile.mkdtemp(prefix="kg-no-permission-"))
    try:
        build_dir = folder / "build"
        shutil.copytree(built.build_dir, build_dir, symlinks=True)
        target = current_id(build_dir)
        as_user: list[str] = []
        if os.geteuid() == 0:
            # root may write anywhere: the build runs as nobody, who may read the build folder but not write it.
            # setpriv, not os.setuid in the child: the interpreter lies under /root, which only root may enter.
            if shutil.which("setpriv") is None:
                pytest.skip("running as root, and no setpriv to run the build as another user")
            as_user = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
            for path in [folder, *folder.rglob("*")]:
                if not path.is_symlink():
                    path.chmod(0o755 if path.is_dir() else 0o644)
        else:
            for path in [build_dir, *build_dir.rglob("*")]:
                if path.is_dir() and not path.is_symlink():
                    path.chmod(0o555)
        result = subprocess.run(as_user + KG + ["--build-dir", str(build_dir), "build", "--closure", "rules",
                                                "--lang", "en"],
                                capture_output=True, text=True, env={**ENV, "HOME": str(folder)}, timeout=120)
        for path in [build_dir, *build_dir.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        assert result.returncode == 2, result.stderr[-2000:]
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("kg: the build could not be written: no permission to write"), last
        no_traceback(result.stderr)
        assert_previous_build_serves(build_dir, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow  # a build stopped part-way
def test_a_build_stopped_part_way_leaves_no_unfinished_folder(own_build_dir):
    target = current_id(own_build_dir)
    process = subprocess.Popen(KG + ["--build-dir", str(own_build_dir), "build", "--full"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, env=ENV)
    for line in process.stderr:  # stopped as soon as it writes its store: the unfinished folder exists then
        if "write store" in line:
            break
    else:
        pytest.fail(f"the build never reached 'write store' (exit {process.wait()})")
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read()
    process.wait(timeout=30)
    process.stderr.close()
    if process.returncode == 0:
        pytest.skip("the build finished before the signal reached it")
    assert process.returncode == 2 and "kg: interrupted" in rest, rest
    assert_previous_build_serves(own_build_dir, target)


def test_an_export_on_a_full_disk_ends_with_a_sentence_and_exit_2(built, tmp_path):
    out = tmp_path / "plan.xlsx"

    def small_file_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = subprocess.run(KG + ["--build-dir", str(built.build_dir), "export", "--plan", "id:plan/132055/strategy-2",
                                  "--out", str(out)], capture_output=True, text=True, env=ENV,
                            preexec_fn=small_file_limit, timeout=120)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "ディスクの空きがありません" in result.stderr, result.stderr  # in the language asked for (--lang ja by default)
    no_traceback(result.stderr)
    assert list(tmp_path.iterdir()) == []  # neither the workbook nor a temporary copy


def test_a_publish_on_a_full_disk_ends_with_a_sentence_and_exit_2_leaving_the_previous_site(built, tmp_path):
    site = tmp_path / "site"
    first = run_kg("publish", "-q", "--out", str(site), build_dir=built.build_dir, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    before = sorted(str(p.relative_to(site)) for p in site.rglob("*"))

    def small_file_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    result = subprocess.run(KG + ["--build-dir", str(built.build_dir), "publish", "-q", "--out", str(site)],
                            capture_output=True, text=True, env=ENV, preexec_fn=small_file_limit, timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "ディスクに空きがありません" in result.stderr and "the disk is full" in result.stderr, result.stderr
    no_traceback(result.stderr)
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no unfinished site beside it
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == before


# -- kg query --timeout ----------------------------------------------------------------------------------------------

def test_kg_query_stops_a_local_query_at_its_timeout(built):
    started = time.monotonic()
    result = run_kg("query", "--timeout", "1", "-e", RUNAWAY, build_dir=built.build_dir, timeout=60)
    seconds = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert "the query ran longer than 1 s and was stopped" in result.stderr and "--timeout" in result.stderr
    assert seconds < 15  # a second of query, the rest the command's start
    no_traceback(result.stderr)
    bad = run_kg("query", "--timeout", "0", "-e", LABEL_QUERY, build_dir=built.build_dir)
    assert bad.returncode == 2 and "--timeout must be" in bad.stderr
    fast = run_kg("query", "--timeout", "30", "-f", "csv", "-e", LABEL_QUERY, build_dir=built.build_dir)
    assert fast.returncode == 0 and fast.stdout.count("\n") == 2
