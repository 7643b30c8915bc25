"""One real `kg serve` for the whole test session, shared by the modules that need it (started on first use).

It runs as a user runs it (`python -m kg serve` in its own process) on a free loopback port, over the session's
build, with a short timeout (2 s) and a small row limit (5,000) so that the limits can be hit quickly, and no rate
limit (the tests are all one client).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, wait_until

TIMEOUT_SECONDS = 2
MAX_ROWS = 5000


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8")


_SERVER = pytest.StashKey[Server]()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(build_dir: Path, folder: Path, *args: str, root: Path = ROOT) -> Server:
    """`kg serve` in its own process over a build of `root` (this checkout unless told otherwise)."""
    port = free_port()
    log = folder / "kg-serve.log"
    command = [sys.executable, "-m", "kg", "--root", str(root), "--build-dir", str(build_dir), "serve",
               "--port", str(port), *args]
    with log.open("w", encoding="utf-8") as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err,
                                   env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kg serve exited with {process.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(server.url + "/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)  # the polling interval: the event waited for is /health answering 200 (or the exit)
    stop_server(server)
    raise RuntimeError(f"kg serve did not answer /health within 60 s:\n{server.log_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


# -- what the query workers are doing, seen from /proc ----------------------------------------------------------

def worker_pids(server: Server) -> set[int]:
    """The server's query workers, by the name they give themselves (kg.serve.worker_process.WORKER_NAME): its
    children reading the on-disk store, or the children of the process holding the store in memory (the other
    processes are that one and multiprocessing's resource tracker)."""
    return {pid for pid in descendants(server.process.pid) if process_name(pid) == "kg-serve-worker"}


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(p) for p in (task / "children").read_text().split()]
                found += children
                queue += children
        except OSError:
            continue  # it ended meanwhile
    return found


def process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def parent_pid(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def cpu_seconds(pid: int, tid: int | None = None) -> float:
    """CPU time (user and system) a process, or one of its threads, has used so far; 0 once it is gone."""
    stat = Path(f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat")
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)


def idle_workers(server: Server, client: httpx.Client) -> dict[int, float]:
    """Once every configured worker has started (none still being replaced after a timeout) and the answers worked
    out when the build was opened are (kg.serve.ready_answers), the workers and the
    CPU time each has used: a worker waiting for a query uses none, so one whose time grows has taken a query.
    The caller makes sure no query of its own is running. `client` asks /health (a client of the right address
    for a server with a rate limit); it asks at most 10 times a second."""
    def all_started() -> bool:
        health = client.get("/health").json()
        workers = health["workers"]
        # The answers worked out for every municipality when the build was opened take a worker for a moment.
        settled = all(q["state"] not in ("waiting", "computing") for q in health["ready_answers"].values())
        return (workers["running"] == workers["configured"] and len(worker_pids(server)) == workers["configured"]
                and settled)

    wait_until(all_started, timeout=60, interval=0.1,
               what=lambda: f"every query worker to start:\n{server.log_text()[-2000:]}")
    return {pid: cpu_seconds(pid) for pid in worker_pids(server)}


def wait_for_a_busy_worker(idle: dict[int, float], *, timeout: float = 20) -> int:
    """Wait until one of the workers `idle_workers` saw waiting has used CPU since: a query sent meanwhile has
    reached it and is being evaluated. Returns that worker's pid."""
    def busy() -> int | None:
        return next((pid for pid, seconds in idle.items() if cpu_seconds(pid) >= seconds + 0.03), None)

    return wait_until(busy, timeout=timeout, what="a query worker to take the query (its CPU time to grow)")


def session_server(request, built, tmp_path_factory) -> Server:
    config = request.config
    if _SERVER not in config.stash:
        # No rate limit: every test of the session asks from 127.0.0.1, one client to the server, and with the
        # default (10 a second, bursts of 50) the tests passed only as long as slower ones let its bucket refill
        # (`-m "not slow"` got 429s). The rate limit has its own server (tests/hardening_support.py). For the same
        # reason a query per worker for that one client (by default one fewer: a test runs a runaway query and
        # a small one side by side).
        server = start_server(built.build_dir, tmp_path_factory.mktemp("serve"),
                              "--timeout", str(TIMEOUT_SECONDS), "--max-rows", str(MAX_ROWS), "--rate", "0",
                              "--client-queries", "2")
        config.stash[_SERVER] = server
        config.add_cleanup(lambda: stop_server(server))
    return config.stash[_SERVER]
