"""Progress of a long step, with counts and an estimate of the time left: "pages 120000/226760 (53%), about 2 min
left". A line at most every `every` seconds (and the last one), so that a log stays readable."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Progress:
    def __init__(self, what: str, total: int, say: Callable[[str], None], *, every: float = 5.0,
                 clock: Callable[[], float] = time.monotonic):
        self.what, self.total, self.say, self.every, self.clock = what, total, say, every, clock
        self.done = 0
        self.started = self.clock()
        self._last = self.started
        # The rate is measured from the first advance on: what came before it (workers starting, reading the
        # build's dump) is not the pace of the rest, and counted in, it made the first lines of a national publish
        # say "about 16.7 h left" for a step of 8 minutes.
        self._first: tuple[float, int] | None = None
        self._lock = threading.Lock()   # advanced from the pool's result thread

    def advance(self, count: int) -> None:
        with self._lock:
            now = self.clock()
            self.done += count
            if self._first is None:
                self._first = (now, self.done)
            if now - self._last >= self.every or self.done >= self.total:
                self._last = now
                self.say(self.line(now))

    def line(self, now: float | None = None) -> str:
        now = self.clock() if now is None else now
        percent = self.done * 100 // self.total if self.total else 100
        text = f"{self.what} {self.done}/{self.total} ({percent}%)"
        if self.done >= self.total:
            return f"{text}, {_duration(now - self.started)}"
        if self._first is not None and self.done > self._first[1] and now > self._first[0]:
            since, done_then = self._first
            left = (now - since) / (self.done - done_then) * (self.total - self.done)
            return f"{text}, about {_duration(left)} left"
        return text


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
