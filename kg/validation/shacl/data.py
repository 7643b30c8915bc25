"""The data graph as the SHACL engine reads it: every triple as written, indexed forward and backward by
predicate, with property paths and class membership evaluated on those indexes.

An Oxigraph Store is not used for this: it stores literals in a canonical form ("5"^^xsd:int and "05"^^xsd:integer
both come back as "5"^^xsd:integer, "300"^^xsd:byte as a valid xsd:integer), so sh:datatype, sh:in and sh:hasValue
would judge values the data never held. A store is built only for SHACL-SPARQL constraints, which run on it when
they read none of the literals it rewrites (DataGraph.rewritten_predicates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from ...namespaces import RDF, RDFS
from .shapes import Path

RDF_TYPE = RDF + "type"
SUBCLASS_OF = RDFS + "subClassOf"
_PROBE = ox.NamedNode("urn:kg:shacl:literal")


class DataGraph:
    def __init__(self, triples: Iterable[ox.Triple]):
        self.triples = list(dict.fromkeys(triples))  # a set, in the order written
        self._by_predicate: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in self.triples:
            self._by_predicate[t.predicate.value].append(t)
        # Indexed per predicate when a shape first asks: most predicates of the data no shape follows.
        self._forward: dict[str, dict] = {}
        self._backward: dict[str, dict] = {}
        self._by_subject: dict | None = None
        self._instances: dict = {}
        self._steps: dict = {}
        self._store: ox.Store | None = None
        self._rewritten: set[str] | None = None

    def forward(self, predicate: str) -> dict:
        """subject -> {object: None} for the predicate."""
        if predicate not in self._forward:
            index: dict = {}
            for t in self._by_predicate.get(predicate, ()):
                index.setdefault(t.subject, {})[t.object] = None
            self._forward[predicate] = index
        return self._forward[predicate]

    def backward(self, predicate: str) -> dict:
        """object -> {subject: None} for the predicate."""
        if predicate not in self._backward:
            index: dict = {}
            for t in self._by_predicate.get(predicate, ()):
                index.setdefault(t.object, {})[t.subject] = None
            self._backward[predicate] = index
        return self._backward[predicate]

    def outgoing(self, node) -> list:
        """(predicate, object) of every triple of the node (sh:closed)."""
        if self._by_subject is None:
            self._by_subject = defaultdict(list)
            for t in self.triples:
                self._by_subject[t.subject].append((t.predicate, t.object))
        return self._by_subject.get(node, [])

    # -- property paths (SHACL 2.3.1), evaluated from given nodes --------------------------------------------

    def values(self, path: Path, node) -> dict:
        """The nodes the path reaches from node, as an insertion-ordered dict used as a set."""
        return self._walk(path, node, False)

    def _walk(self, path: Path, node, inverse: bool) -> dict:
        if path.kind == "predicate":
            return (self.backward if inverse else self.forward)(path.term.value).get(node, {})
        key = (path, node, inverse)
        if key in self._steps:
            return self._steps[key]
        if path.kind == "inverse":
            out = self._walk(path.parts[0], node, not inverse)
        elif path.kind == "sequence":
            frontier = {node: None}
            for part in reversed(path.parts) if inverse else path.parts:
                frontier = {v: None for n in frontier for v in self._walk(part, n, inverse)}
            out = frontier
        elif path.kind == "alternative":
            out = {v: None for part in path.parts for v in self._walk(part, node, inverse)}
        else:  # zeroOrMore, oneOrMore, zeroOrOne
            part = path.parts[0]
            out = {node: None} if path.kind != "oneOrMore" else {}
            if path.kind == "zeroOrOne":
                out.update(self._walk(part, node, inverse))
            else:
                frontier = list(self._walk(part, node, inverse))
                while frontier:
                    n = frontier.pop(0)
                    if n not in out:
                        out[n] = None
                        frontier += [v for v in self._walk(part, n, inverse) if v not in out]
        self._steps[key] = out
        return out

    def subjects(self, predicate: ox.NamedNode) -> Iterable:
        return self.forward(predicate.value).keys()

    def objects_of(self, predicate: ox.NamedNode) -> Iterable:
        return self.backward(predicate.value).keys()

    def instances(self, cls) -> set:
        """SHACL instances: rdf:type of the class or of a subclass (rdfs:subClassOf in the data graph)."""
        if cls not in self._instances:
            classes, frontier = {cls}, [cls]
            while frontier:
                for sub in self.backward(SUBCLASS_OF).get(frontier.pop(), {}):
                    if sub not in classes:
                        classes.add(sub)
                        frontier.append(sub)
            self._instances[cls] = {s for c in classes for s in self.backward(RDF_TYPE).get(c, {})}
        return self._instances[cls]

    # -- SHACL-SPARQL -----------------------------------------------------------------------------------------

    def store(self) -> ox.Store:
        if self._store is None:
            self._store = ox.Store()
            self._store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in self.triples])
        return self._store

    def rewritten_predicates(self) -> set[str]:
        """The predicates of the triples whose literal the store holds in another form than the data wrote
        ("1308.0"^^xsd:decimal as "1308", "5"^^xsd:int as "5"^^xsd:integer): a query that reads them sees
        that form, and str() or datatype() of it differs from the data."""
        if self._rewritten is None:
            literals = list(dict.fromkeys(t.object for t in self.triples if isinstance(t.object, ox.Literal)))
            probe = ox.Store()
            probe.bulk_extend([ox.Quad(ox.NamedNode(f"urn:kg:shacl:{i}"), _PROBE, lit) for i, lit in enumerate(literals)])
            changed = {literals[int(q.subject.value.rsplit(":", 1)[1])] for q in probe.quads_for_pattern(None, _PROBE, None)
                       if q.object != literals[int(q.subject.value.rsplit(":", 1)[1])]}
            self._rewritten = {t.predicate.value for t in self.triples if t.object in changed}
        return self._rewritten
