"""Exports people use (issue 21): `kg query --out FILE` in the format its suffix names, CSV files with a byte-order
mark for Excel, TSV of plain values, Excel workbooks from the CLI and the named-query API, read back with csv and
openpyxl."""

from __future__ import annotations

import csv
import io

import httpx
import openpyxl
import pytest

from conftest import run_kg
from serve_session import session_server


def test_csv_file_starts_with_a_byte_order_mark_and_reads_back(built, tmp_path):
    out = tmp_path / "kpis.csv"
    result = run_kg("query", "05-kpi-values", "--out", str(out), build_dir=built.build_dir)
    assert result.returncode == 0 and result.stdout == "" and str(out) in result.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads the Japanese as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0])[:2] == ["municipality", "kpi"]   # the headers as the query names them
    births = [r for r in rows if r["kpi"] == "出生数"]
    assert births and births[0]["baselineValue"] == "615"


def test_no_bom_turns_it_off_and_printing_never_has_one(built, tmp_path):
    out = tmp_path / "kpis.csv"
    assert run_kg("query", "05", "--out", str(out), "--no-bom", build_dir=built.build_dir).returncode == 0
    assert out.read_bytes().startswith(b"municipality,")
    printed = run_kg("query", "05", "--format", "csv", build_dir=built.build_dir).stdout
    assert printed.startswith("municipality,")


def test_tsv_holds_plain_values(built, tmp_path):
    out = tmp_path / "kpis.tsv"
    assert run_kg("query", "05-kpi-values", "--out", str(out), build_dir=built.build_dir).returncode == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split("\t")[:3] == ["municipality", "kpi", "breakdown"]
    births = next(line.split("\t") for line in lines if "\t出生数\t" in line)
    assert births[0] == "青梅市" and "615" in births and "2027" in births
    text = "\n".join(lines)
    assert "@ja" not in text and "^^" not in text and '"' not in text


def test_xlsx_of_a_select_answer_has_numbers_as_numbers(built, tmp_path):
    out = tmp_path / "kpis.xlsx"
    assert run_kg("query", "05-kpi-values", "--out", str(out), build_dir=built.build_dir).returncode == 0
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "05-kpi-values" and rows[0][:2] == ("municipality", "kpi")
    births = next(r for r in rows if r[1] == "出生数")
    assert births[0] == "青梅市" and births[3] == 2021 and births[4] == 615 and isinstance(births[4], int)
    csv_rows = run_kg("query", "05-kpi-values", "--format", "csv", build_dir=built.build_dir).stdout
    assert len(rows) == len(list(csv.reader(io.StringIO(csv_rows))))


def test_xlsx_of_any_answer_ask_and_construct_too(built, tmp_path):
    asked = tmp_path / "ask.xlsx"
    assert run_kg("query", "-e", "ASK { ?s ?p ?o }", "--out", str(asked), build_dir=built.build_dir).returncode == 0
    assert list(openpyxl.load_workbook(asked).active.iter_rows(values_only=True)) == [("boolean",), (True,)]
    graph = tmp_path / "graph.xlsx"
    construct = ("PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>\n"
                 "CONSTRUCT { ?m jpp:localGovernmentCode ?c } WHERE { ?m jpp:localGovernmentCode \"132055\", ?c }")
    assert run_kg("query", "-e", construct, "--out", str(graph), build_dir=built.build_dir).returncode == 0
    rows = list(openpyxl.load_workbook(graph).active.iter_rows(values_only=True))
    assert rows[0] == ("subject", "predicate", "object") and rows[1][2] == "132055"


def test_format_beats_the_suffix_and_an_unknown_suffix_is_refused(built, tmp_path):
    out = tmp_path / "answer.txt"
    assert run_kg("query", "13", "--out", str(out), "--format", "json", build_dir=built.build_dir).returncode == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("{")
    odd = run_kg("query", "13", "--out", str(tmp_path / "answer.pdf"), build_dir=built.build_dir)
    assert odd.returncode == 2 and "--format" in odd.stderr and not (tmp_path / "answer.pdf").exists()


def test_a_folder_that_does_not_exist_is_not_created(built, tmp_path):
    result = run_kg("query", "13", "--out", str(tmp_path / "no" / "such" / "a.csv"), build_dir=built.build_dir)
    assert result.returncode == 2 and "does not exist" in result.stderr and "mkdir -p" in result.stderr
    assert not (tmp_path / "no").exists()


def test_xlsx_is_not_printed(built):
    result = run_kg("query", "13", "--format", "xlsx", build_dir=built.build_dir)
    assert result.returncode == 2 and "--out" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("ask_by", ["format", "accept"])
def test_the_named_query_api_answers_xlsx(request, built, tmp_path_factory, ask_by):
    server = session_server(request, built, tmp_path_factory)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    params, headers = {"year": "令和8"}, {}
    if ask_by == "format":
        params["format"] = "xlsx"
    else:
        headers["Accept"] = xlsx
    answer = httpx.get(server.url + "/api/queries/13-plans-in-force", params=params, headers=headers, timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(xlsx), answer.text
    rows = list(openpyxl.load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    as_json = httpx.get(server.url + "/api/queries/13-plans-in-force", params={"year": "2026"}, timeout=30).json()
    assert rows[0] == tuple(as_json["head"]["vars"]) and len(rows) == 1 + len(as_json["results"]["bindings"])
    assert any("西東京市デジタル田園都市国家構想総合戦略" in row for row in rows)


def test_the_openapi_description_offers_xlsx(request, built, tmp_path_factory):
    server = session_server(request, built, tmp_path_factory)
    document = httpx.get(server.url + "/api/openapi.json", timeout=30).json()
    operation = document["paths"]["/api/queries/05-kpi-values"]["get"]
    formats = next(p for p in operation["parameters"] if p["name"] == "format")["schema"]["enum"]
    assert "xlsx" in formats


# -- the static site: each question's answer on the seed data, as CSV and XLSX ------------------------------------

@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    out = tmp_path_factory.mktemp("answers") / "site"
    result = run_kg("publish", "--base-iri", "https://example.org/kg/", "--out", str(out), build_dir=built.build_dir)
    assert result.returncode == 0, result.stderr
    return out


def test_the_site_has_every_questions_answer_as_csv_and_xlsx(site, built):
    from kg.publish.answers import answer_path
    from kg.query.catalogue import catalogue

    names = [q.name for q in catalogue(built.queries_dir)]
    assert len(names) >= 16
    for name in names:
        printed = run_kg("query", name, "--format", "csv", build_dir=built.build_dir).stdout
        expected = list(csv.reader(io.StringIO(printed)))
        data = (site / answer_path(name, "csv")).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
        assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == expected, name
        sheet = openpyxl.load_workbook(site / answer_path(name, "xlsx")).active
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == expected[0] and len(rows) == len(expected), name
    assert answer_path("13-plans-in-force", "xlsx") == "answers/13-plans-in-force.xlsx"
    assert not list((site / "answers").glob("*orphan*"))   # the checks are not questions
