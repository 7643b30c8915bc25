"""Validating a whole build file by file, reusing the results of files that did not change.

A data file is validated with the ontology and vocabularies, the reference data (municipalities, sources …)
and the other data files its links lead to: the shapes follow links forward (a strategy's citation to the
comprehensive plan's measure, a classification's link to a goal) and backward from a focus node only along
the links kg.validation.dependencies finds in them (an inverse path from a value to the indicator that has it,
a SPARQL constraint's pattern with $this as object). So a file's results depend on its own content, on the
files its links reach and on the files that link to it along those backward links; that is the key its
results are cached under (build/cache/validation/), with the shapes, ontology, reference data and the
validation code itself. A rebuild after one municipality's file changed validates that file and the files that
depend on it. Where the shapes may read more than that (kg.validation.dependencies.BackwardLinks.unbounded),
all data files are validated together, as one unit whose key changes with any of them. Files that need
validating go in batches to worker processes (one per core).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from ..rdf.dataset import load_project_dataset
from ..rdf.files import parse_rdf_file
from .country import registry_file
from .dependencies import backward_links, data_dependencies, data_graphs_of
from .pyshacl_engine import load_shapes
from .report import ValidationIssue, ValidationReport
from .validate import DataContext, reachable_triples, require_something_to_check, validate_triples

BATCH_TRIPLES = 60_000  # per engine run: large enough to amortise its start, small enough for memory


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_key() -> str:
    """The validation code and the engines it runs. Cached results were keyed on a version number bumped by
    hand, and a change that forgot it (a new constraint, a dependency found differently) reused stale results;
    this key changes on its own with any change to kg.validation, the RDF reading it relies on (kg.rdf) or the
    installed engines."""
    package = Path(__file__).resolve().parent.parent
    sources = sorted((package / "validation").rglob("*.py")) + sorted((package / "rdf").rglob("*.py"))
    versions = []
    for name in ("pyoxigraph", "pyshacl", "rdflib"):
        try:
            versions.append(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            versions.append(name.encode())
    return _digest(*versions, *(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes() for p in sources))


def environment_key(project: Project, lang: str) -> str:
    """Everything a file is validated with: the code, shapes, ontology and vocabularies (which terms are defined,
    kg.validation.terms), reference data, the national list of local governments (kg.validation.country: the
    project's own, or the one this package carries), language."""
    files = project.shape_files() + project.ontology_files() + project.reference_files() + [registry_file(project)]
    return _digest(code_key().encode(), lang.encode(), *(p.read_bytes() for p in files))


def validate_project_files(project: Project, *, data_files: list[Path] | None = None,
                           dependencies: dict[Path, set[Path]] | None = None,
                           digests: dict[Path, bytes] | None = None, lang: str = "ja",
                           progress=None) -> ValidationReport:
    """Validate the data files (default: all of the project's), each with the files it depends on (default:
    worked out by parsing the project), reusing the cached results of every file whose key is unchanged."""
    say = progress or (lambda _m: None)
    cache_dir = project.build_dir / "cache" / "validation"
    cache_dir.mkdir(parents=True, exist_ok=True)
    env = environment_key(project, lang)
    if data_files is None or dependencies is None:
        dataset = load_project_dataset(project)
        data_files = [g.path for g in data_graphs_of(project, dataset.graphs)]
        dependencies = data_dependencies(project, dataset)
    known = digests or {}
    file_digest = {path: known.get(path) or hashlib.sha256(path.read_bytes()).digest() for path in data_files}
    units = _units(project, data_files, dependencies, file_digest, env)
    # Fail closed here too: with every result cached, no engine would run to notice there is nothing to check.
    require_something_to_check(project, has_data=bool(data_files) or bool(project.reference_files()), lang=lang)
    issues: list[ValidationIssue] = []
    todo = []
    for unit, needs, key in units:
        cached = _read_cached(cache_dir / f"{key}.json")
        if cached is not None:
            issues += [ValidationIssue(**{**i, "files": tuple(i["files"])}) for i in cached]
        else:
            todo.append((unit, needs, key))
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


def _units(project: Project, data_files: list[Path], dependencies: dict[Path, set[Path]],
           file_digest: dict[Path, bytes], env: str) -> list[tuple[tuple[Path, ...], tuple[Path, ...], str]]:
    """(the files validated together, the files they are validated with, the key of their results)."""
    reference = tuple(sorted({p.resolve() for p in project.reference_files()}))
    unbounded = backward_links(project).unbounded
    if unbounded:
        # The shapes may read data no link of a file leads to: only the whole data validates like the whole.
        everything = tuple(sorted(set(reference) | set(data_files)))
        paths = sorted(data_files)
        return [(everything, (), _digest(env.encode(), b"all files", *(p.as_posix().encode() for p in paths),
                                         *(file_digest[p] for p in paths)))]
    # The reference files are validated as one unit (they link to each other); every other file on its own.
    units = [(reference, (), _digest(env.encode(), b"reference"))] if reference else []
    for path in data_files:
        needs = tuple(sorted(dependencies.get(path, ())))
        units.append(((path,), needs, _digest(env.encode(), file_digest[path], *(file_digest[p] for p in needs))))
    return units


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
    for unit, needs, key in todo:
        unit_size = sum(p.stat().st_size for p in unit) // 60 + 1  # about 60 bytes of Turtle per triple
        if current and size + unit_size > BATCH_TRIPLES:
            batches.append(current)
            current, size = [], 0
        current.append((tuple(str(p) for p in unit), tuple(str(p) for p in needs), key))
        size += unit_size
    if current:
        batches.append(current)
    # Spread the work over the cores even when it fits in one batch.
    cores = os.cpu_count() or 1
    if len(batches) < cores and len(todo) >= 2 * cores and size > BATCH_TRIPLES // 4:
        flat = [item for b in batches for item in b]
        batches = [flat[i::cores] for i in range(cores)]
    return batches


def _context(root: str, build_dir: str):
    """Per process: the ontology, the reference data indexed by subject, the shapes (read again if one changed)."""
    from ..project import default_project

    project = default_project(root=root, build_dir=build_dir)
    files = project.shape_files() + project.ontology_files() + project.reference_files()
    return _context_version(root, build_dir, tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files))


