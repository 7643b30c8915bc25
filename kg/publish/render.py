"""HTML (and per-resource RDF) for every kind of page, as strings: nothing here touches the file system.

`render_resource(store, iri, base=...)` is the one-call entry for a server that answers a request for one
resource; `SiteRenderer` keeps the caches when many pages are rendered from the same store.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..errors import KgError
from ..namespaces import JPP, SCHEMA, TURTLE_PREFIXES
from ..project import default_project
from ..query.catalogue import NamedQuery, catalogue
from . import locations
from .coverage import coverage_view
from .dumps import CUBE_DESCRIPTION, CUBE_TITLE, CUBE_TITLE_EN
from .graphview import GraphView
from .ontology_docs import ShapeDoc, ontology_doc, shape_anchors, shape_docs
from .overview import overview
from .pages import PageBuilder
from .places import PlaceIndex, place_index, place_view
from .templating import environment
from .tracking import TrackedGraphView

# A municipality's link to its prefecture, stated and inferred (jpp:prefecture is a subproperty of this).
MEMBERSHIP = (JPP + "prefecture", SCHEMA + "containedInPlace")
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}


class SiteRenderer:
    """Renders the pages of one site. `base` is where the site is hosted (for canonical links); every link
    between pages is relative, so the HTML is the same whatever the base."""

    def __init__(self, store: ox.Store, *, base: str, manifest: BuildManifest | None = None, sparql_endpoint: str | None = None,
                 shapes: list[ox.Triple] | None = None, served: bool = False):
        self.base = base if base.endswith("/") else base + "/"
        self.manifest = manifest
        self.view = self.make_view(store, manifest)
        self.builder = PageBuilder(self.view)
        self.sparql_endpoint = locations.safe_external_href(sparql_endpoint) if sparql_endpoint else None
        self.shape_triples = shapes or []
        self._shape_docs: list[ShapeDoc] | None = None
        self._places: PlaceIndex | None = None
        # kg serve: the navigation leads to its query page, and the data page to its API (no dump files).
        self.served = served
        self._questions: list[NamedQuery] | None = None
        # Question name -> {"csv": path, "xlsx": path} of the answers written beside the site (relative to its
        # root), set by whoever writes them; the home page links only the files it is told of.
        self.answer_files: dict[str, dict[str, str]] = {}
        if self.shape_triples:
            self.view.extra_anchors["shapes"] = shape_anchors(self.shape_docs())
            self.view.page_of.cache_clear()   # the shapes' anchors were unknown while their docs were made

    def make_view(self, store: ox.Store, manifest: BuildManifest | None) -> GraphView:
        return GraphView(store, manifest=manifest)

    def _context(self, page: str, *, with_build_time: bool = True) -> dict:
        # A resource's page does not name the build: it would change every page of the nation at every build, and a
        # publish after one municipality changed could not leave the others' pages as they were.
        built = self.manifest.built if self.manifest and with_build_time else ""
        return {"root": locations.root_prefix(page), "canonical": self.base + page,
                "sparql_endpoint": self.sparql_endpoint, "built": built, "served": self.served}

    @property
    def questions(self) -> list[NamedQuery]:
        """The question catalogue the home page lists: set by the caller, else the working project's (none when
        there is no project here: the list is then left out)."""
        if self._questions is None:
            try:
                self._questions = catalogue(default_project().queries_dir)
            except (KgError, OSError):
                self._questions = []
        return self._questions

    @questions.setter
    def questions(self, queries: list[NamedQuery]) -> None:
        self._questions = list(queries)

    @property
    def places(self) -> PlaceIndex:
        """Every prefecture and municipality with its plans, read once (three queries) for all the pages."""
        if self._places is None:
            self._places = place_index(self.view)
        return self._places

    # -- resources ---------------------------------------------------------------------------------------------

    def resource_iris(self) -> tuple[list[str], list[str]]:
        """(IRIs that get a page, IRIs of our namespace that cannot: their path is not a safe file name)."""
        return self.sort_resources(self.view.subject_iris())

    def sort_resources(self, subjects) -> tuple[list[str], list[str]]:
        """(those of `subjects` that get a page, those of our namespace that cannot), each sorted."""
        pages, skipped = [], []
        for iri in sorted(subjects):
            if self.has_page(iri):
                pages.append(iri)
            elif self.view.page_of(iri) is None and iri.startswith(tuple(locations.BASE_IRI + s for s in locations.PAGE_SPACES)):
                skipped.append(iri)
        return pages, skipped

    def has_page(self, iri: str) -> bool:
        target = self.view.page_of(iri)
        return target is not None and "#" not in target and target not in ("ontology.html", "shapes.html")

    def resource_page(self, iri: str) -> str | None:
        """The HTML page of one resource, or None if the site has no page for it."""
        model = self.builder.build(iri)
        if model is None:
            return None
        place = place_view(self.places, self.builder, iri, model.page)
        if place is not None:
            self._note_place_reads(iri, is_prefecture=place.is_prefecture)
        if place is not None and place.is_prefecture:
            # The place section lists the prefecture's municipalities with their plans: not a second time as links.
            model.incoming = [row for row in model.incoming if row.predicate.iri not in MEMBERSHIP]
        return environment().get_template("resource.html").render(
            r=model, place=place, media_types=locations.RDF_SUFFIXES,
            **self._context(model.page, with_build_time=False))

    def _note_place_reads(self, iri: str, *, is_prefecture: bool) -> None:
        """The place index is read by whole-graph queries, which notes nothing: a place section shows what these
        lookups hold (a municipality's properties and plans; a prefecture's, its municipalities', their plans)."""
        view = self.view
        if not isinstance(view, TrackedGraphView):
            return
        if is_prefecture:
            places = [iri] + [m.iri for m in self.places.in_prefecture(iri)]
        else:
            places = [iri] + [p for p in [self.places.municipalities[iri].prefecture] if p]
        for place in places:
            view.reads.about(place)
            view.reads.pointing(place)
            for plan in self.places.plans_of(place):
                view.types(plan)
                self.builder.is_plan(plan)

    def resource_rdf(self, iri: str, fmt: str) -> bytes | None:
        """What the store says about a resource (its own statements, all graphs) in Turtle, JSON-LD or N-Triples."""
        if fmt not in RDF_FORMATS:
            raise ValueError(f"format must be one of {', '.join(RDF_FORMATS)}")
        triples = self._own_triples(iri)
        return _serialize(triples, fmt) if triples else None

    def resource_rdfs(self, iri: str) -> dict[str, bytes | None]:
        """resource_rdf in every format (RDF_FORMATS), the statements gathered and sorted once for all."""
        triples = self._own_triples(iri)
        return {fmt: _serialize(triples, fmt) if triples else None for fmt in RDF_FORMATS}

    def _own_triples(self, iri: str) -> list[ox.Triple]:
        return sorted({ox.Triple(s.subject, s.predicate, s.object) for s in self.view.about(iri)}, key=str)

    def indicator_svg(self, iri: str) -> str | None:
        _chart, svg = self.builder.indicator_chart(iri)
        return str(svg) if svg is not None else None

    # -- documents ---------------------------------------------------------------------------------------------

    def home_page(self, *, triples: int) -> str:
        page = "index.html"
        return environment().get_template("home.html").render(
            o=overview(self.view, self.builder, self.places, page=page), triples=triples,
            questions=question_list(self.questions, self.answer_files), **self._context(page))

    def not_found_page(self, *, root: str | None = None) -> str:
        """The page for an address the site does not have, in Japanese and English. A static host shows one
        404.html at any depth, so its links are absolute (the site's base) unless `root` says where it is."""
        context = {**self._context("404.html"), "canonical": None, "root": self.base if root is None else root}
        return environment().get_template("404.html").render(**context)

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
        """The downloads (`dumps`; None on kg serve, which has no dump files but its endpoint and API)."""
        page = "data.html"
        return environment().get_template("data.html").render(
            dumps=dumps, w3id_config=w3id_config, cube_title=CUBE_TITLE, cube_title_en=CUBE_TITLE_EN,
            cube_description=CUBE_DESCRIPTION, **self._context(page))


def question_list(queries: list[NamedQuery], answers: dict[str, dict[str, str]]) -> list[dict]:
    """The questions as the home page lists them: the Japanese title where the query has one, the English one,
    and the answer files written for it."""
    return [{"name": q.name, "title": getattr(q, "summary_ja", "") or q.summary, "title_en": q.summary,
             "description": getattr(q, "description_ja", "") or q.description,
             "parameters": [p.name for p in q.params], "files": answers.get(q.name, {})}
            for q in queries]


def _serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    prefixes = TURTLE_PREFIXES if fmt == "ttl" else None
    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)


def render_resource(store: ox.Store, iri: str, *, base: str, manifest: BuildManifest | None = None) -> str | None:
    """The HTML page of one resource, rendered from the store alone (for a server); None if it has no page."""
    return SiteRenderer(store, base=base, manifest=manifest).resource_page(iri)
