"""The query page (/query): an editor with the question catalogue as ready examples, answers as a table.

The page is plain HTML with one local script (no CDN): the examples and prefixes are embedded as JSON, the
script posts the query to /sparql and keeps the query in the page's URL, so the address bar is a link to it.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..errors import QueryError
from ..namespaces import PREFIXES, sparql_prefixes
from ..query.ask import Target, prepare
from ..query.catalogue import NamedQuery
from .limits import ServerLimits

STARTER = """SELECT ?municipality ?code WHERE {
  ?m a jpp:Municipality ; rdfs:label ?municipality ; jpp:localGovernmentCode ?code .
  FILTER(LANG(?municipality) = "ja")
}
ORDER BY ?code"""


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # autoescape everywhere: query text, summaries and labels all reach the page.
    return Environment(loader=PackageLoader("kg.serve", "templates"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def example(query: NamedQuery, *, on: Target) -> dict:
    """A catalogue query as the page offers it: runnable as it stands, its parameters bound to their defaults as
    kg.query.prepare binds them (a municipality's name as its code, on its graphs)."""
    try:
        text = prepare(query, on=on).text
    except QueryError:
        text = query.text  # a parameter without a default: the user fills it in
    return {"name": query.name, "summary": query.summary, "text": text,
            "parameters": [{"name": p.name, "type": p.type, "default": query.defaults.get(p.name)}
                           for p in query.params]}


def render_query_page(queries: list[NamedQuery], *, limits: ServerLimits, build_id: str, on: Target) -> str:
    return _environment().get_template("query.html").render(
        examples=[example(q, on=on) for q in queries],
        prefixes=PREFIXES,
        starter=f"{sparql_prefixes('jpp', 'rdfs')}\n{STARTER}",
        limits=limits,
        build_id=build_id,
    )
