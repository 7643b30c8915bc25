"""One real Virtuoso for the whole test session, shared by the modules that need it (started on first use).

A fixture defined in two test modules would be two fixtures, each starting its own server; this helper keeps the
one server on the pytest config and stops it when the session ends.
"""

from __future__ import annotations

import pytest

from kg.remote import virtuoso
from kg.remote.auth import Credentials

from conftest import require

_SERVER = pytest.StashKey[virtuoso.VirtuosoServer]()
_FAILED = pytest.StashKey[str]()


def session_virtuoso(request, tmp_path_factory) -> virtuoso.VirtuosoServer:
    require(virtuoso.available(), "Virtuoso is not installed (apt-get install virtuoso-opensource)")
    config = request.config
    if _FAILED in config.stash:
        pytest.fail(f"Virtuoso did not start (see the first test that needed it): {config.stash[_FAILED]}")
    if _SERVER not in config.stash:
        try:
            server = virtuoso.start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
        except Exception as exc:
            config.stash[_FAILED] = str(exc)  # one slow failure, not one per test
            raise
        config.stash[_SERVER] = server
        config.add_cleanup(lambda: virtuoso.stop_virtuoso(server))
    return config.stash[_SERVER]


def dba_credentials(server: virtuoso.VirtuosoServer):
    return lambda: Credentials(server.user, server.password)


def push_environment(server: virtuoso.VirtuosoServer, monkeypatch) -> None:
    monkeypatch.setenv("KG_PUSH_USER", server.user)
    monkeypatch.setenv("KG_PUSH_PASSWORD", server.password)
