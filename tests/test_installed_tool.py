"""kg as an installed tool: a real non-editable wheel, installed apart from the checkout and run from a folder
outside any project, validates as the checkout does; the commands that need a project say so and exit 2.

The wheel is built offline from a copy of the checkout (the venv's setuptools, --no-build-isolation, --no-index),
so that setuptools' own build/ folder never lands in the checkout, and installed with --target into a folder that
PYTHONPATH puts ahead of the editable install."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kg.project import find_project_root

from conftest import ROOT, require

pytestmark = pytest.mark.slow  # a wheel built and installed, and a dozen fresh processes (about 15 s)

SEED_PLANS = sorted(p for p in (ROOT / "data" / "ttl").glob("[0-9]*.ttl"))
BROKEN = [ROOT / "tests" / "shapes" / "invalid" / name for name in (
    "element-without-provenance.ttl", "kpi-stated-value-wrong-type.ttl", "challenge-without-plan.ttl")]
SENTENCE = {"ja": "プロジェクトの中で実行してください", "en": "needs a project"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The folder the wheel was installed into (pip install --target)."""
    require(_setuptools_builds_wheels(), "building a wheel offline needs setuptools>=77 in the venv "
                                         "(pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "bundled", "*.egg-info")
    shutil.copytree(ROOT / "kg", source / "kg", ignore=ignore)
    for folder in ("ontology", "queries", "data/ttl"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("setup.py", "pyproject.toml", "README.md", "MANIFEST.in"):
        shutil.copy2(ROOT / name, source / name)
    wheels = work / "wheels"
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(wheels), str(source))
    (wheel,) = wheels.glob("jp_plan_kg-*.whl")
    target = work / "site"
    _pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel))
    return target


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clerk")
    assert find_project_root(folder) is None, "the temporary folder lies inside a project: the test proves nothing"
    return folder


def test_the_wheel_ships_ontology_shapes_vocabularies_queries_and_reference_data(installed):
    bundle = installed / "kg" / "bundled"
    shipped = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    expected = {p.relative_to(ROOT).as_posix() for pattern in (
        "ontology/*.ttl", "ontology/vocab/*.ttl", "ontology/shapes/*.ttl", "queries/*.rq", "queries/checks/*",
        "data/ttl/municipalities.ttl", "data/ttl/sources.ttl", "data/ttl/external-plans.ttl",
        "data/ttl/reference/*.ttl") for p in ROOT.glob(pattern)}
    assert "ontology/shapes/jp-plan-shapes.ttl" in expected and shipped == expected
    # The plans themselves are data of the project, not of the tool.
    assert not any(name.startswith("data/ttl/1") or "classification" in name for name in shipped)
    for name in expected:
        assert (bundle / name).read_bytes() == (ROOT / name).read_bytes(), name


def test_the_installed_kg_is_the_wheel_and_uses_its_bundle(installed, outside):
    where = _installed_python(installed, outside, "-c", "import kg, kg.bundled_project as b; "
                              "from kg.reference import national_registry as n; "
                              "print(kg.__file__); print(b.project_or_bundle().root); "
                              "print(n().municipality('132012').name, len(n().municipalities()))")
    assert where.returncode == 0, where.stderr
    module, root, hachioji = where.stdout.splitlines()
    assert Path(module).is_relative_to(installed) and Path(root) == installed / "kg" / "bundled"
    assert hachioji == "八王子市 1741"  # the national list, read from the bundle: the wheel has no checkout beside it


@pytest.mark.parametrize("path", SEED_PLANS + BROKEN, ids=lambda p: p.name)
def test_validate_outside_a_project_answers_as_the_checkout(installed, outside, path):
    for lang in ("ja", "en"):
        checkout = _checkout_kg("validate", "--lang", lang, str(path))
        wheel = _installed_python(installed, outside, "-m", "kg", "validate", "--lang", lang, str(path))
        assert checkout.returncode == (1 if path in BROKEN else 0), checkout.stdout + checkout.stderr
        assert (wheel.returncode, wheel.stdout, wheel.stderr) == (checkout.returncode, checkout.stdout, checkout.stderr)
    if path in BROKEN:
        assert "違反 0 件" not in checkout.stdout


