"""The progress questions (17, 18) answer on a real Virtuoso as on the embedded store, on data that answers them.

The seeds report no achieved values, so the seed build leaves question 17 empty (tests/test_virtuoso_equivalence.py
checks that both say so). Here a copy of the project holds also the monitored plan of the shapes' fixtures (a KPI with
a baseline, three graded achieved values and a target; a target without baseline; a direction-only target), is built
for real and pushed to Virtuoso.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.project import default_project
from kg.query import BuiltStore, ask
from kg.query.compare import multiset_difference, rows_as_values

from conftest import run_kg
from rebuild_support import project_copy
from virtuoso_session import endpoint_holding, session_virtuoso

pytestmark = pytest.mark.virtuoso

MONITORED = Path(__file__).parent / "shapes" / "valid" / "kpi-monitored-over-the-years.ttl"


@pytest.fixture(scope="session")
def virtuoso(request, tmp_path_factory):
    return session_virtuoso(request, tmp_path_factory)


@pytest.fixture(scope="module")
def monitored(tmp_path_factory):
    root = project_copy(tmp_path_factory.mktemp("monitored") / "project")
    shutil.copy(MONITORED, root / "data" / "ttl" / "132055-monitoring-example.ttl")
    build_dir = root / "build"
    result = run_kg("build", "--closure", "rules", "--quiet", root=root, build_dir=build_dir, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return default_project(root=root, build_dir=build_dir)


@pytest.fixture(scope="module")
def endpoint(virtuoso, monitored) -> str:
    return endpoint_holding(virtuoso, monitored)


@pytest.mark.parametrize("name", ["17-kpi-progress", "18-progress-by-city"])
def test_progress_answers_as_locally(monitored, endpoint, name):
    local = ask(name, {}, store=BuiltStore.open(monitored))
    remote = ask(name, {}, endpoint=endpoint, project=monitored)
    assert remote.variables == local.variables
    rows = rows_as_values(local.rows, local.variables)
    assert any("観光入込客数" in map(str, row) or "青梅市" in map(str, row) for row in rows), rows
    only_remote, only_local = multiset_difference(rows_as_values(remote.rows, local.variables), rows)
    assert not only_remote and not only_local, f"only on Virtuoso: {only_remote}\nonly locally: {only_local}"


def test_the_monitored_kpi_progress_locally(monitored):
    rows = {str(r["kpi"].value): r for r in ask("17-kpi-progress", {}, store=BuiltStore.open(monitored)).rows}
    visitors = rows["観光入込客数"]   # 100,000 → 121,000 (A) of 120,000: passed
    assert float(visitors["progress"].value) == 1.05 and visitors["status"].value == "達成"
    assert visitors["evaluation"].value == "A" and int(visitors["achievedYear"].value) == 2025
