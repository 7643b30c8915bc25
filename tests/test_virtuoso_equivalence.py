"""The built dataset pushed to a real Virtuoso answers every question as the embedded store does.

Same rows (as multisets, literals compared as values), same columns, and the same printed answer in every output
format: what a person sees from `kg query NAME --endpoint URL` is what they see locally.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.store import read_manifest
from kg.query import BuiltStore, ask
from kg.query.catalogue import catalogue
from kg.query.compare import multiset_difference, rows_as_values
from kg.query.formats import RESULTS_FORMATS, render
from kg.query.local import run_local
from kg.query.remote import run_remote

from conftest import ROOT, run_kg
from virtuoso_session import endpoint_holding, session_virtuoso

pytestmark = pytest.mark.virtuoso

GOLDEN = Path(__file__).parent / "golden"
CASES = [(json.loads(path.read_text(encoding="utf-8"))["query"], i, case)
         for path in sorted(GOLDEN.glob("*.json"))
         for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))["cases"])]
CHECKS = catalogue(ROOT / "queries", checks=True)
FORMATS = ("table", "md", "csv", "tsv", "json", "xml")
# Questions the seeds give no rows to (no achieved values are reported in them): compared on Virtuoso with data that
# answers them, in the module named.
PROVED_ELSEWHERE = {"17-kpi-progress": "tests/test_virtuoso_monitoring.py"}


@pytest.fixture(scope="session")
def virtuoso(request, tmp_path_factory):
    return session_virtuoso(request, tmp_path_factory)


@pytest.fixture(scope="module")
def endpoint(virtuoso, built) -> str:
    """The SPARQL endpoint of a Virtuoso holding exactly the build (graphs other tests pushed are pruned)."""
    return endpoint_holding(virtuoso, built)


def test_server_holds_each_graph_of_the_build(built, endpoint):
    manifest = read_manifest(built)
    expected = {g.iri: g.triples for g in manifest.graphs if g.triples}
    expected.update({g.inferred.iri: g.inferred.triples for g in manifest.graphs if g.inferred})
    if manifest.inferred_graph_triples:
        expected[manifest.inferred_graph] = manifest.inferred_graph_triples
    answer = run_remote(endpoint, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                  "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/jp-plan-kg/graph/')) } GROUP BY ?g")
    assert {row["g"].value: int(row["n"].value) for row in answer.rows} == expected


@pytest.mark.parametrize("name,index,case", CASES, ids=[f"{n}#{i}" for n, i, _ in CASES])
def test_question_answers_as_locally(built, endpoint, name, index, case):
    # Asked as kg query asks: locally on the municipality's graphs, remotely with the name resolved by Virtuoso.
    local = ask(name, case.get("params", {}), store=BuiltStore.open(built))
    remote = ask(name, case.get("params", {}), endpoint=endpoint, project=built)

    assert remote.variables == local.variables
    if name in PROVED_ELSEWHERE:
        assert not local.rows and not remote.rows
        return
    assert local.rows, "a question whose golden case has no rows proves nothing here"
    only_remote, only_local = multiset_difference(rows_as_values(remote.rows, local.variables),
                                                  rows_as_values(local.rows, local.variables))
    assert not only_remote and not only_local, f"only on Virtuoso: {only_remote}\nonly locally: {only_local}"
    if case.get("ordered"):
        assert rows_as_values(remote.rows, local.variables) == rows_as_values(local.rows, local.variables)
    for fmt in FORMATS:
        # Same terms, same datatypes and language tags, as printed (row order aside where ties allow it).
        printed_remote, printed_local = render(remote, fmt), render(local, fmt)
        assert _printed_rows(printed_remote, fmt) == _printed_rows(printed_local, fmt), fmt


def _printed_rows(printed: str, fmt: str) -> list[str]:
    """The printed answer's rows, sorted: lines, or for the one-line JSON and XML the rows they hold, as terms."""
    if fmt in ("json", "xml"):
        answer = ox.parse_query_results(printed, format=RESULTS_FORMATS[fmt])
        return sorted(" ".join(str(row[v]) if row[v] is not None else "" for v in answer.variables) for row in answer)
    return sorted(printed.splitlines())


@pytest.mark.parametrize("check", CHECKS, ids=[q.name for q in CHECKS])
def test_data_check_finds_nothing_on_the_server_either(endpoint, check):
    assert run_remote(endpoint, check.text).rows == []


def test_construct_and_ask_answer_as_locally(store, endpoint):
    construct = ("PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                 "CONSTRUCT { ?m rdfs:label ?label } WHERE { ?m a jpp:Municipality ; rdfs:label ?label }")
    local, remote = run_local(store, construct), run_remote(endpoint, construct)
    assert local.triples and set(map(str, remote.triples)) == set(map(str, local.triples))
    ask = "ASK { ?plan a <https://w3id.org/jp-plan-kg/ontology#Plan> }"
    assert run_remote(endpoint, ask).boolean is True


def test_kg_query_prints_the_same_answer_remotely(built, endpoint):
    for args in (("13", "--param", "year=2026"), ("05", "--format", "csv"), ("10", "--format", "tsv")):
        local = run_kg("query", *args, build_dir=built.build_dir)
        remote = run_kg("query", *args, "--endpoint", endpoint, build_dir=built.build_dir)
        assert local.returncode == remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout
        assert remote.stderr == ""
