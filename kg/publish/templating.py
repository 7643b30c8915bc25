"""The Jinja2 environment of the site: templates in this package, autoescaping always on (HTML and SVG)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape=True for every template, whatever its name: all of them are HTML or SVG, and user data
    # (labels, literals, IRIs) reaches every one of them.
    env = Environment(loader=PackageLoader("kg.publish", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      auto_reload=False)  # templates do not change while a site is written
    env.globals["link"] = link_html
    return env


@lru_cache(maxsize=65536)
def link_html(link) -> Markup:
    """A link (kg.publish.pages.Link) as HTML: an <a> to a page or an http(s) IRI, else the text with its IRI.

    A function rather than a template macro: it is drawn for every value of every page (tens of thousands with every
    municipality of Japan), the same few links again and again, and a macro call costs ten times as much."""
    if link.href:
        external = ' class="external" rel="noopener"' if link.external else ""
        return Markup(f'<a href="{escape(link.href)}"{external} title="{escape(link.iri)}">{escape(link.text)}</a>')
    return Markup(f'<span class="iri-text" title="{escape(link.iri)}">{escape(link.text)}</span>')
