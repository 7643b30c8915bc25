"""`kg publish`: the built store as a static site — pages, per-resource RDF, charts, dumps, VoID/DCAT, server rules.

The site is written into a fresh folder beside the target and moved into place at the end, so a failed publish
never leaves half a site; an existing target is replaced only if an earlier `kg publish` wrote it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from ..build.faults import fault_kind
from ..build.manifest import BuildManifest, read_manifest_file
from ..build.store import BuildPaths, lease_current_build
from ..errors import KgError
from ..namespaces import DCTERMS
from ..project import Project
from ..query.catalogue import catalogue
from ..rdf.files import parse_rdf_file
from . import descriptions, hosting, locations
from . import incremental as incremental_state
from .answers import AnswersElsewhere
from .dumps import DumpSet, write_dumps
from .page_phase import PagePhase, default_workers
from .render import SiteRenderer
from .workers import PageSettings

MARKER = ".kg-publish.json"


@dataclass(frozen=True)
class PublishResult:
    out: Path
    pages: int
    charts: int
    skipped: list[str]          # resources of our namespace whose IRI cannot be a file name
    triples: int
    dumps: DumpSet
    seconds: float


def normalize_base(base_iri: str) -> str:
    parts = urlsplit(base_iri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise KgError(f"--base-iri {base_iri!r} is not an http(s) address of a folder",
                      hint="give where the site will be hosted, e.g. https://example.org/jp-plan-kg/")
    base = base_iri if base_iri.endswith("/") else base_iri + "/"
    try:
        hosting.base_path(base)
    except ValueError as exc:
        raise KgError(str(exc), hint="choose a base path of plain characters, e.g. /jp-plan-kg/") from None
    return base


def check_endpoint(endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if locations.safe_external_href(endpoint) is None:
        raise KgError(f"--sparql-endpoint {endpoint!r} is not an http(s) URL", hint="e.g. https://example.org/sparql")
    return endpoint


@dataclass(frozen=True)
class PublishOptions:
    workers: int | None = None     # processes writing pages (None: one per core)
    incremental: bool = True       # keep the previous site's pages whose data did not change; False: write all


@dataclass(frozen=True)
class _Job:
    project: Project
    site: Path                     # the folder being written
    out: Path                      # where it goes
    build: BuildPaths
    manifest: BuildManifest
    state: Path                    # the state of the site in `out` (kg.publish.incremental)
    state_staging: Path
    say: Callable[[str], None]
    options: PublishOptions


def publish_site(project: Project, *, out: Path, base_iri: str, sparql_endpoint: str | None = None,
                 progress: Callable[[str], None] | None = None,
                 options: PublishOptions = PublishOptions()) -> PublishResult:
    """Write the site into `out` (see PublishOptions)."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    base = normalize_base(base_iri)
    endpoint = check_endpoint(sparql_endpoint)
    # Leased: a `kg build` meanwhile (a national site takes minutes) must not prune the build being published.
    build, lease = lease_current_build(project, holder="kg publish")
    try:
        manifest = read_manifest_file(build.manifest)
        if manifest is None:
            raise KgError(f"the build in {build.root} was made by another version of kg", hint="run `kg build --full`")
        out = Path(out).resolve()
        _check_target(out)
        _remove_dead_stagings(out)
        _remove_dead_stagings(incremental_state.state_folder(project.build_dir, out))
        staging = out.with_name(f".{out.name}.partial-{os.getpid()}")
        state = incremental_state.state_folder(project.build_dir, out)
        state_staging = state.with_name(f"{state.name}.partial-{os.getpid()}")
        try:
            # SIGINT and SIGTERM stop it alike: the unfinished site and the workers are removed then too.
            with _signals_as_interrupt() as caught:
                try:
                    for folder in (staging, state_staging):
                        if folder.exists():
                            shutil.rmtree(folder)
                    staging.mkdir(parents=True)
                    job = _Job(project, staging, out, build, manifest, state, state_staging, say, options)
                    result = _write_site(job, publication=descriptions.Publication(base, endpoint))
                    if out.exists():   # said: removing a national site's million files takes minutes of its own
                        say("the new site in place of the previous one, which is removed")
                    _move_into_place(staging, out)
                    _move_into_place(state_staging, state)
                except KeyboardInterrupt:
                    raise PublishInterrupted(caught.get("signal", signal.SIGINT), out) from None
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(state_staging, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _write_fault(exc, out) from None
            raise
    finally:
        if lease is not None:
            lease.release()
    pages, charts, skipped, triples, dumps = result
    return PublishResult(out=out, pages=pages, charts=charts, skipped=skipped, triples=triples, dumps=dumps,
                         seconds=time.perf_counter() - started)


class PublishInterrupted(KgError):
    """Stopped by Ctrl-C or SIGTERM: nothing half-written is left, the previous site is as it was."""

    def __init__(self, signum: int, out: Path):
        name = signal.Signals(signum).name
        super().__init__(f"publish stopped ({name}): the unfinished site and its workers were removed; "
                         f"{out} is as it was before / 公開を中断しました。書きかけのサイトは消しました。前のサイトはそのままです")
        self.exit_code = 128 + signum


@contextlib.contextmanager
def _signals_as_interrupt():
    """SIGINT and SIGTERM raise KeyboardInterrupt meanwhile, noting which came. Outside the main thread (a server
    publishing) signals are left alone."""
    caught: dict[str, int] = {}

    def interrupt(signum, _frame):
        caught["signal"] = signum
        raise KeyboardInterrupt

    previous = {}
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, interrupt)
    except ValueError:
        pass
    try:
        yield caught
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise KgError(f"{out} is a file", hint="give a folder for --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise KgError(f"{out} is not empty and was not written by kg publish; nothing was changed",
                      hint="choose a new or empty folder for --out (kg publish replaces only its own earlier output)")


