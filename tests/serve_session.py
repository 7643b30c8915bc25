"""One real `kg serve` for the whole test session, shared by the modules that need it (started on first use).

It runs as a user runs it (`python -m kg serve` in its own process) on a free loopback port, over the session's
build, with a short timeout (2 s) and a small row limit (5,000) so that the limits can be hit quickly.
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

from conftest import ROOT

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
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"kg serve did not answer /health within 60 s:\n{server.log_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def session_server(request, built, tmp_path_factory) -> Server:
    config = request.config
    if _SERVER not in config.stash:
        server = start_server(built.build_dir, tmp_path_factory.mktemp("serve"),
                              "--timeout", str(TIMEOUT_SECONDS), "--max-rows", str(MAX_ROWS))
        config.stash[_SERVER] = server
        config.add_cleanup(lambda: stop_server(server))
    return config.stash[_SERVER]