def test_a_syntax_error_outside_a_project_is_reported_as_in_the_checkout(installed, outside):
    bad = outside / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "x" ;\n   ex:c .\n', encoding="utf-8")
    checkout = _checkout_kg("validate", str(bad))
    wheel = _installed_python(installed, outside, "-m", "kg", "validate", str(bad))
    assert checkout.returncode == wheel.returncode == 2
    assert f"{bad}:3:" in wheel.stderr and wheel.stderr == checkout.stderr


@pytest.mark.parametrize("command", [["build"], ["build", "--lang", "en"], ["query", "01-dx-viewpoints"],
                                     ["publish"], ["stats"]], ids=" ".join)
def test_commands_that_need_a_project_say_so_outside_one(installed, outside, command):
    result = _installed_python(installed, outside, "-m", "kg", *command)
    assert result.returncode == 2, result.stdout + result.stderr
    languages = ["en"] if "en" in command else ["ja"] if "build" in command else ["ja", "en"]
    for lang in languages:
        assert f"kg {command[0]}" in result.stderr and SENTENCE[lang] in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (outside / "build").exists() and not (installed / "build").exists()
    assert not any(installed.glob("kg/bundled/build*"))


def test_template_and_ingest_outside_a_project_as_in_the_checkout(installed, outside, tmp_path):
    made = _installed_python(installed, outside, "-m", "kg", "template", "--out", "plan.xlsx")
    assert made.returncode == 0, made.stderr
    workbook = outside / "plan.xlsx"
    with zipfile.ZipFile(workbook) as book:
        assert any(name.startswith("xl/worksheets/") for name in book.namelist())
    reference = tmp_path / "checkout.xlsx"
    assert _checkout_kg("template", "--out", str(reference)).returncode == 0
    # The same sheets and drop-down lists as the checkout's template (the vocabularies come from the bundle).
    assert _sheet_texts(workbook) == _sheet_texts(reference)
    out = tmp_path / "out" / "plan.ttl"
    checkout = _checkout_kg("ingest", str(workbook), "--out", str(out))
    wheel = _installed_python(installed, outside, "-m", "kg", "ingest", str(workbook), "--out", str(out))
    assert (wheel.returncode, wheel.stdout, wheel.stderr) == (checkout.returncode, checkout.stdout, checkout.stderr)


def test_a_project_is_found_from_a_folder_inside_it(installed, tmp_path):
    """The installed tool, run in a sub-folder of a checkout, uses that checkout (as git does), not its bundle."""
    project = tmp_path / "project"
    for folder in ("ontology", "queries", "data/ttl"):
        shutil.copytree(ROOT / folder, project / folder)
    inner = project / "data" / "ttl"
    (project / "ontology" / "shapes" / "extra.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix jpp: <https://w3id.org/jp-plan-kg/ontology#> .\n"
        "<urn:x:EveryPlanNeedsAColour> a sh:NodeShape ; sh:targetClass jpp:ComprehensivePlan ;\n"
        "    sh:property [ sh:path <urn:x:colour> ; sh:minCount 1 ] .\n", encoding="utf-8")
    plan = inner / SEED_PLANS[0].name
    here = _installed_python(installed, inner, "-m", "kg", "validate", str(plan))
    assert here.returncode == 1 and "urn:x:colour" in here.stdout, here.stdout + here.stderr
    elsewhere = _installed_python(installed, tmp_path, "-m", "kg", "validate", str(plan))
    assert elsewhere.returncode == 0, elsewhere.stdout + elsewhere.stderr


# --- helpers ---------------------------------------------------------------------------------------------------

def _setuptools_builds_wheels() -> bool:
    try:
        major, minor = (int(x) for x in importlib.metadata.version("setuptools").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (77, 0)


def _pip(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args],
                            capture_output=True, text=True, timeout=300, env=_environment())
    assert result.returncode == 0, result.stdout + result.stderr


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KG_ROOT", "KG_BUILD_DIR", "PYTHONPATH")}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def _installed_python(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env=_environment(PYTHONPATH=str(installed)))


def _checkout_kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=_environment())


def _sheet_texts(path: Path) -> dict[str, list]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
            + [sorted((v.formula1 or "", str(v.sqref)) for v in sheet.data_validations.dataValidation)]
            for sheet in book.worksheets}
