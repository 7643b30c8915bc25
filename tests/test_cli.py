"""The kg command through a real process: success and failure paths and their exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.rdf.files import parse_rdf_file

from conftest import ROOT, run_kg

VALID_PLAN = ROOT / "data" / "ttl" / "132055-ome-strategy.ttl"
VALID_CLASSIFICATION = ROOT / "data" / "ttl" / "classification" / VALID_PLAN.name


def test_build_writes_a_store_and_reports_counts(tmp_path):
    result = run_kg("build", build_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "asserted" in result.stdout and "inferred" in result.stdout
    assert "· parse" in result.stderr  # progress on stderr
    assert (tmp_path / "current" / "store").is_dir()
    assert (tmp_path / "current" / "dataset.nq").stat().st_size > 0


def test_build_quiet_prints_nothing(tmp_path):
    result = run_kg("build", "--quiet", build_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part)
    return root


def test_failed_build_leaves_previous_build_in_place(tmp_path):
    root = _copy_project(tmp_path)
    build_dir = tmp_path / "build"
    assert run_kg("build", "-q", root=root, build_dir=build_dir).returncode == 0
    before = (build_dir / "current").resolve()
    broken = root / "data" / "ttl" / "132055-ome-strategy.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n<oops> <is> .\n", encoding="utf-8")
    result = run_kg("build", "-q", root=root, build_dir=build_dir)
    assert result.returncode == 2
    assert "132055-ome-strategy.ttl:" in result.stderr and "syntax error" in result.stderr
    assert (build_dir / "current").resolve() == before
    query = run_kg("query", "05-kpi-values", "--format", "csv", root=root, build_dir=build_dir)
    assert query.returncode == 0 and "出生数" in query.stdout


@pytest.mark.slow  # two full builds with validation (about 8 s)
def test_invalid_data_fails_build_with_exit_1_and_keeps_previous(tmp_path):
    root = _copy_project(tmp_path)
    build_dir = tmp_path / "build"
    assert run_kg("build", "-q", root=root, build_dir=build_dir).returncode == 0
    before = (build_dir / "current").resolve()
    # Order among siblings counted from 0, in the plan file (tests/shapes/invalid/element-sequence-zero.ttl).
    plan = root / "data" / "ttl" / VALID_PLAN.name
    head, goal, rest = plan.read_text(encoding="utf-8").partition("<plan/132055/strategy-2/goal-1>\n")
    assert goal and "jpp:sequence 1 ;" in rest.partition("\n\n")[0]
    plan.write_text(head + goal + rest.replace("jpp:sequence 1 ;", "jpp:sequence 0 ;", 1), encoding="utf-8")
    result = run_kg("build", "-q", "--lang", "en", root=root, build_dir=build_dir)
    assert result.returncode == 1, result.stderr
    assert "plan/132055/strategy-2/goal-1" in result.stderr and "PlanElementShape-sequence" in result.stderr
    assert (build_dir / "current").resolve() == before


def test_validate_valid_file_exits_0():
    result = run_kg("validate", str(VALID_PLAN))
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_syntax_error_names_file_line_and_column(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "x" ;\n   ex:c .\n', encoding="utf-8")
    result = run_kg("validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3:" in result.stderr


def test_validate_invalid_file_exits_1_with_a_report_in_both_languages(tmp_path):
    bad = tmp_path / "kpi.ttl"
    bad.write_text("""@prefix jpp: <https://w3id.org/jp-plan-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://example.org/kpi> a jpp:KPI ; rdfs:label "テスト指標"@ja ;
    jpp:indicatorOf <https://example.org/goal> ;
    prov:wasDerivedFrom <https://w3id.org/jp-plan-kg/id/source/132055-ome-strategy> .
