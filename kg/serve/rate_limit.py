"""A token bucket per client: a flood from one client is answered 429 Too Many Requests with Retry-After, so that
it cannot starve the others (an ASGI middleware).

Each client (its address as the server sees it: behind a proxy on this machine, the one uvicorn reads from
X-Forwarded-For) has a bucket of `burst` tokens that refills at `rate` tokens per second; a request takes one.
Rejected requests cost almost nothing: they never reach a route, a worker or the store.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class ClientBuckets:
    """Token buckets by client address. Forgets clients whose bucket is full again, so that many distinct
    addresses (an IPv6 range) cannot make it grow without bound."""

    def __init__(self, *, rate: float, burst: int, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000):
        self.rate, self.burst, self.clock, self.max_clients = rate, burst, clock, max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client → (tokens, when they were counted)

    def take(self, client: str) -> float:
        """0 if the client may go ahead (a token is taken), else the seconds until it may."""
        now = self.clock()
        tokens, then = self._buckets.get(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) * self.rate)
        if tokens >= 1:
            self._buckets[client] = (tokens - 1, now)
            if len(self._buckets) > self.max_clients:
                self._forget_idle(now)
            return 0.0
        self._buckets[client] = (tokens, now)
        return (1 - tokens) / self.rate

    def _forget_idle(self, now: float) -> None:
        full = [c for c, (tokens, then) in self._buckets.items() if tokens + (now - then) * self.rate >= self.burst]
        for client in full:
            del self._buckets[client]
        if len(self._buckets) > self.max_clients:
            # Still too many busy clients (a distributed flood): start afresh rather than grow.
            self._buckets.clear()


def client_address(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class RateLimit:
    def __init__(self, app, *, rate: float, burst: int):
        self.app = app
        self.buckets = ClientBuckets(rate=rate, burst=burst) if rate > 0 else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self.buckets is None:
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(client_address(scope))
        if not wait:
            await self.app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        body = (f"too many requests from {client_address(scope)}: this server answers {self.buckets.rate:g} "
                f"requests per second per client (bursts of {self.buckets.burst}); try again in {seconds} s\n"
                ).encode()
        await send({"type": "http.response.start", "status": 429, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(seconds).encode()), (b"kg-limit", b"rate")]})
        await send({"type": "http.response.body", "body": body})
