"""A rebuild from the previous build: only the files that changed are parsed, inferred and stored again.

The previous build's store is copied (a RocksDB checkpoint: hard links to its immutable table files, instant),
the changed files' graphs are replaced in the copy, and the dump is patched (unchanged graphs copied by the
kernel). What else a changed file can affect is found in the previous store rather than by parsing the rest:

- validation: the files whose links reach the changed file (or no longer do) get new cache keys and are
  validated again; every other file's cached result stands (kg.validation.per_file);
- the closure: each inferred triple belongs to the first graph whose triples entail it and state something
  about its subject, else to graph/inferred (kg.build.reasoning.Closure).
  The rules have a single premise, so whatever a changed file entails is recomputed from that file alone, and a
  triple it no longer entails or no longer asserts is looked for among the premises of other graphs that
  mention its subject; a triple it now asserts leaves the inferred graph that held it (kg.build.reinference);
- scoping: the municipalities each affected file is about.

A rebuild writes the same store, dump and manifest as a build from nothing would for the same files
(tests/test_incremental_build.py compares them). Where the previous build cannot answer for a change (the
ontology, the reference data or the class and property axioms changed, another closure was asked for, the build
format changed), `rebuild` returns None and `kg build` builds from nothing.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from ..errors import MissingBuildError
from ..project import INFERRED_GRAPH, Project, inferred_graph_iri
from ..rdf.dataset import project_files
from ..rdf.files import parse_rdf_file
from ..validation.dependencies import dependencies_by_links, inverse_predicates
from ..validation.per_file import validate_project_files
from .changes import Change, PreviousBuild, SourceFile
from .dump import graph_section, read_dump_section, write_patched_dump
from .manifest import BuildManifest, DumpSection, FileState, GraphRecord, InferredGraph, read_manifest_file
from .municipalities import CODE, LABEL, MUNICIPALITY, about
from .reasoning import AUTO_RULES_THRESHOLD, RuleEngine, schema_triples_of
from .reinference import RESIDUAL, Reinference
from .result import BuildInvalid, BuildResult
from .store import BuildPaths, current_build, new_build_folder, publish
from .store_links import StoreLinks

STABLE_NS = 2_000_000_000  # a file unchanged this long before a build is trusted by its size and mtime


def rebuild(project: Project, *, closure: str, lang: str, say: Callable[[str], None]) -> BuildResult | None:
    """Rebuild from the current build, or None when it cannot answer for the change (then build from nothing)."""
    try:
        paths = current_build(project)
    except MissingBuildError:
        return None
    manifest = read_manifest_file(paths.manifest)
    if manifest is None or manifest.closure_used != "rules" or closure not in ("auto", "rules"):
        return None  # built by another version, or with owl-rl (small data): from nothing
    return _Rebuild(project, PreviousBuild(paths, manifest), say).run(closure=closure, lang=lang)


class _Rebuild:
    def __init__(self, project: Project, previous: PreviousBuild, say: Callable[[str], None]):
        self.project, self.previous, self.say = project, previous, say
        self.files = [SourceFile(path, kind, project.relative(path), project.graph_iri(path))
                      for path, kind in project_files(project)]
        self.checked_ns = time.time_ns()
        records = previous.by_file
        self.states = {f.rel: _state(f.path, records.get(f.rel), previous.manifest.files_checked_ns) for f in self.files}

    def run(self, *, closure: str, lang: str) -> BuildResult | None:
        project, previous, say = self.project, self.previous, self.say
        manifest, records = previous.manifest, previous.by_file
        current = {f.rel: f for f in self.files}
        changed = [rel for rel in current if rel not in records or records[rel].state.sha256 != self.states[rel].sha256]
        removed = [rel for rel in records if rel not in current]
        fixed = {project.relative(p) for p in project.ontology_files() + project.reference_files()}
        fixed |= set(manifest.schema_files)
        if any(rel in fixed or (rel in records and records[rel].kind == "ontology") for rel in changed + removed):
            say("rebuild from nothing: the ontology, the reference data or the class and property axioms changed")
            return None
        inverse = inverse_predicates(project)
        if tuple(sorted(inverse)) != manifest.inverse_predicates:
            say("rebuild from nothing: the shapes follow other links backward")
            return None  # which files depend on which was worked out with the previous ones
        say(f"rebuild: {len(changed)} file(s) new or changed, {len(removed)} gone, {len(current) - len(changed)} reused")
        self.changes = [self._change(rel, current) for rel in changed + removed]
        asserted = manifest.asserted_triples + sum(len(c.new) - len(c.old) for c in self.changes)
        if any(schema_triples_of(c.old + c.new) for c in self.changes):
            say("rebuild from nothing: a changed file states class or property axioms")
            return None
        if closure == "auto" and asserted <= AUTO_RULES_THRESHOLD:
            return None  # small enough for owl-rl, which is closed whole: from nothing, in seconds
        store = ox.Store.read_only(str(previous.paths.store))
        if _names_change(store, self.changes):
            say("rebuild from nothing: a municipality's code or name changed (reference data)")
            return None
        reference = {project.relative(p) for p in project.reference_files()}
        data_paths = [f.path for f in self.files if f.kind != "ontology" and f.rel not in reference]
        self.links = StoreLinks(store, project, manifest.graphs, self.changes, inverse)
        self.dependencies = self._dependencies(data_paths)
        digests = {f.path: bytes.fromhex(self.states[f.rel].sha256) for f in self.files}
        report = validate_project_files(project, data_files=data_paths, dependencies=self.dependencies,
                                        digests=digests, lang=lang, progress=say)
        if not report.conforms:
            raise BuildInvalid(report)
        say(f"closure of {len(self.changes)} file(s)")
        schema = [t for rel in manifest.schema_files for t in parse_rdf_file(project.root / rel).triples]
        self.inferred = Reinference(store, previous, RuleEngine(schema_triples_of(schema)),
                                    order={f.iri: i for i, f in enumerate(self.files)}, changes=self.changes).run()
        say("write store")
        paths = new_build_folder(project)
        store.backup(str(paths.store))
        del store
        self._update_store(paths)
        offsets, counts = self._write_dump(paths)
        new_manifest = self._manifest(closure, counts, offsets)
        final = publish(project, paths, new_manifest, say)
        return BuildResult(path=str(final.root), asserted_triples=new_manifest.asserted_triples,
                           inferred_triples=new_manifest.inferred_triples, graphs=len(offsets), seconds=0.0,
                           rebuilt_files=sum(c.exists for c in self.changes))

    def _change(self, rel: str, current: dict[str, SourceFile]) -> Change:
        record = self.previous.by_file.get(rel)
        source = current.get(rel)
        path = source.path if source else self.project.root / rel
        old = read_dump_section(self.previous.paths, record.dump) if record else []
        new = parse_rdf_file(path).triples if source else []
        return Change(path=path, iri=source.iri if source else record.iri, kind=source.kind if source else record.kind,
                      old=old, new=new, exists=source is not None)

    def _dependencies(self, data_paths: list[Path]) -> dict[Path, set[Path]]:
        """Every data file's dependencies: the previous build's, worked out again for the files a change can reach."""
        root, links = self.project.root, self.links
        old = {root / r.file: {root / d for d in r.depends_on} for r in self.previous.manifest.graphs
               if r.depends_on is not None}
        reaching: dict[Path, set[Path]] = defaultdict(set)  # file -> the files whose dependencies include it
        for path, needs in old.items():
            for need in needs:
                reaching[need].add(path)
        affected: set[Path] = set()
        for c in self.changes:
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

    def _update_store(self, paths: BuildPaths) -> None:
        inferred = self.inferred
        store = ox.Store(str(paths.store))
        for c in self.changes:
            for graph in (ox.NamedNode(c.iri), ox.NamedNode(inferred_graph_iri(c.iri))):
                if store.contains_named_graph(graph):
                    store.remove_graph(graph)
        quads = []
        for c in self.changes:
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

    def _write_dump(self, paths: BuildPaths) -> tuple[dict[str, DumpSection], dict[str, int]]:
        """The new dump in build order (asserted graphs, inferred graphs, the residual), copying unchanged graphs;
        returns the sections and the number of triples of every inferred graph."""
        changed = {c.iri: c for c in self.changes}
        records, inferred = self.previous.by_file, self.inferred
        pieces, counts, inferred_pieces = [], {}, []
        for f in self.files:
            iri, record = f.iri, records.get(f.rel)
            pieces.append((iri, graph_section(iri, changed[iri].new) if iri in changed else record.dump))
            content = inferred.inferred_of(iri)
            if content is None and record is not None and record.inferred:
                inferred_pieces.append((record.inferred.iri, record.inferred.dump))
                counts[iri] = record.inferred.triples
            elif content:
                inferred_pieces.append((inferred_graph_iri(iri), graph_section(inferred_graph_iri(iri), content)))
                counts[iri] = len(content)
        residual = inferred.inferred_of(RESIDUAL)
        if residual is None:
            inferred_pieces.append((INFERRED_GRAPH, self.previous.manifest.inferred_graph_dump))
        else:
            inferred_pieces.append((INFERRED_GRAPH, graph_section(INFERRED_GRAPH, residual)))
            counts[RESIDUAL] = len(residual)
        return write_patched_dump(self.previous.paths.dataset, paths, pieces + inferred_pieces), counts

    def _manifest(self, closure: str, counts: dict[str, int], offsets: dict[str, DumpSection]) -> BuildManifest:
        changed = {c.iri: c for c in self.changes}
        records, previous = self.previous.by_file, self.previous.manifest
        own: dict[Path, tuple[str, ...]] = {}
        for f in self.files:
            if f.iri in changed:
                codes = {self.links.code(t.object) for t in changed[f.iri].new if t.predicate == MUNICIPALITY}
                own[f.path] = tuple(sorted(c for c in codes if c is not None))
            else:
                own[f.path] = records[f.rel].plans_of
        entries = []
        for f in self.files:
            needs = self.dependencies.get(f.path)
            count = counts.get(f.iri, 0)
            entries.append(GraphRecord(
                iri=f.iri, file=f.rel, kind=f.kind, state=self.states[f.rel], dump=offsets[f.iri],
                triples=len(changed[f.iri].new) if f.iri in changed else records[f.rel].triples,
                municipalities=None if f.kind == "ontology" else about(own, self.dependencies, f.path),
                plans_of=own[f.path],
                depends_on=tuple(sorted(self.project.relative(p) for p in needs)) if needs is not None else None,
                inferred=InferredGraph(inferred_graph_iri(f.iri), count, offsets[inferred_graph_iri(f.iri)])
                if count else None))
        return replace(previous, built=time.strftime("%Y-%m-%dT%H:%M:%S%z"), files_checked_ns=self.checked_ns,
                       closure=closure, closure_used="rules", graphs=tuple(entries),
                       inferred_graph_triples=counts.get(RESIDUAL, previous.inferred_graph_triples),
                       inferred_graph_dump=offsets[INFERRED_GRAPH])


def _state(path: Path, record: GraphRecord | None, checked_ns: int) -> FileState:
    """The file's size, time and SHA-256; the hash taken from the previous manifest when size and time are
    unchanged (as git's index does): hashing 7,000 files on every rebuild took longer than the rebuild's work.

    Only for a file that had not changed for a while when the previous build looked at it: one written in the
    same tick of the file system's clock could change again without its modification time showing it."""
    if record is not None and record.state.mtime_ns < checked_ns - STABLE_NS:
        stat = path.stat()
        if record.state.size == stat.st_size and record.state.mtime_ns == stat.st_mtime_ns:
            return FileState(record.state.sha256, stat.st_size, stat.st_mtime_ns)
    return FileState.of(path)


def _names_change(store: ox.Store, changes: list[Change]) -> bool:
    """Whether a change states a municipality's code, or a label of a coded resource (the manifest's index)."""
    for change in changes:
        for t in change.old_set ^ change.new_set:
            if t.predicate == CODE:
                return True
            if t.predicate == LABEL and next(store.quads_for_pattern(t.subject, CODE, None, None), None) is not None:
                return True
    return False
