"""The two closures give the same entailments on the real data, and the ones the queries rely on are there."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.build.reasoning import closure_by_graph, inferred_triples, merged_resources
from kg.build.result import BuildMergesResources
from kg.rdf.dataset import load_project_dataset

JPP = "https://w3id.org/jp-plan-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_rules_closure_equals_owlrl_closure_on_the_real_data(project):
    asserted = load_project_dataset(project).all_triples()
    by_owlrl = set(inferred_triples(asserted, closure="owl-rl"))
    by_rules = set(inferred_triples(asserted, closure="rules"))
    assert by_owlrl == by_rules, (sorted(map(str, by_owlrl - by_rules))[:10], sorted(map(str, by_rules - by_owlrl))[:10])


def test_entailments_the_queries_use(project):
    inferred = set(inferred_triples(load_project_dataset(project).all_triples(), closure="rules"))
    pillar = ox.NamedNode("https://w3id.org/jp-plan-kg/id/plan/022012/comprehensive-plan/pillar-1")
    assert ox.Triple(pillar, RDF_TYPE, ox.NamedNode(JPP + "Goal")) in inferred          # subclass
    assert ox.Triple(pillar, RDF_TYPE, ox.NamedNode(JPP + "PlanElement")) in inferred
    policy = ox.NamedNode("https://w3id.org/jp-plan-kg/id/plan/022012/comprehensive-plan/pillar-1/policy-1")
    assert ox.Triple(pillar, ox.NamedNode(JPP + "hasPart"), policy) in inferred          # inverse
    ome = ox.NamedNode("https://w3id.org/jp-plan-kg/id/plan/132055/strategy-2")
    assert ox.Triple(ome, RDF_TYPE, ox.NamedNode(JPP + "Plan")) in inferred
    asserted = set(load_project_dataset(project).all_triples())
    assert not inferred & asserted


ID = "https://w3id.org/jp-plan-kg/id/"
OWL_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")


def _iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID + path)


@pytest.mark.parametrize("closure", ["owl-rl", "rules"])
def test_a_shared_kpi_a_relisted_item_and_a_measure_in_two_plans_merge_nothing(project, closure):
    # Each a natural statement of real plans (issue 20): once, the closure made Ome's 2-② and 2-③ one resource.
    ome = "plan/132055/strategy-2"
    natural = [
        # a KPI two directions share, stated from the second direction
        ox.Triple(_iri(f"{ome}/goal-2/direction-3"), ox.NamedNode(JPP + "hasIndicator"), _iri(f"{ome}/goal-2/direction-2/kpi-1")),
        # an item listed again (再掲) under a second goal
        ox.Triple(_iri(f"{ome}/goal-3"), ox.NamedNode(JPP + "hasPart"), _iri(f"{ome}/goal-2/direction-1")),
        # a measure that belongs to two integrated plans
        ox.Triple(_iri("plan/132055/comprehensive-plan-7/measure-2-1"), ox.NamedNode(JPP + "inPlan"), _iri(ome)),
    ]
    asserted = load_project_dataset(project).all_triples() + natural
    closed = closure_by_graph([("", asserted)], closure=closure)
    assert merged_resources(closed) == []
    assert not [t for t in closed.triples() if t.predicate == OWL_SAME_AS]
    # The statements mean what they say: the KPI measures both directions.
    assert ox.Triple(_iri(f"{ome}/goal-2/direction-2/kpi-1"), ox.NamedNode(JPP + "indicatorOf"),
                     _iri(f"{ome}/goal-2/direction-3")) in set(closed.triples())


def test_the_build_guard_names_resources_a_functional_property_would_merge():
    ex = "http://example.org/"
    owl = "http://www.w3.org/2002/07/owl#"
    triples = [ox.Triple(ox.NamedNode(ex + "p"), RDF_TYPE, ox.NamedNode(owl + "FunctionalProperty")),
               ox.Triple(ox.NamedNode(ex + "p"), RDF_TYPE, ox.NamedNode(owl + "ObjectProperty")),
               ox.Triple(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "b")),
               ox.Triple(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "c"))]
    merged = merged_resources(closure_by_graph([("", triples)], closure="owl-rl"))
    assert merged == [(f"<{ex}b>", f"<{ex}c>")]
    message = str(BuildMergesResources(merged))
    assert f"<{ex}b>" in message and "owl:FunctionalProperty" in message


# The same three statements, written into the plan files, each go through a real `kg build` (validation, closure,
# the merge guard) and the checks: issue 20's "each builds without any owl:sameAs between different resources".
NATURAL_STATEMENTS = {
    "data/ttl/132055-ome-strategy.ttl": (
        # a KPI that two directions share, stated from the second direction
        "<plan/132055/strategy-2/goal-2/direction-3> jpp:hasIndicator <plan/132055/strategy-2/goal-2/direction-2/kpi-1> .\n"
        # an item listed again (再掲) under a second goal
        "<plan/132055/strategy-2/goal-3> jpp:hasPart <plan/132055/strategy-2/goal-2/direction-1> .\n"),
    # a direction of Nishitokyo's digital strategy that is also in the comprehensive plan drafted as one with it
    "data/ttl/132292-nishitokyo-strategy.ttl": (
        "<plan/132292/digital-strategy/goal-1/direction-1> jpp:inPlan <plan/132292/comprehensive-plan-3> .\n"),
}


@pytest.mark.parametrize("closure", ["owl-rl", "rules"])
def test_the_natural_statements_build_and_merge_nothing(tmp_path, closure):
    from conftest import run_kg
    from rebuild_support import project_copy

    root = project_copy(tmp_path / "project")
    for relative, statements in NATURAL_STATEMENTS.items():
        with (root / relative).open("a", encoding="utf-8") as handle:
            handle.write("\n" + statements)
    build_dir = tmp_path / "build"
    result = run_kg("build", "--closure", closure, root=root, build_dir=build_dir, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    ask = run_kg("query", "-e", "ASK { ?a <http://www.w3.org/2002/07/owl#sameAs> ?b FILTER(?a != ?b) }",
                 "--format", "json", root=root, build_dir=build_dir)
    assert ask.returncode == 0, ask.stderr
    assert '"boolean": false' in ask.stdout.replace('"boolean":false', '"boolean": false'), ask.stdout
    kpi_plans = run_kg("query", "-e",
                       "SELECT ?e WHERE { <https://w3id.org/jp-plan-kg/id/plan/132055/strategy-2/goal-2/direction-2/kpi-1> "
                       "<https://w3id.org/jp-plan-kg/ontology#indicatorOf> ?e }", "--format", "csv",
                       root=root, build_dir=build_dir)
    assert sorted(kpi_plans.stdout.split()[1:]) == [ID + "plan/132055/strategy-2/goal-2/direction-2",
                                                     ID + "plan/132055/strategy-2/goal-2/direction-3"]
    # The data-quality checks still find nothing: the two plans of the direction are integrated.
    from kg.build.store import open_store
    from kg.project import default_project
    from kg.query.catalogue import catalogue
    from kg.query.local import run_local

    store = open_store(default_project(root=root, build_dir=build_dir))
    for check in catalogue(root / "queries", checks=True):
        assert not run_local(store, check.text).rows, check.name
