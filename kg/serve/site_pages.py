"""Resource IRIs dereferenced as the published site does: 303 See Other to the page or the data, by Accept.

The server stands at the root of the graph's namespace, so the path of https://w3id.org/jp-plan-kg/id/… is
/id/…. Pages and per-resource RDF are rendered on request by kg.publish (the same templates and the same
statements as `kg publish` writes to files), so a served page and a published one are the same page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources

import pyoxigraph as ox

from ..build.manifest import BuildManifest
from ..namespaces import BASE_IRI
from ..publish import SiteRenderer
from ..publish.locations import EXTERNAL_FOLDER, PAGE_SPACES, external_page_path, root_prefix
from .sparql_protocol import negotiate

MEDIA_TYPES = {"html": "text/html; charset=utf-8", "ttl": "text/turtle; charset=utf-8",
               "jsonld": "application/ld+json", "nt": "application/n-triples; charset=utf-8",
               "svg": "image/svg+xml"}
# What a resource IRI can be sent to, and the Accept types that choose it. HTML comes first, so a client that
# accepts anything (curl's */*) gets the page, as from the static site's rules.
NEGOTIATED = (
    (("text/html", "application/xhtml+xml"), "html"),
    (("text/turtle", "application/x-turtle"), "ttl"),
    (("application/ld+json",), "jsonld"),
    (("application/n-triples",), "nt"),
)
RDF_SUFFIXES = ("ttl", "jsonld", "nt")
DOCUMENTS = ("ontology", "shapes")


@dataclass(frozen=True)
class SiteAnswer:
    status: int
    body: bytes = b""
    media_type: str = "text/plain; charset=utf-8"
    location: str | None = None     # for 303


def not_found(what: str) -> SiteAnswer:
    return SiteAnswer(404, f"{what} is not in this graph\n".encode())


class ResourceSite:
    """Pages of one build's store. Renderers are kept per SPARQL endpoint URL (the pages link to the endpoint
    they were served from), with their caches."""

    def __init__(self, store: ox.Store, *, manifest: BuildManifest, shapes: list[ox.Triple], triples: int):
        self.store, self.manifest, self.shapes, self.triples = store, manifest, shapes, triples
        self._renderers: dict[str, SiteRenderer] = {}
        self._lock = threading.Lock()
        self._external_pages: dict[str, str] | None = None
        self.questions: list | None = None   # the server's catalogue (the home page lists it), set by the app

    def renderer(self, endpoint: str | None) -> SiteRenderer:
        key = endpoint or ""
        with self._lock:
            if key not in self._renderers:
                renderer = SiteRenderer(self.store, base=BASE_IRI, manifest=self.manifest,
                                        sparql_endpoint=endpoint, shapes=self.shapes, served=True)
                if self.questions is not None:
                    renderer.questions = self.questions
                self._renderers[key] = renderer
            return self._renderers[key]

    def not_found_page(self, path: str, *, accept: str | None, endpoint: str | None) -> SiteAnswer:
        """404 for GET /<path>: the HTML page (Japanese and English) for a client that accepts HTML (a browser),
        a line of text for others (an RDF client, or one that sends no Accept)."""
        if not accept or negotiate(accept, list(NEGOTIATED)) != "html":
            return not_found(f"/{path}")
        body = self.renderer(endpoint).not_found_page(root=root_prefix(path))
        return SiteAnswer(404, body.encode("utf-8"), MEDIA_TYPES["html"])

    def answer(self, path: str, *, accept: str | None, endpoint: str | None) -> SiteAnswer:
        """The answer to GET /<path> (path without the leading slash)."""
        stem, dot, suffix = path.rpartition(".")
        if not dot or "/" in suffix:
            stem, suffix = path, ""
        if path in ("", "index.html"):
            return SiteAnswer(200, self.renderer(endpoint).home_page(triples=self.triples).encode("utf-8"),
                              MEDIA_TYPES["html"])
        if path == "coverage.html":
            return SiteAnswer(200, self.renderer(endpoint).coverage_page().encode("utf-8"), MEDIA_TYPES["html"])
        if path == "data.html":
            body = self.renderer(endpoint).data_page(None, w3id_config=False)
            return SiteAnswer(200, body.encode("utf-8"), MEDIA_TYPES["html"])
        if stem in DOCUMENTS:
            return self._document(stem, suffix, accept=accept, endpoint=endpoint)
        iri = self.iri_of_page(f"{stem}.html")
        if iri is None:
            return not_found(f"/{path}")
        if not suffix:
            return self._see_other(stem, accept)
        renderer = self.renderer(endpoint)
        if suffix == "html":
            body = renderer.resource_page(iri)
        elif suffix in RDF_SUFFIXES:
            body = renderer.resource_rdf(iri, suffix)
        elif suffix == "svg":
            body = renderer.indicator_svg(iri)
        else:
            body = None
        if body is None:
            return not_found(f"/{path}")
        return SiteAnswer(200, body.encode("utf-8") if isinstance(body, str) else body, MEDIA_TYPES[suffix])

    def iri_of_page(self, page: str) -> str | None:
        """The IRI a site page shows ("id/plan/132055/strategy-2.html" → its IRI), or None.

        Worked out from the path, not from a list of every page: at national scale listing them took two minutes
        of start-up. A page in our namespace is the IRI's own path; the few outside it (SDGs) are listed on first use.
        """
        view = self.renderer(None).view
        if page.startswith(PAGE_SPACES):
            iri = BASE_IRI + page.removesuffix(".html")
            return iri if view.page_of(iri) == page else None
        if page.startswith(EXTERNAL_FOLDER):
            with self._lock:
                if self._external_pages is None:
                    self._external_pages = self._list_external_pages(view)
            return self._external_pages.get(page)
        return None

    def _list_external_pages(self, view) -> dict[str, str]:
        subjects = self.store.query(
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && !STRSTARTS(STR(?s), "{BASE_IRI}")) }}',
            use_default_graph_as_union=True)
        pages = {}
        for iri in sorted(row["s"].value for row in subjects):  # sorted, as `kg publish` lists them
            target = external_page_path(iri)
            if target is not None and view.page_of(iri) == target + ".html":
                pages[target + ".html"] = iri
        return pages

    def _document(self, name: str, suffix: str, *, accept: str | None, endpoint: str | None) -> SiteAnswer:
        if not suffix:
            return self._see_other(name, accept)
        renderer = self.renderer(endpoint)
        if suffix == "html":
            body = renderer.ontology_page() if name == "ontology" else renderer.shapes_page()
            return SiteAnswer(200, body.encode("utf-8"), MEDIA_TYPES["html"])
        if suffix in RDF_SUFFIXES:
            body = renderer.ontology_rdf(suffix) if name == "ontology" else renderer.shapes_rdf(suffix)
            return SiteAnswer(200, body, MEDIA_TYPES[suffix])
        return not_found(f"/{name}.{suffix}")

    def _see_other(self, stem: str, accept: str | None) -> SiteAnswer:
        # A client that accepts none of them gets the page, as from the static site's rules.
        suffix = negotiate(accept, list(NEGOTIATED)) or "html"
        # Relative to the resource's own path, so it holds behind a proxy that adds a path prefix.
        return SiteAnswer(303, location=f"{stem.rsplit('/', 1)[-1]}.{suffix}")


def publish_static_folder():
    """The published site's own assets (style.css …), served at /static/ as the pages expect."""
    return resources.files("kg.publish") / "static"
