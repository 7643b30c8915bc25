"""A rebuild from the previous build: only the files that changed are parsed, inferred and stored again.

The previous build's store is copied (a RocksDB checkpoint: hard links to its immutable table files, instant),
the changed files' graphs are replaced in the copy, and the dump is patched (unchanged graphs copied by the
kernel). What else a changed file can affect is found in the previous store rather than by parsing the rest:

- validation: the files whose links reach the changed file (or no longer do) get new cache keys and are
  validated again; every other file's cached result stands (kg.incremental_validation);
- the closure: each inferred triple belongs to the first graph whose triples entail it and state something
  about its subject, else to graph/inferred (kg.reasoning.Closure).
  The rules have a single premise, so whatever a changed file entails is recomputed from that file alone, and a
  triple it no longer entails or no longer asserts is looked for among the premises of other graphs that
  mention its subject; a triple it now asserts leaves the inferred graph that held it;
- scoping: the municipalities each affected file is about.

A rebuild writes the same store, dump and manifest as a build from nothing would for the same files
(tests/test_incremental_build.py compares them). Where the previous build cannot answer for a change (the
ontology, the reference data or the class and property axioms changed, another closure was asked for, the build
format changed), `rebuild` returns None and `kg build` builds from nothing.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .build import (BUILD_FORMAT, BuildInvalid, BuildResult, FileState, build_manifest, file_state, graph_record,
                    relative)
from .dataset import project_files
from .errors import MissingBuildError
from .incremental_validation import dependencies_by_links, inverse_predicates, validate_project_files
from .project import INFERRED_GRAPH, Project, inferred_graph_iri, is_inferred_graph
from .rdf_files import parse_rdf_file
from .reasoning import AUTO_RULES_THRESHOLD, RuleEngine, _informative_ox, schema_triples_of, triple_order
from .scoping import CODE, LABEL, MUNICIPALITY, about
from .store import (BuildPaths, current_build, graph_section, new_build_folder, publish, read_dump_section,
                    write_patched_dump)

RESIDUAL = INFERRED_GRAPH  # the owner of what no single file entails: after every file in build order
STABLE_NS = 2_000_000_000  # a file unchanged this long before a build is trusted by its size and mtime


@dataclass
class Change:
    """One file that is new, changed or gone, with its triples before and after."""

    path: Path
    iri: str
    kind: str
    old: list[ox.Triple] = field(default_factory=list)
    new: list[ox.Triple] = field(default_factory=list)
    exists: bool = True

    def __post_init__(self):
        self.old_set, self.new_set = set(self.old), set(self.new)


def rebuild(project: Project, *, closure: str, lang: str, say) -> BuildResult | None:
    try:
        previous = current_build(project)
    except MissingBuildError:
        return None
    manifest = json.loads(previous.manifest.read_text(encoding="utf-8"))
    if manifest.get("format") != BUILD_FORMAT or manifest.get("closure_used") != "rules" or closure not in ("auto", "rules"):
        return None  # built by another version, or with owl-rl (small data): from nothing
    files = [SourceFile(path, kind, relative(project, path), project.graph_iri(path)) for path, kind in project_files(project)]
    records = {r["file"]: r for r in manifest["graphs"]}
    current = {f.rel: f for f in files}
    checked_ns = time.time_ns()
    states = {f.rel: _state(f.path, records.get(f.rel), manifest.get("files_checked_ns", 0)) for f in files}
    changed = [rel for rel in current if rel not in records or records[rel]["sha256"] != states[rel].sha256]
    removed = [rel for rel in records if rel not in current]
    fixed = {relative(project, p) for p in project.ontology_files() + project.reference_files()}
    fixed |= set(manifest["schema_files"])
    if any(rel in fixed or rel in records and records[rel]["kind"] == "ontology" for rel in changed + removed):
        say("rebuild from nothing: the ontology, the reference data or the class and property axioms changed")
        return None
    inverse = inverse_predicates(project)
    if sorted(inverse) != manifest.get("inverse_predicates"):
        say("rebuild from nothing: the shapes follow other links backward")
        return None  # which files depend on which was worked out with the previous ones
    say(f"rebuild: {len(changed)} file(s) new or changed, {len(removed)} gone, {len(current) - len(changed)} reused")
    changes = []
    for rel in changed + removed:
        path = current[rel].path if rel in current else project.root / rel
        kind = current[rel].kind if rel in current else records[rel]["kind"]
        old = read_dump_section(previous, records[rel]["dump"]) if rel in records else []
        new = parse_rdf_file(path).triples if rel in current else []
        changes.append(Change(path=path, iri=current[rel].iri if rel in current else records[rel]["iri"], kind=kind,
                              old=old, new=new, exists=rel in current))
    asserted = manifest["asserted_triples"] + sum(len(c.new) - len(c.old) for c in changes)
    if any(schema_triples_of(c.old + c.new) for c in changes):
        say("rebuild from nothing: a changed file states class or property axioms")
        return None
    if closure == "auto" and asserted <= AUTO_RULES_THRESHOLD:
        return None  # small enough for owl-rl, which is closed whole: from nothing, in seconds
    store = ox.Store.read_only(str(previous.store))
    if _names_change(store, changes):
        say("rebuild from nothing: a municipality's code or name changed (reference data)")
        return None
    order = {f.iri: i for i, f in enumerate(files)}
    reference = {relative(project, p) for p in project.reference_files()}
    data_paths = [f.path for f in files if f.kind != "ontology" and f.rel not in reference]
    links = StoreLinks(store, project, records, changes, inverse)
    dependencies = _dependencies(project, records, changes, links, data_paths)
    digests = {f.path: bytes.fromhex(states[f.rel].sha256) for f in files}
    report = validate_project_files(project, data_files=data_paths, dependencies=dependencies, digests=digests,
                                    lang=lang, progress=say)
    if not report.conforms:
        raise BuildInvalid(report)
    say(f"closure of {len(changes)} file(s)")
    schema = [t for rel in manifest["schema_files"] for t in parse_rdf_file(project.root / rel).triples]
    inferred = Reinference(store, previous, RuleEngine(schema_triples_of(schema)), order, records_by_iri(records),
                           changes, residual_section=manifest["inferred_graph_dump"]).run()
    say("write store")
    paths = new_build_folder(project)
    store.backup(str(paths.store))
    del store
    _update_store(paths, changes, inferred)
    offsets, counts = _write_dump(previous, paths, files, records, changes, inferred, manifest["inferred_graph_dump"])
    manifest = _manifest(project, manifest, closure, files, states, records, changes, dependencies, counts, offsets,
                         links, checked_ns)
    final = publish(project, paths, manifest)
    return BuildResult(path=str(final.root), asserted_triples=manifest["asserted_triples"],
                       inferred_triples=manifest["inferred_triples"], graphs=len(offsets), seconds=0.0,
                       rebuilt_files=sum(c.exists for c in changes))


@dataclass(frozen=True)
class SourceFile:
    path: Path
    kind: str
    rel: str   # as the manifest names it
    iri: str   # its graph


def _state(path: Path, record: dict | None, checked_ns: int) -> FileState:
    """The file's size, time and SHA-256; the hash taken from the previous manifest when size and time are
    unchanged (as git's index does): hashing 7,000 files on every rebuild took longer than the rebuild's work.

    Only for a file that had not changed for a while when the previous build looked at it: one written in the
    same tick of the file system's clock could change again without its modification time showing it."""
    if record is not None and record.get("mtime_ns", checked_ns) < checked_ns - STABLE_NS:
        stat = path.stat()
        if record.get("size") == stat.st_size and record.get("mtime_ns") == stat.st_mtime_ns:
            return FileState(record["sha256"], stat.st_size, stat.st_mtime_ns)
    return file_state(path)


def records_by_iri(records: dict) -> dict[str, dict]:
    return {r["iri"]: r for r in records.values()}


def _names_change(store: ox.Store, changes: list[Change]) -> bool:
    """Whether a change states a municipality's code, or a label of a coded resource (kg.scoping's index)."""
    for change in changes:
        for t in change.old_set ^ change.new_set:
            if t.predicate == CODE:
                return True
            if t.predicate == LABEL and next(store.quads_for_pattern(t.subject, CODE, None, None), None) is not None:
                return True
    return False


class StoreLinks:
    """kg.incremental_validation's links between data files, read from the previous store with the changed
    files' new triples in place of their old ones."""

    def __init__(self, store: ox.Store, project: Project, records: dict, changes: list[Change], inverse):
        self.store = store
        self.inverse = [ox.NamedNode(p) for p in inverse]
        reference = {relative(project, p) for p in project.reference_files()}
        self.path_of = {r["iri"]: project.root / r["file"] for r in records.values()
                        if r["kind"] != "ontology" and r["file"] not in reference}
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


def _dependencies(project, records, changes, links: StoreLinks, data_paths) -> dict[Path, set[Path]]:
    """Every data file's dependencies: the previous build's, worked out again for the files a change can reach."""
    old = {project.root / r["file"]: {project.root / d for d in r["depends_on"]}
           for r in records.values() if "depends_on" in r}
    reaching: dict[Path, set[Path]] = defaultdict(set)  # file -> the files whose dependencies include it
    for path, needs in old.items():
        for need in needs:
            reaching[need].add(path)
    affected: set[Path] = set()
    for c in changes:
        affected |= {c.path} | reaching[c.path]
        for node in {t.subject for t in c.old + c.new}:  # whoever mentions what it states, and whoever reaches them
            for other in links.mentioned_in(node):
                affected |= {other} | reaching[other]
        for t in c.old + c.new:  # whoever it links to backward
            if t.predicate in links.inverse and not isinstance(t.object, ox.Literal):
                affected |= links.defined_in(t.object)
    existing = set(data_paths)
    again = dependencies_by_links(links, sorted(affected & existing))
    return {path: again[path] if path in again else old.get(path, set()) & existing for path in data_paths}


class Reinference:
    """Which inferred triples move, appear or go, given the changed files (see the module's docstring)."""

    def __init__(self, store: ox.Store, previous: BuildPaths, engine: RuleEngine, order: dict[str, int],
                 records: dict[str, dict], changes: list[Change], *, residual_section: list[int]):
        self.store, self.previous, self.engine, self.order, self.records = store, previous, engine, order, records
        self.residual_section = residual_section
        self.changes = {c.iri: c for c in changes}
        self.source_of = {r["inferred"]["iri"]: iri for iri, r in records.items() if "inferred" in r}
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
            entailed[c.iri] = {t for t in self.engine.consequences(c.new) if t not in c.new_set and _informative_ox(t)}
            local[c.iri] = {t for t in entailed[c.iri] if t.subject in subjects}
            # What it entailed before, its own inferred graph and the residual's share, may have to go.
            touched |= entailed[c.iri] | self.engine.consequences(c.old) | (c.old_set ^ c.new_set)
        for t in sorted(touched, key=triple_order):
            old_owner, asserted_old, asserted_unchanged = self._lookup(t)
            new_owner = None
            if not asserted_unchanged and not any(t in c.new_set for c in self.changes.values()) and _informative_ox(t):
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
                premises[graph] = [p for p in self._section(graph, self.records[graph]["dump"])
                                   if t.subject in (p.subject, p.object)]
            if t in self.engine.consequences(premises[graph]):
                if any(p.subject == t.subject for p in premises[graph]):
                    return graph, True
                entailed_elsewhere = True
        return None, entailed_elsewhere

    def _section(self, iri: str, section: list[int]) -> list[ox.Triple]:
        if iri not in self._sections:
            self._sections[iri] = read_dump_section(self.previous, section)
        return self._sections[iri]

    def inferred_of(self, iri: str) -> list[ox.Triple] | None:
        """The new content of an inferred graph (the residual's under RESIDUAL), or None when it is unchanged."""
        if iri in self.changes:
            return sorted(self.owned.get(iri, ()), key=triple_order)
        if iri not in self.added and iri not in self.removed:
            return None
        if iri == RESIDUAL:
            old = self._section(INFERRED_GRAPH, self.residual_section)
        else:
            record = self.records[iri]
            old = self._section(inferred_graph_iri(iri), record["inferred"]["dump"]) if "inferred" in record else []
        return sorted((set(old) - self.removed[iri]) | self.added[iri], key=triple_order)


def _update_store(paths: BuildPaths, changes: list[Change], inferred: Reinference) -> None:
    store = ox.Store(str(paths.store))
    for c in changes:
        for graph in (ox.NamedNode(c.iri), ox.NamedNode(inferred_graph_iri(c.iri))):
            if store.contains_named_graph(graph):
                store.remove_graph(graph)
    quads = []
    for c in changes:
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(c.iri)) for t in c.new]
        target = ox.NamedNode(inferred_graph_iri(c.iri))
        quads += [ox.Quad(t.subject, t.predicate, t.object, target) for t in inferred.owned.get(c.iri, ())]
    for owner, triples in inferred.added.items():
        target = ox.NamedNode(INFERRED_GRAPH if owner == RESIDUAL else inferred_graph_iri(owner))
        quads += [ox.Quad(t.subject, t.predicate, t.object, target) for t in triples]
    store.extend(quads)
    for owner, triples in inferred.removed.items():
        target = ox.NamedNode(INFERRED_GRAPH if owner == RESIDUAL else inferred_graph_iri(owner))
        for t in triples:
            store.remove(ox.Quad(t.subject, t.predicate, t.object, target))
        if not inferred.inferred_of(owner) and store.contains_named_graph(target):
            store.remove_graph(target)  # an emptied graph would still be listed; a build from nothing has none
    store.flush()
    del store  # closes RocksDB before the folder is published


