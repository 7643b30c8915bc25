"""The Jinja2 environment of the site: templates in this package, autoescaping always on (HTML and SVG)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@lru_cache(maxsize=1)
def environment() -> Environment:
    # autoescape=True for every template, whatever its name: all of them are HTML or SVG, and user data
    # (labels, literals, IRIs) reaches every one of them.
    env = Environment(loader=PackageLoader("kg.publish", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      auto_reload=False)  # templates do not change while a site is written
    return env
