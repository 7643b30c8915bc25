"""The inferred closure of the asserted graph, kept apart from it.

Two ways, the same entailments for our data (tests/test_reasoning.py compares them):

- "owl-rl": owlrl's OWL 2 RL closure of everything. Thorough, but owlrl takes minutes on 100,000 triples.
- "rules": owlrl closes the schema only (classes, properties: a few thousand triples), then the entailments the
  queries rely on are applied to the instance data in one linear pass: types from subclasses, domains and
  ranges; super-properties; inverse and symmetric properties; and property chains of two links (owl:
  propertyChainAxiom: an indicator is jpp:inPlan the plan of the element it is jpp:indicatorOf), joined through
  an index of the chain links' triples. This is what makes a national build possible.
- "auto" (the default) takes owl-rl for small graphs and rules above AUTO_RULES_THRESHOLD triples.

Either way the result is only what is new, so the asserted graphs stay exactly what the files say. Each inferred
triple goes to the inferred graph of the file whose triples entail it (the first such file, in build order): a
question about one municipality can then name its inferred graphs among its own (kg.query.scoping), and a rebuild
recomputes the entailments of the files that changed only (kg.build.incremental).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
import rdflib
import rdflib.collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..rdf.terms import rdflib_graph, to_oxigraph

CLOSURES = ("auto", "owl-rl", "rules", "rdfs", "none")
AUTO_RULES_THRESHOLD = 100_000

# Entailments about the built-in vocabularies themselves (owl:Thing, rdfs:Resource, datatypes) and
# reflexive sameAs are true in every graph; they would triple the inferred graph and tell nobody anything.
_BUILTIN_PREFIXES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class, RDF.Property, RDFS.Datatype,
                  OWL.NamedIndividual, RDFS.Literal}
_SCHEMA_PREDICATES = {RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, RDFS.domain, RDFS.range,
                      OWL.equivalentClass, OWL.equivalentProperty, OWL.propertyChainAxiom}
# The RDF lists a property chain is written with (ontology files only: data files have no blank nodes).
_LIST_PREDICATES = {RDF.first, RDF.rest}
_SCHEMA_TYPES = {OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.Class, RDFS.Class, OWL.ObjectProperty,
                 OWL.DatatypeProperty, RDF.Property, OWL.FunctionalProperty, OWL.InverseFunctionalProperty}


def resolved_closure(closure: str, asserted_count: int) -> str:
    if closure not in CLOSURES:
        raise ValueError(f"closure must be one of {CLOSURES}")
    if closure == "auto":
        return "owl-rl" if asserted_count <= AUTO_RULES_THRESHOLD else "rules"
    return closure


@dataclass
class Closure:
    """The inferred triples. One about a graph's own resources (its subject is the subject of a triple the graph
    states) goes to that graph's inferred graph (the first such graph in build order, if several); the rest go to
    `residual`: entailments about resources stated elsewhere (a plan's status concept typed by the range of
    jpp:planStatus, a measure cited from another file), the schema's own entailments, and under owl-rl any
    entailment needing premises from two graphs. So the inferred graph of a file says something only about that
    file's resources, and a question about one municipality, run on its files' graphs (kg.query.scoping) plus the
    residual, sees every inferred triple about what its files state. An entailment some graph asserts is left out."""

    kind: str  # the closure used: "owl-rl", "rules", "rdfs" or "none"
    by_graph: dict[str, list[ox.Triple]]
    residual: list[ox.Triple]

    def __len__(self) -> int:
        return len(self.residual) + sum(len(v) for v in self.by_graph.values())

    def triples(self) -> list[ox.Triple]:
        return sorted([t for v in self.by_graph.values() for t in v] + self.residual, key=triple_order)


def closure_by_graph(graphs: list[tuple[str, list[ox.Triple]]], *, closure: str = "auto") -> Closure:
    """The closure of the graphs together, attributed to the graph entailing each triple (see Closure)."""
    asserted = [t for _, triples in graphs for t in triples]
    kind = resolved_closure(closure, len(asserted))
    if kind == "none":
        return Closure(kind, {}, [])
    engine = RuleEngine(schema_triples_of(asserted))
    known = set(asserted)
    # Under owl-rl and rdfs owlrl decides what is entailed; the rules only say which graph entails it.
    entailed = None if kind == "rules" else set(_owlrl_closure(asserted, kind))
    owner: set = set()
    elsewhere: set = set()  # entailed by a graph, but about resources it does not state anything about
    by_graph: dict[str, list[ox.Triple]] = {}
    for iri, triples in graphs:
        subjects = {t.subject for t in triples}
        mine = []
        for t in engine.consequences(triples):
            if t in known or t in owner or not (entailed is None or t in entailed) or not informative(t):
                continue
            if t.subject in subjects:
                mine.append(t)
            else:
                elsewhere.add(t)
        owner.update(mine)
        if mine:
            by_graph[iri] = sorted(mine, key=triple_order)
    rest = (engine.schema_entailments() | elsewhere) if entailed is None else entailed
    residual = sorted((t for t in rest if t not in known and t not in owner and informative(t)), key=triple_order)
    return Closure(kind, by_graph, residual)


def merged_resources(closure: Closure) -> list[tuple[str, str]]:
    """Pairs of different resources the closure says are the same (owl:sameAs), each pair once. The build refuses
    to publish these: no property of our ontology should ever merge two resources."""
    same_as = OWL.sameAs.toPython()
    pairs = {tuple(sorted((str(t.subject), str(t.object)))) for t in closure.triples()
             if t.predicate.value == same_as and t.subject != t.object}
    return sorted(pairs)


def inferred_triples(asserted: Iterable[ox.Triple], *, closure: str = "auto") -> list[ox.Triple]:
    """Every inferred triple of the asserted triples taken as one graph."""
    return closure_by_graph([("", list(asserted))], closure=closure).triples()


def _owlrl_closure(asserted: list[ox.Triple], kind: str) -> list[ox.Triple]:
    # rdflib's SimpleMemory store: owlrl looks triples up millions of times, and the default store's bookkeeping of
    # contexts (which this one-graph closure never uses) took a fifth of the time (seed data: 12.5 s -> 10 s).
    expanded = rdflib_graph(asserted, rdflib.Graph(store="SimpleMemory"))
    base = set(expanded)
    semantics = owlrl.OWLRL_Semantics if kind == "owl-rl" else owlrl.RDFS_Semantics
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
    return not (p == RDFS.subClassOf and o in (OWL.Thing, RDFS.Resource))


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
        # (result, first link, second link) per two-link owl:propertyChainAxiom; a chain of sub-properties of
        # its links is not expanded (our ontology has none), and a longer chain is refused rather than ignored.
        self.chains: list[tuple] = []
        for result, head in graph.subject_objects(OWL.propertyChainAxiom):
            links = list(rdflib.collection.Collection(graph, head))
            if len(links) != 2:
                raise ValueError(f"the rules closure applies property chains of two links only: {result} has {len(links)}")
            self.chains.append((node(result), node(links[0]), node(links[1])))
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

    def plan_for(self, predicate) -> tuple:
        """What one triple with this predicate entails, worked out once per predicate: (the super-properties it
        also holds for, the subject's types, the inverse predicates, the symmetric ones, the object's types)."""
        properties = [predicate] + sorted(self.superproperties.get(predicate, set()) - {predicate}, key=str)
        subject_types = {c for q in properties for d in self.domain.get(q, ()) for c in self.types_for(d)}
        object_types = {c for q in properties for r in self.range.get(q, ()) for c in self.types_for(r)}
        inverses = {i for q in properties for i in self.inverse.get(q, ())}
        symmetric = tuple(q for q in properties if q in self.symmetric)
        return tuple(properties[1:]), tuple(subject_types), tuple(inverses), symmetric, tuple(object_types)


class RuleEngine:
    """The single-premise entailments of the instance data, given the schema.

    Each rule has one premise (a triple) besides the schema, so whatever one triple entails mentions only its
    subject, its object and schema terms, and each inferred triple can be traced to the graph of a triple that
    entails it: that is what lets a rebuild recompute the entailments of the files that changed only.
    """

    def __init__(self, schema_triples: list[ox.Triple]):
        self.schema = _Schema(schema_triples)
        self._superclasses = {c: tuple(s) for c, s in self.schema.superclasses.items()}
        self._plans: dict = {}  # predicate -> schema.plan_for(predicate): a national graph has a few dozen predicates

    def schema_entailments(self) -> set[ox.Triple]:
        """What owlrl entails among the class and property axioms themselves (no single premise of its own)."""
        return {ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in self.schema.schema_inferred}

    @property
    def has_chains(self) -> bool:
        return bool(self.schema.chains)

    def consequences(self, premises: Iterable[ox.Triple]) -> set[ox.Triple]:
        """Everything the premises entail, chains of rules included; the premises themselves excepted.

        A property chain has two premises: both must be among the premises or what they entail (for the build,
        one file's triples), so what a chain entails is still traced to one file."""
        premises = set(premises)
        found: set = set()
        pending = list(premises)
        joins = _ChainJoins(self.schema.chains) if self.schema.chains else None
        while pending:
            produced = self._one_step(pending)
            if joins is not None:
                produced += joins.step(pending)
            pending = [t for t in produced if t not in found and t not in premises]
            found.update(pending)
        return found

    def _one_step(self, triples: list[ox.Triple]) -> list[ox.Triple]:
        produced: list[ox.Triple] = []
        add = produced.append
        superclasses, plans, rdf_type = self._superclasses, self._plans, _OX_TYPE
        for t in triples:
            s, p, o = t.subject, t.predicate, t.object
            if p == rdf_type:
                for c in superclasses.get(o, ()):
                    add(ox.Triple(s, rdf_type, c))
                continue
            plan = plans.get(p)
            if plan is None:
                plan = plans[p] = self.schema.plan_for(p)
            properties, subject_types, inverses, symmetric, object_types = plan
            for q in properties:
                add(ox.Triple(s, q, o))
            for c in subject_types:
                add(ox.Triple(s, rdf_type, c))
            if isinstance(o, ox.Literal):
                continue
            for inverse in inverses:
                add(ox.Triple(o, inverse, s))
            for q in symmetric:
                add(ox.Triple(o, q, s))
            for c in object_types:
                add(ox.Triple(o, rdf_type, c))
        return produced


class _ChainJoins:
    """Semi-naive evaluation of two-link property chains: each new triple of a link is joined with every triple
    of the other link seen so far (new ones included), so each pair is joined once it is complete."""

    def __init__(self, chains: list[tuple]):
        self.first: dict = defaultdict(list)   # first link -> [(result, second link)]
        self.second: dict = defaultdict(list)  # second link -> [(result, first link)]
        for result, p, q in chains:
            self.first[p].append((result, q))
            self.second[q].append((result, p))
        self.objects: dict = defaultdict(set)   # (predicate, subject) -> objects
        self.subjects: dict = defaultdict(set)  # (predicate, object) -> subjects

    def step(self, triples: list[ox.Triple]) -> list[ox.Triple]:
        new = [t for t in triples if t.predicate in self.first or t.predicate in self.second]
        for t in new:
            self.objects[(t.predicate, t.subject)].add(t.object)
            self.subjects[(t.predicate, t.object)].add(t.subject)
        produced = []
        for t in new:
            x, y = t.subject, t.object
            for result, q in self.first.get(t.predicate, ()):
                produced += [ox.Triple(x, result, z) for z in self.objects.get((q, y), ())]
            for result, p in self.second.get(t.predicate, ()):
                produced += [ox.Triple(w, result, y) for w in self.subjects.get((p, x), ())]
        return produced


def schema_triples_of(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The class and property axioms among the triples: what the rules closure takes as its schema (with the
    lists a property chain is written with)."""
    return [t for t in triples if t.predicate in _OX_SCHEMA_PREDICATES or t.predicate in _OX_LIST_PREDICATES
            or (t.predicate == _OX_TYPE and t.object in _OX_SCHEMA_TYPES)]


def triple_order(t: ox.Triple) -> tuple:
    return (t.subject.value, t.predicate.value, str(t.object))


_BUILTIN_PREFIX_TEXT = tuple(str(p) for p in _BUILTIN_PREFIXES)
_OX_TYPE = ox.NamedNode(str(RDF.type))
_OX_SUBCLASS_OF = ox.NamedNode(str(RDFS.subClassOf))
_OX_TRIVIAL_TYPES = {ox.NamedNode(str(t)) for t in _TRIVIAL_TYPES}
_OX_REFLEXIVE = {ox.NamedNode(str(p)) for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass,
                                                 OWL.equivalentProperty, OWL.sameAs)}
_OX_TOP = {ox.NamedNode(str(OWL.Thing)), ox.NamedNode(str(RDFS.Resource))}
_OX_SCHEMA_PREDICATES = {ox.NamedNode(str(p)) for p in _SCHEMA_PREDICATES}
_OX_LIST_PREDICATES = {ox.NamedNode(str(p)) for p in _LIST_PREDICATES}
_OX_SCHEMA_TYPES = {ox.NamedNode(str(t)) for t in _SCHEMA_TYPES}


def informative(t: ox.Triple) -> bool:
    """_is_informative on Oxigraph terms, without converting hundreds of thousands of triples to rdflib."""
    s, p, o = t.subject, t.predicate, t.object
    if isinstance(s, ox.NamedNode) and s.value.startswith(_BUILTIN_PREFIX_TEXT):
        return False
    if p in _OX_REFLEXIVE and s == o:
        return False
    if p == _OX_TYPE and o in _OX_TRIVIAL_TYPES:
        return False
    return not (p == _OX_SUBCLASS_OF and o in _OX_TOP)
