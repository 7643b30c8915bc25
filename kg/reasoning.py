"""The inferred closure of the asserted graph, kept apart from it.

owlrl expands a graph in place; we run it on a copy and keep only what is new, so the asserted graphs stay
exactly what the files say and the inferred triples can be published (and queried) as their own graph.
"""

from __future__ import annotations

from collections.abc import Iterable

import owlrl
import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .terms import rdflib_graph, to_oxigraph

CLOSURES = ("owl-rl", "rdfs", "none")

# Entailments about the built-in vocabularies themselves (owl:Thing, rdfs:Resource, datatypes) and
# reflexive sameAs are true in every graph; they would triple the inferred graph and tell nobody anything.
_BUILTIN_PREFIXES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class, RDF.Property, RDFS.Datatype,
                  OWL.NamedIndividual, RDFS.Literal}


def inferred_triples(asserted: Iterable[ox.Triple], *, closure: str = "owl-rl") -> list[ox.Triple]:
    if closure not in CLOSURES:
        raise ValueError(f"closure must be one of {CLOSURES}")
    if closure == "none":
        return []
    base = rdflib_graph(asserted)
    expanded = rdflib.Graph()
    for triple in base:
        expanded.add(triple)
    semantics = owlrl.OWLRL_Semantics if closure == "owl-rl" else owlrl.RDFS_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(expanded)
    new = [t for t in expanded if t not in base and _is_informative(t)]
    new.sort()
    return [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in new]


def _is_informative(triple: tuple) -> bool:
    s, p, o = triple
    if isinstance(s, rdflib.Literal):
        return False
    if isinstance(s, rdflib.URIRef) and str(s).startswith(_BUILTIN_PREFIXES):
        return False
    if p == OWL.sameAs and s == o:
        return False
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return False
    if p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty) and s == o:
        return False
    if p in (RDFS.subClassOf,) and o in (OWL.Thing, RDFS.Resource):
        return False
    return True
