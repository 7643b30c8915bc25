"""kg build validates file by file and reuses results, yet sees links between files: a strategy that cites a
comprehensive plan's measure stated in another file validates, and is validated again when that file changes."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT, run_kg

ID = "https://w3id.org/jp-plan-kg/id/"


def first_citation(nation) -> tuple[str, str, str, str]:
    """(the strategy's file name, its first measure reference, the measure it cites, the comprehensive plan's file
    stating that measure): the generated nation names its municipalities after the national list."""
    strategy = sorted((nation / "data" / "ttl").glob("*-strategy.ttl"))[0]
    found = re.search(r"^<(plan/[^>]+/ref-1)>\n    a jpp:MeasureReference ;.*?jpp:referencedMeasure (<[^>]+>)",
                      strategy.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    plan = strategy.with_name(strategy.name.replace("-strategy.ttl", "-comprehensive-plan.ttl"))
    return strategy.name, ID + found.group(1), found.group(2), plan.name


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
    strategy, reference, cited, plan_name = first_citation(nation)
    plan = nation / "data" / "ttl" / plan_name
    text = plan.read_text(encoding="utf-8")
    assert f"{cited}\n    a jpp:Measure ;" in text
    plan.write_text(text.replace(f"{cited}\n    a jpp:Measure ;", f"{cited}\n    a jpp:Goal ;"), encoding="utf-8")

    changed = run_kg("build", root=nation)
    assert changed.returncode == 1, changed.stderr
    # Revalidated: the changed file and the files whose links reach it (its classification, the strategy citing
    # it and the strategy's classification); the other municipality's four files and the reference data reused.
    assert validated(changed.stderr) == (4, total)
    assert reference in changed.stderr + changed.stdout
    assert strategy in changed.stderr + changed.stdout
    assert (nation / "build" / "current").resolve() == current  # the failed build left the previous one current


SHAPES_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/shapes> a owl:Ontology ;
    sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""
PREFIX = "@prefix ex: <http://example.org/> .\n"


def small_project(tmp_path, select: str, files: dict[str, str]):
    """A project of one SPARQL-constrained shape on ex:Measure and the given data files."""
    from kg.project import default_project

    (tmp_path / "ontology" / "shapes").mkdir(parents=True)
    (tmp_path / "data" / "ttl").mkdir(parents=True)
    (tmp_path / "ontology" / "shapes" / "shapes.ttl").write_text(
        SHAPES_HEAD + 'ex:MeasureShape a sh:NodeShape ; sh:targetClass ex:Measure ; sh:message "wrong"@en ;\n'
        f'    sh:sparql [ sh:prefixes <http://example.org/shapes> ; sh:select """{select}""" ] .\n', encoding="utf-8")
    for name, text in files.items():
        (tmp_path / "data" / "ttl" / name).write_text(PREFIX + text, encoding="utf-8")
    return default_project(root=tmp_path, build_dir=tmp_path / "build")


def validate(project) -> tuple[set[str], tuple[int, int]]:
    from kg.validation.per_file import validate_project_files

    said = []
    report = validate_project_files(project, progress=said.append)
    return {i.focus_node.removeprefix("http://example.org/") for i in report.issues}, validated(" ".join(said))


def test_a_sparql_constraint_following_a_link_backward_revalidates_the_linked_file(tmp_path):
    # "Every measure is cited by some reference": the constraint reads ex:cites backward from $this, so the
    # measure's file depends on the file citing it, though no link of its own leads there.
    from kg.validation.dependencies import inverse_predicates

    project = small_project(tmp_path, "SELECT $this WHERE { $this a ex:Measure FILTER NOT EXISTS { ?ref ex:cites $this } }",
                            {"plan.ttl": "ex:m1 a ex:Measure .", "strategy.ttl": "ex:r1 ex:cites ex:m1 ."})
    assert "http://example.org/cites" in inverse_predicates(project)
    assert validate(project) == (set(), (2, 2))  # the citing file's triple was seen when validating plan.ttl
    assert validate(project)[1] == (0, 2)

    strategy = tmp_path / "data" / "ttl" / "strategy.ttl"
    strategy.write_text(PREFIX + "ex:r1 ex:cites ex:m2 .", encoding="utf-8")
    issues, counts = validate(project)
    assert counts == (2, 2)  # plan.ttl is validated again: its key includes strategy.ttl
    assert issues == {"m1"}


def test_shapes_that_may_read_any_file_validate_all_files_together(tmp_path):
    # A code shared with another resource: the other may be anywhere, so no file's results stand alone.
    from kg.validation.dependencies import backward_links

    project = small_project(tmp_path, "SELECT $this WHERE { $this ex:code ?c . ?other ex:code ?c FILTER (?other != $this) }",
                            {"a.ttl": 'ex:m1 a ex:Measure ; ex:code "1" .', "b.ttl": 'ex:m2 a ex:Measure ; ex:code "2" .'})
    assert backward_links(project).unbounded
    assert validate(project) == (set(), (1, 1))
    assert validate(project)[1] == (0, 1)

    (tmp_path / "data" / "ttl" / "b.ttl").write_text(PREFIX + 'ex:m2 a ex:Measure ; ex:code "1" .', encoding="utf-8")
    assert validate(project) == ({"m1", "m2"}, (1, 1))


def test_cached_results_are_keyed_on_the_validation_code(tmp_path, monkeypatch):
    from kg.validation import per_file

    project = small_project(tmp_path, "SELECT $this WHERE { $this ex:bad ?v }", {"a.ttl": "ex:m1 a ex:Measure ."})
    before = per_file.environment_key(project, "ja")
    assert per_file.code_key() == per_file.code_key.__wrapped__()  # the same code, the same key
    monkeypatch.setattr(per_file, "code_key", lambda: "other code")
    assert per_file.environment_key(project, "ja") != before
