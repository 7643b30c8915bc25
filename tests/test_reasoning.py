"""The two closures give the same entailments on the real data, and the ones the queries rely on are there."""

from __future__ import annotations

import pyoxigraph as ox

from kg.build.reasoning import inferred_triples
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
