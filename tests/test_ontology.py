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
    goals = {str(s) for s in ontology.subjects(rdflib.SKOS.inScheme, rdflib.URIRef("https://w3id.org/jp-plan-kg/vocab/sdg"))}
    assert goals == {f"http://metadata.un.org/sdg/{i}" for i in range(1, 18)}
