"""`kg publish`: the built store as a static site — pages, per-resource RDF, charts, dumps, VoID/DCAT, server rules.

The site is written into a fresh folder beside the target and moved into place at the end, so a failed publish
never leaves half a site; an existing target is replaced only if an earlier `kg publish` wrote it.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from ..build.faults import fault_kind, sigterm_as_interrupt
from ..build.manifest import BuildManifest, read_manifest_file
from ..build.store import BuildPaths, lease_current_build
from ..errors import KgError
from ..namespaces import DCTERMS
from ..project import Project
from ..rdf.files import parse_rdf_file
from . import descriptions, hosting, locations
from .charts import is_indicator
from .dumps import DumpSet, write_dumps
from .render import SiteRenderer

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


def publish_site(project: Project, *, out: Path, base_iri: str, sparql_endpoint: str | None = None,
                 progress: Callable[[str], None] | None = None) -> PublishResult:
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
        staging = out.with_name(f".{out.name}.partial-{os.getpid()}")
        try:
            # SIGTERM stops it as Ctrl-C does: the unfinished site is removed then too.
            with sigterm_as_interrupt():
                if staging.exists():
                    shutil.rmtree(staging)
                staging.mkdir(parents=True)
                result = _write_site(project, staging, build, manifest,
                                     publication=descriptions.Publication(base, endpoint), say=say)
                (staging / MARKER).write_text(json.dumps({"base_iri": base, "build": str(build.root.name),
                                                          "built": manifest.built}, indent=1), encoding="utf-8")
                _move_into_place(staging, out)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _write_fault(exc, out) from None
            raise
    finally:
        if lease is not None:
            lease.release()
    pages, charts, skipped, triples, dumps = result
    return PublishResult(out=out, pages=pages, charts=charts, skipped=skipped, triples=triples, dumps=dumps,
                         seconds=time.perf_counter() - started)


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
    for staging in out.parent.glob(f".{out.name}.partial-*"):
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


class _ResourceFiles:
    """Writes the four to five files of every resource page, making each folder once (the 1,741 municipalities
    share one folder; a mkdir per file was a system call per file for nothing). A failed write fails the publish."""

    def __init__(self):
        self._folders: set[Path] = set()

    def write(self, path: Path, data: str | bytes) -> None:
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _write_site(project: Project, site: Path, build: BuildPaths, manifest: BuildManifest, *,
                publication: descriptions.Publication, say: Callable[[str], None]):
    """Every file of the site; `publication` has the base and endpoint, its dates are filled in here."""
    base, endpoint = publication.base, publication.sparql_endpoint
    store = ox.Store.read_only(str(build.store))
    shapes = [t for f in project.shape_files() for t in parse_rdf_file(f).triples]
    renderer = SiteRenderer(store, base=base, manifest=manifest, sparql_endpoint=endpoint, shapes=shapes)

    iris, skipped = renderer.resource_iris()
    say(f"pages for {len(iris)} resources")
    charts = 0
    files = _ResourceFiles()
    for iri in iris:
        page = renderer.view.page_of(iri)
        stem = page.removesuffix(".html")
        files.write(site / page, renderer.resource_page(iri))
        for fmt in locations.RDF_SUFFIXES:
            files.write(site / f"{stem}.{fmt}", renderer.resource_rdf(iri, fmt))
        svg = renderer.indicator_svg(iri) if is_indicator(renderer.view, iri) else None
        if svg:
            files.write(site / f"{stem}.svg", svg)
            charts += 1

    say("ontology, vocabularies and shapes")
    _write(site / "ontology.html", renderer.ontology_page())
    _write(site / "shapes.html", renderer.shapes_page())
    for fmt in locations.RDF_SUFFIXES:
        _write(site / f"ontology.{fmt}", renderer.ontology_rdf(fmt))
        _write(site / f"shapes.{fmt}", renderer.shapes_rdf(fmt))

    say("dumps")
    dumps = write_dumps(store, site, manifest=manifest)
    triples = dumps.subset("all").triples

    say("VoID and DCAT")
    publication = replace(publication, modified=descriptions.xsd_datetime(manifest.built),
                          issued=_ontology_created(renderer))
    examples = [i for i in iris if i.startswith(locations.BASE_IRI + "id/municipality/")][:1] + \
               [i for i in iris if i.startswith(locations.BASE_IRI + "id/plan/") and i.count("/") == 7][:1]
    void = descriptions.turtle(descriptions.void_description(store, dumps, publication, example_resources=examples))
    _write(site / "void.ttl", void)
    _write(site / ".well-known" / "void", void)
    _write(site / "dcat.ttl", descriptions.turtle(descriptions.dcat_description(dumps, publication)))

    say("home page, coverage, downloads, server rules")
    _write(site / "index.html", renderer.home_page(triples=triples))
    _write(site / "coverage.html", renderer.coverage_page())
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
    return len(iris), charts, skipped, triples, dumps


def _ontology_created(renderer: SiteRenderer) -> ox.Literal | None:
    for value in renderer.view.objects(locations.ONTOLOGY_IRI, DCTERMS + "created"):
        if isinstance(value, ox.Literal):
            return value
    return None
