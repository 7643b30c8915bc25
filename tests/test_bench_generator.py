"""bench/generate: a synthetic nation that conforms to the shapes, is the same for a seed, has valid codes, and
gives every question an answer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.query.catalogue import catalogue
from kg.rdf.files import parse_rdf_file

from conftest import ROOT, run_kg

GENERATOR = ROOT / "bench" / "national.py"
JPP = "https://w3id.org/jp-plan-kg/ontology#"


def generate(out: Path, *, municipalities: int, seed: int = 1, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, str(GENERATOR), "--municipalities", str(municipalities), "--seed", str(seed),
                           "--out", str(out), "--quiet"], capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def tree(root: Path) -> dict[str, bytes]:
    """Every generated file by its path below the project root (symlinks as their target)."""
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            files[relative] = str(path.readlink()).encode()
        elif path.is_file():
            files[relative] = path.read_bytes()
    return files


def check_digit(five: str) -> int:
    # Written out again here rather than imported: the test checks the generator against the rule itself.
    total = 6 * int(five[0]) + 5 * int(five[1]) + 4 * int(five[2]) + 3 * int(five[3]) + 2 * int(five[4])
    return (11 - total % 11) % 10


@pytest.fixture(scope="module")
def nation(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nation") / "national-3"
    generate(out, municipalities=3)
    return out


def test_the_same_seed_gives_the_same_files_and_another_seed_others(nation, tmp_path):
    again = tmp_path / "again"
    generate(again, municipalities=3)
    assert tree(again) == tree(nation)
    other = tmp_path / "other"
    generate(other, municipalities=3, seed=2)
    assert tree(other) != tree(nation)


def test_a_municipality_is_generated_the_same_at_every_size(nation, tmp_path):
    larger = tmp_path / "national-5"
    generate(larger, municipalities=5)
    small, large = tree(nation), tree(larger)
    plans = [name for name in small if name.startswith("data/ttl/") and name.endswith(("-plan.ttl", "-strategy.ttl"))]
    assert len(plans) == 3 * 2 * 2        # two plans each, source facts and classification
    for name in plans:
        assert large[name] == small[name], name


def test_layout_is_a_project_root_kg_can_build(nation):
    data = nation / "data" / "ttl"
    assert (nation / "ontology").resolve() == (ROOT / "ontology").resolve()
    assert (nation / "queries").resolve() == (ROOT / "queries").resolve()
    for name in ("municipalities.ttl", "sources.ttl", "external-plans.ttl", "reference/local-governments.ttl"):
        assert (data / name).is_file()
    assert len(list(data.glob("*-comprehensive-plan.ttl"))) == 3
    assert len(list(data.glob("*-strategy.ttl"))) == 3
    assert len(list((data / "classification").glob("*.ttl"))) == 6
    manifest = json.loads((nation / "national.json").read_text(encoding="utf-8"))
    assert manifest["municipalities"] == 3 and manifest["prefectures"] == 3
    assert len(manifest["municipality_codes"]) == 3


def test_the_nation_is_the_real_national_list(nation):
    """Plans sit on real municipalities: the generated project carries the national list, and every generated code
    is in it with a valid check digit and its prefecture."""
    triples = parse_rdf_file(nation / "data" / "ttl" / "reference" / "local-governments.ttl").triples
    codes = {t.subject.value: t.object.value for t in triples if t.predicate.value == JPP + "localGovernmentCode"}
    prefecture_of = {t.subject.value: t.object.value for t in triples if t.predicate.value == JPP + "prefecture"}
    prefecture_codes = {t.object.value for t in triples if t.predicate.value == JPP + "prefectureCode"}
    assert len(codes) == 1741
    assert prefecture_codes == {f"{n:02d}" for n in range(1, 48)}
    generated = json.loads((nation / "national.json").read_text(encoding="utf-8"))["municipality_codes"]
    assert generated == ["011002", "022012", "032018"]   # 札幌市, 青森市, 盛岡市: the first of each prefecture
    by_code = {code: municipality for municipality, code in codes.items()}
    for code in generated:
        assert int(code[5]) == check_digit(code[:5]), code
        assert prefecture_of[by_code[code]].endswith(f"/prefecture/{code[:2]}")


def test_the_generated_nation_conforms_to_the_shapes(nation):
    files = sorted(str(p) for p in (nation / "data" / "ttl").rglob("*.ttl"))
    done = run_kg("validate", *files, "--lang", "en", root=nation)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Conforms" in done.stdout


def test_the_comprehensive_plan_of_one_municipality_validates_alone(nation):
    # What bench/run times as "one submission": a file that links only to the reference data.
    plan = sorted((nation / "data" / "ttl").glob("*-comprehensive-plan.ttl"))[0]
    done = run_kg("validate", str(plan), "--lang", "en", root=nation)
    assert done.returncode == 0, done.stdout + done.stderr


def test_refuses_to_write_into_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    done = generate(tmp_path, municipalities=1, check=False)
    assert done.returncode != 0
    assert "not made by bench/generate" in done.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_rejects_a_size_outside_the_nation(tmp_path):
    done = generate(tmp_path / "x", municipalities=1742, check=False)
    assert done.returncode == 2
    assert "between 1 and 1741" in done.stderr


@pytest.mark.slow  # builds a generated nation and runs every question and check on it (about 11 s)
def test_every_question_has_answers_and_every_check_none_on_a_small_nation(tmp_path):
    out = tmp_path / "national-4"
    generate(out, municipalities=4)
    build_dir = tmp_path / "build"
    built = run_kg("build", "-q", root=out, build_dir=build_dir, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    sample = json.loads((out / "national.json").read_text(encoding="utf-8"))["sample"]
    given = {"municipality": sample["municipality_code"], "resource": sample["resource"]}
    empty = []
    for query in catalogue(ROOT / "queries"):
        params = [f"--param={p.name}={given[p.name]}" for p in query.params if p.name in given]
        done = run_kg("query", query.name, "--format", "csv", *params, root=out, build_dir=build_dir)
        assert done.returncode == 0, done.stderr
        if len(done.stdout.strip().splitlines()) < 2:
            empty.append(query.name)
    assert empty == []
    for check in catalogue(ROOT / "queries", checks=True):
        done = run_kg("query", str(check.path), "--format", "csv", root=out, build_dir=build_dir)
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.strip().splitlines()) <= 1, f"{check.name}:\n{done.stdout}"