def _write_dump(previous: BuildPaths, paths: BuildPaths, files: list[SourceFile], records: dict, changes: list[Change],
                inferred: Reinference, residual_section: list[int]) -> tuple[dict, dict[str, int]]:
    """The new dump in build order (asserted graphs, inferred graphs, the residual), copying unchanged graphs;
    returns the offsets and the number of triples of every inferred graph."""
    changed = {c.iri: c for c in changes}
    pieces, counts, inferred_pieces = [], {}, []
    for f in files:
        iri, rel = f.iri, f.rel
        pieces.append((iri, graph_section(iri, changed[iri].new) if iri in changed else records[rel]["dump"]))
        content = inferred.inferred_of(iri)
        if content is None and "inferred" in records.get(rel, {}):
            inferred_pieces.append((records[rel]["inferred"]["iri"], records[rel]["inferred"]["dump"]))
            counts[iri] = records[rel]["inferred"]["triples"]
        elif content:
            inferred_pieces.append((inferred_graph_iri(iri), graph_section(inferred_graph_iri(iri), content)))
            counts[iri] = len(content)
    residual = inferred.inferred_of(RESIDUAL)
    if residual is None:
        inferred_pieces.append((INFERRED_GRAPH, residual_section))
    else:
        inferred_pieces.append((INFERRED_GRAPH, graph_section(INFERRED_GRAPH, residual)))
        counts[RESIDUAL] = len(residual)
    return write_patched_dump(previous.dataset, paths, pieces + inferred_pieces), counts


