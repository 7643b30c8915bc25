"""Validating a whole build file by file, reusing the results of files that did not change.

Every data file is validated together with the ontology, the vocabularies and the reference resources it
reaches (its municipality, its source document …): the shapes only follow links forward from a focus node,
so that is all a file's results can depend on. The results are cached under build/cache/validation/, keyed
by the file's content and by everything it is validated with (shapes, ontology, reference data), so a rebuild
after one municipality's file changed validates that file only. Files that need validating go in batches to
worker processes (one per core): pySHACL is single-threaded.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .project import Project
from .rdf_files import parse_rdf_file
from .validation import ValidationIssue, ValidationReport, load_shapes, validate_triples

BATCH_TRIPLES = 60_000  # per pySHACL run: large enough to amortise its start, small enough for memory
CACHE_VERSION = "2"  # 2: validation also reports ill-typed literals and control characters (kg.literal_checks)


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def environment_key(project: Project, lang: str) -> str:
    """Everything a file is validated with: shapes, ontology and vocabularies, reference data, language."""
    files = project.shape_files() + project.ontology_files() + project.reference_files()
    return _digest(CACHE_VERSION.encode(), lang.encode(), *(p.read_bytes() for p in files))


def validate_project_files(project: Project, *, lang: str = "ja", progress=None) -> ValidationReport:
    say = progress or (lambda _m: None)
    cache_dir = project.build_dir / "cache" / "validation"
    cache_dir.mkdir(parents=True, exist_ok=True)
    env = environment_key(project, lang)
    reference = {p.resolve() for p in project.reference_files()}
    # The reference files are validated as one unit (they link to each other); every other file on its own.
    units: list[tuple[Path, ...]] = [tuple(sorted(reference))] if reference else []
    units += [(p,) for p in project.data_files() if p.resolve() not in reference]
    issues: list[ValidationIssue] = []
    todo: list[tuple[tuple[Path, ...], str]] = []
    for unit in units:
        key = _digest(env.encode(), *(p.read_bytes() for p in unit))
        cached = _read_cached(cache_dir / f"{key}.json")
        if cached is not None:
            issues += [ValidationIssue(**{**i, "files": tuple(i["files"])}) for i in cached]
        else:
            todo.append((unit, key))
    say(f"validate {len(todo)} of {len(units)} file group(s) ({len(units) - len(todo)} unchanged, results reused)")
    batches = _batches(todo)
    if len(batches) > 1 and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(len(batches), os.cpu_count() or 1)) as pool:
            results = list(pool.map(_validate_batch, [(str(project.root), str(project.build_dir), b, lang) for b in batches]))
    else:
        results = [_validate_batch((str(project.root), str(project.build_dir), b, lang)) for b in batches]
    for batch_result in results:
        for key, unit_issues in batch_result.items():
            _write_cached(cache_dir / f"{key}.json", unit_issues)
            issues += [ValidationIssue(**{**i, "files": tuple(i["files"])}) for i in unit_issues]
    unique = list({(i.focus_node, i.result_path, i.value, i.source_shape, i.message): i for i in issues}.values())
    return ValidationReport(conforms=not any(i.severity == "Violation" for i in unique), issues=unique)


def _read_cached(path: Path) -> list[dict] | None:
    """A cached result, or None when there is none or it cannot be read (then the file is validated again)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_cached(path: Path, unit_issues: list[dict]) -> None:
    # Written beside and renamed: a build killed while writing must not leave half a result for the next build.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(unit_issues, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def _batches(todo):
    batches, current, size = [], [], 0
    for unit, key in todo:
        unit_size = sum(p.stat().st_size for p in unit) // 60 + 1  # about 60 bytes of Turtle per triple
        if current and size + unit_size > BATCH_TRIPLES:
            batches.append(current)
            current, size = [], 0
        current.append((tuple(str(p) for p in unit), key))
        size += unit_size
    if current:
        batches.append(current)
    # Spread the work over the cores even when it fits in one batch.
    cores = os.cpu_count() or 1
    if len(batches) < cores and len(todo) >= 2 * cores and size > BATCH_TRIPLES // 4:
        flat = [item for b in batches for item in b]
        batches = [flat[i::cores] for i in range(cores)]
    return batches


@lru_cache(maxsize=1)
def _context(root: str, build_dir: str):
    """Per process: the ontology, the reference data indexed by subject, the shapes."""
    from .project import default_project

    project = default_project(root=root, build_dir=build_dir)
    ontology = [t for p in project.ontology_files() for t in parse_rdf_file(p).triples]
    by_subject: dict = defaultdict(list)
    for path in project.reference_files():
        for t in parse_rdf_file(path).triples:
            by_subject[t.subject].append(t)
    return project, ontology, by_subject, load_shapes(project)


def _reachable(triples: list[ox.Triple], by_subject: dict) -> list[ox.Triple]:
    """The reference triples reachable from the given triples by following objects forward."""
    seen, out = set(), []
    frontier = [t.object for t in triples if isinstance(t.object, ox.NamedNode)] + [t.subject for t in triples]
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in by_subject.get(node, ()):
            out.append(t)
            if isinstance(t.object, ox.NamedNode):
                frontier.append(t.object)
    return out


def _validate_batch(job) -> dict[str, list[dict]]:
    root, build_dir, batch, lang = job
    project, ontology, by_subject, shapes = _context(root, build_dir)
    data: list[ox.Triple] = []
    origin: dict[str, set[str]] = defaultdict(set)
    unit_of_subject: dict[str, set[str]] = defaultdict(set)
    for paths, key in batch:
        for path in paths:
            for t in parse_rdf_file(Path(path)).triples:
                data.append(t)
                origin[t.subject.value].add(Path(path).name)
                unit_of_subject[t.subject.value].add(key)
    whole = data + _reachable(data, by_subject) + ontology
    report = validate_triples(whole, project=project, lang=lang, shapes=shapes,
                              origin={k: tuple(sorted(v)) for k, v in origin.items()})
    results: dict[str, list[dict]] = {key: [] for _, key in batch}
    for issue in report.issues:
        for key in unit_of_subject.get(issue.focus_node, ()):  # issues about reference data belong to its own unit
            results[key].append(asdict(issue))
    return results
