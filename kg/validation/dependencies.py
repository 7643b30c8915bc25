"""Which data files a file's validation results depend on: the files its links reach, and the files linking to it
along the links the shapes follow backward (see kg.validation.per_file). Those links are read from the shapes:
inverse property paths, sh:targetObjectsOf, and the triple patterns and paths of SHACL-SPARQL constraints
(kg.validation.shacl.links). Where the shapes may read more than that, backward_links says why and
per-file validation gives way to validating all files together."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import SH
from ..project import Project
from ..rdf.dataset import ProjectDataset
from ..rdf.files import parse_rdf_file
from .shacl.links import Links, path_links, query_links
from .shacl.shapes import (
    UnsupportedShapes,
    index_triples,
    read_list,
    read_path,
    read_sparql_constraint,
)
from .shacl.sparql import UnsupportedQuery, parse_path, parse_select


def data_graphs_of(project: Project, graphs) -> list:
    """The graphs validated file by file: every data file but the reference data (the ontology is not data)."""
    reference = {p.resolve() for p in project.reference_files()}
    return [g for g in graphs if g.kind != "ontology" and g.path.resolve() not in reference]


def data_dependencies(project: Project, dataset: ProjectDataset) -> dict[Path, set[Path]]:
    """For each data file (reference data and ontology aside), the other data files its results can depend on."""
    data_graphs = data_graphs_of(project, dataset.graphs)
    return dependencies_by_links(ParsedLinks(data_graphs, inverse_predicates(project)), [g.path for g in data_graphs])


def inverse_predicates(project: Project) -> frozenset[str]:
    """The predicates the shapes follow backward from a focus node (see backward_links)."""
    return backward_links(project).predicates


@dataclass(frozen=True)
class BackwardLinks:
    """What the shapes read of the data besides what a file's links reach: the predicates they follow backward
    from a focus node (sh:inversePath, sh:targetObjectsOf, SHACL-SPARQL), and why they may read anything
    else (a step backward from another node, a pattern not linked to $this, a feature not analysed). When
    `unbounded` is not empty, per-file validation cannot be trusted: kg.validation.per_file then validates
    all data files together."""

    predicates: frozenset[str]
    unbounded: tuple[str, ...]


def backward_links(project: Project) -> BackwardLinks:
    files = project.shape_files()
    return _backward_links(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


@lru_cache(maxsize=4)
def _backward_links(files: tuple) -> BackwardLinks:
    triples = [t for path, _mtime, _size in files for t in parse_rdf_file(Path(path)).triples]
    return links_of_shapes(triples)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CLASSES = {"http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class"}
TARGETS = tuple(SH + n for n in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"))
# Value-node shapes: evaluated on the values of the shape's path (on the focus node itself for a node shape).
NESTED = tuple(SH + n for n in ("node", "not", "qualifiedValueShape"))
NESTED_LISTS = tuple(SH + n for n in ("and", "or", "xone"))
# SHACL-AF and SPARQL-based constraint components run SPARQL this analysis does not read.
NOT_ANALYSED = {SH + n for n in ("target", "rule", "parameter", "validator", "nodeValidator", "propertyValidator",
                                 "ask", "construct", "update", "jsFunctionName", "jsLibrary")}


def links_of_shapes(triples) -> BackwardLinks:
    """BackwardLinks of a shapes graph. A shape's focus nodes belong to the file validated when it has targets
    or is reached from such a shape by sh:property or, from a node shape, by sh:node/sh:and/sh:or/...; a shape
    reached from a property shape sees value nodes, possibly another file's, from which no step backward is
    served."""
    index = index_triples(triples)
    found: set[str] = set()
    unbounded: list[str] = []
    for node, props in index.items():
        for predicate in props.keys() & NOT_ANALYSED:
            unbounded.append(f"{predicate.removeprefix(SH)} at {node} is not analysed")
        found.update(o.value for o in props.get(SH + "targetObjectsOf", ()) if isinstance(o, ox.NamedNode))
    todo = [(node, True) for node, props in index.items() if any(t in props for t in TARGETS) or _implicit(props)]
    seen = set()
    while todo:
        node, own = todo.pop()
        if (node, own) in seen:
            continue
        seen.add((node, own))
        props = index.get(node, {})
        path = None
        try:
            if props.get(SH + "path"):
                path = read_path(index, props[SH + "path"][0])
                _add(path_links(parse_path(path.sparql()), from_focus=own), found, unbounded)
            for constraint in props.get(SH + "sparql", ()):
                query = read_sparql_constraint(index, constraint).query(path)
                _add(query_links(parse_select(query), from_focus=own), found, unbounded)
        except (UnsupportedShapes, UnsupportedQuery) as e:
            unbounded.append(f"shape {node}: {e}")
        # sh:property on a property shape applies to its value nodes, as the nested shapes below do.
        todo += [(p, own and path is None) for p in props.get(SH + "property", ())]
        nested = [s for name in NESTED for s in props.get(name, ())]
        try:
            nested += [s for name in NESTED_LISTS for head in props.get(name, ()) for s in read_list(index, head)]
        except UnsupportedShapes as e:
            unbounded.append(f"shape {node}: {e}")
        todo += [(s, own and path is None) for s in nested]
    return BackwardLinks(predicates=frozenset(found), unbounded=tuple(dict.fromkeys(unbounded)))


def _implicit(props: dict) -> bool:
    """A shape that is also a class targets its instances (SHACL 2.1.3.3)."""
    types = {t.value for t in props.get(RDF_TYPE, ())}
    return bool(types & {SH + "NodeShape", SH + "PropertyShape"} and types & CLASSES)


def _add(links: Links, found: set[str], unbounded: list[str]) -> None:
    found |= links.backward
    unbounded += links.unbounded


class ParsedLinks:
    """Which data files link to which, from the parsed files (see dependencies_by_links)."""

    def __init__(self, graphs, inverse: frozenset[str]):
        inverse_nodes = {ox.NamedNode(p) for p in inverse}
        self._defined_in: dict = defaultdict(set)  # node -> files stating something about it
        self._mentions: dict[Path, set] = {}
        for g in graphs:
            subjects = {t.subject for t in g.triples}
            for node in subjects:
                self._defined_in[node].add(g.path)
            self._mentions[g.path] = subjects | {t.object for t in g.triples if not isinstance(t.object, ox.Literal)}
        self._linked_from: dict[Path, set[Path]] = defaultdict(set)
        for g in graphs:
            for node in {t.object for t in g.triples if t.predicate in inverse_nodes}:
                for target in self._defined_in.get(node, ()):
                    if target != g.path:
                        self._linked_from[target].add(g.path)

    def defined_in(self, node) -> set[Path]:
        return self._defined_in.get(node, set())

    def mentions(self, path: Path) -> set:
        return self._mentions[path]

    def linked_from(self, path: Path) -> set[Path]:
        """The files linking to a node of this file along a predicate the shapes follow backward."""
        return self._linked_from.get(path, set())


def dependencies_by_links(links, paths) -> dict[Path, set[Path]]:
    """For each file, the other data files its results can depend on (see the module's docstring): the files
    stating something about a node it mentions, and so on from those, and the files linking to it backward.
    `links` answers defined_in, mentions and linked_from: ParsedLinks, or the previous build's store."""
    out: dict[Path, set[Path]] = {}
    for path in paths:
        reached, frontier = {path}, [path]
        while frontier:
            for node in links.mentions(frontier.pop()):
                for other in links.defined_in(node):
                    if other not in reached:
                        reached.add(other)
                        frontier.append(other)
        out[path] = (reached | links.linked_from(path)) - {path}
    return out
