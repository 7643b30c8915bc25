"""The inferred closure of the asserted graph, kept apart from it.

Two ways, the same entailments for our data (tests/test_reasoning.py compares them):

- "owl-rl": owlrl's OWL 2 RL closure of everything. Thorough, but owlrl takes minutes on 100,000 triples.
- "rules": owlrl closes the schema only (classes, properties: a few thousand triples), then the entailments the
  queries rely on are applied to the instance data in one linear pass: types from subclasses, domains and
  ranges; super-properties; inverse and symmetric properties. This is what makes a national build possible.
- "auto" (the default) takes owl-rl for small graphs and rules above AUTO_RULES_THRESHOLD triples.

Either way the result is only what is new, so the asserted graphs stay exactly what the files say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import owlrl
import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .terms import rdflib_graph, to_oxigraph

CLOSURES = ("auto", "owl-rl", "rules", "rdfs", "none")
AUTO_RULES_THRESHOLD = 100_000

# Entailments about the built-in vocabularies themselves (owl:Thing, rdfs:Resource, datatypes) and
# reflexive sameAs are true in every graph; they would triple the inferred graph and tell nobody anything.
_BUILTIN_PREFIXES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class, RDF.Property, RDFS.Datatype,
                  OWL.NamedIndividual, RDFS.Literal}
_SCHEMA_PREDICATES = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, RDFS.domain, RDFS.range,
                      OWL.equivalentClass, OWL.equivalentProperty}
_SCHEMA_TYPES = {OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.Class, RDFS.Class, OWL.ObjectProperty,
                 OWL.DatatypeProperty, RDF.Property, OWL.FunctionalProperty, OWL.InverseFunctionalProperty}


def inferred_triples(asserted: Iterable[ox.Triple], *, closure: str = "auto") -> list[ox.Triple]:
    if closure not in CLOSURES:
        raise ValueError(f"closure must be one of {CLOSURES}")
    asserted = list(asserted)
    if closure == "auto":
        closure = "owl-rl" if len(asserted) <= AUTO_RULES_THRESHOLD else "rules"
    if closure == "none":
        return []
    if closure == "rules":
        return _rules_closure(asserted)
    base = rdflib_graph(asserted)
    expanded = rdflib.Graph()
    for triple in base:
        expanded.add(triple)
    semantics = owlrl.OWLRL_Semantics if closure == "owl-rl" else owlrl.RDFS_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(expanded)
    new = sorted(t for t in expanded if t not in base and _is_informative(t))
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


class _Schema:
    """Class and property axioms, closed by owlrl, as lookup tables over Oxigraph terms."""

    def __init__(self, schema_triples: list[ox.Triple]):
        stated = rdflib_graph(schema_triples)
        graph = rdflib_graph(schema_triples)
        owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
        self.schema_inferred = [t for t in graph if t not in stated and _is_informative(t)]
        node = to_oxigraph
        self.superclasses: dict = defaultdict(set)
        self.superproperties: dict = defaultdict(set)
        self.inverse: dict = defaultdict(set)
        self.symmetric: set = set()
        self.domain: dict = defaultdict(set)
        self.range: dict = defaultdict(set)
        for s, p, o in graph:
            if isinstance(s, rdflib.BNode) or isinstance(o, (rdflib.BNode, rdflib.Literal)):
                continue  # restrictions and lists: not used by our ontology's instance entailments
            if p == RDFS.subClassOf and s != o and o not in _TRIVIAL_TYPES and o != OWL.Thing:
                self.superclasses[node(s)].add(node(o))
            elif p == RDFS.subPropertyOf and s != o:
                self.superproperties[node(s)].add(node(o))
            elif p == OWL.inverseOf:
                self.inverse[node(s)].add(node(o))
                self.inverse[node(o)].add(node(s))
            elif p == RDF.type and o == OWL.SymmetricProperty:
                self.symmetric.add(node(s))
            elif p == RDFS.domain and o not in _TRIVIAL_TYPES:
                self.domain[node(s)].add(node(o))
            elif p == RDFS.range and o not in _TRIVIAL_TYPES and not str(o).startswith(str(XSD)):
                self.range[node(s)].add(node(o))

    def types_for(self, cls) -> set:
        return {cls} | self.superclasses.get(cls, set())


def _rules_closure(asserted: list[ox.Triple]) -> list[ox.Triple]:
    rdf_type = ox.NamedNode(str(RDF.type))
    schema_triples = [t for t in asserted if rdflib.URIRef(t.predicate.value) in _SCHEMA_PREDICATES
                      or (t.predicate == rdf_type and rdflib.URIRef(t.object.value) in _SCHEMA_TYPES)]
    schema = _Schema(schema_triples)
    known_asserted = set(asserted)
    known = set(known_asserted)
    new: set = set()
    pending = list(asserted)
    while pending:
        produced = []
        for t in pending:
            s, p, o = t.subject, t.predicate, t.object
            if p == rdf_type:
                produced += [ox.Triple(s, rdf_type, c) for c in schema.superclasses.get(o, ())]
                continue
            for q in {p} | schema.superproperties.get(p, set()):
                if q != p:
                    produced.append(ox.Triple(s, q, o))
                produced += [ox.Triple(s, rdf_type, c) for d in schema.domain.get(q, ()) for c in schema.types_for(d)]
                if isinstance(o, ox.Literal):
                    continue
                produced += [ox.Triple(o, inverse, s) for inverse in schema.inverse.get(q, ())]
                if q in schema.symmetric:
                    produced.append(ox.Triple(o, q, s))
                produced += [ox.Triple(o, rdf_type, c) for r in schema.range.get(q, ()) for c in schema.types_for(r)]
        pending = []
        for t in produced:
            if t not in known:
                known.add(t)
                new.add(t)
                pending.append(t)
    schema_new = {ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in schema.schema_inferred}
    result = [t for t in new | schema_new if t not in known_asserted and _informative_ox(t)]
    result.sort(key=str)
    return result


def _informative_ox(t: ox.Triple) -> bool:
    return _is_informative((rdflib.URIRef(t.subject.value) if isinstance(t.subject, ox.NamedNode) else rdflib.BNode(t.subject.value),
                            rdflib.URIRef(t.predicate.value),
                            rdflib.URIRef(t.object.value) if isinstance(t.object, ox.NamedNode) else t.object))
