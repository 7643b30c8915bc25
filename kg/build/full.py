"""`kg build`: parse, infer, validate, then publish a new store atomically.

A build from nothing parses every file; a rebuild reuses the previous build for the files that did not change
(kg.build.incremental) and falls back to a build from nothing where it cannot (the ontology or reference data
changed, no previous build, `--full`). Both write the same store, dump and manifest for the same files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from ..project import INFERRED_GRAPH, Project, ProjectIncomplete, inferred_graph_iri
from ..rdf.dataset import load_project_dataset, project_files
from ..validation.dependencies import data_dependencies, data_graphs_of, inverse_predicates
from ..validation.per_file import validate_project_files
from .dump import write_graphs_dump, write_store_from_dump
from .faults import unfinished_builds_removed
from .incremental import rebuild
from .manifest import BuildManifest, FileState, GraphRecord, inferred_record
from .municipalities import municipality_index
from .reasoning import closure_by_graph, merged_resources, schema_triples_of
from .result import BuildInvalid, BuildMergesResources, BuildResult
from .store import new_build_folder, publish


def build(project: Project, *, closure: str = "auto", lang: str = "ja", full: bool = False,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    _require_data_and_shapes(project, lang=lang)
    # A write that fails (a full disk) or a stop (Ctrl-C, SIGTERM) leaves no unfinished folder: the disk is
    # not kept full for the next build, and the previous build stays current (kg.build.faults).
    with unfinished_builds_removed(project, lang=lang):
        result = None if full else rebuild(project, closure=closure, lang=lang, say=say)
        if result is None:
            result = _from_nothing(project, closure=closure, lang=lang, say=say)
    return replace(result, seconds=time.perf_counter() - started)


def _require_data_and_shapes(project: Project, *, lang: str) -> None:
    """A build of nothing, or one validated by no shapes, is an error (exit 2), never an empty build that passed."""
    if not project.data_files():
        raise ProjectIncomplete(f"データがありません: {project.data_dir} に .ttl ファイルがないので、ビルドしません。",
                                f"no data: {project.data_dir} holds no .ttl file, so there is nothing to build.",
                                lang=lang, hint_ja="kg ingest でデータを作るか、プロジェクトのフォルダを --root で指定してください。",
                                hint_en="make data with kg ingest, or name the project's folder with --root.")
    project.shape_files(lang=lang)  # raises ProjectIncomplete when there are none


def _from_nothing(project: Project, *, closure: str, lang: str, say: Callable[[str], None]) -> BuildResult:
    # Each file's size, time and hash before it is parsed: a file saved during the build then looks changed to
    # the next one (its recorded state is older than what the store holds), never the other way round.
    checked_ns = time.time_ns()
    files = project_files(project)  # listed once: a file appearing mid-build waits for the next build
    states = {path: FileState.of(path) for path, _ in files}
    dataset = load_project_dataset(project, progress=say, files=files)
    say(f"closure ({closure}) over {dataset.triple_count():,} asserted triples")
    inferred = closure_by_graph([(g.iri, g.triples) for g in dataset.graphs], closure=closure)
    dependencies = data_dependencies(project, dataset)
    data_files = [g.path for g in data_graphs_of(project, dataset.graphs)]
    digests = {path: bytes.fromhex(state.sha256) for path, state in states.items()}
    report = validate_project_files(project, data_files=data_files, dependencies=dependencies, digests=digests,
                                    lang=lang, progress=say)
    if not report.conforms:
        raise BuildInvalid(report)
    if merged := merged_resources(inferred):
        raise BuildMergesResources(merged)
    index = municipality_index(dataset, dependencies)
    paths = new_build_folder(project)
    sections = [(g.iri, g.triples) for g in dataset.graphs]
    sections += [(inferred_graph_iri(g.iri), inferred.by_graph[g.iri]) for g in dataset.graphs if g.iri in inferred.by_graph]
    sections.append((INFERRED_GRAPH, inferred.residual))
    say(f"write store ({dataset.triple_count() + len(inferred):,} quads)")
    offsets = write_graphs_dump(paths, sections)
    write_store_from_dump(paths)
    records = tuple(GraphRecord(
        iri=g.iri, file=project.relative(g.path), kind=g.kind, triples=len(g.triples), state=states[g.path],
        dump=offsets[g.iri], municipalities=index.about.get(g.iri), plans_of=index.own.get(g.path, ()),
        depends_on=tuple(sorted(project.relative(p) for p in dependencies[g.path])) if g.path in dependencies else None,
        inferred=inferred_record(g.iri, len(inferred.by_graph.get(g.iri, ())), offsets),
    ) for g in dataset.graphs)
    manifest = BuildManifest(
        built=time.strftime("%Y-%m-%dT%H:%M:%S%z"), files_checked_ns=checked_ns, closure=closure,
        closure_used=inferred.kind, graphs=records, inferred_graph_triples=len(inferred.residual),
        inferred_graph_dump=offsets[INFERRED_GRAPH],
        schema_files=tuple(sorted(project.relative(g.path) for g in dataset.graphs if schema_triples_of(g.triples))),
        inverse_predicates=tuple(sorted(inverse_predicates(project))), municipality_names=index.names)
    final = publish(project, paths, manifest, say)
    return BuildResult(path=str(final.root), asserted_triples=manifest.asserted_triples,
                       inferred_triples=manifest.inferred_triples, graphs=len(sections), seconds=0.0)
