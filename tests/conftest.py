"""Shared fixtures: one real build of the project's data per test session, in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from kg.build.full import build
from kg.build.manifest import BuildManifest, DumpSection, FileState, GraphRecord
from kg.build.store import open_store
from kg.namespaces import GRAPH
from kg.project import Project, default_project

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Project:
    return default_project(root=ROOT, build_dir=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built(project) -> Project:
    build(project)
    return project


@pytest.fixture(scope="session")
def store(built):
    return open_store(built)


def run_kg(*args: str, build_dir: Path | None = None, root: Path | None = None, stdin: str | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command, in a fresh process, as a user runs it."""
    command = [sys.executable, "-m", "kg"]
    if root is not None:
        command += ["--root", str(root)]
    if build_dir is not None:
        command += ["--build-dir", str(build_dir)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(command + list(args), capture_output=True, text=True, input=stdin, timeout=timeout, env=env)


T = TypeVar("T")


def wait_until(condition: Callable[[], T], *, timeout: float = 10.0, what: str | Callable[[], str] = "the condition",
               interval: float = 0.05) -> T:
    """Wait for something observable (a log line, a process's exit, a port, a file, a server's answer) instead of
    sleeping for a guessed time: call `condition` until it returns a true value, and return that value. After
    `timeout` seconds the test fails, saying what it waited for (`what`: a text, or a function giving one, e.g.
    the end of a log, called only then)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"waited {timeout:g} s for {what() if callable(what) else what}, in vain")
        time.sleep(interval)  # the polling interval only: nothing is assumed to have happened after it


def require(condition: bool, reason: str) -> None:
    """Skip a test that needs a real server or browser, visibly; in CI (CI=true) a missing part is a failure."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} — CI installs it (.ci/run), so this must not be missing here")
    pytest.skip(reason)


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium, never a browser it downloads (shared/TESTING.md)."""
    require(Path(CHROMIUM).is_file(), f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--disable-dev-shm-usage"]}


def manifest_of(graphs: dict[str, int], *, inferred_graph: str = GRAPH + "test-hand-made/inferred") -> BuildManifest:
    """The manifest of a build made by hand in a test: these graphs (IRI -> triples), and nothing inferred (an
    empty residual graph, listed as every build lists it, under the test's own name so as not to touch the real
    one on a shared server)."""
    records = tuple(GraphRecord(iri=iri, file=f"data/ttl/hand-made-{i}.ttl", kind="data", triples=count,
                                state=FileState("0" * 64, 0, 0), dump=DumpSection(0, 0))
                    for i, (iri, count) in enumerate(graphs.items()))
    return BuildManifest(built="2026-01-01T00:00:00+0000", files_checked_ns=0, closure="none", closure_used="none",
                         graphs=records, inferred_graph_triples=0, inferred_graph_dump=DumpSection(0, 0),
                         schema_files=(), inverse_predicates=(), inferred_graph=inferred_graph)


def minimal_strategy_plan(code: str, romaji: str, city: str) -> str:
    """The smallest valid plan file of a municipality not in the seeds: its strategy and the source document, as a
    test adds one to a copy of the project (no goals: enough for pages, counts and republishing)."""
    title = f"{city}まち・ひと・しごと創生総合戦略"
    return f"""@prefix jpp:     <https://w3id.org/jp-plan-kg/ontology#> .
@base <https://w3id.org/jp-plan-kg/id/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix cm:      <https://w3id.org/jp-plan-kg/vocab/completeness/> .

<source/{code}-{romaji}-strategy> a jpp:SourceDocument ;
    rdfs:label "{title}"@ja ;
    dcterms:title "{title}"@ja ;
    jpp:completeness cm:complete ;
    dcterms:publisher <municipality/{code}> ;
    jpp:municipality <municipality/{code}> .

<plan/{code}/strategy> a jpp:DigitalGardenCityStrategy ;
    dcterms:title "{title}"@ja ;
    rdfs:label "{title}"@ja ;
    dcterms:publisher <municipality/{code}> ;
    jpp:municipality <municipality/{code}> ;
    prov:wasDerivedFrom <source/{code}-{romaji}-strategy> .
"""
