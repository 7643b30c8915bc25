"""Which municipalities each graph of a build is about, and the municipalities' names and codes: recorded in the
manifest at build time so that a question about one municipality can be run on its graphs (kg.query.scoping)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import JPP, RDFS_LABEL

MUNICIPALITY = ox.NamedNode(JPP + "municipality")
CODE = ox.NamedNode(JPP + "localGovernmentCode")
LABEL = ox.NamedNode(RDFS_LABEL)


@dataclass(frozen=True)
class MunicipalityIndex:
    about: dict[str, tuple[str, ...]]    # graph IRI -> codes of the municipalities it is about (not the ontology)
    names: dict[str, tuple[str, ...]]    # name or code -> codes
    own: dict[Path, tuple[str, ...]]     # file -> codes of the municipalities whose plans it states


def codes_of_municipalities(graphs) -> dict:
    """Municipality node -> its local government code, from every graph's jpp:localGovernmentCode."""
    return {t.subject: t.object.value for g in graphs for t in g.triples
            if t.predicate == CODE and isinstance(t.object, ox.Literal)}


def plans_of(triples, code_of: dict) -> tuple[str, ...]:
    """The codes of the municipalities whose plans these triples state (`?plan jpp:municipality ?m`)."""
    return tuple(sorted({code_of[t.object] for t in triples if t.predicate == MUNICIPALITY and t.object in code_of}))


def about(own: dict, dependencies: dict, path) -> tuple[str, ...]:
    """The municipalities a file is about: those whose plans it states or the files its links lead to state."""
    codes = set(own.get(path, ()))
    for other in dependencies.get(path, ()):
        codes |= set(own.get(other, ()))
    return tuple(sorted(codes))


def municipality_index(dataset, dependencies: dict) -> MunicipalityIndex:
    """The index, from the parsed dataset.

    A graph states a plan of a municipality (`?plan jpp:municipality ?m`), or its links lead to a file that does
    (a classification file, a strategy citing its comprehensive plan): `dependencies` are those links, by file.
    """
    code_of = codes_of_municipalities(dataset.graphs)
    names: dict[str, set[str]] = {}
    for g in dataset.graphs:
        for t in g.triples:
            if t.predicate == LABEL and t.subject in code_of and isinstance(t.object, ox.Literal):
                names.setdefault(t.object.value, set()).add(code_of[t.subject])
    for code in code_of.values():
        names.setdefault(code, set()).add(code)
    own = {g.path: plans_of(g.triples, code_of) for g in dataset.graphs}
    by_graph = {g.iri: about(own, dependencies, g.path) for g in dataset.graphs if g.kind != "ontology"}
    return MunicipalityIndex(about=by_graph, names={name: tuple(sorted(codes)) for name, codes in names.items()},
                             own=own)
