"""`kg describe` and `kg stats`: looking at the built store without writing SPARQL."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import KgError
from ..namespaces import DCTERMS, RDF_TYPE, RDFS_LABEL, SKOS, expand, sparql_prefixes
from ..project import INFERRED_GRAPH, is_inferred_graph
from .formats import short

LABEL_PREDICATES = (RDFS_LABEL, SKOS + "prefLabel", DCTERMS + "title", RDF_TYPE)


@dataclass(frozen=True)
class Statement:
    predicate: str
    value: str
    inferred: bool


@dataclass(frozen=True)
class Description:
    iri: str
    outgoing: list[Statement]
    incoming: list[Statement]


def describe(store: ox.Store, iri_text: str) -> Description:
    iri = expand(iri_text)
    try:
        node = ox.NamedNode(iri)
    except ValueError as exc:
        raise KgError(f"{iri_text!r} is not an IRI: {exc}") from None
    outgoing, incoming, seen = [], [], set()
    for quad in store.quads_for_pattern(node, None, None, None):
        key = (quad.predicate.value, str(quad.object))
        if key in seen:
            continue
        seen.add(key)
        outgoing.append(Statement(short(quad.predicate), short(quad.object) if not isinstance(quad.object, ox.Literal) else _literal(quad.object),
                                  is_inferred_graph(quad.graph_name.value)))
    for quad in store.quads_for_pattern(None, None, node, None):
        key = (quad.subject.value, quad.predicate.value)
        if key in seen:
            continue
        seen.add(key)
        incoming.append(Statement(short(quad.predicate), short(quad.subject), is_inferred_graph(quad.graph_name.value)))
    if not outgoing and not incoming:
        raise KgError(f"nothing is known about <{iri}>", hint="check the IRI; `kg query -e` can search by label")
    order = {p: i for i, p in enumerate(short(ox.NamedNode(p)) for p in LABEL_PREDICATES)}
    outgoing.sort(key=lambda s: (s.inferred, order.get(s.predicate, len(order)), s.predicate, s.value))
    incoming.sort(key=lambda s: (s.inferred, s.predicate, s.value))
    return Description(iri=iri, outgoing=outgoing, incoming=incoming)


def _literal(term: ox.Literal) -> str:
    if term.language:
        return f'"{term.value}"@{term.language}'
    if term.datatype.value.endswith("#string"):
        return f'"{term.value}"'
    return f'{term.value} ({short(term.datatype)})'


def render_description(d: Description) -> str:
    lines = [f"<{d.iri}>"]
    for s in d.outgoing:
        lines.append(f"  {s.predicate}  {s.value}" + ("   [inferred]" if s.inferred else ""))
    if d.incoming:
        lines.append("referenced by:")
        for s in d.incoming:
            lines.append(f"  {s.value}  {s.predicate}" + ("   [inferred]" if s.inferred else ""))
    return "\n".join(lines)


STATS_QUERIES = {
    "graphs": "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph ORDER BY ?graph",
    "classes": f"""SELECT ?class (COUNT(DISTINCT ?r) AS ?resources) WHERE {{
        GRAPH ?g {{ ?r a ?class }} FILTER(?g != <{INFERRED_GRAPH}> && !STRSTARTS(STR(?g), "{INFERRED_GRAPH}/")) }}
        GROUP BY ?class ORDER BY DESC(?resources) ?class""",
    "plans": sparql_prefixes("jpp", "dcterms") + """SELECT ?plan ?title (COUNT(DISTINCT ?r) AS ?resources) WHERE {
          ?plan a jpp:Plan . OPTIONAL { ?plan dcterms:title ?title }
          OPTIONAL { ?r jpp:inPlan ?plan } } GROUP BY ?plan ?title ORDER BY ?plan""",
}
