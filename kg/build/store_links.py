"""The links between data files, read from the previous build's store (see kg.build.incremental)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from .changes import Change
from .manifest import GraphRecord
from .municipalities import CODE


class StoreLinks:
    """kg.validation.dependencies' links between data files, read from the previous store with the changed
    files' new triples in place of their old ones."""

    def __init__(self, store: ox.Store, project: Project, records: tuple[GraphRecord, ...], changes: list[Change],
                 inverse):
        self.store = store
        self.inverse = [ox.NamedNode(p) for p in inverse]
        reference = {project.relative(p) for p in project.reference_files()}
        self.path_of = {r.iri: project.root / r.file for r in records if r.kind != "ontology" and r.file not in reference}
        self.changed = {c.iri for c in changes}
        self.new_triples = {c.path: c.new for c in changes if c.exists and c.kind != "ontology"}
        self.path_of.update({c.iri: c.path for c in changes if c.path in self.new_triples})
        self.iri_of = {path: iri for iri, path in self.path_of.items()}
        self.new_subjects = {path: {t.subject for t in triples} for path, triples in self.new_triples.items()}
        self._mentions: dict[Path, set] = {}
        self._codes: dict = {}

    def _graphs(self, quads) -> set[Path]:
        """The data files (not changed ones: their store contents are old) among the quads' graphs."""
        return {self.path_of[q.graph_name.value] for q in quads
                if q.graph_name.value in self.path_of and q.graph_name.value not in self.changed}

    def _triples(self, path: Path):
        if path in self.new_triples:
            return self.new_triples[path]
        return self.store.quads_for_pattern(None, None, None, ox.NamedNode(self.iri_of[path]))

    def defined_in(self, node) -> set[Path]:
        found = self._graphs(self.store.quads_for_pattern(node, None, None, None))
        return found | {path for path, subjects in self.new_subjects.items() if node in subjects}

    def mentioned_in(self, node) -> set[Path]:
        """The unchanged data files stating something about the node or linking to it."""
        found = self._graphs(self.store.quads_for_pattern(node, None, None, None))
        return found | self._graphs(self.store.quads_for_pattern(None, None, node, None))

    def mentions(self, path: Path) -> set:
        if path not in self._mentions:
            found = set()
            for t in self._triples(path):
                found.add(t.subject)
                if not isinstance(t.object, ox.Literal):
                    found.add(t.object)
            self._mentions[path] = found
        return self._mentions[path]

    def linked_from(self, path: Path) -> set[Path]:
        subjects = self.new_subjects[path] if path in self.new_subjects else {t.subject for t in self._triples(path)}
        found: set[Path] = set()
        for node in subjects:
            for predicate in self.inverse:
                found |= self._graphs(self.store.quads_for_pattern(None, predicate, node, None))
        for other, triples in self.new_triples.items():
            if other != path and any(t.predicate in self.inverse and t.object in subjects for t in triples):
                found.add(other)
        return found - {path}

    def code(self, node) -> str | None:
        if node not in self._codes:
            quad = next(self.store.quads_for_pattern(node, CODE, None, None), None)
            self._codes[node] = quad.object.value if quad is not None and isinstance(quad.object, ox.Literal) else None
        return self._codes[node]
