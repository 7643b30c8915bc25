"""The ontology and vocabularies: two independent parsers agree, and every own term is named and defined in ja and en."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "ontology").glob("*.ttl")) + sorted((ROOT / "ontology" / "vocab").glob("*.ttl")) + sorted((ROOT / "ontology" / "shapes").glob("*.ttl"))
JPP = "https://w3id.org/jp-plan-kg/ontology#"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_two_parsers_agree_on_triple_count(path):
    with_rdflib = len(rdflib.Graph().parse(path, format="turtle"))
    with_oxigraph = len(set(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)))
    assert with_rdflib == with_oxigraph > 0


@pytest.fixture(scope="module")
def ontology():
    graph = rdflib.Graph()
    for path in FILES:
        if "shapes" not in path.parts:
            graph.parse(path, format="turtle")
    return graph


def _missing(graph, query):
    return sorted(str(r[0]) for r in graph.query(query))


def test_every_own_term_has_ja_and_en_labels_and_definitions(ontology):
    for lang in ("ja", "en"):
        for prop in ("rdfs:label", "skos:definition"):
            missing = _missing(ontology, f"""
                PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
                SELECT DISTINCT ?t WHERE {{ ?t ?anyP ?anyO . FILTER(STRSTARTS(STR(?t), "{JPP}"))
                  FILTER NOT EXISTS {{ ?t {prop} ?v . FILTER(LANG(?v) = "{lang}") }} }}""")
            assert not missing, f"own terms without {prop}@{lang}: {missing}"


def test_naming_case(ontology):
    classes = [str(s[0]) for s in ontology.query(f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?c WHERE {{ ?c a owl:Class FILTER(STRSTARTS(STR(?c), "{JPP}")) }}""")]
    properties = [str(s[0]) for s in ontology.query(f"""PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?p WHERE {{ {{ ?p a owl:ObjectProperty }} UNION {{ ?p a owl:DatatypeProperty }} FILTER(STRSTARTS(STR(?p), "{JPP}")) }}""")]
    assert classes and properties
    bad = [c for c in classes if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", c.removeprefix(JPP))]
    bad += [p for p in properties if not re.fullmatch(r"[a-z][A-Za-z0-9]*", p.removeprefix(JPP))]
    assert not bad, f"classes must be UpperCamel and properties lowerCamel: {bad}"


def test_every_concept_has_ja_and_en_pref_labels_and_definitions(ontology):
    for lang in ("ja", "en"):
        missing = _missing(ontology, f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?c WHERE {{ ?c a skos:Concept .
              FILTER NOT EXISTS {{ ?c skos:prefLabel ?l FILTER(LANG(?l) = "{lang}") }}
              FILTER NOT EXISTS {{ ?c skos:definition ?d FILTER(LANG(?d) = "{lang}") }} }}""")
        assert not missing, f"concepts without prefLabel/definition @{lang}: {missing}"


def test_ontology_metadata(ontology):
    o = rdflib.URIRef("https://w3id.org/jp-plan-kg/ontology")
    assert (o, rdflib.OWL.versionIRI, None) in ontology
    assert (o, rdflib.DCTERMS.license, rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")) in ontology
    assert (o, rdflib.DCTERMS.modified, None) in ontology


def test_sdgs_use_the_un_iris(ontology):
    collection = rdflib.URIRef("https://w3id.org/jp-plan-kg/vocab/sdg")
    goals = {str(o) for o in ontology.objects(collection, rdflib.SKOS.member)}
    assert goals == {f"http://metadata.un.org/sdg/{i}" for i in range(1, 18)}
    # The UN's own scheme and English prefLabels are not restated (issue 20: merged with the UN's KOS, no goal may
    # have two prefLabels in one language); the Japanese names are ours, the English short names altLabels.
    for goal in goals:
        goal = rdflib.URIRef(goal)
        assert not list(ontology.objects(goal, rdflib.SKOS.inScheme))
        assert not list(ontology.objects(goal, rdflib.SKOS.topConceptOf))
        assert {lit.language for lit in ontology.objects(goal, rdflib.SKOS.prefLabel)} == {"ja"}
        assert [lit.language for lit in ontology.objects(goal, rdflib.SKOS.altLabel)] == ["en"]


# Object properties whose subject or value may be of several classes: a domain or range would type them wrongly
# (the closure materialises rdfs:domain and rdfs:range), so none is declared and the shapes check them instead.
OPEN_ENDED = {"hasIndicator": "element, plan or challenge", "indicatorOf": "element, plan or challenge",
              "hasChange": "element, indicator or statement", "changeOf": "element, indicator or statement",
              "inVersion": "element, indicator or statement",
              "linkedResource": "element or statement",
              "mergedFrom": "of the subject's own class", "replaces": "of the subject's own class",
              "municipality": "plan, document or statement", "eStatArea": "e-Stat's code, not ours to type",
              "inPlan": "every kind of resource of a plan", "completeness": "plan or document",
              "planStatus": "plan, plan version or document", "derivedProperty": "any resource", "unit": "indicator or value",
              "qualifier": "indicator or value",
              "policyDomain": "element or statement", "nationalDirection": "goal", "sdgGoal": "element or statement",
              "editorialLabel": "plan or element", "isProvisional": "element or statement",
              "noPolicyDomain": "statement", "noSharedConcept": "viewpoint", "noValuesInSource": "indicator",
              "seedLine": "any resource", "sequence": "element or statement", "statedMeasureCount": "plan",
              "statedPolicyCount": "plan", "citedTitle": "citation", "documentPart": "document", "edition": "plan",
              "periodLabel": "plan", "revisionDate": "revision", "seedFile": "document", "valueLabel": "value",
              "yearLabel": "value"}


def test_every_own_property_has_a_range_and_a_domain_where_one_is_true(ontology):
    """Issue 20: a domain and a range for every property where one is true; the rest are named above, with why."""
    missing = []
    for kind in (rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty):
        for prop in ontology.subjects(rdflib.RDF.type, kind):
            name = str(prop).rsplit("#", 1)[-1]
            if not str(prop).startswith(JPP) or name in OPEN_ENDED:
                continue
            if not list(ontology.objects(prop, rdflib.RDFS.range)):
                missing.append(f"{name}: no range")
            if kind == rdflib.OWL.ObjectProperty and not list(ontology.objects(prop, rdflib.RDFS.domain)) \
                    and not list(ontology.objects(prop, rdflib.OWL.inverseOf)):
                missing.append(f"{name}: no domain")
    assert not missing, missing
    for prop in ontology.subjects(rdflib.RDF.type, rdflib.OWL.DatatypeProperty):
        assert list(ontology.objects(prop, rdflib.RDFS.range)), f"{prop}: a datatype property without a range"
