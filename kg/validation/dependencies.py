"""Which data files a file's validation results depend on: the files its links reach, and the files linking to it
along the paths the shapes follow backward (see kg.validation.per_file)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from ..rdf.dataset import ProjectDataset
from ..rdf.files import parse_rdf_file


def data_graphs_of(project: Project, graphs) -> list:
    """The graphs validated file by file: every data file but the reference data (the ontology is not data)."""
    reference = {p.resolve() for p in project.reference_files()}
    return [g for g in graphs if g.kind != "ontology" and g.path.resolve() not in reference]


def data_dependencies(project: Project, dataset: ProjectDataset) -> dict[Path, set[Path]]:
    """For each data file (reference data and ontology aside), the other data files its results can depend on."""
    data_graphs = data_graphs_of(project, dataset.graphs)
    return dependencies_by_links(ParsedLinks(data_graphs, inverse_predicates(project)), [g.path for g in data_graphs])


def inverse_predicates(project: Project) -> frozenset[str]:
    """The predicates the shapes follow backward: every IRI inside an sh:inversePath."""
    sh_inverse = "http://www.w3.org/ns/shacl#inversePath"
    by_subject: dict = defaultdict(list)
    starts = []
    for path in project.shape_files():
        for t in parse_rdf_file(path).triples:
            by_subject[t.subject].append(t.object)
            if t.predicate.value == sh_inverse:
                starts.append(t.object)
    found, seen = set(), set()
    while starts:
        node = starts.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, ox.NamedNode):
            found.add(node.value)
        starts += [o for o in by_subject.get(node, ()) if isinstance(o, (ox.BlankNode, ox.NamedNode))]
    found.discard("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil")
    return frozenset(found)


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
