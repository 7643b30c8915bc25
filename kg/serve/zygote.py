"""The in-memory store loaded once, and the query workers forked from it, ready at once.

Loaded by each worker, a national build took ~14 s per worker at start (two loads on two cores), and a worker
killed at the timeout loaded it again before it could answer: ~20 s with one worker fewer. Instead one process,
the zygote, loads it and then only forks: a new worker is a child that starts with the store's pages shared
(copy-on-write), ready in milliseconds. Sharing does not last: Oxigraph's reads write to the pages they touch
(reference counts), so a worker that has answered national questions holds its own copy (measured: three
processes 1.2 GiB together at start, 3.3 GiB after five aggregates); kg.serve.store_choice counts that. The
zygote is started with `spawn` from the server (whose threads and event loop a fork must not copy) and has one
thread when it forks: Oxigraph's loader has finished with its own.

Protocol on the control pipe (server -> zygote): "fork"; the zygote answers with the child's pid, then passes
the server's end of the child's own pipe as a file descriptor (SCM_RIGHTS). The server signals a worker through
a pidfd, which cannot reach another process that took the pid after the worker ended; the zygote reaps its
children itself (SIGCHLD ignored).
"""

from __future__ import annotations

import multiprocessing
import os
import select
import signal
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle

from ..build.dump import memory_store_from_dump
from .worker_process import WORKER_NAME, die_with_parent, name_process, serve_jobs

STORE_PROCESS_NAME = "kg-serve-store"


def zygote_main(control: Connection, server_pid: int, dump_path: str, max_rows: int, max_bytes: int) -> None:
    """The zygote's entry point (multiprocessing target, spawn)."""
    die_with_parent()
    name_process(STORE_PROCESS_NAME)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel: no zombies
    try:
        store = memory_store_from_dump(dump_path)
    except Exception as exc:  # said to the server, which reports it in /health and tries again later
        control.send(("failed", f"cannot load {dump_path}: {exc}"))
        return
    control.send("ready")
    while True:
        try:
            request = control.recv()
        except (EOFError, OSError):
            return  # the server went away, or closed this pool
        if request != "fork":
            continue
        ours, theirs = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            control.close()
            ours.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            die_with_parent()
            name_process(WORKER_NAME)
            try:
                theirs.send("ready")
                serve_jobs(theirs, store, max_rows=max_rows, max_bytes=max_bytes)
            finally:
                os._exit(0)
        theirs.close()
        control.send(pid)
        send_handle(control, ours.fileno(), server_pid)
        ours.close()


class ForkedWorker:
    """A worker forked by the zygote, as the pool sees a process: kill, is_alive, join, exitcode (unknown:
    the zygote reaps it)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.exitcode = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:
            self._pidfd = None  # already gone

    def is_alive(self) -> bool:
        if self._pidfd is None:
            return False
        readable, _, _ = select.select([self._pidfd], [], [], 0)
        return not readable  # a pidfd turns readable when its process has ended

    def kill(self) -> None:
        if self._pidfd is not None:
            try:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def join(self, timeout: float | None = None) -> None:
        if self._pidfd is None:
            return
        select.select([self._pidfd], [], [], timeout)
        if not self.is_alive():
            os.close(self._pidfd)
            self._pidfd = None


class Zygote:
    """The server's handle on a zygote: start it (the dump loaded), fork workers from it, stop it."""

    def __init__(self, context, dump_path: str, max_rows: int, max_bytes: int):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=zygote_main, name=STORE_PROCESS_NAME, daemon=True,
                                       args=(theirs, os.getpid(), dump_path, max_rows, max_bytes))
        self.process.start()
        theirs.close()

    def wait_ready(self, seconds: float) -> str | None:
        """None once the dump is loaded, else why not (blocking: called in a thread)."""
        try:
            message = self.connection.recv() if self.connection.poll(seconds) else None
        except (EOFError, OSError):
            message = None
        if message == "ready":
            return None
        if isinstance(message, tuple) and message[0] == "failed":
            return message[1]
        if message is None and self.process.is_alive():
            return f"it did not load the build within {seconds:g} s"
        return f"it stopped while loading the build (exit code {self.process.exitcode})"

    def fork(self) -> tuple[ForkedWorker, Connection]:
        """A new worker and the server's end of its pipe (blocking: called in a thread, one at a time)."""
        self.connection.send("fork")
        pid = self.connection.recv()
        fd = recv_handle(self.connection)
        return ForkedWorker(pid), Connection(fd)

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()