""", encoding="utf-8")
    ja = run_kg("validate", str(bad))
    en = run_kg("validate", "--lang", "en", str(bad))
    assert ja.returncode == en.returncode == 1
    assert "https://example.org/kpi" in ja.stdout and "テスト指標" in ja.stdout
    assert "jpp:noValuesInSource" in ja.stdout or "noValuesInSource" in ja.stdout
    assert ja.stdout != en.stdout
    as_json = json.loads(run_kg("validate", "--format", "json", str(bad)).stdout)
    assert as_json["conforms"] is False and "https://example.org/kpi" in as_json["resources"]
    turtle = run_kg("validate", "--format", "turtle", str(bad)).stdout
    assert "sh:ValidationReport" in turtle


def test_validate_missing_file_exits_2(tmp_path):
    result = run_kg("validate", str(tmp_path / "nope.ttl"))
    assert result.returncode == 2 and "nope.ttl" in result.stderr


def test_query_named_default_and_formats(built):
    csv_out = run_kg("query", "05-kpi-values", "--format", "csv", build_dir=built.build_dir)
    assert csv_out.returncode == 0, csv_out.stderr
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    births = [r for r in rows if r["kpi"] == "出生数"]
    assert births and births[0]["baselineValue"] == "615" and births[0]["targetYear"] == "2027"
    as_json = json.loads(run_kg("query", "5", "--format", "json", build_dir=built.build_dir).stdout)
    assert as_json["head"]["vars"][0] == "municipality" and len(as_json["results"]["bindings"]) == len(rows)
    tsv = run_kg("query", "05-kpi-values", "--format", "tsv", build_dir=built.build_dir).stdout
    # Plain values for spreadsheets (issue 21), not SPARQL's "出生数"@ja, "615"^^xsd:integer.
    assert tsv.splitlines()[0].startswith("municipality\t") and "\t出生数\t" in tsv and "@ja" not in tsv
    assert "^^" not in tsv
    md = run_kg("query", "05-kpi-values", "--format", "md", build_dir=built.build_dir).stdout
    assert md.startswith("| municipality |")
    table = run_kg("query", "05-kpi-values", build_dir=built.build_dir).stdout
    assert "出生数" in table and table.rstrip().endswith("row(s)")


def test_query_with_parameter_and_file_and_expression(built):
    by_year = run_kg("query", "13-plans-in-force", "--param", "year=2028", "-f", "csv", build_dir=built.build_dir)
    assert by_year.returncode == 0, by_year.stderr
    assert "西東京市デジタル田園都市国家構想総合戦略" in by_year.stdout and "厚木市" not in by_year.stdout
    by_file = run_kg("query", str(ROOT / "queries" / "13-plans-in-force.rq"), "-f", "csv", build_dir=built.build_dir)
    assert "厚木市" in by_file.stdout
    expression = run_kg("query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "csv", build_dir=built.build_dir)
    assert expression.returncode == 0 and int(expression.stdout.splitlines()[1]) > 1000


def test_query_construct_prints_turtle(built):
    result = run_kg("query", "-e", "CONSTRUCT { ?m ?p ?o } WHERE { ?m a <https://w3id.org/jp-plan-kg/ontology#Municipality> ; ?p ?o }",
                    "-f", "ttl", build_dir=built.build_dir)
    assert result.returncode == 0, result.stderr
    assert "青梅市" in result.stdout and "@prefix" in result.stdout


@pytest.mark.parametrize("args,needle", [
    (("query", "no-such-query"), "no query named"),
    (("query", "13-plans-in-force", "--param", "decade=1"), "unknown parameter"),
    (("query", "13-plans-in-force", "--param", "year=soon"), "not an integer"),
    (("query", "-e", "SELECT ?x WHERE { ?x ?y }"), "syntax error"),
    (("query", "-e", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"), "SERVICE"),
    (("query", "-e", "DELETE WHERE { ?s ?p ?o }"), "updates are not allowed"),
    (("query", "-e", "LOAD <http://127.0.0.1:9/x>"), "updates are not allowed"),
    (("query", "05-kpi-values", "-f", "ttl"), "CONSTRUCT/DESCRIBE"),
])
def test_query_errors_exit_2_with_a_message(built, args, needle):
    result = run_kg(*args, build_dir=built.build_dir)
    assert result.returncode == 2, result.stdout
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_query_without_a_build_says_so(tmp_path):
    result = run_kg("query", "05-kpi-values", build_dir=tmp_path / "empty")
    assert result.returncode == 2
    assert "kg build" in result.stderr


def test_queries_lists_the_catalogue():
    result = run_kg("queries", "--lang", "en")
    assert result.returncode == 0
    assert "13-plans-in-force" in result.stdout and "year (integer, default 2026)" in result.stdout
    assert "Which plans are in force in a fiscal year?" in result.stdout
    # Japanese by default, as kg's other messages for clerks: each question's summary_ja.
    ja = run_kg("queries")
    assert "ある年度に計画期間中の計画はどれか" in ja.stdout and "year (integer, 既定値 2026)" in ja.stdout
    assert "Which plans are in force" not in ja.stdout
    checks = run_kg("queries", "--checks")
    assert "orphan-elements" in checks.stdout


def test_describe_and_stats(built):
    described = run_kg("describe", "id:municipality/132055", build_dir=built.build_dir)
    assert described.returncode == 0, described.stderr
    lines = described.stdout.splitlines()
    assert lines[1].lstrip().startswith("rdfs:label")  # labels first
    assert "132055" in described.stdout and "referenced by:" in described.stdout
    unknown = run_kg("describe", "https://example.org/nothing", build_dir=built.build_dir)
    assert unknown.returncode == 2 and "nothing is known" in unknown.stderr
    stats = run_kg("stats", build_dir=built.build_dir)
    assert stats.returncode == 0 and "graph:inferred" in stats.stdout and "jpp:KPI" in stats.stdout


def test_validate_reads_other_rdf_formats(tmp_path):
    import pyoxigraph as ox

    # The plan's classification, in the same format, sits where the project keeps it: classification/<same name>.
    facts = list(ox.parse(path=str(VALID_PLAN), format=ox.RdfFormat.TURTLE))
    classification = list(ox.parse(path=str(VALID_CLASSIFICATION), format=ox.RdfFormat.TURTLE))
    (tmp_path / "classification").mkdir()
    for suffix, fmt in ((".nt", ox.RdfFormat.N_TRIPLES), (".jsonld", ox.RdfFormat.JSON_LD), (".rdf", ox.RdfFormat.RDF_XML)):
        path = tmp_path / f"ome{suffix}"
        ox.serialize(facts, output=str(path), format=fmt)
        ox.serialize(classification, output=str(tmp_path / "classification" / path.name), format=fmt)
        result = run_kg("validate", str(path))
        assert result.returncode == 0, (suffix, result.stdout, result.stderr)


def test_validate_judges_a_plan_file_with_its_classification_file(tmp_path):
    """A viewpoint's shared concept is the project's classification, kept in classification/<same name>: a
    plan file validated alone brings that file along; without it, the decision is reported missing."""
    alone = tmp_path / VALID_PLAN.name
    shutil.copy2(VALID_PLAN, alone)
    result = run_kg("validate", "--lang", "en", str(alone))
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("ViewpointShape-mapsToConcept-decision") == 3, result.stdout
    assert "strategy-2/viewpoint-1" in result.stdout and "No decision on the viewpoint's shared concept" in result.stdout
    (tmp_path / "classification").mkdir()
    shutil.copy2(VALID_CLASSIFICATION, tmp_path / "classification" / VALID_PLAN.name)
    assert run_kg("validate", str(alone)).returncode == 0
    # Given both, the classification is read once (no duplicate findings, the same answer).
    both = run_kg("validate", str(alone), str(tmp_path / "classification" / VALID_PLAN.name))
    assert both.returncode == 0, both.stdout + both.stderr


def test_validate_never_fetches_a_remote_jsonld_context(tmp_path):
    doc = tmp_path / "remote-context.jsonld"
    doc.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a", "name": "x"}', encoding="utf-8")
    result = run_kg("validate", str(doc))
    assert result.returncode == 2
    assert "never fetches" in result.stderr and "Traceback" not in result.stderr


def test_validate_refuses_external_xml_entities(tmp_path):
    doc = tmp_path / "entity.rdf"
    doc.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "file:///etc/passwd"> ]>\n'
                   '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
                   '<rdf:Description rdf:about="http://example.org/a"><ex:p>&ext;</ex:p></rdf:Description></rdf:RDF>',
                   encoding="utf-8")
    result = run_kg("validate", str(doc))
    assert result.returncode == 2 and "root:" not in result.stdout + result.stderr


def test_validate_refuses_billion_laughs_but_reads_namespace_entities(tmp_path):
    levels = ['<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'] + [
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(7)]
    bomb = tmp_path / "laughs.rdf"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [' + "".join(levels) + ']>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
                    '<rdf:Description rdf:about="http://example.org/a"><ex:p>&h;</ex:p></rdf:Description></rdf:RDF>', encoding="utf-8")
    result = run_kg("validate", str(bomb))
    assert result.returncode == 2 and "nested entities" in result.stderr
    plain = tmp_path / "namespaces.rdf"
    plain.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
                     '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
                     '<rdf:Description rdf:about="&ex;a"><ex:p>v</ex:p></rdf:Description></rdf:RDF>', encoding="utf-8")
    assert run_kg("validate", str(plain)).returncode == 0


@pytest.mark.parametrize("text", [
    "SELECT * WHERE " + "{ " * 20000 + "?s ?p ?o" + " }" * 20000,
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }",
])
def test_deeply_nested_query_is_refused_not_crashing(built, tmp_path, text):
    query = tmp_path / "deep.rq"
    query.write_text(text, encoding="utf-8")
    result = run_kg("query", str(query), build_dir=built.build_dir)
    assert result.returncode == 2, (result.returncode, result.stderr[-300:])
    assert "nests brackets" in result.stderr


def test_from_names_a_local_graph_and_fetches_nothing(built):
    named = run_kg("query", "-e", "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/jp-plan-kg/graph/municipalities> WHERE { ?s ?p ?o }",
                   "-f", "csv", build_dir=built.build_dir)
    in_file = len(set(parse_rdf_file(ROOT / "data" / "ttl" / "municipalities.ttl").triples))
    assert named.stdout.splitlines()[1] == str(in_file)  # FROM restricts the default graph to that file's graph
    for iri in ("file:///etc/passwd", "http://127.0.0.1:9/remote.ttl"):
        result = run_kg("query", "-e", f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}", "-f", "csv", build_dir=built.build_dir)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.strip().splitlines()) == 1  # the header only: no such graph in the store, nothing read


# --- where the project is: --root, KG_ROOT, or found from the working directory (kg.project) -----------------

def _run_in(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("KG_ROOT", "KG_BUILD_DIR")}
    return subprocess.run([sys.executable, "-m", "kg", *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**clean, "PYTHONIOENCODING": "utf-8", **env})


def test_the_project_is_found_from_a_folder_inside_it(tmp_path):
    root = _copy_project(tmp_path)
    result = _run_in(root / "data" / "ttl" / "classification", "stats")
    assert result.returncode == 2 and f"no built store in {root / 'build'}" in result.stderr, result.stderr
    named = _run_in(tmp_path, "stats", KG_ROOT=str(root))
    assert named.returncode == 2 and f"no built store in {root / 'build'}" in named.stderr, named.stderr


def test_outside_a_project_build_and_query_exit_2_with_a_sentence(tmp_path):
    for args, needles in ((["build"], ["kg build はプロジェクトの中で実行してください"]),
                          (["build", "--lang", "en"], ["kg build needs a project"]),
                          (["query", "01-dx-viewpoints"], ["kg query はプロジェクトの中で", "kg query needs a project"])):
        result = _run_in(tmp_path, *args)
        assert result.returncode == 2, result.stderr
        assert all(n in result.stderr for n in needles) and "--root" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran


def test_outside_a_project_validate_still_uses_real_shapes(tmp_path):
    """An editable install has no bundle copy: the checkout it lives in is its bundle, never an empty shape set."""
    bad = ROOT / "tests" / "shapes" / "invalid" / "challenge-without-plan.ttl"
    result = _run_in(tmp_path, "validate", str(bad))
    assert result.returncode == 1 and "jpp:inPlan" in result.stdout, result.stdout + result.stderr


def test_a_root_that_does_not_exist_exits_2(tmp_path):
    result = run_kg("query", "01", root=tmp_path / "nowhere")
    assert result.returncode == 2 and "nowhere" in result.stderr


def test_build_with_no_data_or_no_shapes_is_an_error_not_an_empty_build(tmp_path):
    root = _copy_project(tmp_path)
    data = list((root / "data" / "ttl").rglob("*.ttl"))
    for path in data:
        path.unlink()
    result = run_kg("build", "--lang", "en", root=root, build_dir=tmp_path / "build")
    assert result.returncode == 2 and "no data" in result.stderr, result.stderr
    assert not (tmp_path / "build" / "current").exists()
    shutil.copy2(VALID_PLAN, root / "data" / "ttl" / VALID_PLAN.name)
    for path in (root / "ontology" / "shapes").glob("*.ttl"):
        path.unlink()
    result = run_kg("build", root=root, build_dir=tmp_path / "build")
    assert result.returncode == 2 and "SHACL シェイプがありません" in result.stderr, result.stderr
    assert not (tmp_path / "build" / "current").exists()
    validate = run_kg("validate", str(VALID_PLAN), root=root)
    assert validate.returncode == 2 and "no SHACL shapes" in validate.stderr, validate.stderr
