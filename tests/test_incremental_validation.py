"""kg build validates file by file and reuses results, yet sees links between files: a strategy that cites a
comprehensive plan's measure stated in another file validates, and is validated again when that file changes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT, run_kg

CITED = "<plan/012017/comprehensive-plan-5/measure-4-1>"
REFERENCE = "https://w3id.org/jp-plan-kg/id/plan/012017/strategy-3/goal-1/direction-1/ref-1"


@pytest.fixture()
def nation(tmp_path):
    """Two generated municipalities: each strategy cites measures stated only in its comprehensive plan's file."""
    out = tmp_path / "nation"
    subprocess.run([sys.executable, str(ROOT / "bench" / "national.py"), "-n", "2", "--seed", "1", "--out", str(out),
                    "--quiet"], check=True, timeout=120)
    return out


def validated(stderr: str) -> tuple[int, int]:
    found = re.search(r"validate (\d+) of (\d+) file group", stderr)
    assert found, stderr
    return int(found.group(1)), int(found.group(2))


def test_a_citation_into_another_file_validates_and_follows_that_file(nation):
    first = run_kg("build", root=nation)
    assert first.returncode == 0, first.stderr  # the cited measure is found in the other file
    done, total = validated(first.stderr)
    assert done == total

    again = run_kg("build", root=nation)
    assert again.returncode == 0, again.stderr
    assert validated(again.stderr)[0] == 0  # nothing changed: every result reused

    current = (nation / "build" / "current").resolve()
    # The cited measure becomes a goal in the comprehensive plan's file; the strategy's file is untouched.
    plan = nation / "data" / "ttl" / "012017-minamiki-comprehensive-plan.ttl"
    text = plan.read_text(encoding="utf-8")
    assert f"{CITED}\n    a jpp:Measure ;" in text
    plan.write_text(text.replace(f"{CITED}\n    a jpp:Measure ;", f"{CITED}\n    a jpp:Goal ;"), encoding="utf-8")

    changed = run_kg("build", root=nation)
    assert changed.returncode == 1, changed.stderr
    # Revalidated: the changed file and the files whose links reach it (its classification, the strategy citing
    # it and the strategy's classification); the other municipality's four files and the reference data reused.
    assert validated(changed.stderr) == (4, total)
    assert REFERENCE in changed.stderr + changed.stdout
    assert "012017-minamiki-strategy.ttl" in changed.stderr + changed.stdout
    assert (nation / "build" / "current").resolve() == current  # the failed build left the previous one current
