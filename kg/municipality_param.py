"""The municipality of a question about one municipality, as the 6-digit codes the query matches.

A scoped question (`#+ scope: municipality`) finds its municipality by `jpp:localGovernmentCode`: one index
lookup. People give a name (青梅市) as often as a code, and matching names inside the query costs the embedded
store a scan of every municipality with each of its labels looked up in every graph of the scope (about 100 ms at
national scale, before the question proper starts), because it cannot start a join from a FILTER. So a name is
turned into codes here, before the query runs: from the build's manifest (no query), from the store, or from the
remote endpoint that will answer the question. Some names are shared (伊達市 in Hokkaido and Fukushima): the
question is then asked about each municipality of that name, as when the query matched names itself. A value
that is neither a code nor a known name is left as it is: the answer is empty.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable

import pyoxigraph as ox

CODE = re.compile(r"[0-9]{6}")

# The same lookup on the embedded store and on a SPARQL server; the name is bound as a term (kg.params).
NAME_LOOKUP = """PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?code WHERE {
  ?municipality jpp:localGovernmentCode ?code ; rdfs:label ?name .
  FILTER(STR(?name) = ?_name)
}
ORDER BY ?code"""

CodesNamed = Callable[[str], list[str]]


def scope_variable(query) -> str | None:
    """The variable of a named query's scope parameter (`_municipality`), or None when it has none."""
    spec = next((p for p in query.params if p.name == query.scope), None) if query.scope else None
    return spec.variable if spec else None


def resolve_scope(query, bindings: dict, codes_named: CodesNamed) -> dict:
    """`bindings` with the scope parameter's value replaced by the codes it stands for: a list of literals when
    a name is given, one literal for a code (full-width digits folded)."""
    variable = scope_variable(query)
    if variable is None or variable not in bindings or isinstance(bindings[variable], list):
        return bindings
    value = unicodedata.normalize("NFKC", bindings[variable].value).strip()
    if CODE.fullmatch(value):
        return {**bindings, variable: ox.Literal(value)}
    codes = codes_named(bindings[variable].value)
    if not codes:
        return bindings
    return {**bindings, variable: [ox.Literal(code) for code in codes]}


def codes_in_manifest(manifest: dict | None, fallback: CodesNamed) -> CodesNamed:
    """Names looked up in the manifest's index (name or code -> codes), else with `fallback` (a build older
    than the index)."""
    names = (manifest or {}).get("municipality_names")
    if names is None:
        return fallback
    return lambda name: list(names.get(name, ()))


def codes_in_store(store: ox.Store) -> CodesNamed:
    from .querying import run_local

    return lambda name: _codes(run_local(store, NAME_LOOKUP, bindings={"_name": ox.Literal(name)}))


def codes_at_endpoint(endpoint: str, *, timeout: float) -> CodesNamed:
    from .querying import run_remote

    return lambda name: _codes(run_remote(endpoint, NAME_LOOKUP, bindings={"_name": ox.Literal(name)},
                                          timeout=timeout))


def _codes(result) -> list[str]:
    return [row["code"].value for row in result.rows if "code" in row]
