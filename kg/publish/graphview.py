"""Read access to the built store for the site: statements about a resource with where they come from, labels.

Every statement carries the kinds of graph it is stated in: the sources' facts, the project's editorial
classification, the ontology and vocabularies, or the inferred closure. A page shows that difference.
Lookups go through the store one resource at a time (with small caches), so the same code serves a whole
static site or one page on request.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..namespaces import RDF_TYPE, SKOS
from ..project import GRAPH_BASE, is_inferred_graph
from ..query.params import bound_query_text
from ..rdf.terms import natural_key
from . import locations
from .vocabulary import LABEL_PREDICATES

SOURCE, EDITORIAL, ONTOLOGY, INFERRED = "source", "editorial", "ontology", "inferred"
# The order in which a statement stated in several kinds of graph is described: a source fact stays a source fact.
KIND_ORDER = (SOURCE, EDITORIAL, ONTOLOGY, INFERRED)
# How a page marks a statement that is not a source's fact: (badge, its explanation, in English).
KIND_NAMES = {
    EDITORIAL: ("分類", "本プロジェクトによる分類（編集上の判断）で、文書の記載ではありません", "project's classification"),
    INFERRED: ("推論", "オントロジーから推論された記述です", "inferred"),
}
_MANIFEST_KINDS = {"data": SOURCE, "classification": EDITORIAL, "ontology": ONTOLOGY}

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class Statement(NamedTuple):
    # A named tuple rather than a frozen dataclass: a national publish makes millions of them, and a frozen
    # dataclass sets each field through object.__setattr__.
    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    object: Term
    kinds: tuple[str, ...]
    graphs: tuple[str, ...]

    @property
    def kind(self) -> str:
        return self.kinds[0]


class Statements(tuple):
    """A resource's statements (GraphView.about or pointing_to), in their order, with the values of each predicate
    found without a scan: a page asks for a few predicates of the same resources again and again (200,000 times
    for 3,000 pages)."""

    def by_predicate(self, predicate: str) -> tuple[Statement, ...]:
        index = self.__dict__.get("_index")
        if index is None:
            grouped: dict[str, list[Statement]] = {}
            for statement in self:
                grouped.setdefault(statement.predicate.value, []).append(statement)
            index = self.__dict__["_index"] = {p: tuple(found) for p, found in grouped.items()}
        return index.get(predicate, ())


def graph_kind(graph_iri: str, manifest_kinds: dict[str, str] | None = None) -> str:
    if is_inferred_graph(graph_iri):
        return INFERRED
    if manifest_kinds and graph_iri in manifest_kinds:
        return _MANIFEST_KINDS.get(manifest_kinds[graph_iri], SOURCE)
    local = graph_iri[len(GRAPH_BASE):] if graph_iri.startswith(GRAPH_BASE) else ""
    if local.startswith("classification/"):
        return EDITORIAL
    if local.startswith("ontology/"):
        return ONTOLOGY
    return SOURCE


class GraphView:
    """The store as the site sees it. `manifest` (from the build) names the kind of each graph."""

    def __init__(self, store: ox.Store, *, manifest: BuildManifest | None = None,
                 extra_anchors: dict[str, set[str]] | None = None):
        self.store = store
        self._kinds = {g.iri: g.kind for g in manifest.graphs} if manifest is not None else {}
        self._graph_kinds: dict[str, str] = {}   # graph IRI -> kind, worked out once per graph, not per statement
        # Anchors on pages that are not built from the store (the shapes page): page → ids.
        self.extra_anchors = extra_anchors or {}
        self.about = lru_cache(maxsize=4096)(self._about)
        self.pointing_to = lru_cache(maxsize=1024)(self._pointing_to)
        self.described = lru_cache(maxsize=65536)(self._described)
        # Every page links to the same predicates, kinds and places: where each is shown is worked out once.
        self.page_of = lru_cache(maxsize=65536)(self._page_of)
        self.labels = lru_cache(maxsize=65536)(self._labels)
        self._subject_iris: frozenset[str] | None = None

    def subject_iris(self) -> frozenset[str]:
        """Every IRI that is the subject of a statement, read once (one query: 9 s for the nation of 1,741
        municipalities, where bringing its 3.5 million quads into Python takes half a minute) for what needs them
        all: the list of pages, the ontology's terms, and `described` for each of them."""
        if self._subject_iris is None:
            answer = self.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }",
                                      use_default_graph_as_union=True)
            self._subject_iris = frozenset(row[0].value for row in answer)
        return self._subject_iris

    # -- statements ------------------------------------------------------------------------------------

    def _merge(self, quads, key) -> Statements:
        """The quads as statements, each stated once with the kinds and graphs it is stated in, ordered by `key`
        (strings: the same order from an on-disk store and an in-memory one, which list quads differently, so that
        the pages written from either are the same: kg.publish.workers)."""
        merged: dict[tuple[str, str], list[ox.Quad]] = {}
        for quad in quads:
            k = key(quad)
            same = merged.get(k)
            if same is None:
                merged[k] = [quad]
            else:
                same.append(quad)
        out = []
        for k in sorted(merged):
            same = merged[k]
            graphs = sorted(self._graph_name(quad) for quad in same)
            kinds = {self._graph_kind(graph) for graph in graphs}
            quad = same[0]
            out.append(Statement(quad.subject, quad.predicate, quad.object,
                                 tuple(kind for kind in KIND_ORDER if kind in kinds), tuple(graphs)))
        return Statements(out)

    @staticmethod
    def _graph_name(quad: ox.Quad) -> str:
        name = quad.graph_name
        return name.value if isinstance(name, ox.NamedNode) else ""

    def _graph_kind(self, graph: str) -> str:
        kind = self._graph_kinds.get(graph)
        if kind is None:
            kind = self._graph_kinds[graph] = graph_kind(graph, self._kinds)
        return kind

    def _about(self, iri: str) -> Statements:
        # Keyed by the N-Triples form of the object: one term, one string (a literal's includes its datatype).
        return self._merge(self.store.quads_for_pattern(ox.NamedNode(iri), None, None, None),
                           lambda q: (q.predicate.value, str(q.object)))

    def _pointing_to(self, iri: str) -> Statements:
        return self._merge(self.store.quads_for_pattern(None, None, ox.NamedNode(iri), None),
                           lambda q: (str(q.subject), q.predicate.value))

    def objects(self, iri: str, predicate: str) -> list[Term]:
        return [s.object for s in self.about(iri).by_predicate(predicate)]

    def iris(self, iri: str, predicate: str) -> list[str]:
        return [o.value for o in self.objects(iri, predicate) if isinstance(o, ox.NamedNode)]

    def first_literal(self, iri: str, predicate: str) -> str | None:
        values = [o for o in self.objects(iri, predicate) if isinstance(o, ox.Literal)]
        return values[0].value if values else None

    def subjects(self, predicate: str, iri: str) -> list[str]:
        return [s.subject.value for s in self.pointing_to(iri).by_predicate(predicate)
                if isinstance(s.subject, ox.NamedNode)]

    def subject_count(self, predicate: str, iri: str) -> int:
        """len(subjects(predicate, iri)), read by predicate and object rather than from every statement pointing to
        `iri`: a plan's summary on the home page counts its elements, and merging all that points to each of the
        nation's 3,500 plans took 7 s."""
        found = {q.subject for q in self.store.quads_for_pattern(None, ox.NamedNode(predicate), ox.NamedNode(iri), None)}
        return sum(1 for subject in found if isinstance(subject, ox.NamedNode))

    def types(self, iri: str) -> set[str]:
        return set(self.iris(iri, RDF_TYPE))

    def concepts_of(self, iri: str) -> list[str] | None:
        """The concepts of a SKOS scheme, or the members of a collection (the UN's SDGs, gathered without restating
        their scheme), in natural order; None for anything else."""
        types = self.types(iri)
        if SKOS + "ConceptScheme" in types:
            members = self.subjects(SKOS + "inScheme", iri)
        elif SKOS + "Collection" in types:
            members = self.iris(iri, SKOS + "member")
        else:
            return None
        return sorted(members, key=natural_key)

    def _described(self, iri: str) -> bool:
        """Whether the store says anything about `iri`: its first statement, not all of them (a unit's page links
        the 40,000 values of the nation in that unit, and each link asks whether its value has a page)."""
        if self._subject_iris is not None and iri in self._subject_iris:
            return True  # read already (a site's list of pages): 270,000 lookups in the store saved nationally
        return next(self.store.quads_for_pattern(ox.NamedNode(iri), None, None, None), None) is not None

    def query(self, text: str, *, bindings: dict[str, Term] | None = None):
        """SPARQL over the union of all graphs, as every other part of kg sees the store. Values are bound as RDF
        terms in a VALUES block (kg's one audited place for that), never pasted into the text."""
        return self.store.query(bound_query_text(text, bindings), use_default_graph_as_union=True)

    # -- labels ----------------------------------------------------------------------------------------

    def _labels(self, iri: str) -> dict[str, list[str]]:
        """Labels by language tag, from the first label property that has any (rdfs:label, skos:prefLabel, dcterms:title).
        Read by subject and predicate, not from all of `about(iri)`: a page links thousands of resources by their
        label (a unit's page, every value in that unit), and their other statements are not needed."""
        node = ox.NamedNode(iri)
        for predicate in LABEL_PREDICATES:
            found: dict[str, list[str]] = {}
            # Each value once (a label stated in several graphs), in the order `about` lists them.
            values = {q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(predicate), None, None)}
            for value in sorted(values, key=str):
                if isinstance(value, ox.Literal):
                    found.setdefault(value.language or "", []).append(value.value)
            if found:
                return {lang: sorted(v) for lang, v in found.items()}
        return {}

    def label(self, iri: str, lang: str = "ja") -> str | None:
        labels = self.labels(iri)
        for wanted in (lang, "ja", "", "en"):
            if labels.get(wanted):
                return labels[wanted][0]
        for values in labels.values():
            return values[0]
        return None

    def label_en(self, iri: str) -> str | None:
        values = self.labels(iri).get("en")
        return values[0] if values else None

    # -- where a resource is shown -----------------------------------------------------------------------

    def _page_of(self, iri: str) -> str | None:
        """The site file (with "#anchor" for ontology and shape terms) that shows this resource, or None."""
        own = locations.own_page_path(iri)
        if own is not None:
            return own + ".html" if self.described(iri) else None
        anchored = locations.document_anchor(iri)
        if anchored is not None:
            page, anchor = anchored
            if not anchor:
                return page + ".html"
            if page == "ontology" and self.described(iri):
                return f"{page}.html#{anchor}"
            if anchor in self.extra_anchors.get(page, set()):
                return f"{page}.html#{anchor}"
            return None
        if iri.startswith(locations.BASE_IRI):
            # Ours, but not a page of ours (a graph's IRI, a segment that cannot be a file name): never filed as
            # an outside resource under external/, where kg serve would not find it.
            return None
        external = locations.external_page_path(iri)
        if external is not None and self.described(iri) and self.labels(iri):
            return external + ".html"
        return None
