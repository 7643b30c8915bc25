"""One line per request on stderr: method, path, status, duration (an ASGI middleware)."""

from __future__ import annotations

import sys
import time


class RequestLog:
    def __init__(self, app, *, stream=None):
        self.app = app
        self.stream = stream

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before answering

        async def send_and_note(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            milliseconds = (time.perf_counter() - started) * 1000
            print(f"{scope['method']} {scope['path']} {status} {milliseconds:.0f} ms",
                  file=self.stream or sys.stderr, flush=True)
