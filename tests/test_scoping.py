"""Questions about one municipality run on that municipality's graphs (kg.query.scoping) and answer exactly as they do
on the whole graph: on the seed data and on a generated nation, for every scoped question and municipality."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from kg.build.store import open_store, read_manifest
from kg.errors import QueryError
from kg.namespaces import RDF_TYPE, sparql_prefixes
from kg.project import default_project
from kg.query import BuiltStore, prepare
from kg.query.catalogue import catalogue
from kg.query.local import run_local
from kg.query.municipalities import resolve_scope
from kg.query.params import bind_parameters, bound_query_text
from kg.query.scoping import named_terms, scope_graphs, with_from_clauses

from conftest import ROOT, run_kg

SCOPED = [q for q in catalogue(ROOT / "queries") if q.scope]


def test_the_questions_about_one_municipality_are_scoped():
    assert {q.name for q in SCOPED} == {"04-plan-tree", "12-related-measures"}


def same_answers_scoped_and_not(project, values: list[str]) -> int:
    store, manifest = open_store(project), read_manifest(project)
    scoped, whole_store = BuiltStore(store, manifest=manifest), BuiltStore(store)
    compared = 0
    for query in SCOPED:
        for value in values:
            scoped_text = prepare(query, {query.scope: value}, on=scoped).text
            assert "\nFROM <" in scoped_text
            # Without the manifest: the whole store, the name looked up in the store rather than the manifest.
            whole_text = prepare(query, {query.scope: value}, on=whole_store).text
            assert "\nFROM <" not in whole_text
            whole = run_local(store, whole_text).rows
            assert run_local(store, scoped_text).rows == whole, (query.name, value)
            compared += bool(whole)
    return compared


def names_with_plans(manifest, without: int = 0) -> list[str]:
    """Every name and code of the municipalities with plans, and of `without` others (the reference data names every
    municipality in Japan: asking about all 1,741 would take minutes and prove no more)."""
    with_plans = {code for g in manifest.graphs for code in g.plans_of}
    others = sorted({c for codes in manifest.municipality_names.values() for c in codes} - with_plans)[:without]
    chosen = with_plans | set(others)
    return sorted(n for n, codes in manifest.municipality_names.items() if set(codes) & chosen)


def test_scoped_answers_equal_whole_graph_answers_on_the_seed_data(built):
    names = names_with_plans(read_manifest(built), without=3)
    assert {"青梅市", "132055", "Ome City"} <= set(names)
    assert same_answers_scoped_and_not(built, names) >= 5  # the seed municipalities have answers to compare


@pytest.mark.slow  # generates and builds a nation of four municipalities (about 5 s)
def test_scoped_answers_equal_whole_graph_answers_on_a_generated_nation(tmp_path):
    out = tmp_path / "nation"
    subprocess.run([sys.executable, str(ROOT / "bench" / "national.py"), "-n", "4", "--seed", "3", "--out", str(out),
                    "--quiet"], check=True, timeout=120)
    assert run_kg("build", "--quiet", root=out).returncode == 0
    nation = default_project(root=out)
    names = names_with_plans(read_manifest(nation))
    assert same_answers_scoped_and_not(nation, names) >= 8  # four municipalities, two questions, all answered


def test_a_scope_names_the_municipalitys_files_and_what_every_question_may_need(built):
    manifest = read_manifest(built)
    assert manifest.municipality_names["青梅市"] == ("132055",)
    graphs = scope_graphs(manifest, ["132055"])
    files = {g.iri: g.file for g in manifest.graphs}
    chosen = {files.get(g, g) for g in graphs}
    assert {"data/ttl/132055-ome-strategy.ttl", "data/ttl/classification/132055-ome-strategy.ttl",
            "data/ttl/municipalities.ttl", "data/ttl/sources.ttl", "ontology/jp-plan.ttl",
            manifest.inferred_graph} <= chosen
    assert not any("nishitokyo" in f or "atsugi" in f for f in chosen)
    # A name no municipality has: the shared graphs only (the answer is empty anyway), never the whole store.
    unknown = {files.get(g, g) for g in scope_graphs(manifest, ["no such town"])}
    assert "data/ttl/municipalities.ttl" in unknown and not any("-ome-" in f for f in unknown)


def test_a_name_becomes_the_codes_the_question_matches(built):
    store, manifest = open_store(built), read_manifest(built)
    on, by_store = BuiltStore(store, manifest=manifest), BuiltStore(store)
    query = next(q for q in SCOPED if q.name == "04-plan-tree")
    by_name = bind_parameters(list(query.params), {"municipality": "青梅市"}, query.defaults)
    by_code = bind_parameters(list(query.params), {"municipality": "１３２０５５"}, query.defaults)  # full-width
    for target in (on, by_store):  # the manifest's index and the store's labels agree
        assert resolve_scope(query, by_name, target.codes_named)["_municipality"] == [ox.Literal("132055")]
        assert resolve_scope(query, by_code, target.codes_named)["_municipality"] == ox.Literal("132055")
    assert prepare(query, {"municipality": "青梅市"}, on=on).text == \
        prepare(query, {"municipality": "１３２０５５"}, on=on).text
    # A name two municipalities share asks about both: one VALUES row per code.
    shared = resolve_scope(query, by_name, lambda name: ["012025", "132055"])
    assert 'VALUES (?_municipality) { ("012025") ("132055") }' in bound_query_text(query.text, shared)
    # A value that is no municipality's name is refused before anything runs (issue 21: not an empty answer).
    stranger = bind_parameters(list(query.params), {"municipality": "no such town"}, query.defaults)
    with pytest.raises(QueryError, match="no municipality of Japan is named"):
        resolve_scope(query, stranger, by_store.codes_named)
    # A real municipality without a plan is asked about, and finds nothing, quickly (shared graphs only).
    assert run_local(store, prepare(query, {"municipality": "札幌市"}, on=on).text).rows == []


def test_a_scoped_question_leaves_out_the_graphs_in_scope_holding_none_of_its_terms(built):
    store, manifest = open_store(built), read_manifest(built)
    query = next(q for q in SCOPED if q.name == "04-plan-tree")
    text = prepare(query, {"municipality": "132055"}, on=BuiltStore(store, manifest=manifest)).text
    named = {line[6:-1] for line in text.splitlines() if line.startswith("FROM <")}
    strategy = next(g for g in manifest.graphs if g.file == "data/ttl/132055-ome-strategy.ttl")
    assert strategy.iri in named
    # Its inferred graph holds the plan links the build derives (jpp:inPlan of its KPIs), which the tree asks for.
    assert strategy.inferred.iri in named
    # The viewpoint scheme is in every municipality's scope, but holds none of a plan tree's predicates or classes.
    viewpoints = next(g.iri for g in manifest.graphs if g.file == "ontology/vocab/viewpoints.ttl")
    assert viewpoints in scope_graphs(manifest, ["132055"])
    assert viewpoints not in named


def test_from_clauses_go_before_the_where_clause_only():
    text = 'SELECT ?x WHERE { ?x ?p "WHERE {" }'
    assert with_from_clauses(text, ["http://g/1"]) == 'SELECT ?x FROM <http://g/1>\nWHERE { ?x ?p "WHERE {" }'
    assert with_from_clauses("SELECT * { ?s ?p ?o }", ["http://g/1"]) == "SELECT * FROM <http://g/1>\n{ ?s ?p ?o }"


def test_from_clauses_go_after_a_construct_template():
    # The template is CONSTRUCT's first group; the dataset clause belongs between it and the pattern.
    cases = {
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }": "CONSTRUCT { ?s ?p ?o } FROM <http://g/1>\nWHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } { ?s ?p ?o }": "CONSTRUCT { ?s ?p ?o } FROM <http://g/1>\n{ ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }": "CONSTRUCT FROM <http://g/1>\nWHERE { ?s ?p ?o }",
        "CONSTRUCT { ?s <http://x/p> [ <http://x/q> ?o ] } { ?s ?p ?o }":
            "CONSTRUCT { ?s <http://x/p> [ <http://x/q> ?o ] } FROM <http://g/1>\n{ ?s ?p ?o }",
    }
    for text, scoped in cases.items():
        assert with_from_clauses(text, ["http://g/1"]) == scoped
        ox.Store().query(scoped)  # and an engine reads it


def test_kg_query_runs_a_scoped_question_on_the_municipalitys_graphs(built):
    done = run_kg("query", "04-plan-tree", "--param", "municipality=132055", "--format", "csv",
                  build_dir=built.build_dir)
    assert done.returncode == 0, done.stderr
    assert "第2期青梅市まち・ひと・しごと創生総合戦略" in done.stdout


def _triple_patterns(node):
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "BGP":
            yield from node.triples
        for value in node.values():
            yield from _triple_patterns(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _triple_patterns(value)


def _negated(path) -> bool:
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath

    if isinstance(path, NegatedPath):
        return True
    if isinstance(path, (SequencePath, AlternativePath)):
        return any(_negated(p) for p in path.args)
    if isinstance(path, MulPath):
        return _negated(path.path)
    if isinstance(path, InvPath):
        return _negated(path.arg)
    return False


@pytest.mark.parametrize("query", SCOPED, ids=[q.name for q in SCOPED])
def test_scoped_questions_name_their_predicates_and_classes(query):
    """A scoped question runs without the shared graphs that hold none of the IRIs it names (kg.query.scoping): right
    only when every triple pattern names its predicate (no variable, no negated path) and every rdf:type pattern
    its class. Checked on the parsed query, so a question edited later cannot lose answers unnoticed."""
    from rdflib.namespace import RDF
    from rdflib.paths import Path as PropertyPath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.term import BNode, Variable

    patterns = list(_triple_patterns(prepareQuery(query.text).algebra))
    assert patterns
    for subject, predicate, obj in patterns:
        assert not isinstance(predicate, Variable), (query.name, subject, predicate, obj)
        assert not _negated(predicate), (query.name, predicate)
        if predicate == RDF.type:
            assert not isinstance(obj, (Variable, BNode)), (query.name, subject, obj)  # the class is named
        if isinstance(predicate, PropertyPath):
            # A type step inside a path (a/rdfs:subClassOf*, a|jpp:x) names no class a graph must hold.
            assert str(RDF.type) not in predicate.n3(), (query.name, predicate)
    assert named_terms(query.text) is not None


def test_named_terms_expand_prefixes_and_give_up_where_the_text_cannot_tell():
    text = "PREFIX ex: <http://ex/>\nSELECT * WHERE { ?s a ex:C ; ex:p/<http://ex/q> ?o }"
    assert named_terms(text) == {"http://ex/C", "http://ex/p", "http://ex/q", RDF_TYPE}
    assert named_terms("SELECT * WHERE { ?s undeclared:p ?o }") is None
    assert named_terms("BASE <http://ex/>\nSELECT * WHERE { ?s <p> ?o }") is None


def test_shared_graphs_that_cannot_match_are_left_out_of_a_scope(built):
    manifest, store = read_manifest(built), open_store(built)
    query = next(q for q in SCOPED if q.name == "04-plan-tree")
    contents = BuiltStore(store).contents
    everything = scope_graphs(manifest, ["132055"])
    pruned = scope_graphs(manifest, ["132055"], contents=contents, terms=named_terms(query.text))
    assert set(pruned) < set(everything)
    # The ontology labels its terms (04 reads labels); a vocabulary of units states nothing 04 asks for.
    assert "https://w3id.org/jp-plan-kg/graph/ontology/jp-plan" in pruned
    assert "https://w3id.org/jp-plan-kg/graph/ontology/vocab/units" not in pruned
    related = next(q for q in SCOPED if q.name == "12-related-measures")
    fewer = scope_graphs(manifest, ["132055"], contents=contents, terms=named_terms(related.text))
    assert not any("/ontology/vocab/" in g for g in fewer)  # 12 reads no title: no vocabulary can match
    # The municipality's own graphs stay, whatever they hold.
    own = [g.iri for g in manifest.graphs if "132055" in (g.municipalities or ())]
    assert own and set(own) <= set(pruned)


def test_a_scope_sees_what_other_files_entail_about_shared_resources(built):
    """An entailment about a resource no file of the municipality states (a plan status concept, typed by the
    range of jpp:planStatus in every plan using it) lives in graph/inferred, which every scope has."""
    text = sparql_prefixes("jpp") + """SELECT ?plan ?status WHERE { ?plan jpp:planStatus ?status ; jpp:municipality ?m . ?status a jpp:PlanStatus .
  ?m jpp:localGovernmentCode "132055" } ORDER BY ?plan"""
    store, manifest = open_store(built), read_manifest(built)
    whole = run_local(store, text).rows
    assert whole  # Ome's plans have a status
    graphs = scope_graphs(manifest, ["132055"], contents=BuiltStore(store).contents, terms=named_terms(text))
    assert run_local(store, with_from_clauses(text, graphs)).rows == whole
