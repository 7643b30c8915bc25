"""Serving a new build without a restart: the server looks at `build/current` every second and, when it points at
another build, switches to it between requests.

The new build is leased, opened and given its own warm query workers while the old one goes on answering; then
one assignment makes it current. Requests that arrived before go on with the old build to their end (PinBuild);
once the last has ended (or after the longest a request may take), the old workers are stopped and its lease let
go, so that the next `kg build` may prune it. A build that cannot be served (its workers do not start) is logged
once and the current one kept; a newer build is tried when it appears.

Polling, not a signal: `kg build` needs to know nothing about servers, a server started by any supervisor picks
up builds made by any user, and reading one symbolic link a second costs nothing.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from ..build.store import current_build, lease_current_build
from ..errors import MissingBuildError
from ..project import Project
from .state import ServerState, open_state
from .store_choice import StorePolicy

WATCH_SECONDS = 1.0  # how often `build/current` is looked at (KG_SERVE_WATCH_SECONDS: tests look more often)


def log(text: str) -> None:
    print(f"kg serve: {text}", file=sys.stderr, flush=True)


class BuildWatch:
    def __init__(self, app, project: Project, *, store: StorePolicy):
        self.app, self.project, self.store = app, project, store
        self.retiring: set[ServerState] = set()  # states given up whose last requests are still running
        self.refused: dict[Path, str] = {}  # builds that could not be served, and why
        self.switches = 0
        self.interval = float(os.environ.get("KG_SERVE_WATCH_SECONDS") or WATCH_SECONDS)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never let the watch die: the next look may succeed
                log(f"looking for a new build failed: {exc}")

    async def check(self) -> bool:
        """Switch if `build/current` points at a build other than the one served; True if it switched."""
        state: ServerState = self.app.state.kg
        try:
            target = current_build(self.project).root
        except MissingBuildError:
            return False  # a build is being published, or `current` was removed: keep serving what we have
        if target == state.build.root or target in self.refused:
            return False
        started = time.monotonic()
        lease = None
        try:
            paths, lease = lease_current_build(self.project, holder=f"kg serve (pid {os.getpid()})")
            new = await open_state(self.project, paths, limits=state.limits, store=self.store, lease=lease,
                                   previous=state)
        except Exception as exc:
            if lease is not None:
                lease.release()
            self.refused[target] = str(exc)
            log(f"build {target.name} cannot be served ({exc}); still serving {state.build_id}")
            return False
        self.app.state.kg = new
        self.switches += 1
        log(f"now serving build {new.build_id} (was {state.build_id}; switched in "
            f"{time.monotonic() - started:.2f} s, queries already running finish on the old build); its workers "
            f"read it {new.store_choice.reason if new.store_choice else 'on disk'}")
        self.retiring.add(state)
        task = asyncio.get_running_loop().create_task(self._retire(state))
        task.add_done_callback(lambda _t: self.retiring.discard(state))
        return True

    async def _retire(self, state: ServerState) -> None:
        limits = state.limits
        # The longest a request may take: its body, then its query's wait and run.
        deadline = time.monotonic() + limits.body_timeout + limits.timeout + 5
        while state.active and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # the polling interval: requests end on their own, none is waited for
        await state.close()
        log(f"build {state.build_id} let go ({state.active} request(s) still on it)")

    async def close(self) -> None:
        for state in list(self.retiring):
            await state.close()

    def stop_queries(self) -> None:
        """The server is stopping: the queries still running on builds given up stop too (signal-safe)."""
        for state in list(self.retiring):
            state.pool.stop_queries()
