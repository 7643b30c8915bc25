"""A throwaway Virtuoso (Debian's virtuoso-opensource 7) for tests, benchmarks and trying `kg push` by hand.

Each server lives in one folder of its own: its virtuoso.ini, database, log and a state file. Both its ports are
bound to 127.0.0.1 (free ones are picked at start unless given), and its buffer pool is small. The system's
Virtuoso (/etc/virtuoso-opensource-7, /var/lib/virtuoso-opensource-7) is neither used nor changed.

A fresh database has the account dba/dba: acceptable for a server that only this machine can reach, and the
reason it must never listen on anything but loopback.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KgError

SERVER_BINARY = "virtuoso-t"
ISQL_BINARY = "isql-vt"
HOST = "127.0.0.1"
DEFAULT_BUFFERS = 20000     # about 170 MB of pages: plenty for tests, small beside the 24 GB of these machines
DBA_USER = "dba"
DBA_PASSWORD = "dba"        # the password of a fresh database
STATE_FILE = "server.json"
LOG_FILE = "virtuoso.log"
CONSOLE_FILE = "console.log"
GRAPH_STORE_PATH = "/sparql-graph-crud-auth"    # Graph Store Protocol, HTTP digest auth
SPARQL_PATH = "/sparql"

_INI = """\
; Written by kg.remote.virtuoso for a throwaway server; see kg/virtuoso.py.
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/{log}
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile    = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping        = 0

[Parameters]
; host:port binds the SQL port to loopback only.
ServerPort        = {host}:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers   = {buffers}
MaxDirtyBuffers   = {dirty_buffers}
CheckpointInterval = 60
CaseMode          = 2
DirsAllowed       = .
ThreadsPerQuery   = 2

[HTTPServer]
ServerPort    = {host}:{http_port}
; An empty folder: the default would serve files beside the database.
ServerRoot    = {folder}/www
ServerThreads = 4
MaxClientConnections = 8
Charset       = UTF-8

