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


def endpoint_holding(server: virtuoso.VirtuosoServer, project) -> str:
    """The SPARQL endpoint of the session's Virtuoso holding exactly the project's current build (graphs other tests
    pushed are pruned)."""
    from kg.build.store import current_build, read_manifest
    from kg.remote.graph_store import GraphStoreClient
    from kg.remote.push import graphs_of_build, push_graphs

    uploads = graphs_of_build(current_build(project), read_manifest(project))
    with GraphStoreClient(server.graph_store_endpoint, credentials=dba_credentials(server)) as client:
        push_graphs(uploads, client, prune_sparql=server.sparql_endpoint)
    return server.sparql_endpoint


def emptied(server: virtuoso.VirtuosoServer) -> None:
    """Delete every graph of the project other tests pushed to the session's Virtuoso, so that a test counting what a
    prune deletes counts only its own graphs."""
    from kg.remote.graph_store import GraphStoreClient
    from kg.remote.push import push_graphs

    with GraphStoreClient(server.graph_store_endpoint, credentials=dba_credentials(server)) as client:
        push_graphs([], client, prune_sparql=server.sparql_endpoint)
