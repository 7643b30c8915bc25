"""HTML (and per-resource RDF) for every kind of page, as strings: nothing here touches the file system.

`render_resource(store, iri, base=...)` is the one-call entry for a server that answers a request for one
resource; `SiteRenderer` keeps the caches when many pages are rendered from the same store.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..namespaces import JPP, SCHEMA, TURTLE_PREFIXES
from . import locations
from .charts import indicator_chart, render_svg
from .coverage import coverage_view
from .graphview import GraphView
from .ontology_docs import ShapeDoc, ontology_doc, shape_anchors, shape_docs
from .overview import overview
from .pages import PageBuilder
from .places import PlaceIndex, place_index, place_view
from .templating import environment

# A municipality's link to its prefecture, stated and inferred (jpp:prefecture is a subproperty of this).
MEMBERSHIP = (JPP + "prefecture", SCHEMA + "containedInPlace")
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}


class SiteRenderer:
    """Renders the pages of one site. `base` is where the site is hosted (for canonical links); every link
    between pages is relative, so the HTML is the same whatever the base."""

    def __init__(self, store: ox.Store, *, base: str, manifest: BuildManifest | None = None, sparql_endpoint: str | None = None,
                 shapes: list[ox.Triple] | None = None):
        self.base = base if base.endswith("/") else base + "/"
        self.manifest = manifest
        self.view = GraphView(store, manifest=self.manifest)
        self.builder = PageBuilder(self.view)
        self.sparql_endpoint = locations.safe_external_href(sparql_endpoint) if sparql_endpoint else None
        self.shape_triples = shapes or []
        self._shape_docs: list[ShapeDoc] | None = None
        self._places: PlaceIndex | None = None
        if self.shape_triples:
            self.view.extra_anchors["shapes"] = shape_anchors(self.shape_docs())
            self.view.page_of.cache_clear()   # the shapes' anchors were unknown while their docs were made

    def _context(self, page: str) -> dict:
        return {"root": locations.root_prefix(page), "canonical": self.base + page,
                "sparql_endpoint": self.sparql_endpoint, "built": self.manifest.built if self.manifest else ""}

    @property
    def places(self) -> PlaceIndex:
        """Every prefecture and municipality with its plans, read once (three queries) for all the pages."""
        if self._places is None:
            self._places = place_index(self.view)
        return self._places

    # -- resources ---------------------------------------------------------------------------------------------

    def resource_iris(self) -> tuple[list[str], list[str]]:
        """(IRIs that get a page, IRIs of our namespace that cannot: their path is not a safe file name)."""
        pages, skipped = [], []
        subjects = {q.subject.value for q in self.view.store.quads_for_pattern(None, None, None, None)
                    if isinstance(q.subject, ox.NamedNode)}
        for iri in sorted(subjects):
            target = self.view.page_of(iri)
            if target is not None and "#" not in target and target not in ("ontology.html", "shapes.html"):
                pages.append(iri)
            elif target is None and iri.startswith(tuple(locations.BASE_IRI + s for s in locations.PAGE_SPACES)):
                skipped.append(iri)
        return pages, skipped

    def resource_page(self, iri: str) -> str | None:
        """The HTML page of one resource, or None if the site has no page for it."""
        model = self.builder.build(iri)
        if model is None:
            return None
        place = place_view(self.places, self.builder, iri, model.page)
        if place is not None and place.is_prefecture:
            # The place section lists the prefecture's municipalities with their plans: not a second time as links.
            model.incoming = [row for row in model.incoming if row.predicate.iri not in MEMBERSHIP]
        return environment().get_template("resource.html").render(
            r=model, place=place, media_types=locations.RDF_SUFFIXES, **self._context(model.page))

    def resource_rdf(self, iri: str, fmt: str) -> bytes | None:
        """What the store says about a resource (its own statements, all graphs) in Turtle, JSON-LD or N-Triples."""
        if fmt not in RDF_FORMATS:
            raise ValueError(f"format must be one of {', '.join(RDF_FORMATS)}")
        statements = self.view.about(iri)
        if not statements:
            return None
        triples = sorted({ox.Triple(s.subject, s.predicate, s.object) for s in statements}, key=str)
        return _serialize(triples, fmt)

    def indicator_svg(self, iri: str) -> str | None:
        chart = indicator_chart(self.view, iri)
        return str(render_svg(chart)) if chart else None

    # -- documents ---------------------------------------------------------------------------------------------

    def home_page(self, *, triples: int) -> str:
        page = "index.html"
        return environment().get_template("home.html").render(
            o=overview(self.view, self.builder, self.places, page=page), triples=triples, **self._context(page))

    def coverage_page(self) -> str:
        """For each prefecture, how many of its municipalities have plans in the graph, with a chart."""
        page = "coverage.html"
        return environment().get_template("coverage.html").render(
            c=coverage_view(self.places, self.builder, page=page), **self._context(page))

    def ontology_page(self) -> str:
        page = "ontology.html"
        return environment().get_template("ontology.html").render(
            d=ontology_doc(self.view, self.builder, page=page), iri=locations.ONTOLOGY_IRI, **self._context(page))

    def ontology_rdf(self, fmt: str) -> bytes:
        """The ontology document: every triple of the ontology's own graph."""
        graph = ox.NamedNode(locations.BASE_IRI + "graph/ontology/jp-plan")
        triples = sorted({q.triple for q in self.view.store.quads_for_pattern(None, None, None, graph)}, key=str)
        return _serialize(triples, fmt)

    def shape_docs(self) -> list[ShapeDoc]:
        if self._shape_docs is None:
            self._shape_docs = shape_docs(self.shape_triples, self.view, self.builder)
        return self._shape_docs

    def shapes_page(self) -> str:
        page = "shapes.html"
        return environment().get_template("shapes.html").render(
            shapes=self.shape_docs(), iri=locations.SHAPES_IRI, **self._context(page))

    def shapes_rdf(self, fmt: str) -> bytes:
        return _serialize(self.shape_triples, fmt)

    def data_page(self, dumps, *, w3id_config: bool) -> str:
        page = "data.html"
        return environment().get_template("data.html").render(dumps=dumps, w3id_config=w3id_config, **self._context(page))


def _serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    prefixes = TURTLE_PREFIXES if fmt == "ttl" else None
    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)


def render_resource(store: ox.Store, iri: str, *, base: str, manifest: BuildManifest | None = None) -> str | None:
    """The HTML page of one resource, rendered from the store alone (for a server); None if it has no page."""
    return SiteRenderer(store, base=base, manifest=manifest).resource_page(iri)