@lru_cache(maxsize=1)
def _context_version(root: str, build_dir: str, _files: tuple):
    from ..project import default_project

    project = default_project(root=root, build_dir=build_dir)
    ontology = [t for p in project.ontology_files() for t in parse_rdf_file(p).triples]
    inverse = backward_links(project).predicates
    by_subject: dict = defaultdict(list)
    linking_to: dict = defaultdict(list)  # node -> the reference triples linking to it along those predicates
    for path in project.reference_files():
        for t in parse_rdf_file(path).triples:
            by_subject[t.subject].append(t)
            if t.predicate.value in inverse:
                linking_to[t.object].append(t)
    return project, ontology, by_subject, linking_to, load_shapes(project), inverse


def _parsed(path: str) -> list[ox.Triple]:
    # Keyed on the file's size and modification time too: a process that builds twice (a test, a service) must
    # not validate a file as it was before it changed.
    stat = os.stat(path)
    return _parsed_version(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _parsed_version(path: str, _size: int, _mtime_ns: int) -> list[ox.Triple]:
    return parse_rdf_file(Path(path)).triples


def _validate_batch(job) -> dict[str, list[dict]]:
    root, build_dir, batch, lang = job
    project, ontology, reference_by_subject, reference_linking_to, shapes, inverse = _context(root, build_dir)
    data: list[ox.Triple] = []
    origin: dict[str, set[str]] = defaultdict(set)
    unit_of_subject: dict[str, set[str]] = defaultdict(set)
    needed: set[str] = set()
    for paths, needs, key in batch:
        needed.update(needs)
        for path in paths:
            name = Path(path).name
            for t in _parsed(path):
                data.append(t)
                origin[t.subject.value].add(name)
                unit_of_subject[t.subject.value].add(key)
    own = {t.subject for t in data}
    # Links into this batch along the predicates the shapes follow backward, from the reference data and from
    # the files the batch depends on.
    data += [t for node in own for t in reference_linking_to.get(node, ()) if t.subject not in own]
    by_subject = reference_by_subject
    if needed:
        by_subject = defaultdict(list, {k: list(v) for k, v in reference_by_subject.items()})
        for path in sorted(needed):
            for t in _parsed(path):
                by_subject[t.subject].append(t)
                if t.predicate.value in inverse and t.object in own and t.subject not in own:
                    data.append(t)
    whole = data + reachable_triples(data, by_subject) + ontology
    report = validate_triples(whole, project=project, lang=lang, context=DataContext(
        origin={k: tuple(sorted(v)) for k, v in origin.items()}, shapes=shapes))
    results: dict[str, list[dict]] = {key: [] for _, _, key in batch}
    for issue in report.issues:
        for key in unit_of_subject.get(issue.focus_node, ()):  # issues about other files belong to their own units
            results[key].append(asdict(issue))
    return results
