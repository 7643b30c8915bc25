"""A pool of query worker processes, kept warm, with a timeout that really stops a query.

Oxigraph cannot interrupt a running query, so each query runs in a worker process (kg.serve.worker_process) that
holds the read-only store open. A worker that has not answered when the time is up is killed and replaced,
and the client is told so; the other workers, and the server itself, keep answering meanwhile.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import time
from dataclasses import dataclass

from .limits import ServerLimits
from .worker_process import QueryJob, WorkerAnswer, plain, worker_main

STARTUP_SECONDS = 60.0
IN_MEMORY_STARTUP_SECONDS = 600.0  # loading a national dump takes ~10 s per worker; a slow disk, much more


@dataclass(eq=False)  # each worker is itself: hashed and compared by identity
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: multiprocessing.connection.Connection


class QueryPool:
    def __init__(self, store_path: str, limits: ServerLimits, *, dump_path: str | None = None):
        self.store_path = store_path
        self.dump_path = dump_path  # set: each worker holds the dump in memory (kg serve --in-memory)
        self.limits = limits
        # spawn, not fork: the server has threads and an event loop, which a forked child must not inherit.
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._live: set[_Worker] = set()
        self._closing = False
        self.replaced = 0  # workers killed at the timeout (or lost) and started again

    @property
    def ready(self) -> int:
        """Workers started and able to take a query (busy or idle)."""
        return len(self._live)

    async def start(self) -> None:
        workers = [self._launch() for _ in range(self.limits.workers)]
        for worker in workers:
            await self._wait_ready(worker)

    async def close(self) -> None:
        self._closing = True
        for worker in list(self._live):
            self._kill(worker)

    def stop_queries(self) -> None:
        """Stop every running query now, without replacing the workers (the server is stopping).

        Safe from a signal handler: it only sets a flag and sends signals. Waiting requests then end at once
        with a 503 instead of holding the shutdown until their timeout."""
        self._closing = True
        for worker in list(self._live):
            worker.process.kill()

    async def run(self, job: QueryJob, *, timeout: float | None = None) -> WorkerAnswer:
        """The worker's answer, or a 503 when the time is up (the query is then stopped for good). `timeout` may
        only shorten the server's limit."""
        timeout = min(timeout, self.limits.timeout) if timeout else self.limits.timeout
        started = time.monotonic()
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            return plain(503, f"all {self.limits.workers} query workers stayed busy for {timeout:g} s; "
                              "try again later", limit="busy")
        remaining = max(0.0, timeout - (time.monotonic() - started))
        # The wait happens in a thread, so the event loop goes on serving other requests meanwhile.
        waiter = asyncio.ensure_future(asyncio.to_thread(_answer_within, worker, job, remaining))
        try:
            answer = await asyncio.shield(waiter)
        except asyncio.CancelledError:
            # The client went away or the server is stopping while the worker may still be busy: stop it, and
            # let go of its pipe only once the waiting thread has seen it close.
            worker.process.kill()
            waiter.add_done_callback(lambda done: (_consume(done), self._replace(worker)))
            raise
        except (EOFError, OSError):
            self._replace(worker)
            if self._closing:
                return plain(503, "the server is stopping; the query was not finished")
            return plain(500, "the query worker stopped unexpectedly (out of memory?); it has been restarted")
        if answer is None:
            self._replace(worker)
            limit = "the time limit of this server" if timeout >= self.limits.timeout else "the timeout asked for"
            return plain(503, f"the query ran longer than {timeout:g} s, {limit}, and "
                              "was stopped.\nNarrow it (fewer patterns, a LIMIT, a more selective filter).",
                         limit="timeout")
        self._idle.put_nowait(worker)
        return answer

    def _launch(self) -> _Worker:
        # Started from the event loop's thread: the worker asks Linux to kill it when the starting thread ends.
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=worker_main, name="kg-serve-worker", daemon=True,
            args=(theirs, self.store_path, self.limits.max_rows, self.limits.max_bytes, self.dump_path))
        process.start()
        theirs.close()
        return _Worker(process, ours)

    async def _wait_ready(self, worker: _Worker) -> None:
        startup = IN_MEMORY_STARTUP_SECONDS if self.dump_path else STARTUP_SECONDS
        ok = await asyncio.to_thread(worker.connection.poll, startup)
        try:
            message = worker.connection.recv() if ok else None
        except (EOFError, OSError):
            message = None  # it died while starting (its error is on stderr)
        if message != "ready":
            self._kill(worker)
            raise RuntimeError(f"a query worker did not start within {startup:g} s "
                               f"(exit code {worker.process.exitcode})")
        if self._closing:
            self._kill(worker)
            return
        self._live.add(worker)
        self._idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if self._closing:
            return
        self.replaced += 1
        replacement = self._launch()
        task = asyncio.get_running_loop().create_task(self._wait_ready(replacement))
        task.add_done_callback(_report_failure)

    def _kill(self, worker: _Worker) -> None:
        self._live.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.connection.close()


def _answer_within(worker: _Worker, job: QueryJob, seconds: float) -> WorkerAnswer | None:
    worker.connection.send(job)
    if not worker.connection.poll(seconds):
        return None
    return worker.connection.recv()


def _consume(done: asyncio.Future) -> None:
    if not done.cancelled():
        done.exception()  # seen: the worker was stopped on purpose


def _report_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        print(f"kg serve: {task.exception()}", file=sys.stderr)
