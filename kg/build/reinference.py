"""Which inferred triples move, appear or go when some files change (see kg.build.incremental)."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..project import INFERRED_GRAPH, inferred_graph_iri, is_inferred_graph
from .changes import Change, PreviousBuild
from .dump import read_dump_section
from .manifest import DumpSection
from .reasoning import RuleEngine, informative, triple_order

RESIDUAL = INFERRED_GRAPH  # the owner of what no single file entails: after every file in build order


class Reinference:
    """Which inferred triples move, appear or go, given the changed files (see the module's docstring)."""

    def __init__(self, store: ox.Store, previous: PreviousBuild, engine: RuleEngine, *, order: dict[str, int],
                 changes: list[Change]):
        self.store, self.previous, self.engine, self.order = store, previous, engine, order
        self.records = previous.by_iri
        self.changes = {c.iri: c for c in changes}
        self.source_of = {r.inferred.iri: iri for iri, r in self.records.items() if r.inferred}
        self.schema = engine.schema_entailments()
        self._sections: dict[str, list[ox.Triple]] = {}
        self.added: dict[str, set] = defaultdict(set)    # unchanged owner (or RESIDUAL) -> triples it gains
        self.removed: dict[str, set] = defaultdict(set)  # ... and loses
        self.owned: dict[str, set] = defaultdict(set)    # changed file -> everything its inferred graph holds

    def run(self) -> Reinference:
        local, entailed = {}, {}
        touched: set = set()
        for c in self.changes.values():
            subjects = {t.subject for t in c.new}
            entailed[c.iri] = {t for t in self.engine.consequences(c.new) if t not in c.new_set and informative(t)}
            local[c.iri] = {t for t in entailed[c.iri] if t.subject in subjects}
            # What it entailed before, its own inferred graph and the residual's share, may have to go.
            touched |= entailed[c.iri] | self.engine.consequences(c.old) | (c.old_set ^ c.new_set)
        for t in sorted(touched, key=triple_order):
            old_owner, asserted_old, asserted_unchanged = self._lookup(t)
            new_owner = None
            if not asserted_unchanged and not any(t in c.new_set for c in self.changes.values()) and informative(t):
                owners = [iri for iri in self.changes if t in local[iri]]
                elsewhere = t in self.schema or any(t in found for found in entailed.values())
                if old_owner is not None and old_owner != RESIDUAL and old_owner not in self.changes:
                    owners.append(old_owner)  # still entails it about its own resources, and no graph before it did
                elif old_owner in self.changes and t in local[old_owner]:
                    pass  # the first graph owning it still does: the graphs that did not change come after it
                elif old_owner == RESIDUAL and elsewhere:
                    pass  # no unchanged graph owned it, and it is still entailed
                elif old_owner is not None or asserted_old:
                    first_local, any_unchanged = self._other_entailers(t)
                    owners += [first_local] if first_local else []
                    elsewhere = elsewhere or any_unchanged
                if owners:
                    new_owner = min(owners, key=self._rank)
                elif elsewhere:
                    new_owner = RESIDUAL
            if new_owner in self.changes:
                self.owned[new_owner].add(t)
            if new_owner != old_owner:
                if old_owner is not None and old_owner not in self.changes:
                    self.removed[old_owner].add(t)
                if new_owner is not None and new_owner not in self.changes:
                    self.added[new_owner].add(t)
        return self

    def _rank(self, owner: str) -> int:
        return len(self.order) if owner == RESIDUAL else self.order[owner]

    def _lookup(self, t: ox.Triple) -> tuple[str | None, bool, bool]:
        """(the graph whose inferred graph held it, asserted before, asserted now in a graph that did not change)."""
        owner, asserted_old, asserted_unchanged = None, False, False
        for quad in self.store.quads_for_pattern(t.subject, t.predicate, t.object, None):
            graph = quad.graph_name.value
            if graph == INFERRED_GRAPH:
                owner = RESIDUAL
            elif is_inferred_graph(graph):
                owner = self.source_of[graph]
            else:
                asserted_old = True
                asserted_unchanged |= graph not in self.changes
        return owner, asserted_old, asserted_unchanged

    def _other_entailers(self, t: ox.Triple) -> tuple[str | None, bool]:
        """(the first unchanged graph entailing t about its own resources, whether any unchanged graph entails t).

        A premise entailing t has t's subject as its subject or object (each rule has one premise), so only the
        triples mentioning it need the rules run on them; t is about a graph's own resources when the graph
        states something about its subject."""
        premises: dict[str, list[ox.Triple]] = defaultdict(list)
        for pattern in ((t.subject, None, None), (None, None, t.subject)):
            for q in self.store.quads_for_pattern(*pattern, None):
                graph = q.graph_name.value
                if graph in self.records and graph not in self.changes:
                    premises[graph].append(ox.Triple(q.subject, q.predicate, q.object))
        entailed_elsewhere = False
        for graph in sorted(premises, key=self._rank):
            if isinstance(t.object, ox.Literal):
                # The store keeps literals in canonical form ("615.0" as 615): compare as the file wrote them.
                premises[graph] = [p for p in self._section(graph, self.records[graph].dump)
                                   if t.subject in (p.subject, p.object)]
            if t in self.engine.consequences(premises[graph]):
                if any(p.subject == t.subject for p in premises[graph]):
                    return graph, True
                entailed_elsewhere = True
        return None, entailed_elsewhere

    def _section(self, iri: str, section: DumpSection) -> list[ox.Triple]:
        if iri not in self._sections:
            self._sections[iri] = read_dump_section(self.previous.paths, section)
        return self._sections[iri]

    def inferred_of(self, iri: str) -> list[ox.Triple] | None:
        """The new content of an inferred graph (the residual's under RESIDUAL), or None when it is unchanged."""
        if iri in self.changes:
            return sorted(self.owned.get(iri, ()), key=triple_order)
        if iri not in self.added and iri not in self.removed:
            return None
        if iri == RESIDUAL:
            old = self._section(INFERRED_GRAPH, self.previous.manifest.inferred_graph_dump)
        else:
            record = self.records[iri]
            old = self._section(inferred_graph_iri(iri), record.inferred.dump) if record.inferred else []
        return sorted((set(old) - self.removed[iri]) | self.added[iri], key=triple_order)
