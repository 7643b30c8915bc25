"""The municipality of a question about one municipality, as the 6-digit codes the query matches.

A scoped question (`#+ scope: municipality`) finds its municipality by `jpp:localGovernmentCode`: one index
lookup. People give a name (青梅市) as often as a code, and matching names inside the query costs the embedded
store a scan of every municipality with each of its labels looked up in every graph of the scope (about 100 ms at
national scale, before the question proper starts), because it cannot start a join from a FILTER. So a name is
turned into codes before the query runs: from the build's manifest (no query), from the store, or from the
remote endpoint that will answer the question (each target's `codes_named`). Some names are shared (伊達市 in
Hokkaido and Fukushima): the question is then asked about each municipality of that name, as when the query
matched names itself. A value that is neither a code nor a known name is left as it is: the answer is empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pyoxigraph as ox

from ..namespaces import sparql_prefixes
from .catalogue import NamedQuery
from .results import QueryResult

CODE = re.compile(r"[0-9]{6}")

# The same lookup on the embedded store and on a SPARQL server; the name is bound as a term (kg.query.params).
NAME_LOOKUP = sparql_prefixes("jpp", "rdfs") + """SELECT DISTINCT ?code WHERE {
  ?municipality jpp:localGovernmentCode ?code ; rdfs:label ?name .
  FILTER(STR(?name) = ?_name)
}
ORDER BY ?code"""

CodesNamed = Callable[[str], list[str]]


def scope_variable(query: NamedQuery) -> str | None:
    """The variable of a named query's scope parameter (`_municipality`), or None when it has none."""
    spec = next((p for p in query.params if p.name == query.scope), None) if query.scope else None
    return spec.variable if spec else None


def resolve_scope(query: NamedQuery, bindings: dict, codes_named: CodesNamed) -> dict:
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


def scope_codes(query: NamedQuery, bindings: dict) -> list[str] | None:
    """The values of a question's scope parameter after resolve_scope (codes, or a name no municipality has), or
    None when the question has no scope to run on."""
    variable = scope_variable(query)
    if variable is None or variable not in bindings:
        return None
    value = bindings[variable]
    return [term.value for term in value] if isinstance(value, list) else [value.value]


def name_lookup_bindings(name: str) -> dict[str, ox.Literal]:
    return {"_name": ox.Literal(name)}


def codes_in(result: QueryResult) -> list[str]:
    """The codes a NAME_LOOKUP answered."""
    return [row["code"].value for row in result.rows if "code" in row]