[SPARQL]
ResultSetMaxRows      = 100000
MaxQueryExecutionTime = 120
"""


@dataclass
class VirtuosoServer:
    folder: Path
    http_port: int
    sql_port: int
    pid: int
    host: str = HOST
    # Set when this process started the server: waiting on it reaps the child.
    process: subprocess.Popen | None = field(default=None, repr=False, compare=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def sparql_endpoint(self) -> str:
        return self.base_url + SPARQL_PATH

    @property
    def graph_store_endpoint(self) -> str:
        return self.base_url + GRAPH_STORE_PATH

    @property
    def user(self) -> str:
        return DBA_USER

    @property
    def password(self) -> str:
        return DBA_PASSWORD

    @property
    def log(self) -> Path:
        return self.folder / LOG_FILE


def available() -> bool:
    return shutil.which(SERVER_BINARY) is not None and shutil.which(ISQL_BINARY) is not None


def start_virtuoso(folder: str | os.PathLike, *, buffers: int = DEFAULT_BUFFERS, http_port: int = 0,
                   sql_port: int = 0, timeout: float = 60.0) -> VirtuosoServer:
    """Start a server whose database lives in `folder` (made if missing, reused if it holds one) and wait until
    its SPARQL endpoint answers. Ports 0 mean: pick free ones."""
    if not available():
        raise KgError(f"{SERVER_BINARY} or {ISQL_BINARY} is not installed",
                      hint="apt-get install virtuoso-opensource (Debian)")
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    running = read_state(folder)
    if running is not None and is_running(running):
        raise KgError(f"a Virtuoso started from {folder} is already running (pid {running.pid}, {running.base_url})",
                      hint="stop it first: kg virtuoso stop")
    for port in (http_port, sql_port):
        # Another server on a given port would answer our readiness probe in this one's place.
        if port and not _port_free(port):
            raise KgError(f"port {port} on {HOST} is already in use", hint="choose another, or 0 for a free one")
    # A free port found now may be taken before the server binds it; then the server exits and we try new ones.
    attempts = 1 if (http_port and sql_port) else 3
    for attempt in range(attempts):
        server = _launch(folder, buffers=buffers, http_port=http_port or _free_port(),
                         sql_port=sql_port or _free_port())
        try:
            _wait_until_answering(server, timeout=timeout)
        except _ExitedEarly as exc:
            if attempt + 1 < attempts and ("failed http listen" in exc.log_tail.lower()
                                           or "address already in use" in exc.log_tail.lower()):
                continue
            raise KgError(f"Virtuoso exited at start (code {exc.code}); the end of its log:\n{exc.log_tail}",
                          hint=f"see {server.log}") from None
        except BaseException:
            stop_virtuoso(server, timeout=10)
            raise
        _write_state(server)
        return server
    raise AssertionError("unreachable")


def stop_virtuoso(server: VirtuosoServer, *, timeout: float = 30.0) -> None:
    """Shut down cleanly (checkpoint, close the database) through isql; signals only if that does not work."""
    if is_running(server):
        try:
            subprocess.run([ISQL_BINARY, f"{server.host}:{server.sql_port}", DBA_USER, DBA_PASSWORD, "exec=shutdown;"],
                           capture_output=True, timeout=min(timeout, 20), check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None and _alive(server.pid):
                try:
                    os.kill(server.pid, sig)
                except ProcessLookupError:
                    break
            if _wait_for_exit(server, timeout=timeout if sig is None else 5):
                break
    elif server.process is not None:
        server.process.wait()
    state = server.folder / STATE_FILE
    if state.exists():
        state.unlink()


@contextmanager
def running_virtuoso(folder: str | os.PathLike, **options):
    server = start_virtuoso(folder, **options)
    try:
        yield server
    finally:
        stop_virtuoso(server)


def read_state(folder: str | os.PathLike) -> VirtuosoServer | None:
    """The server started from `folder` by an earlier process (`kg virtuoso start`), if its state file is there."""
    path = Path(folder) / STATE_FILE
    if not path.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    return VirtuosoServer(folder=Path(folder).resolve(), http_port=state["http_port"], sql_port=state["sql_port"],
                          pid=state["pid"], host=state.get("host", HOST))


def _launch(folder: Path, *, buffers: int, http_port: int, sql_port: int) -> VirtuosoServer:
    ini = folder / "virtuoso.ini"
    (folder / "www").mkdir(exist_ok=True)
    ini.write_text(_INI.format(folder=folder, log=LOG_FILE, host=HOST, http_port=http_port, sql_port=sql_port,
                               buffers=buffers, dirty_buffers=buffers * 3 // 4), encoding="utf-8")
    with (folder / CONSOLE_FILE).open("ab") as console:
        # A session of its own: Ctrl-C in the terminal that started it does not kill the database mid-write.
        process = subprocess.Popen([SERVER_BINARY, "+foreground", "+configfile", str(ini)], cwd=folder,
                                   stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return VirtuosoServer(folder=folder, http_port=http_port, sql_port=sql_port, pid=process.pid, process=process)


class _ExitedEarly(Exception):
    def __init__(self, code: int, log_tail: str):
        super().__init__(code)
        self.code, self.log_tail = code, log_tail


def _wait_until_answering(server: VirtuosoServer, *, timeout: float) -> None:
    probe = server.sparql_endpoint + "?query=ASK%7B%7D"
    deadline = time.monotonic() + timeout
    while True:
        code = server.process.poll() if server.process else None
        if code is not None:
            raise _ExitedEarly(code, _tail(server.folder / CONSOLE_FILE) or _tail(server.log))
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise KgError(f"Virtuoso did not answer at {server.sparql_endpoint} within {timeout:.0f} s",
                          hint=f"see {server.log}")
        time.sleep(0.25)


def _wait_for_exit(server: VirtuosoServer, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process is not None:
            try:
                server.process.wait(timeout=0.2)
                return True
            except subprocess.TimeoutExpired:
                continue
        if not _alive(server.pid):
            return True
        time.sleep(0.2)
    return False


def is_running(server: VirtuosoServer) -> bool:
    """Whether server.pid is still the Virtuoso of server.folder (a stale state file may name a reused pid)."""
    if not _alive(server.pid):
        return False
    try:
        command = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(part.endswith(SERVER_BINARY.encode()) for part in command) and \
        str(server.folder / "virtuoso.ini").encode() in command


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child that exited but was not reaped yet still answers signal 0; its state in /proc says it is gone.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _write_state(server: VirtuosoServer) -> None:
    state = {"pid": server.pid, "host": server.host, "http_port": server.http_port, "sql_port": server.sql_port,
             "sparql": server.sparql_endpoint, "graph_store": server.graph_store_endpoint}
    (server.folder / STATE_FILE).write_text(json.dumps(state, indent=2), encoding="utf-8")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
