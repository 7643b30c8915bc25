"""The query page (/query): an editor with the question catalogue as ready examples, answers as a table.

The page is plain HTML with one local script (no CDN): the examples and prefixes are embedded as JSON, the
script posts the query to /sparql and keeps the query in the page's URL, so the address bar is a link to it.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..catalogue import NamedQuery
from ..errors import QueryError
from ..params import bind_parameters
from ..querying import bound_query_text
from ..results import PREFIXES
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


def example(query: NamedQuery) -> dict:
    """A catalogue query as the page offers it: runnable as it stands, its parameters bound to their defaults."""
    try:
        text = bound_query_text(query.text, bind_parameters(list(query.params), {}, query.defaults))
    except QueryError:
        text = query.text  # a parameter without a default: the user fills it in
    return {"name": query.name, "summary": query.summary, "text": text,
            "parameters": [{"name": p.name, "type": p.type, "default": query.defaults.get(p.name)}
                           for p in query.params]}


def render_query_page(queries: list[NamedQuery], *, limits: ServerLimits, build_id: str) -> str:
    starter_prefixes = "\n".join(f"PREFIX {name}: <{PREFIXES[name]}>" for name in ("jpp", "rdfs"))
    return _environment().get_template("query.html").render(
        examples=[example(q) for q in queries],
        prefixes=PREFIXES,
        starter=f"{starter_prefixes}\n\n{STARTER}",
        limits=limits,
        build_id=build_id,
    )
