"""Running the application on uvicorn over a socket bound by the caller, with a prompt, clean stop."""

from __future__ import annotations

import socket

import uvicorn
from starlette.applications import Starlette

from .connections import protocol_with_header_timeout
from .limits import ServerLimits


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app: Starlette):
        super().__init__(config)
        self._app = app

    def handle_exit(self, sig, frame) -> None:
        # Ctrl-C or SIGTERM: stop running queries at once, so that their requests end (503) and the shutdown
        # does not wait for them up to the query timeout.
        state = getattr(self._app.state, "kg", None)
        if state is not None:
            state.pool.stop_queries()
        watch = getattr(self._app.state, "kg_watch", None)
        if watch is not None:
            watch.stop_queries()  # those still running on a build the server has switched from
        super().handle_exit(sig, frame)


def run(app: Starlette, listener: socket.socket, *, limits: ServerLimits) -> bool:
    """Serve until stopped; False if the application never started (the reason is already logged)."""
    config = uvicorn.Config(
        app, lifespan="on", access_log=False, log_level="warning", timeout_graceful_shutdown=5,
        # h11 with a deadline for the request headers (kg.serve.connections), and a cap on their size: a longer
        # request line or header is answered 400 and the connection closed.
        http=protocol_with_header_timeout(limits.header_timeout), h11_max_incomplete_event_size=limits.max_header_bytes,
        # The client's address (for the per-client limits) comes from X-Forwarded-For only when the connection
        # comes from a trusted proxy: uvicorn's FORWARDED_ALLOW_IPS, by default 127.0.0.1 (a proxy on this machine).
        proxy_headers=True)
    server = _Server(config, app)
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass  # uvicorn raises Ctrl-C again once it has shut down cleanly: for a server, that is the normal end
    return server.started
