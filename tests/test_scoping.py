"""Questions about one municipality run on that municipality's graphs (kg.scoping) and answer exactly as they do
on the whole graph: on the seed data and on a generated nation, for every scoped question and municipality."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, run_kg
from kg.catalogue import catalogue
from kg.params import bind_parameters
from kg.project import default_project
from kg.querying import bound_query_text, run_local
from kg.scoping import named_query_text, scope_graphs, with_from_clauses
from kg.store import open_store, read_manifest

SCOPED = [q for q in catalogue(ROOT / "queries") if q.scope]


def test_the_questions_about_one_municipality_are_scoped():
    assert {q.name for q in SCOPED} == {"04-plan-tree", "12-related-measures"}


def same_answers_scoped_and_not(project, values: list[str]) -> int:
    store, manifest = open_store(project), read_manifest(project)
    compared = 0
    for query in SCOPED:
        for value in values:
            bindings = bind_parameters(list(query.params), {query.scope: value}, query.defaults)
            scoped_text = named_query_text(query, bindings, manifest)
            assert "\nFROM <" in scoped_text
            whole = run_local(store, bound_query_text(query.text, bindings)).rows
            assert run_local(store, scoped_text).rows == whole, (query.name, value)
            compared += bool(whole)
    return compared


def test_scoped_answers_equal_whole_graph_answers_on_the_seed_data(built):
    names = sorted(read_manifest(built)["municipality_names"])
    assert {"青梅市", "132055", "Ome City"} <= set(names)
    assert same_answers_scoped_and_not(built, names) >= 5  # the seed municipalities have answers to compare


def test_scoped_answers_equal_whole_graph_answers_on_a_generated_nation(tmp_path):
    out = tmp_path / "nation"
    subprocess.run([sys.executable, str(ROOT / "bench" / "national.py"), "-n", "4", "--seed", "3", "--out", str(out),
                    "--quiet"], check=True, timeout=120)
    assert run_kg("build", "--quiet", root=out).returncode == 0
    nation = default_project(root=out)
    names = sorted(read_manifest(nation)["municipality_names"])
    assert same_answers_scoped_and_not(nation, names) >= 8  # four municipalities, two questions, all answered


def test_a_scope_names_the_municipalitys_files_and_what_every_question_may_need(built):
    manifest = read_manifest(built)
    graphs = scope_graphs(manifest, "青梅市")
    assert graphs == scope_graphs(manifest, "132055")
    files = {g["iri"]: g["file"] for g in manifest["graphs"]}
    chosen = {files.get(g, g) for g in graphs}
    assert {"data/ttl/132055-ome-strategy.ttl", "data/ttl/classification/132055-ome-strategy.ttl",
            "data/ttl/municipalities.ttl", "data/ttl/sources.ttl", "ontology/jp-plan.ttl",
            manifest["inferred_graph"]} <= chosen
    assert not any("nishitokyo" in f or "atsugi" in f for f in chosen)
    assert scope_graphs(manifest, "no such town") is None


def test_from_clauses_go_before_the_where_clause_only():
    text = 'SELECT ?x WHERE { ?x ?p "WHERE {" }'
    assert with_from_clauses(text, ["http://g/1"]) == 'SELECT ?x FROM <http://g/1>\nWHERE { ?x ?p "WHERE {" }'
    assert with_from_clauses("SELECT * { ?s ?p ?o }", ["http://g/1"]) == "SELECT * FROM <http://g/1>\n{ ?s ?p ?o }"


def test_kg_query_runs_a_scoped_question_on_the_municipalitys_graphs(built):
    done = run_kg("query", "04-plan-tree", "--param", "municipality=132055", "--format", "csv",
                  build_dir=built.build_dir)
    assert done.returncode == 0, done.stderr
    assert "第2期青梅市まち・ひと・しごと創生総合戦略" in done.stdout
