"""The server's limits: how long a query may run, how large an answer may be, how many queries run at once, how
often and how slowly one client may ask.

Each has a default, an environment variable and a `kg serve` option (the option wins over the variable).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

from ..errors import KgError


@dataclass(frozen=True)
class ServerLimits:
    timeout: float = 30.0              # seconds a query may run (waiting for a free worker included)
    max_rows: int = 50_000             # rows of a SELECT answer, triples of a CONSTRUCT/DESCRIBE answer
    max_bytes: int = 32 * 1024 * 1024  # bytes of an answer, in the format asked for
    max_query_bytes: int = 100_000     # bytes of a request body (the query text or the form)
    workers: int = 2                   # queries that run at once, each in its own process
    rate: float = 10.0                 # requests per second one client may keep sending (0: no rate limit)
    burst: int = 50                    # requests one client may send at once before the rate applies
    # Queries one client may have running or waiting at once (0: no limit). By default one fewer than the
    # workers (at least 1): one client alone can never hold every worker, whatever else it sends.
    client_queries: int | None = None
    header_timeout: float = 10.0       # seconds a client has to send the request line and headers
    body_timeout: float = 10.0         # seconds a client has to send the request body
    max_header_bytes: int = 65_536     # bytes of the request line and headers (a GET query travels in them)
    cache_bytes: int = 64 * 1024 * 1024  # bytes of named-query answers kept for repeated calls (0: no cache)


    def __post_init__(self):
        if self.client_queries is None:
            object.__setattr__(self, "client_queries", max(1, int(self.workers) - 1))


ENVIRONMENT = {
    "timeout": "KG_SERVE_TIMEOUT",
    "max_rows": "KG_SERVE_MAX_ROWS",
    "max_bytes": "KG_SERVE_MAX_BYTES",
    "max_query_bytes": "KG_SERVE_MAX_QUERY_BYTES",
    "workers": "KG_SERVE_WORKERS",
    "rate": "KG_SERVE_RATE",
    "burst": "KG_SERVE_BURST",
    "client_queries": "KG_SERVE_CLIENT_QUERIES",
    "header_timeout": "KG_SERVE_HEADER_TIMEOUT",
    "body_timeout": "KG_SERVE_BODY_TIMEOUT",
    "max_header_bytes": "KG_SERVE_MAX_HEADER_BYTES",
    "cache_bytes": "KG_SERVE_CACHE_BYTES",
}
# Limits that 0 turns off (behind a proxy that limits rates itself, or for a load test on one's own machine).
ZERO_TURNS_OFF = {"rate", "client_queries", "cache_bytes"}


def server_limits(*, environ: dict[str, str] | None = None, **given: float | int | None) -> ServerLimits:
    """Limits from the options given (None: not given), else the environment, else the defaults."""
    environ = os.environ if environ is None else environ
    values = {}
    for spec in fields(ServerLimits):
        raw = given.get(spec.name)
        source = f"--{spec.name.replace('_', '-')}"
        if raw is None and environ.get(ENVIRONMENT[spec.name]):
            raw, source = environ[ENVIRONMENT[spec.name]], ENVIRONMENT[spec.name]
        if raw is None:
            continue
        kind = float if spec.type in (float, "float") else int
        try:
            value = kind(raw)
        except ValueError:
            raise KgError(f"{source}={raw!r} is not a number") from None
        if not math.isfinite(value):
            raise KgError(f"{source}={raw!r} is not a finite number")
        if value < 0 or (value == 0 and spec.name not in ZERO_TURNS_OFF):
            raise KgError(f"{source} must be greater than 0 (got {raw})")
        values[spec.name] = value
    return ServerLimits(**values)
