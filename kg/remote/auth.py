"""Credentials for a remote server: where they come from, and to which origin they may go.

They come from the environment (KG_PUSH_USER and KG_PUSH_PASSWORD, or a bearer token in KG_PUSH_TOKEN) or from a prompt when standard input is a terminal,
never from the command line (it is visible to every user of the machine in `ps` and kept in shell history). They are
asked for only when the server challenges (HTTP 401), and sent only to the origin (scheme, host, port) of the
endpoint the user named: a request to any other origin goes without them.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from ..errors import KgError

USER_VARIABLE = "KG_PUSH_USER"
PASSWORD_VARIABLE = "KG_PUSH_PASSWORD"
TOKEN_VARIABLE = "KG_PUSH_TOKEN"     # a bearer token, for servers that take one instead (QLever's access token)


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = ""

    def __repr__(self) -> str:  # never print a password by accident (tracebacks, debug output)
        return f"Credentials(user={self.user!r}, password=***)"


CredentialSource = Callable[[], Credentials | None]


def origin(url: str | httpx.URL) -> tuple[str, str, int]:
    parts = urlsplit(str(url))
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def is_loopback(url: str | httpx.URL) -> bool:
    host = origin(url)[1]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def credentials_from_environment_or_prompt(*, environ=None, stdin=None, prompt_to=None) -> CredentialSource:
    """A source that reads KG_PUSH_USER / KG_PUSH_PASSWORD, else asks on the terminal, else has none."""
    environ = os.environ if environ is None else environ
    stdin = sys.stdin if stdin is None else stdin
    prompt_to = sys.stderr if prompt_to is None else prompt_to
    cached: list[Credentials | None] = []

    def source() -> Credentials | None:
        if cached:
            return cached[0]
        user, password = environ.get(USER_VARIABLE), environ.get(PASSWORD_VARIABLE)
        interactive = stdin is not None and stdin.isatty()
        if not user and interactive:
            print("user: ", end="", file=prompt_to, flush=True)
            user = stdin.readline().strip()
        if user and password is None and interactive:
            password = getpass.getpass(f"password for {user}: ", stream=prompt_to)
        cached.append(Credentials(user, password or "") if user else None)
        return cached[0]

    return source


class ChallengeAuth(httpx.Auth):
    """HTTP auth that answers the server's challenge (Digest, or Basic where it is safe) for one origin only.

    The first request goes without credentials; on a 401 the credentials are fetched (asked for once) and the
    scheme the server named is used from then on. Basic auth sends the password in the clear, so it is refused over
    plain http except to this machine (loopback).
    """

    def __init__(self, *, allowed_origin: tuple[str, str, int], credentials: CredentialSource,
                 token: str | None = None):
        self._origin = allowed_origin
        self._credentials = credentials
        self._token = token
        self._scheme_auth: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request):
        if origin(request.url) != self._origin:
            yield request
            return
        if self._token:
            # Servers that take a token do not challenge first (QLever answers 403), so it goes with every request.
            _refuse_clear_text(request, "a bearer token")
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request
            return
        if self._scheme_auth is not None:
            yield from self._scheme_auth.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenges = [h.strip() for h in response.headers.get_list("www-authenticate")]
        schemes = {c.split(" ", 1)[0].lower() for c in challenges if c}
        credentials = self._credentials()
        if credentials is None:
            raise KgError(f"{origin_text(request.url)} asks for credentials (HTTP 401) and none were given",
                          hint=f"set {USER_VARIABLE} and {PASSWORD_VARIABLE}, or run in a terminal to be asked")
        if "digest" in schemes:
            self._scheme_auth = httpx.DigestAuth(credentials.user, credentials.password)
            # Replay the challenge into DigestAuth's own flow, so that the body is not sent a third time.
            flow = self._scheme_auth.auth_flow(request)
            next(flow)
            authorised = flow.send(response)
            response = yield authorised
            try:
                flow.send(response)
            except StopIteration:
                pass
            return
        if "basic" in schemes:
            _refuse_clear_text(request, "the password (Basic auth)")
            self._scheme_auth = httpx.BasicAuth(credentials.user, credentials.password)
            yield from self._scheme_auth.auth_flow(request)
            return
        # An unknown scheme (e.g. Bearer): leave the 401 to the caller, which says what the server asked for.


def _refuse_clear_text(request: httpx.Request, what: str) -> None:
    if request.url.scheme != "https" and not is_loopback(request.url):
        raise KgError(f"kg push will not send {what} in the clear over plain http to {origin_text(request.url)}",
                      hint="use the server's https:// URL")


def origin_text(url: str | httpx.URL) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"
