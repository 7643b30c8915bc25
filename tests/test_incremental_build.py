"""A rebuild that reuses the previous build writes exactly what a build from nothing writes for the same files:
the same dump byte for byte, the same quads in every graph, the same manifest (tests for kg.build.incremental)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.full import build
from kg.build.result import BuildInvalid
from kg.build.store import current_build
from kg.project import Project

from conftest import ROOT

CODE = "011002"  # 札幌市: the generated nation starts with the first municipality of the national list


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("incremental") / "nation"
    subprocess.run([sys.executable, str(ROOT / "bench" / "national.py"), "-n", "5", "--seed", "3", "--out", str(out),
                    "--quiet"], check=True, timeout=120)
    return out


@pytest.fixture()
def nation(generated, tmp_path):
    """A fresh copy of the generated data, built from nothing with the rules closure (as at national scale)."""
    root = tmp_path / "nation"
    shutil.copytree(generated, root, ignore=shutil.ignore_patterns("build"))
    # Files untouched for an hour: a rebuild trusts their size and time instead of hashing them again, and must
    # still see the ones a test edits.
    hour_ago = time.time() - 3600
    for path in root.rglob("*.ttl"):
        os.utime(path, (hour_ago, hour_ago))
    project = Project(root=root, build_dir=root / "build")
    build(project, closure="rules", full=True)
    return project


def rebuilt_and_from_nothing(project: Project) -> tuple[Path, Path]:
    lines: list[str] = []
    result = build(project, closure="rules", progress=lines.append)
    assert result.rebuilt_files is not None, lines  # the previous build was reused
    reference = Project(root=project.root, build_dir=project.root / "reference-build")
    build(reference, closure="rules", full=True)
    return current_build(project).root, current_build(reference).root


def assert_same_build(incremental: Path, scratch: Path) -> None:
    assert (incremental / "dataset.nq").read_bytes() == (scratch / "dataset.nq").read_bytes()
    manifests = [json.loads((folder / "manifest.json").read_text(encoding="utf-8")) for folder in (incremental, scratch)]
    for manifest in manifests:
        del manifest["built"], manifest["files_checked_ns"]
    assert manifests[0] == manifests[1]
    stores = [ox.Store.read_only(str(folder / "store")) for folder in (incremental, scratch)]
    assert set(stores[0]) == set(stores[1])
    assert set(stores[0].named_graphs()) == set(stores[1].named_graphs())  # no emptied graph left behind


def edit(project: Project, name: str, change) -> None:
    path = project.data_dir / name
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def plan_file(project: Project, kind: str = "comprehensive-plan") -> str:
    return next(p.name for p in sorted(project.data_dir.glob(f"{CODE}-*-{kind}.ttl")))


def test_one_value_changed(nation):
    edit(nation, plan_file(nation), lambda t: t.replace("jpp:startFiscalYear 20", "jpp:startFiscalYear 19", 1))
    assert_same_build(*rebuilt_and_from_nothing(nation))


def test_nothing_changed(nation):
    assert_same_build(*rebuilt_and_from_nothing(nation))


def test_an_entailed_type_stated_and_a_stated_type_left_to_entailment(nation):
    """A triple a file now states leaves the inferred graph holding it; one it stops stating (still entailed
    by another triple) moves into an inferred graph."""
    def change(text):
        text = re.sub(r"(<plan/\d+/comprehensive-plan-\d+/goal-1>\n    a jpp:Pillar) ;", r"\1 , jpp:Goal ;", text, count=1)
        return text.replace("    a jpp:ComprehensivePlan ;\n", "    a jpp:ComprehensivePlan , jpp:Plan ;\n", 1)
    edit(nation, plan_file(nation), change)
    assert_same_build(*rebuilt_and_from_nothing(nation))
    edit(nation, plan_file(nation), lambda t: t.replace("    a jpp:ComprehensivePlan , jpp:Plan ;\n",
                                                          "    a jpp:ComprehensivePlan ;\n", 1))
    assert_same_build(*rebuilt_and_from_nothing(nation))


def test_a_shared_entailment_moves_to_the_residual_and_back(nation):
    """The first plan file stops stating a plan status: what the range of jpp:planStatus entails about the status
    concept (stated in no data file) must still come from the other plans using it, and come back after."""
    first = plan_file(nation)
    text = (nation.data_dir / first).read_text(encoding="utf-8")
    status = re.search(r"\n    jpp:planStatus ps:\w+ ;", text)
    assert status
    edit(nation, first, lambda t: t.replace(status.group(0), "", 1))
    lines: list[str] = []
    assert build(nation, closure="rules", progress=lines.append).rebuilt_files == 1, lines
    assert_same_build(*rebuilt_and_from_nothing(nation))
    edit(nation, first, lambda t: t if status.group(0) in t else text)
    assert_same_build(*rebuilt_and_from_nothing(nation))


def test_a_file_removed_and_added_back(nation):
    strategy = nation.data_dir / plan_file(nation, "strategy")
    classification = nation.data_dir / "classification" / strategy.name
    kept = {p: p.read_bytes() for p in (strategy, classification)}
    for path in kept:
        path.unlink()
    assert_same_build(*rebuilt_and_from_nothing(nation))
    for path, data in kept.items():
        path.write_bytes(data)
    assert_same_build(*rebuilt_and_from_nothing(nation))


def test_a_change_that_breaks_a_citing_file_fails_and_leaves_the_build(nation):
    before = current_build(nation).root
    # The strategy cites measures of the comprehensive plan: a cited measure becomes a goal.
    edit(nation, plan_file(nation), lambda t: re.sub(r"(/measure-1-1>\n    a )jpp:Measure ;", r"\1jpp:Goal ;", t, count=1))
    lines: list[str] = []
    with pytest.raises(BuildInvalid) as failed:
        build(nation, closure="rules", progress=lines.append)
    assert any(line.startswith("rebuild:") for line in lines), lines
    assert any("strategy" in "".join(issue.files) for issue in failed.value.report.issues)
    assert current_build(nation).root == before


def test_shapes_following_another_link_backward_build_from_nothing(nation):
    """Which files a file's validation depends on follows the shapes' inverse paths: a new one rebuilds all."""
    shapes = nation.shape_files()[0]
    shapes.write_text(shapes.read_text(encoding="utf-8") + """
<urn:test:shape> a sh:NodeShape ; sh:targetClass jpp:Municipality ;
    sh:property [ sh:path [ sh:inversePath jpp:municipality ] ; sh:minCount 0 ] .
""", encoding="utf-8")
    lines: list[str] = []
    assert build(nation, closure="rules", progress=lines.append).rebuilt_files is None
    assert "rebuild from nothing: the shapes follow other links backward" in lines


def test_a_syntax_error_in_a_changed_file_names_its_line_and_leaves_the_build(nation):
    from kg.errors import RdfSyntaxError

    before = current_build(nation).root
    name = plan_file(nation)
    edit(nation, name, lambda t: t.replace("    a jpp:ComprehensivePlan ;", "    a jpp:ComprehensivePlan ;;; <", 1))
    with pytest.raises(RdfSyntaxError) as failed:
        build(nation, closure="rules")
    assert name in str(failed.value) and re.search(r":\d+", str(failed.value)), str(failed.value)
    assert current_build(nation).root == before
    assert not list((nation.build_dir / "builds").glob("*.partial"))  # nothing half-written either


def test_the_ontology_changed_builds_from_nothing(nation):
    ontology = nation.ontology_files()[0]
    ontology.write_text(ontology.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert build(nation, closure="rules").rebuilt_files is None