def _write_fault(exc: OSError, out: Path) -> KgError:
    """A site that could not be written, in a sentence (both languages: the command has no --lang)."""
    where = exc.filename or out
    kind = fault_kind(exc)
    ja, en = {"space": ("ディスクに空きがありません", "the disk is full"),
              "permission": ("書き込む権限がありません", "no permission to write there")}.get(
        kind, (exc.strerror or str(exc), exc.strerror or str(exc)))
    return KgError(f"サイトを書き込めません（{where}）：{ja}。書きかけのサイトは消しました。前のサイトはそのままです。\n"
                   f"the site could not be written ({where}): {en}. The unfinished site was removed; the previous "
                   "site, if any, is unchanged.")


def _remove_dead_stagings(out: Path) -> None:
    """Remove the unfinished sites of publishes that were killed (their process is gone)."""
    for staging in [*out.parent.glob(f".{out.name}.partial-*"), *out.parent.glob(f"{out.name}.partial-*")]:
        pid = staging.name.rpartition("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _move_into_place(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def _write_site(job: _Job, *, publication: descriptions.Publication):
    """Every file of the site, and the state the next publish starts from; `publication` has the base and
    endpoint, its dates are filled in here."""
    base, endpoint = publication.base, publication.sparql_endpoint
    project, site, build, manifest, say = job.project, job.site, job.build, job.manifest, job.say
    store = ox.Store.read_only(str(build.store))
    shape_files = [str(f) for f in project.shape_files()]
    shapes = [t for f in shape_files for t in parse_rdf_file(Path(f)).triples]
    renderer = SiteRenderer(store, base=base, manifest=manifest, sparql_endpoint=endpoint, shapes=shapes)
    print_ = incremental_state.fingerprint(base=base, endpoint=endpoint, shapes=shapes)
    previous = None
    if job.options.incremental:
        previous = incremental_state.read_state(job.state, marker=_marker(job.out))
        if previous is not None and previous.fingerprint != print_:
            say("kg, the base, the endpoint or the shapes changed since the site was published: every page is written")
            previous = None
    settings = PageSettings(store=str(build.store), manifest=str(build.manifest), shape_files=tuple(shape_files),
                            base=base, sparql_endpoint=endpoint, site=str(site), replace=False,
                            dataset=str(build.dataset))
    phase = PagePhase(renderer, settings, build=build, previous=(previous, job.out) if previous else None,
                      workers=job.options.workers or default_workers(), say=say)
    try:
        phase.start(answers_of=project)
        # Meanwhile (the workers write the pages) this process writes the rest.
        triples, dumps = _write_documents(job, store, renderer, phase, publication=publication)
        phase.finish()
    finally:
        phase.stop()
    incremental_state.write_state(job.state_staging, fingerprint_=print_, build=build, graphs=phase.graphs,
                                  skipped=phase.skipped, pages=phase.table)
    (site / MARKER).write_text(json.dumps({"base_iri": base, "build": str(build.root.name), "built": manifest.built,
                                           "state": incremental_state.state_id(print_, build.root.name)}, indent=1),
                               encoding="utf-8")
    return len(phase.pages), phase.charts, phase.skipped, triples, dumps


def _marker(out: Path) -> dict | None:
    try:
        return json.loads((out / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_documents(job: _Job, store: ox.Store, renderer: SiteRenderer, phase: PagePhase, *,
                     publication: descriptions.Publication):
    """The site but its resource pages (`phase` writes them): documents, dumps, answers, descriptions, indexes,
    server rules."""
    iris = phase.pages
    base = publication.base
    project, site, manifest, say = job.project, job.site, job.manifest, job.say
    say("ontology, vocabularies and shapes")
    _write(site / "ontology.html", renderer.ontology_page())
    _write(site / "shapes.html", renderer.shapes_page())
    for fmt in locations.RDF_SUFFIXES:
        _write(site / f"ontology.{fmt}", renderer.ontology_rdf(fmt))
        _write(site / f"shapes.{fmt}", renderer.shapes_rdf(fmt))

    # The answers are written by a page worker when there are workers, else by a process of their own.
    say("dumps; the answers of the questions (CSV, XLSX) and the Data Cube " +
        ("by a page worker" if phase.answers else "in a process of their own"))
    answering = phase.answers or AnswersElsewhere(project, job.build.store, job.build.manifest, site,
                                                     dataset=job.build.dataset)
    try:
        dumps = write_dumps(store, site, manifest=manifest)   # with VoID's counts
        written = answering.result(say)
    finally:
        answering.stop()
    dumps.cube, dumps.observations = written.cube, written.observations
    triples = dumps.subset("all").triples
    renderer.questions = catalogue(project.queries_dir)
    renderer.answer_files = _answer_files(written.answers)

    say("VoID and DCAT")
    publication = replace(publication, modified=descriptions.xsd_datetime(manifest.built),
                          issued=_ontology_created(renderer))
    examples = [i for i in iris if i.startswith(locations.BASE_IRI + "id/municipality/")][:1] + \
               [i for i in iris if i.startswith(locations.BASE_IRI + "id/plan/") and i.count("/") == 7][:1]
    void = descriptions.turtle(descriptions.void_description(dumps, publication, example_resources=examples))
    _write(site / "void.ttl", void)
    _write(site / ".well-known" / "void", void)
    _write(site / "dcat.ttl", descriptions.turtle(descriptions.dcat_description(dumps, publication)))

    say("home page, coverage, downloads, server rules")
    _write(site / "index.html", renderer.home_page(triples=triples))
    _write(site / "coverage.html", renderer.coverage_page())
    _write(site / "404.html", renderer.not_found_page())
    w3id = hosting.w3id_htaccess(base)
    _write(site / "data.html", renderer.data_page(dumps, w3id_config=w3id is not None))
    _write(site / ".htaccess", hosting.apache_htaccess(base))
    _write(site / ".nojekyll", "")  # GitHub Pages would otherwise drop .well-known/ (folders starting with a dot)
    _write(site / "hosting" / "nginx.conf", hosting.nginx_config(base))
    if w3id:
        _write(site / "hosting" / "w3id.htaccess", w3id)
    static = resources.files("kg.publish") / "static"
    for item in static.iterdir():
        if item.is_file():
            _write(site / "static" / item.name, item.read_bytes())
    return triples, dumps


def _answer_files(paths: list[str]) -> dict[str, dict[str, str]]:
    """{question: {format: site-relative path}} of the answers written (answers/13-plans-in-force.csv …)."""
    files: dict[str, dict[str, str]] = {}
    for path in paths:
        name, _, fmt = path.rsplit("/", 1)[-1].rpartition(".")
        files.setdefault(name, {})[fmt] = path
    return files


def _ontology_created(renderer: SiteRenderer) -> ox.Literal | None:
    for value in renderer.view.objects(locations.ONTOLOGY_IRI, DCTERMS + "created"):
        if isinstance(value, ox.Literal):
            return value
    return None
