"""Validation that knows the country (kg.validation.country, kg.validation.terms) and says each problem once.

- every fixture in tests/shapes/country/ fails with exactly the (check, focus node) pairs its header declares, in the
  one validation path that `kg validate`, `kg build` and intake use (kg.validation.validate.validate_triples);
- the messages name the real code and name, or the defined term, in Japanese and English;
- the national list and the seed data pass;
- one message per value per root cause;
- no shapes, or no data, is an error (exit 2), never "conforms";
- `kg validate --lang ja` tells a syntax error in Japanese with file:line:column;
- cached results are revalidated when the ontology or the national list changes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.project import default_project
from kg.validation.per_file import validate_project_files
from kg.validation.report import ValidationIssue
from kg.validation.root_cause import one_per_root_cause
from kg.validation.validate import validate_files

from conftest import ROOT, run_kg

COUNTRY = ROOT / "tests" / "shapes" / "country"
FIXTURES = sorted(COUNTRY.glob("*.ttl"))
ID = "https://w3id.org/jp-plan-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREFIXES = """@prefix jpp: <https://w3id.org/jp-plan-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@base <https://w3id.org/jp-plan-kg/id/> .
"""


@pytest.fixture(scope="module")
def project():
    return default_project(root=ROOT)


def expected_pairs(path: Path) -> set[tuple[str, str]]:
    """The (check, focus) pairs of the fixture's header: `# expect-check: Constraint` / `# expect-focus: IRI`."""
    lines = [m.groups() for line in path.read_text(encoding="utf-8").splitlines()
             if (m := re.match(r"^#\s*expect-(check|focus):\s*(\S+)\s*$", line))]
    assert lines and [k for k, _ in lines] == ["check", "focus"] * (len(lines) // 2), f"{path.name}: header"
    return {(lines[i][1], lines[i + 1][1]) for i in range(0, len(lines), 2)}


def test_there_are_fixtures():
    assert len(FIXTURES) >= 8


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_country_fixture_fails_for_the_declared_reason_only(project, path, lang):
    report = validate_files([path], project=project, lang=lang)
    assert not report.conforms
    assert {(i.constraint, i.focus_node) for i in report.issues} == expected_pairs(path), [
        (i.constraint, i.focus_node, i.message) for i in report.issues]
    for issue in report.issues:
        assert issue.files == (str(path),)
        # In English the sentence is English (the list's names stay Japanese: it has no others); in Japanese, kana.
        assert bool(re.search(r"[\u3040-\u30ff]", issue.message)) == (lang == "ja"), issue.message


def messages(project, text: str, tmp_path: Path, lang: str = "ja") -> list[ValidationIssue]:
    path = tmp_path / "data.ttl"
    path.write_text(PREFIXES + text, encoding="utf-8")
    return validate_files([path], project=project, lang=lang).issues


def test_an_unknown_code_names_the_real_one(project, tmp_path):
    text = ('<municipality/132013> a jpp:Municipality ; rdfs:label "八王子市"@ja ; jpp:localGovernmentCode "132013" ;'
            ' jpp:prefecture <prefecture/13> ; jpp:eStatArea <http://data.e-stat.go.jp/lod/sac/C13201> .')
    ja = messages(project, text, tmp_path, "ja")
    # The check digit is wrong too (the shapes say so): one message, the one that names the code meant.
    assert [i.message for i in ja] == ["団体コード 132013 は全国地方公共団体コードにありません。132012（東京都八王子市）ですか？"]
    assert ja[0].result_path.endswith("#localGovernmentCode") and ja[0].value == '"132013"'
    en = messages(project, text, tmp_path, "en")
    assert [i.message for i in en] == ["The local government code 132013 is not in the national list of local "
                                       "government codes. Did you mean 132012 (東京都八王子市)?"]


def test_a_code_far_from_any_gets_the_nearest_ones(project, tmp_path):
    issues = messages(project, '<plan/x> jpp:municipality <municipality/139998> .', tmp_path)
    assert len(issues) == 1
    assert issues[0].message.startswith("id:municipality/139998 は全国地方公共団体コードにない市区町村を指しています。")
    assert re.search(r"\d{6}（東京都.+）ですか？$", issues[0].message), issues[0].message
    assert issues[0].focus_node == ID + "plan/x" and issues[0].result_path.endswith("#municipality")


def test_a_huge_code_is_reported_short_and_fast(project, tmp_path):
    # Suggestions compare a code with every real one: only for what could be a mistyped code.
    issues = messages(project, f'<plan/x> jpp:localGovernmentCode "{"1" * 200_000}" .', tmp_path)
    assert [i.constraint for i in issues] == ["KnownLocalGovernmentCode"]
    assert len(issues[0].message) < 200 and "…" in issues[0].message


def test_a_municipality_described_under_an_unknown_iri(project, tmp_path):
    issues = messages(project, '<municipality/132013> rdfs:label "八王子市"@ja .', tmp_path, "en")
    assert [(i.focus_node, i.result_path, i.message) for i in issues] == [(
        ID + "municipality/132013", None, "id:municipality/132013 is not a municipality of the national list of "
        "local government codes. Did you mean 132012 (東京都八王子市)?")]


def test_a_name_that_is_not_the_codes(project, tmp_path):
    issues = messages(project, '<municipality/132012> rdfs:label "立川市"@ja .', tmp_path, "en")
    assert [i.message for i in issues] == [
        'The code 132012 is 東京都八王子市 (not "立川市") in the national list: correct the name or the code.']
    # The bare name and the name with its prefecture are both the list's name.
    for name in ("八王子市", "東京都八王子市"):
        assert messages(project, f'<municipality/132012> rdfs:label "{name}"@ja .', tmp_path) == []


def test_a_prefecture_name_and_an_unknown_prefecture(project, tmp_path):
    issues = messages(project, '<prefecture/13> rdfs:label "東京府"@ja .', tmp_path)
    assert [i.message for i in issues] == ["都道府県コード 13 の名称は「東京都」です（「東京府」ではありません）。名称か都道府県コードを直してください。"]
    issues = messages(project, '<plan/x> jpp:municipality <prefecture/48> .', tmp_path)
    assert [i.constraint for i in issues] == ["KnownLocalGovernmentCode"]
    assert "48" in issues[0].message


def test_an_undefined_class_and_property_suggest_the_defined_one(project, tmp_path):
    text = '<plan/x/kpi-1> a jpp:KPITypo ; jpp:localGovermentCode "1" .'
    ja = {i.result_path.rsplit("#", 1)[-1]: i for i in messages(project, text, tmp_path, "ja")}
    assert ja["type"].message == "jpp:KPITypo は定義されていません。jpp:KPI ですか？"
    assert ja["type"].focus_node == ID + "plan/x/kpi-1" and ja["type"].result_path == RDF_TYPE
    assert ja["localGovermentCode"].message == ("jpp:localGovermentCode は定義されていません。"
                                                "jpp:localGovernmentCode ですか？")
    en = {i.result_path.rsplit("#", 1)[-1]: i.message for i in messages(project, text, tmp_path, "en")}
    assert en["type"] == "jpp:KPITypo is not defined. Did you mean jpp:KPI?"


def test_an_undefined_concept_and_a_term_with_no_close_name(project, tmp_path):
    text = ('@prefix u: <https://w3id.org/jp-plan-kg/vocab/unit/> .\n'
            '<plan/x/kpi-1/target> jpp:unit u:persn .\n<plan/x/kpi-2> a jpp:Zzqxw .')
    found = {i.value: i.message for i in messages(project, text, tmp_path)}
    assert found["https://w3id.org/jp-plan-kg/vocab/unit/persn"] == "u:persn は定義されていません。u:person ですか？"
    assert found["https://w3id.org/jp-plan-kg/ontology#Zzqxw"].startswith("jpp:Zzqxw は定義されていません。オントロジー")


def test_terms_of_other_namespaces_are_not_ours_to_judge(project, tmp_path):
    text = '<plan/x> a <http://example.org/Thing> ; <http://example.org/p> <http://example.org/o> .'
    assert messages(project, text, tmp_path) == []


def test_the_national_list_and_the_seed_data_conform(project):
    files = project.data_files()
    assert any(p.name == "local-governments.ttl" for p in files)
    report = validate_files(files, project=project)
    assert report.conforms, [(i.focus_node, i.message) for i in report.issues[:10]]


# --------------------------------------------------------------------------------------------------------------
# One message per value per root cause
# --------------------------------------------------------------------------------------------------------------

INVALID = ROOT / "tests" / "shapes" / "invalid"


@pytest.mark.parametrize("engine", ["auto", "pyshacl"])
@pytest.mark.parametrize("name,constraint", [
    ("value-calendar-year-as-string.ttl", "DatatypeConstraintComponent"),    # datatype, min and max fail
    ("plan-end-year-as-gyear.ttl", "DatatypeConstraintComponent"),
    ("municipality-code-bad-check-digit.ttl", "KnownLocalGovernmentCode"),  # check digit and the list fail
    ("municipality-code-five-digits.ttl", "KnownLocalGovernmentCode"),      # pattern and the list fail
    ("value-unit-as-text.ttl", "ClassConstraintComponent"),                 # sh:class and sh:node, one message
])
def test_one_message_per_value(project, name, constraint, engine):
    issues = validate_files([INVALID / name], project=project, engine=engine).issues
    assert [i.constraint for i in issues] == [constraint], [(i.constraint, i.message) for i in issues]


def issue(constraint: str, value: str | None = '"x"', message: str = "m", shape: str = "s") -> ValidationIssue:
    return ValidationIssue(focus_node="f", focus_label=None, result_path="p", result_path_label=None, value=value,
                           source_shape=shape, constraint=constraint, severity="Violation", message=message, files=())


def test_the_root_cause_kept_does_not_depend_on_the_order():
    issues = [issue("MinInclusiveConstraintComponent"), issue("DatatypeConstraintComponent"),
              issue("MaxInclusiveConstraintComponent"), issue("MinCountConstraintComponent", value=None),
              issue("PatternConstraintComponent", value='"other"')]
    for ordered in (issues, issues[::-1]):
        kept = one_per_root_cause(ordered)
        # Another value's problem stays; "missing" does not, the value is there but unreadable.
        assert sorted(i.constraint for i in kept) == ["DatatypeConstraintComponent", "PatternConstraintComponent"]


def test_different_messages_on_one_value_without_a_root_cause_all_stay():
    issues = [issue("MinInclusiveConstraintComponent", message="a"), issue("SPARQLConstraintComponent", message="b")]
    assert one_per_root_cause(issues) == issues


# --------------------------------------------------------------------------------------------------------------
# Fail closed
# --------------------------------------------------------------------------------------------------------------


def small_project(tmp_path: Path, *, shapes: bool = True):
    """A project with the real ontology and vocabularies, the real shapes or a shapes file holding no shape, and
    no data yet."""
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    if not shapes:
        for path in (tmp_path / "ontology" / "shapes").glob("*.ttl"):
            path.write_text("# The shapes were here.\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n", encoding="utf-8")
    (tmp_path / "data" / "ttl").mkdir(parents=True)
    return default_project(root=tmp_path, build_dir=tmp_path / "build")


def test_no_shapes_is_an_error_never_a_pass(tmp_path):
    # A shapes file is there, but it holds no shape (kg.project refuses a project with no shapes file at all).
    project = small_project(tmp_path, shapes=False)
    data = tmp_path / "data" / "ttl" / "a.ttl"
    data.write_text(PREFIXES + "<plan/x> a jpp:KPITypo .", encoding="utf-8")
    with pytest.raises(KgError, match="検証シェイプが見つかりません"):
        validate_files([data], project=project)
    with pytest.raises(KgError, match="no SHACL shapes found"):
        validate_project_files(project, lang="en")
    result = run_kg("validate", str(data), root=tmp_path)
    assert result.returncode == 2 and "適合" not in result.stdout, result.stdout + result.stderr
    assert "検証シェイプが見つかりません" in result.stderr


def test_a_national_list_that_is_no_list_is_an_error_never_a_pass(tmp_path):
    project = small_project(tmp_path)
    reference = tmp_path / "data" / "ttl" / "reference" / "local-governments.ttl"
    reference.parent.mkdir()
    reference.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n", encoding="utf-8")
    data = tmp_path / "a.ttl"
    data.write_text(PREFIXES + "<plan/x> jpp:municipality <municipality/132012> .", encoding="utf-8")
    with pytest.raises(KgError, match="全国地方公共団体コードの一覧を読めません"):
        validate_files([data], project=project)
    with pytest.raises(KgError, match="national list of local governments cannot be read"):
        validate_files([data], project=project, lang="en")


def test_no_data_is_an_error_never_a_pass(tmp_path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    result = run_kg("validate", str(empty))
    assert result.returncode == 2 and "適合" not in result.stdout, result.stdout + result.stderr
    assert "検証するデータがありません" in result.stderr
    project = small_project(tmp_path / "p")
    with pytest.raises(KgError, match="no data to validate"):
        validate_project_files(project, lang="en")


# --------------------------------------------------------------------------------------------------------------
# The command: exit codes, syntax errors in the reader's language, the report graph
# --------------------------------------------------------------------------------------------------------------


def test_kg_validate_exits_1_on_a_country_violation_in_both_languages():
    fixture = COUNTRY / "class-not-defined.ttl"
    ja = run_kg("validate", "--lang", "ja", str(fixture))
    assert ja.returncode == 1 and "jpp:KPITypo は定義されていません。jpp:KPI ですか？" in ja.stdout, ja.stdout
    en = run_kg("validate", "--lang", "en", str(fixture))
    assert en.returncode == 1 and "jpp:KPITypo is not defined. Did you mean jpp:KPI?" in en.stdout, en.stdout
    turtle = run_kg("validate", "--format", "turtle", str(fixture))
    assert turtle.returncode == 1 and "sh:conforms false" in turtle.stdout and "DefinedTerm" in turtle.stdout


@pytest.mark.parametrize("text,line,column,japanese", [
    ('ex:a ex:b ex:c\nex:d ex:e ex:f .\n', 3, 1, "文の終わりにピリオド（.）がありません"),
    ('ex:a ex:b "open .\n', 2, 11, "ファイルが途中で終わっています"),
])
def test_a_syntax_error_is_told_in_japanese_with_its_position(tmp_path, text, line, column, japanese):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n" + text, encoding="utf-8")
    ja = run_kg("validate", "--lang", "ja", str(path))
    assert ja.returncode == 2
    assert f"{path}:{line}:{column}: 構文エラー: {japanese}" in ja.stderr, ja.stderr
    assert "syntax error" not in ja.stderr and "このファイルからは何も読み込んでいません" in ja.stderr
    en = run_kg("validate", "--lang", "en", str(path))
    assert en.returncode == 2 and f"{path}:{line}:{column}: syntax error:" in en.stderr, en.stderr


def test_kg_build_refuses_data_naming_no_real_municipality(tmp_path):
    # The build validates through the same path: a plan of a municipality the list lacks leaves no build.
    small_project(tmp_path)
    shutil.copy(COUNTRY / "class-not-defined.ttl", tmp_path / "data" / "ttl")
    shutil.copy(COUNTRY / "plan-municipality-not-in-national-list.ttl", tmp_path / "data" / "ttl")
    result = run_kg("build", root=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "id:municipality/132013 は全国地方公共団体コードにない市区町村を指しています。132012（東京都八王子市）ですか？" in result.stderr
    assert "jpp:KPITypo は定義されていません。jpp:KPI ですか？" in result.stderr
    assert not (tmp_path / "build" / "current").exists()


def test_a_missing_file_and_a_workbook_are_told_in_japanese(tmp_path):
    missing = run_kg("validate", str(tmp_path / "nope.ttl"))
    assert missing.returncode == 2 and "nope.ttl: ファイルがありません。" in missing.stderr, missing.stderr
    workbook = tmp_path / "plan.xlsx"
    workbook.write_bytes(b"PK")
    result = run_kg("validate", str(workbook))
    assert result.returncode == 2 and "RDF のファイルではありません（拡張子 .xlsx）" in result.stderr, result.stderr
    assert "kg ingest" in result.stderr
    assert "unknown RDF file type '.xlsx'" in run_kg("validate", "--lang", "en", str(workbook)).stderr


def test_an_undeclared_prefix_is_named(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("jpp:a jpp:b jpp:c .\n", encoding="utf-8")
    result = run_kg("validate", str(path))
    assert result.returncode == 2 and "接頭辞 jpp: が宣言されていません" in result.stderr, result.stderr


# --------------------------------------------------------------------------------------------------------------
# The per-file cache follows the ontology and the national list
# --------------------------------------------------------------------------------------------------------------


def counts(project) -> tuple[set[str], tuple[int, int]]:
    said: list[str] = []
    report = validate_project_files(project, progress=said.append)
    found = re.search(r"validate (\d+) of (\d+) file group", " ".join(said))
    return {i.constraint for i in report.issues}, (int(found.group(1)), int(found.group(2)))


def test_a_changed_ontology_revalidates(tmp_path):
    project = small_project(tmp_path)
    (tmp_path / "data" / "ttl" / "a.ttl").write_text(PREFIXES + '<plan/x/note-1> a jpp:Note ; rdfs:label "x"@ja .',
                                                     encoding="utf-8")
    assert counts(project) == ({"DefinedTerm"}, (1, 1))
    assert counts(project) == ({"DefinedTerm"}, (0, 1))  # nothing changed: the result is reused
    ontology = tmp_path / "ontology" / "jp-plan.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8") + '\njpp:Note a owl:Class ; rdfs:label "Note"@en .\n',
                        encoding="utf-8")
    assert counts(project) == (set(), (1, 1))  # the class is defined now: validated again, and it conforms


def test_a_changed_national_list_revalidates(tmp_path):
    project = small_project(tmp_path)
    reference = tmp_path / "data" / "ttl" / "reference" / "local-governments.ttl"
    reference.parent.mkdir()
    shutil.copy(ROOT / "data" / "ttl" / "reference" / "local-governments.ttl", reference)
    (tmp_path / "data" / "ttl" / "a.ttl").write_text(PREFIXES + '<plan/x> jpp:municipality <municipality/132012> .',
                                                     encoding="utf-8")
    issues, (done, total) = counts(project)
    assert issues == set() and done == total
    # The municipality leaves the list (as when municipalities merge): the data naming it is judged again.
    text = reference.read_text(encoding="utf-8")
    entry = re.search(r"<municipality/132012> a jpp:Municipality ;.*?\.\n\n", text, re.DOTALL)
    reference.write_text(text.replace(entry.group(), ""), encoding="utf-8")
    issues, (done, total) = counts(project)
    assert done == total and issues == {"KnownLocalGovernmentCode"}
