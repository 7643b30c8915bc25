"""A pool of query worker processes, kept warm, with a timeout that really stops a query.

Oxigraph cannot interrupt a running query, so each query runs in a worker process (kg.serve.worker_process) that
holds the read-only store open. A worker that has not answered when the time is up is killed and replaced,
and the client is told so; the other workers, and the server itself, keep answering meanwhile.

A worker that cannot start (or stopped unexpectedly) is started again with a growing pause (back-off), for as long
as the pool lives; meanwhile `problem` says why, which /health reports. Each pool reads one build: the server
starts a new pool when it switches to a new build (kg.serve.build_watch), so a replacement worker always opens
the build its pool serves. Answering from memory, the pool first starts a zygote (kg.serve.zygote) that loads
the build's dump once, and forks each worker from it: one copy of the store however many workers, and a worker
killed at the timeout is replaced at once instead of loading the dump again.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
import threading
import time
from dataclasses import dataclass

from .limits import ServerLimits
from .worker_process import QueryJob, WorkerAnswer, plain, worker_main
from .zygote import ForkedWorker, Zygote

STARTUP_SECONDS = 60.0
IN_MEMORY_STARTUP_SECONDS = 600.0  # the zygote loading a national dump: ~20 s; a slow disk, much more
BACK_OFF_FIRST = 0.5  # seconds before trying again to start a worker that could not start; doubled each time
BACK_OFF_MAX = 30.0


@dataclass(eq=False)  # each worker is itself: hashed and compared by identity
class _Worker:
    process: multiprocessing.process.BaseProcess | ForkedWorker
    connection: multiprocessing.connection.Connection


class QueryPool:
    def __init__(self, store_path: str, limits: ServerLimits, *, dump_path: str | None = None):
        self.store_path = store_path
        self.dump_path = dump_path  # set: the workers answer from the dump in memory (kg.serve.store_choice)
        self.limits = limits
        # spawn, not fork: the server has threads and an event loop, which a forked child must not inherit.
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._live: set[_Worker] = set()
        self._closing = False
        self._restoring: set[asyncio.Task] = set()  # workers being started in place of lost ones
        self.replaced = 0  # workers killed at the timeout (or lost) and started again
        self.problem: str | None = None  # why the last attempt to start a worker failed, until one starts
        self._zygote: Zygote | None = None  # with dump_path: the process holding the store the workers share
        self._zygote_starting = asyncio.Lock()
        self._forking = threading.Lock()

    @property
    def ready(self) -> int:
        """Workers started and able to take a query (busy or idle)."""
        return len(self._live)

    @property
    def missing(self) -> int:
        """Workers the pool should have and has not: being started again after a timeout, or failing to start."""
        return max(0, self.limits.workers - len(self._live))

    def shortfall(self) -> str | None:
        """None when every configured worker is running, else why not (for /health)."""
        if not self.missing:
            return None
        said = f"{len(self._live)} of {self.limits.workers} query workers running"
        if self.problem:
            return f"{said}: {self.problem}"
        return f"{said}: {self.missing} being started in place of one stopped at the timeout or lost"

    async def start(self) -> None:
        """Start every worker; RuntimeError (the pool closed) when one cannot start."""
        reasons = await asyncio.gather(*(self._start_one() for _ in range(self.limits.workers)))
        failed = next((r for r in reasons if r), None)
        if failed:
            await self.close()
            raise RuntimeError(f"a query worker could not start: {failed}")

    async def close(self) -> None:
        self._closing = True
        for task in list(self._restoring):
            task.cancel()
        for worker in list(self._live):
            self._kill(worker)
        if self._zygote is not None:
            self._zygote.stop()

    def stop_queries(self) -> None:
        """Stop every running query now, without replacing the workers (the server is stopping).

        Safe from a signal handler: it only sets a flag and sends signals. Waiting requests then end at once
        with a 503 instead of holding the shutdown until their timeout."""
        self._closing = True
        for worker in list(self._live):
            worker.process.kill()
        if self._zygote is not None:
            self._zygote.process.kill()

    async def run(self, job: QueryJob, *, timeout: float | None = None) -> WorkerAnswer:
        """The worker's answer, or a 503 when the time is up (the query is then stopped for good). `timeout` may
        only shorten the server's limit, except for the server's own (uncapped) jobs."""
        if job.capped or not timeout:
            timeout = min(timeout, self.limits.timeout) if timeout else self.limits.timeout
        if self._closing:
            return plain(503, "the server is stopping or has switched builds; the query was not run; send it again")
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
            args=(theirs, self.store_path, self.limits.max_rows, self.limits.max_bytes))
        process.start()
        theirs.close()
        return _Worker(process, ours)

    async def _zygote_ready(self) -> str | None:
        """Start the zygote (again, if it was lost) and wait until it holds the store: None, else why not."""
        async with self._zygote_starting:
            if self._zygote is not None and self._zygote.alive():
                return None
            if self._zygote is not None:
                self._zygote.stop()
            # Started from the event loop's thread, like a worker: it dies with the thread that started it.
            self._zygote = Zygote(self._context, self.dump_path, self.limits.max_rows, self.limits.max_bytes)
            reason = await asyncio.to_thread(self._zygote.wait_ready, IN_MEMORY_STARTUP_SECONDS)
            if reason is not None:
                self._zygote.stop()
                self._zygote = None
            return reason

    def _fork(self) -> _Worker:
        with self._forking:  # one request at a time on the zygote's pipe
            process, connection = self._zygote.fork()
        return _Worker(process, connection)

    async def _start_one(self) -> str | None:
        """Start one worker and wait until it has opened the store: None when it is ready, else why not."""
        try:
            if self.dump_path:
                reason = await self._zygote_ready()
                if reason is not None:
                    return f"the build could not be loaded in memory: {reason}"
                worker = await asyncio.to_thread(self._fork)
            else:
                worker = self._launch()
        except (OSError, EOFError) as exc:  # no process could be made (out of memory, too many processes)
            return f"no process could be started ({getattr(exc, 'strerror', None) or exc})"
        startup = STARTUP_SECONDS
        try:
            ok = await asyncio.to_thread(worker.connection.poll, startup)
        except asyncio.CancelledError:  # the pool is closing
            self._kill(worker)
            raise
        try:
            message = worker.connection.recv() if ok else None
        except (EOFError, OSError):
            message = None  # it died while starting
        if message != "ready":
            self._kill(worker)
            if isinstance(message, tuple) and message[0] == "failed":
                return message[1]
            if not ok:
                return f"it did not start within {startup:g} s"
            return f"it stopped while starting (exit code {worker.process.exitcode})"
        if self._closing:
            self._kill(worker)
            return None
        self._live.add(worker)
        self._idle.put_nowait(worker)
        return None

    def _replace(self, worker: _Worker) -> None:
        self._kill(worker)
        if self._closing:
            return
        self.replaced += 1
        task = asyncio.get_running_loop().create_task(self._restore())
        self._restoring.add(task)
        task.add_done_callback(self._restoring.discard)

    async def _restore(self) -> None:
        """Start a worker in place of a lost one, trying again after a growing pause until one starts."""
        pause = BACK_OFF_FIRST
        while not self._closing:
            reason = await self._start_one()
            if reason is None:
                if not any(t is not asyncio.current_task() for t in self._restoring):
                    self.problem = None
                return
            self.problem = f"a query worker could not start ({reason}); trying again in {pause:g} s"
            print(f"kg serve: {self.problem}", file=sys.stderr, flush=True)
            await asyncio.sleep(pause)
            pause = min(pause * 2, BACK_OFF_MAX)

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
