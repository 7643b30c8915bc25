"""Publishing the graph as open linked data: a static site with a page per resource, RDF next to each page,
KPI charts, ontology documentation, whole-dataset dumps, VoID/DCAT and server rules (`kg publish`).

Entry points: `publish_site(project, out=, base_iri=, sparql_endpoint=)` writes the site;
`render_resource(store, iri, base=)` and `SiteRenderer` render pages as strings (for `kg serve`).
"""

from .render import SiteRenderer, render_resource
from .site import PublishOptions, PublishResult, publish_site

__all__ = ["PublishOptions", "PublishResult", "SiteRenderer", "publish_site", "render_resource"]
