"""The Jinja2 environment of the site: templates in this package, autoescaping always on (HTML and SVG)."""

from __future__ import annotations

from functools import cache, lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .graphview import KIND_NAMES


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape=True for every template, whatever its name: all of them are HTML or SVG, and user data
    # (labels, literals, IRIs) reaches every one of them.
    env = Environment(loader=PackageLoader("kg.publish", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      auto_reload=False)  # templates do not change while a site is written
    env.globals.update(link=link_html, value=value_html, kind_badge=kind_badge_html, outline=outline_html)
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


def value_html(value) -> Markup:
    """A value of a property (kg.publish.pages.ValueView) as HTML: its link, or the literal with its language and
    datatype, then the badge of its kind. A function for the reason link_html is one (half a million values)."""
    # Plain strings joined, then marked safe once: a str added to a Markup would be escaped.
    if value.link:
        parts = [link_html(value.link)]
    else:
        lang = f' lang="{escape(value.lang)}"' if value.lang else ""
        parts = [f'<span class="literal"{lang}>{escape(value.text)}</span>']
        if value.lang and value.lang != "ja":
            parts.append(f' <span class="lang-tag">{escape(value.lang)}</span>')
        if value.datatype:
            parts.append(f' <span class="datatype">{escape(value.datatype)}</span>')
    if value.kind:
        parts += [" ", kind_badge_html(value.kind)]
    return Markup("".join(parts))


@cache
def kind_badge_html(kind: str) -> Markup:
    """The badge of a statement that is not a source's fact (KIND_NAMES); nothing for a source's fact."""
    if kind not in KIND_NAMES:
        return Markup("")
    name, explanation, name_en = KIND_NAMES[kind]   # our own words, with nothing to escape
    return Markup(f'<span class="badge badge-{kind}" title="{explanation}">{name}<span lang="en"> {name_en}'
                  '</span></span>')


def outline_html(nodes) -> Markup:
    """A plan's outline (kg.publish.pages.OutlineNode, nested) as nested lists. A function, not a recursive macro,
    for link_html's reason: a plan's outline has hundreds of nodes, and in a profile of 3,000 consecutive national
    pages (38 of them plans) the macro took a tenth of the CPU of them all."""
    parts = ['<ul class="outline">\n']
    for node in nodes:
        parts.append(f"  <li>{link_html(node.link)}")
        if node.children:
            parts.append(outline_html(node.children))
        parts.append("</li>\n")
    parts.append("</ul>\n")
    return Markup("".join(parts))