def _manifest(project: Project, previous: dict, closure: str, files: list[SourceFile], states: dict[str, FileState],
              records: dict, changes: list[Change], dependencies: dict, counts: dict[str, int], offsets: dict,
              links: StoreLinks, checked_ns: int) -> dict:
    changed = {c.iri: c for c in changes}
    own: dict[Path, list[str]] = {}
    for f in files:
        if f.iri in changed:
            codes = {links.code(t.object) for t in changed[f.iri].new if t.predicate == MUNICIPALITY}
            own[f.path] = sorted(c for c in codes if c is not None)
        else:
            own[f.path] = records[f.rel].get("plans_of", [])
    entries = []
    for f in files:
        old = records.get(f.rel, {})
        entries.append(graph_record(
            project, path=f.path, iri=f.iri, kind=f.kind, rel=f.rel,
            triples=len(changed[f.iri].new) if f.iri in changed else old["triples"], state=states[f.rel],
            about=None if f.kind == "ontology" else about(own, dependencies, f.path), own=own[f.path],
            depends_on=dependencies.get(f.path) if f.path in dependencies else None,
            inferred=counts.get(f.iri, 0), offsets=offsets))
    residual = counts.get(RESIDUAL, previous["inferred_graph_triples"])
    return build_manifest(project, closure=closure, closure_used="rules", inverse=previous["inverse_predicates"], records=entries, residual=residual,
                          offsets=offsets, names=previous["municipality_names"],
                          schema_files=[project.root / f for f in previous["schema_files"]], checked_ns=checked_ns)
