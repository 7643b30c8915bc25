"""A clerk's path through the workbook, for a municipality that is not one of the seeds (八王子市, 132012).

The template is written by `kg template` and filled with openpyxl cell by cell, found by the headers a person reads,
with the mistakes people make: a blank required cell, a wrong check digit, no source for the plan, a 5-digit code
typed as a number. One `kg ingest` run must name every one of them, at its cell, in Japanese, in the workbook's words
(no RDF terms); once they are fixed the same command writes Turtle that `kg validate` accepts.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from rdflib import URIRef

from kg.intake.layout import SHEETS
from kg.intake.municipality import list_entry, read_municipality
from kg.intake.template import REQUIRED_FILL
from kg.intake.values import CellProblem
from kg.namespaces import DCTERMS, ID, JPP, PREFIXES, PROV
from kg.rdf.files import parse_rdf_file
from kg.rdf.terms import rdflib_graph
from kg.reference import national_registry

from conftest import run_kg

SOURCE_ID = "source/132012-hachioji-strategy"
PLAN = ID + "plan/132012/strategy-1"
RDF_TERM = re.compile(r"\b(?:" + "|".join(PREFIXES) + r"):[A-Za-z]|<https?://|https?://w3id")


def column_letter(ws, header: str) -> str:
    """The column a person finds by its Japanese header (row 1)."""
    for cell in ws[1]:
        if cell.value == header:
            return get_column_letter(cell.column)
    raise AssertionError(f"{ws.title} has no column headed {header}")


def put(book, sheet: str, row: int, cells: dict) -> None:
    ws = book[sheet]
    for header, value in cells.items():
        ws[f"{column_letter(ws, header)}{row}"] = value


def at(book, sheet: str, header: str, row: int) -> str:
    return f"{sheet}!{column_letter(book[sheet], header)}{row}"


def fill_hachioji(book) -> None:
    """A small strategy of 八王子市, typed as a clerk would, with four common mistakes."""
    put(book, "計画", 3, {
        "種類": "デジタル田園都市国家構想総合戦略", "名称": "八王子市デジタル田園都市国家構想総合戦略",
        "表示名": "八王子市デジタル田園都市国家構想総合戦略",
        "団体コード": "132013",        # mistake: the check digit of 八王子市 is 2
        "発行者": 13201,               # a 5-digit code typed as a number: read as 132012, no mistake
        "期・次": "第1期", "期・次（数値）": 1, "状態": "案", "計画期間（初年度）": "令和6年度", "計画期間（最終年度）": "令和10年度",
        "網羅性": "全体",
        # mistake: 出典 left blank (and no source-document row)
    })
    put(book, "目標・方向", 3, {"ID": "goal-1", "種類": "目標", "順序": 1})  # mistake: 名称 (required) blank
    put(book, "目標・方向", 4, {"ID": "goal-1/direction-1", "種類": "方向性", "順序": 1, "名称": "安心して子育てできる環境"})
    put(book, "施策・取組", 3, {"ID": "goal-1/direction-1/measure-1", "種類": "施策", "順序": 1, "名称": "保育所の整備",
                                "上位": "goal-1/direction-1"})
    put(book, "KPI", 3, {"対象": "goal-1/direction-1", "順序": 1, "指標名": "待機児童数", "現状値の年度": "令和5年度",
                         "現状値": "12人", "目標値の年度": "令和10年度", "目標値": "0人"})


@pytest.fixture()
def template(tmp_path):
    path = tmp_path / "plan-template.xlsx"
    result = run_kg("template", "--out", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_one_run_names_every_mistake_at_its_cell_then_the_fixed_workbook_is_accepted(template, tmp_path):
    book = load_workbook(template)
    fill_hachioji(book)
    workbook = tmp_path / "hachioji.xlsx"
    book.save(workbook)
    (tmp_path / "ttl").mkdir()
    out = tmp_path / "ttl" / "132012-hachioji-strategy.ttl"

    first = run_kg("ingest", str(workbook), "--out", str(out), "--lang", "ja")
    assert first.returncode == 1, first.stderr
    lines = [line.strip() for line in first.stderr.splitlines() if "!" in line]
    where = {line.split("〔", 1)[0]: line for line in lines}
    assert set(where) == {at(book, "計画", "団体コード", 3), at(book, "計画", "出典", 3),
                          at(book, "目標・方向", "名称", 3)}, first.stderr
    assert len(lines) == 3, first.stderr  # one message per root cause: not one per row that takes the plan's source
    assert "132012 は東京都八王子市です" in where[at(book, "計画", "団体コード", 3)]
    assert "出典文書のID" in where[at(book, "計画", "出典", 3)]
    assert "「名称」は必須です" in where[at(book, "目標・方向", "名称", 3)]
    assert "何も書き出していません" in first.stderr
    assert not RDF_TERM.search(first.stderr), first.stderr
    assert not out.exists()

    english = run_kg("ingest", str(workbook), "--out", str(out), "--lang", "en")
    assert english.returncode == 1 and "nothing was written" in english.stderr
    assert "which is 東京都八王子市" in english.stderr and not RDF_TERM.search(english.stderr), english.stderr

    # The fixes a clerk makes: the municipality by its name, the source's ID (no row: made from the plan's row).
    put(book, "計画", 3, {"団体コード": "八王子市", "出典": SOURCE_ID})
    put(book, "目標・方向", 3, {"名称": "子どもを生み育てやすいまち"})
    book.save(workbook)
    second = run_kg("ingest", str(workbook), "--out", str(out), "--lang", "ja")
    assert second.returncode == 0, second.stderr
    assert f"出典文書 {SOURCE_ID}" in second.stdout and "計画の行" in second.stdout
    facts = rdflib_graph(parse_rdf_file(out).triples)
    plan, source = URIRef(PLAN), URIRef(ID + SOURCE_ID)
    assert (plan, URIRef(JPP + "municipality"), URIRef(ID + "municipality/132012")) in facts
    assert (plan, URIRef(DCTERMS + "publisher"), URIRef(ID + "municipality/132012")) in facts
    assert (plan, URIRef(PROV + "wasDerivedFrom"), source) in facts
    assert (source, URIRef(DCTERMS + "title"), None) in facts

    files = [str(out)] + [str(p) for p in (tmp_path / "ttl" / "classification").glob("*.ttl")]
    validated = run_kg("validate", *files, "--lang", "ja")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "適合しています" in validated.stdout


def test_a_source_made_from_the_plan_row_answers_at_the_plan_row(template, tmp_path):
    # The source document takes its completeness from the plan's row: left blank, the plan row's cell is named.
    book = load_workbook(template)
    fill_hachioji(book)
    put(book, "計画", 3, {"団体コード": "132012", "出典": SOURCE_ID, "網羅性": None})
    put(book, "目標・方向", 3, {"名称": "子どもを生み育てやすいまち"})
    workbook = tmp_path / "hachioji.xlsx"
    book.save(workbook)
    result = run_kg("ingest", str(workbook), "--out", str(tmp_path / "out.ttl"))
    lines = [line.strip() for line in result.stderr.splitlines() if "!" in line]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{at(book, '計画', '網羅性', 3)}〔網羅性〕: 「網羅性」が空です。一覧から選んでください"), result.stderr


def test_the_template_offers_every_municipality_and_marks_what_the_plan_row_needs(template):
    book = load_workbook(template)
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in book["リスト"].iter_cols()}
    municipalities = national_registry().municipalities()
    assert lists["municipality"] == [list_entry(g) for g in municipalities] and len(municipalities) == 1741
    assert "東京都八王子市（132012）" in lists["municipality"]
    plan = book["計画"]
    for header in ("団体コード", "出典"):
        cell = plan[f"{column_letter(plan, header)}1"]
        assert cell.fill.fgColor.rgb.endswith(REQUIRED_FILL), header
        assert "3行目の計画では必須" in cell.comment.text
    code = column_letter(plan, "団体コード")
    (validation,) = [v for v in plan.data_validations.dataValidation if str(v.sqref).startswith(f"{code}3")]
    assert "リスト" in validation.formula1 and not validation.showErrorMessage  # a code or a name may be typed too
    # Every list entry reads back as its municipality.
    for government in municipalities[::97]:
        assert read_municipality(list_entry(government)).code == government.code


@pytest.mark.parametrize("raw, code", [
    (13201, "132012"), (13201.0, "132012"), ("13201", "132012"), ("132012", "132012"), ("１３２０１２", "132012"),
    (22012, "022012"),   # Excel dropped the leading zero of 022012 (青森市); 22012 + check digit is no municipality
    (1100, "011002"),    # 01100 (札幌市) typed as a number
    ("八王子市", "132012"), ("はちおうじし", "132012"), ("東京都府中市", "132063"), ("広島県府中市", "342084"),
    ("東京都八王子市（132012）", "132012"), ("132012 八王子市", "132012"),
])
def test_a_municipality_by_code_or_name(raw, code):
    assert read_municipality(raw).code == code


@pytest.mark.parametrize("raw, problem, words", [
    (12203, "municipality.ambiguous_number", ["122033（千葉県市川市）", "012203（北海道士別市）"]),
    ("府中市", "municipality.ambiguous_name", ["東京都府中市（132063）", "広島県府中市（342084）"]),
    ("132013", "municipality.check_digit", ["132012", "東京都八王子市"]),
    ("八王子", "municipality.unknown_name", ["東京都八王子市（132012）"]),
    ("東京都", "municipality.is_prefecture", []),
    ("130001", "municipality.is_prefecture", []),
    ("132055 八王子市", "municipality.name_code_mismatch", ["東京都青梅市"]),
    ("1320", "code.form", []),
])
def test_a_municipality_that_cannot_be_read_says_what_to_write(raw, problem, words):
    from kg.intake.messages import message

    with pytest.raises(CellProblem) as caught:
        read_municipality(raw)
    assert caught.value.code == problem
    said = message(problem, "ja", **caught.value.params)
    assert all(w in said for w in words), said
    assert "{" not in said and "{" not in message(problem, "en", **caught.value.params)


def test_sheets_are_unchanged_for_the_clerk():
    # The columns this file fills exist where a person looks for them.
    names = {s.name: {c.ja for c in s.columns} for s in SHEETS}
    assert {"団体コード", "発行者", "出典", "網羅性"} <= names["計画"] and "名称" in names["目標・方向"]


def test_a_deleted_source_column_is_one_message(template, tmp_path):
    book = load_workbook(template)
    fill_hachioji(book)
    put(book, "計画", 3, {"団体コード": "132012"})
    put(book, "目標・方向", 3, {"名称": "子どもを生み育てやすいまち"})
    plan = book["計画"]
    plan.delete_cols(plan[f"{column_letter(plan, '出典')}1"].column)
    workbook = tmp_path / "no-source-column.xlsx"
    book.save(workbook)
    result = run_kg("ingest", str(workbook), "--out", str(tmp_path / "out.ttl"))
    lines = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert lines[0].startswith("計画: 必須の列「出典」がありません"), result.stderr
