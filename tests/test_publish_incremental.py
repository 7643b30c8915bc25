"""`kg publish` again after a rebuild (issue 23): only the pages whose data changed are written, and the site is
byte for byte what a publish from nothing writes; an interrupted publish leaves nothing behind and the previous
site as it was.

A small copy of the project (the seeds, with Tokyo's part of the national list) is built and published for real.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import ROOT, minimal_strategy_plan, run_kg

ID = "https://w3id.org/jp-plan-kg/id/"
# Written anew by every publish, never the same twice: a workbook holds the time it was written. Everything else,
# VoID's partitions included (their nodes are named after what they partition by), is compared byte for byte.
NOT_BYTE_STABLE = re.compile(r"\.xlsx$")

KODAIRA_PLAN = minimal_strategy_plan("132110", "kodaira", "小平市")


def small_project(root: Path) -> Path:
    """The seeds with Tokyo's part of the national list (and the seeds' own municipalities): builds in seconds."""
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "queries", root / "queries")
    shutil.copytree(ROOT / "data" / "ttl", root / "data" / "ttl", ignore=shutil.ignore_patterns("reference"))
    data = root / "data" / "ttl"
    (data / "reference").mkdir()
    seeds = set(re.findall(r"<(municipality/[0-9]{6}|prefecture/[0-9]{2})>",
                           (data / "municipalities.ttl").read_text(encoding="utf-8")))

    def kept(iri: str) -> bool:
        local = iri.removeprefix(ID)
        return not local.startswith(("municipality/", "prefecture/")) or local in seeds \
            or local.startswith("municipality/13") or local == "prefecture/13"

    national = ox.parse(path=str(ROOT / "data/ttl/reference/local-governments.ttl"), format=ox.RdfFormat.TURTLE)
    (data / "reference" / "local-governments.ttl").write_bytes(
        ox.serialize([t for t in national if kept(t.subject.value)], format=ox.RdfFormat.N_TRIPLES))
    return root


def files_of(site: Path) -> dict[str, Path]:
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def assert_same_site(got: Path, expected: Path) -> None:
    got_files, expected_files = files_of(got), files_of(expected)
    assert sorted(got_files) == sorted(expected_files)
    differing = [name for name, path in got_files.items()
                 if not NOT_BYTE_STABLE.search(name) and path.read_bytes() != expected_files[name].read_bytes()]
    assert differing == []


def written(stderr: str) -> tuple[int, int, int]:
    found = re.search(r"(\d+) page\(s\) to write, (\d+) to remove, (\d+) kept", stderr)
    assert found, stderr
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def test_publish_after_a_change_writes_only_what_changed_and_equals_a_publish_from_nothing(tmp_path):
    root = small_project(tmp_path / "project")
    data = root / "data" / "ttl"
    build_dir, site = tmp_path / "build", tmp_path / "site"

    def publish(*extra: str, out: Path = site) -> subprocess.CompletedProcess:
        result = run_kg("publish", "--out", str(out), *extra, root=root, build_dir=build_dir, timeout=300)
        assert result.returncode == 0, result.stderr
        return result

    def build_and_publish() -> subprocess.CompletedProcess:
        built = run_kg("build", "-q", root=root, build_dir=build_dir)
        assert built.returncode == 0, built.stdout + built.stderr
        return publish()

    (data / "132110-kodaira-strategy.ttl").write_text(KODAIRA_PLAN, encoding="utf-8")
    first = build_and_publish()
    assert "pages for" in first.stderr      # nothing to start from: every page

    # One municipality's value changes, another municipality's plan goes away.
    strategy = next(p for p in sorted(data.glob("*-strategy.ttl")) if re.search(r"jpp:numericValue \d", p.read_text(encoding="utf-8")))
    text = strategy.read_text(encoding="utf-8")
    value = re.search(r"jpp:numericValue (\d+)", text)
    strategy.write_text(text[:value.start()] + f"jpp:numericValue {int(value.group(1)) + 1}" + text[value.end():],
                        encoding="utf-8")
    (data / "132110-kodaira-strategy.ttl").unlink()
    again = build_and_publish()
    pages, removed, kept = written(again.stderr)
    assert removed == 2 and 0 < pages < kept / 20, again.stderr   # the plan and its source document are gone
    assert not (site / "id/plan/132110/strategy.html").exists()
    publish("--full", out=tmp_path / "fresh")     # the same build, from nothing
    assert_same_site(site, tmp_path / "fresh")

    # The plan comes back: its pages are written, and the municipality's and Tokyo's pages that list it.
    (data / "132110-kodaira-strategy.ttl").write_text(KODAIRA_PLAN, encoding="utf-8")
    back = build_and_publish()
    pages, removed, _kept = written(back.stderr)
    assert removed == 0 and pages >= 4
    assert 'href="../plan/132110/strategy.html"' in (site / "id/municipality/132110.html").read_text(encoding="utf-8")
    shutil.rmtree(tmp_path / "fresh")
    publish("-q", out=tmp_path / "fresh")
    assert_same_site(site, tmp_path / "fresh")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="module")
def published(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("interrupted") / "site"
    result = run_kg("publish", "-q", "--out", str(out), build_dir=built.build_dir, timeout=300)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_publish_removes_its_work_and_workers_and_leaves_the_site_as_it_was(published, built, signum):
    before = {name: (p.stat().st_mtime_ns, p.stat().st_size) for name, p in files_of(published).items()}
    command = [sys.executable, "-m", "kg", "--build-dir", str(built.build_dir), "publish", "--full", "--workers", "2",
               "--out", str(published)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    lines = []
    for line in process.stderr:       # mid-publish: the workers are writing pages
        lines.append(line)
        if line.startswith("· pages for"):
            break
    deadline = time.monotonic() + 30
    while not _children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    workers = _children(process.pid)
    assert workers, "".join(lines)
    process.send_signal(signum)
    rest = process.stderr.read()
    assert process.wait(timeout=60) == 128 + signum
    assert "publish stopped" in rest and "as it was" in rest, rest
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
    assert [p.name for p in published.parent.iterdir() if ".partial-" in p.name] == []
    assert not list((built.build_dir / "publish-state").glob("*.partial-*"))
    after = {name: (p.stat().st_mtime_ns, p.stat().st_size) for name, p in files_of(published).items()}
    assert after == before


def test_pages_are_the_same_whoever_writes_them_and_a_large_dump_starts_the_workers_first(built, tmp_path,
                                                                                          monkeypatch):
    """Pages written by worker processes (each reading the build's dump into memory) are byte for byte those this
    process writes from the built store: blank nodes keep the dump's names. So are the answers, written by a worker.
    A large dump starts the workers before the pages are listed."""
    from kg.namespaces import BASE_IRI
    from kg.publish import page_phase
    from kg.publish.render import SiteRenderer
    from kg.publish.site import PublishOptions, publish_site

    alone = tmp_path / "alone"
    publish_site(built, out=alone, base_iri=BASE_IRI, options=PublishOptions(workers=1, incremental=False))

    events: list[str] = []
    pool_init, listing = page_phase.PagePool.__init__, SiteRenderer.resource_iris

    def noting_pool(self, *args, **kwargs):
        events.append("pool")
        pool_init(self, *args, **kwargs)

    def noting_listing(self):
        events.append("list")
        return listing(self)

    monkeypatch.setattr(page_phase, "LARGE_DUMP_BYTES", 0)   # the seeds' dump counts as large
    monkeypatch.setattr(page_phase.PagePool, "__init__", noting_pool)
    monkeypatch.setattr(SiteRenderer, "resource_iris", noting_listing)
    pooled, said = tmp_path / "pooled", []
    publish_site(built, out=pooled, base_iri=BASE_IRI, options=PublishOptions(workers=2, incremental=False),
                 progress=said.append)
    assert events == ["pool", "list"]       # one pool, started first
    # The answers and the Data Cube were written by a worker from its store in memory, and are those of the built
    # store (compared below with the rest of the site, the cube among the dumps).
    assert any("answers of the questions (CSV, XLSX) and the Data Cube by a page worker" in line for line in said), said
    assert len(list((pooled / "answers").glob("*.csv"))) >= 10
    assert any("_:" in p.read_text(encoding="utf-8") for p in (pooled / "id" / "source").glob("*.html"))
    assert_same_site(pooled, alone)


def test_a_data_cube_breaking_a_constraint_stops_the_publish_from_whichever_process_writes_it(tmp_path, monkeypatch):
    """The Data Cube is checked and written by the process that writes the answers (one of its own, or a page
    worker): a constraint it breaks there stops kg publish with the violation named and exit code 1, and nothing of
    the site is left behind."""
    from kg.project import default_project
    from kg.publish import page_phase
    from kg.publish.cube import CubeInvalid
    from kg.publish.site import PublishOptions, publish_site

    root = small_project(tmp_path / "project")
    structure = root / "ontology" / "cube.ttl"
    text = structure.read_text(encoding="utf-8")
    optional = "qb:componentProperty jpp:obsQualifier ; qb:componentRequired false"
    assert optional in text
    # A qualifier every observation must have: most have none (IC-13, required attributes).
    structure.write_text(text.replace(optional, optional.replace("false", "true")), encoding="utf-8")
    build_dir = tmp_path / "build"
    built = run_kg("build", "-q", root=root, build_dir=build_dir)
    assert built.returncode == 0, built.stdout + built.stderr

    site = tmp_path / "site"
    alone = run_kg("publish", "--out", str(site), root=root, build_dir=build_dir, timeout=300)
    assert "in a process of their own" in alone.stderr
    assert alone.returncode == 1, alone.stderr
    assert "IC-13" in alone.stderr and "/observation/" in alone.stderr and "ontology/cube.ttl" in alone.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "project"]   # no site, no unfinished one

    monkeypatch.setattr(page_phase, "LARGE_DUMP_BYTES", 0)   # a pool, whose worker writes the cube
    said: list[str] = []
    with pytest.raises(CubeInvalid) as error:
        publish_site(default_project(root=root, build_dir=build_dir), out=site, base_iri=ID.removesuffix("id/"),
                     options=PublishOptions(workers=2, incremental=False), progress=said.append)
    assert any("by a page worker" in line for line in said), said
    assert error.value.exit_code == 1 and [v.constraint for v in error.value.violations] == ["IC-13"]
    assert "ontology/cube.ttl" in error.value.hint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "project"]
