"""A client for the SPARQL 1.1 Graph Store HTTP Protocol: replace (PUT) or delete one named graph.

Every request has timeouts; connection errors, timeouts and 5xx answers are retried a bounded number of times with
a growing pause (PUT and DELETE are idempotent, so a retry cannot duplicate anything). Redirects are not followed
blindly: one to the same origin that keeps the method (307, 308) is followed, anything else stops with a message,
so credentials never travel to another host.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx

from ..errors import KgError
from .auth import ChallengeAuth, CredentialSource, origin, origin_text

RETRIED_STATUS = (500, 502, 503, 504)
MAX_REDIRECTS = 5
CHUNK_SIZE = 256 * 1024

Progress = Callable[[int, int], None]   # (bytes sent, bytes in all)


class GraphStoreError(KgError):
    """The server could not be reached or did not accept a request; `status` is the HTTP status if there was one."""

    def __init__(self, message: str, *, hint: str | None = None, status: int | None = None,
                 maybe_applied: bool = False):
        super().__init__(message, hint=hint)
        self.status = status
        # True when the request may have reached the server and been carried out without our hearing the answer.
        self.maybe_applied = maybe_applied


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    seconds: float
    attempts: int


class _Body:
    """A request body that can be sent again (an auth challenge or a retry) and reports bytes as they go."""

    def __init__(self, data: bytes, progress: Progress | None):
        self._data, self._progress = data, progress

    def __iter__(self) -> Iterator[bytes]:
        total = len(self._data)
        for start in range(0, total, CHUNK_SIZE):
            chunk = self._data[start:start + CHUNK_SIZE]
            yield chunk
            if self._progress:
                self._progress(min(start + CHUNK_SIZE, total), total)
        if not total and self._progress:
            self._progress(0, 0)


class GraphStoreClient:
    def __init__(self, endpoint: str, *, credentials: CredentialSource, token: str | None = None,
                 timeout: float = 60.0, retries: int = 2, backoff: float = 1.0):
        check_endpoint_url(endpoint)
        self.endpoint = endpoint
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._origin = origin(endpoint)
        self._client = httpx.Client(
            auth=ChallengeAuth(allowed_origin=self._origin, credentials=credentials, token=token),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def put_graph(self, graph: str, data: bytes, *, content_type: str, progress: Progress | None = None) -> Answer:
        """Replace the graph's content with `data` (RDF in `content_type`) in one request."""
        return self._request("PUT", graph, body=data, content_type=content_type, progress=progress,
                             accepted=(200, 201, 204))

    def delete_graph(self, graph: str) -> Answer:
        """Remove the graph; a graph that is not there (404) counts as removed."""
        return self._request("DELETE", graph, accepted=(200, 202, 204, 404))

    def _request(self, method: str, graph: str, *, accepted: tuple[int, ...], body: bytes | None = None,
                 content_type: str | None = None, progress: Progress | None = None) -> Answer:
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, graph, body=body, content_type=content_type, progress=progress)
            except httpx.TransportError as exc:
                if attempt <= self.retries:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                hint = "check the URL, and that the server is running and reachable"
                if isinstance(exc, httpx.ReadTimeout) and httpx.URL(self.endpoint).path.endswith("/sparql"):
                    # Virtuoso's query endpoint never answers a PUT: the likeliest slip is giving it here.
                    hint = ("this looks like a query endpoint: give the Graph Store endpoint instead "
                            "(Virtuoso: .../sparql-graph-crud-auth)")
                raise GraphStoreError(f"{origin_text(self.endpoint)}: {_transport_problem(exc)} "
                                      f"({attempt} attempt(s))", hint=hint,
                                      maybe_applied=not isinstance(exc, httpx.ConnectError)) from None
            if response.status_code in RETRIED_STATUS and attempt <= self.retries:
                time.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            if response.status_code in accepted:
                return Answer(response.status_code, response.reason_phrase, time.monotonic() - started, attempt)
            raise _refusal(method, graph, response, attempts=attempt)

    def _send(self, method: str, graph: str, *, body, content_type, progress) -> httpx.Response:
        url = httpx.URL(self.endpoint).copy_merge_params({"graph": graph})
        for _ in range(MAX_REDIRECTS + 1):
            headers = {}
            content = None
            if body is not None:
                headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
                content = _Body(body, progress)
            response = self._client.request(method, url, content=content, headers=headers)
            if not response.is_redirect:
                return response
            target = url.join(response.headers["location"])
            if origin(target) != self._origin:
                raise GraphStoreError(
                    f"{self.endpoint} redirects to another origin ({origin_text(target)}); kg push does not send "
                    "data or credentials there on its own", status=response.status_code,
                    hint=f"if that is the right server, pass its URL as --endpoint: {target.copy_remove_param('graph')}")
            if response.status_code not in (307, 308):
                raise GraphStoreError(
                    f"{self.endpoint} answers {response.status_code} {response.reason_phrase} (to {target}), which "
                    f"does not keep the {method} method", status=response.status_code,
                    hint=f"pass the final URL as --endpoint: {target.copy_remove_param('graph')}")
            url = target
        raise GraphStoreError(f"{self.endpoint}: more than {MAX_REDIRECTS} redirects", hint="check the endpoint URL")


def check_endpoint_url(endpoint: str) -> None:
    url = httpx.URL(endpoint)
    if url.scheme not in ("http", "https") or not url.host:
        raise KgError(f"endpoint {endpoint!r} is not an http(s) URL",
                      hint="e.g. http://localhost:8890/sparql-graph-crud-auth for Virtuoso")
    if url.userinfo:
        raise KgError("credentials in the endpoint URL are not accepted (the command line is visible to others)",
                      hint="set KG_PUSH_USER and KG_PUSH_PASSWORD, or let kg push ask on the terminal")


def _transport_problem(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {exc}"
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time (--timeout)"
    return f"connection failed: {exc}"


def _refusal(method: str, graph: str, response: httpx.Response, *, attempts: int) -> GraphStoreError:
    status = response.status_code
    said = _server_text(response)
    what = f"{method} <{graph}>: HTTP {status} {response.reason_phrase}" + (f": {said}" if said else "")
    if status == 401:
        hint = "the server refused the credentials: check KG_PUSH_USER and KG_PUSH_PASSWORD (or KG_PUSH_TOKEN)"
        asked = response.headers.get("www-authenticate")
        if asked and not asked.lower().startswith(("digest", "basic")):
            hint = f"the server asks for {asked.split(' ', 1)[0]} auth, which kg push does not speak"
    elif status == 403:
        hint = ("the account or token may not write graphs on this server (on Virtuoso: grant SPARQL_UPDATE, or "
                "use dba; on QLever: set KG_PUSH_TOKEN to its access token)")
    elif status in (404, 405, 501):
        hint = ("this URL does not take Graph Store Protocol requests: give the server's graph store endpoint "
                "(Virtuoso /sparql-graph-crud-auth, Fuseki /DATASET/data, Oxigraph /store, "
                "GraphDB /repositories/ID/rdf-graphs/service)")
    elif status == 415:
        hint = "the server does not take N-Triples here"
    elif status >= 500:
        hint = f"the server failed ({attempts} attempt(s)); see its log, then push again"
    else:
        hint = None
    return GraphStoreError(what, hint=hint, status=status)


def _server_text(response: httpx.Response, limit: int = 300) -> str:
    """The server's own words, shortened: Virtuoso sends its error messages as text/html."""
    if not response.content:
        return ""
    text = response.text
    if "html" in response.headers.get("content-type", ""):
        text = re.sub(r"<[^>]*>", " ", text)  # markup out of a message that is only shown
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")
