"""kg template / ingest / export: the workbook, cell-precise errors, shape violations at cells, and the round trip
of the five seed plans (export from the build, ingest again: isomorphic to the data files).

Fixture workbooks are built here from the template with openpyxl, one per typical mistake; none is committed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.intake.export import export_plan
from kg.intake.ingest import ingest
from kg.intake.layout import SHEETS
from kg.intake.template import build_workbook
from kg.intake.vocabulary import load_vocabulary, vocabulary_from_triples
from kg.namespaces import PREFIXES
from kg.rdf.files import parse_rdf_file
from kg.rdf.terms import rdflib_graph

from conftest import run_kg

SEEDS = {
    "132055-ome-strategy": "id:plan/132055/strategy-2",
    "022012-aomori-comprehensive-plan": "id:plan/022012/comprehensive-plan",
    "132217-kiyose-comprehensive-plan": "id:plan/132217/comprehensive-plan",
    "132292-nishitokyo-strategy": "id:plan/132292/digital-strategy",
    "142123-atsugi-strategy": "id:plan/142123/strategy-2",
}
SHEET = {s.name: s for s in SHEETS}
# A prefixed name of the project's namespaces (jpp:…, prov:…, cm:…) or an IRI: what a clerk's message never shows.
RDF_TERM = re.compile(r"\b(?:" + "|".join(PREFIXES) + r"):[A-Za-z]|<https?://|https?://w3id")


def address(sheet: str, header: str, row: int) -> str:
    """KPI!H3 for the column headed 指標名 on row 3, from the layout (so a reordered layout keeps the tests right)."""
    index = next(i for i, c in enumerate(SHEET[sheet].columns, start=1) if c.ja == header)
    return f"{sheet}!{get_column_letter(index)}{row}"


@pytest.fixture(scope="module")
def vocabulary(project):
    return load_vocabulary(project)


# --- a small plan, filled in the template as a clerk would ---------------------------------------------------

SMALL_PLAN = {
    "計画": [
        {"種類": "デジタル田園都市国家構想総合戦略", "名称": "第3期青梅市デジタル田園都市国家構想総合戦略",
         "表示名": "第3期青梅市デジタル田園都市国家構想総合戦略", "団体コード": "132055", "発行者": "132055", "期・次": "第3期",
         "期・次（数値）": 3, "状態": "案", "計画期間（初年度）": "令和7年度", "計画期間（最終年度）": "R11",
         "関連施策の属する計画": "plan/132055/comprehensive-plan-7", "出典": "source/132055-ome-strategy-3"},
        {"ID": "plan/132055/comprehensive-plan-7", "種類": "総合計画", "名称": "第7次青梅市総合長期計画",
         "表示名": "第7次青梅市総合長期計画", "団体コード": "132055", "網羅性": "引用のみ"},
        # The small plan's own document (a draft, not one of the seed texts): no line numbers to give.
        {"ID": "source/132055-ome-strategy-3", "種類": "出典文書", "名称": "第3期青梅市総合戦略（案）",
         "表示名": "第3期青梅市総合戦略（案）", "網羅性": "一部",
         "網羅性の注記": "試験用の小さな計画：目標 1、方向性 1、KPI 3 件のみを記入"},
    ],
    "目標・方向": [
        {"ID": "goal-1", "種類": "目標", "階層名": "基本目標", "番号": "1", "順序": 1, "名称": "子どもを生み・育てたいまち",
         "政策分野": "結婚・出産・子育て\n学校教育", "国の総合戦略の方向": "結婚・出産・子育ての希望をかなえる"},
        {"ID": "goal-1/direction-1", "種類": "方向性", "階層名": "基本方向", "番号": "①", "順序": 1,
         "名称": "安心して子どもを生み・育てられる環境の整備", "政策分野": "結婚・出産・子育て"},
    ],
    "施策・取組": [
        {"ID": "plan/132055/comprehensive-plan-7/measure-2-1", "種類": "施策", "計画": "plan/132055/comprehensive-plan-7",
         "番号": "2-1", "名称": "子ども・若者支援の充実"},
    ],
    "KPI": [
        {"対象": "goal-1/direction-1", "順序": 1, "指標名": "出生数", "現状値の年度": "令和3年度", "現状値": "615人",
         "目標値の年度": "令和9年度", "目標値": "526人"},
        {"対象": "goal-1/direction-1", "順序": 2, "指標名": "「自分の考えを深めることができた」と感じた児童生徒の割合",
         "現状値の年度": "R4", "現状値": "小学校:76.5% 中学校:72.1%", "目標値の年度": "2027", "目標値": "小学校:80% 中学校:80%"},
        {"対象": "goal-1/direction-1", "順序": 3, "指標名": "介護予防教室の受講人数", "単位": "人",
         "現状値の年度": "令和３年度", "現状値": "延べ ７５９ 人", "目標値の年度": "令和5年度", "目標値": "延べ 1,200 人"},
    ],
    "視点・理念": [
        {"階層名": "共通する視点", "順序": 1, "名称": "デジタルの力を活用した地域課題解決", "共通視点": "デジタル・DX"},
    ],
    "関連施策": [
        {"引用元": "goal-1/direction-1", "施策": "plan/132055/comprehensive-plan-7/measure-2-1",
         "引用された施策名": "子ども・若者支援の充実", "掲載頁": "P42", "順序": 1},
    ],
}


def fill(book, sheet: str, rows: list[dict]) -> None:
    ws = book[sheet]
    columns = {c.ja: i for i, c in enumerate(SHEET[sheet].columns, start=1)}
    for offset, values in enumerate(rows):
        for header, value in values.items():
            ws.cell(row=3 + offset, column=columns[header], value=value)


def small_plan_workbook(path: Path, vocabulary, **changes) -> Path:
    """The small plan with changes: {"KPI": {0: {"指標名": None}}} sets cells of the first KPI row."""
    book = build_workbook(vocabulary)
    for sheet, rows in SMALL_PLAN.items():
        rows = [dict(r) for r in rows]
        for index, cells in changes.get(sheet, {}).items():
            rows[index].update(cells)
        fill(book, sheet, rows)
    book.save(path)
    return path


def test_the_small_plan_ingests_and_conforms(tmp_path, project, vocabulary):
    workbook = small_plan_workbook(tmp_path / "small.xlsx", vocabulary)
    out = tmp_path / "ttl" / "132055-ome-strategy-3.ttl"
    out.parent.mkdir()  # kg ingest writes into a folder that exists (a mistyped one is refused)
    result = run_kg("ingest", str(workbook), "--out", str(out))
    assert result.returncode == 0, result.stderr
    facts = rdflib_graph(parse_rdf_file(out).triples)
    classification = rdflib_graph(parse_rdf_file(out.parent / "classification" / out.name).triples)
    ttl = out.read_text(encoding="utf-8")
    assert "@base <https://w3id.org/jp-plan-kg/id/> ." in ttl
    plan = "https://w3id.org/jp-plan-kg/id/plan/132055/strategy-3"  # named from code, kind and edition
    value = facts.query(f"""PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
        SELECT ?year ?label ?number ?unit ?q WHERE {{
            <{plan}/goal-1/direction-1/kpi-3/baseline> jpp:fiscalYear ?year ; jpp:yearLabel ?label ;
                jpp:numericValue ?number ; jpp:unit ?unit ; jpp:qualifier ?q }}""")
    (row,) = list(value)
    assert (str(row.year), str(row.label), str(row.number)) == ("2021", "令和３年度", "759.0")
    assert str(row.unit).endswith("unit/person") and str(row.q).endswith("qualifier/gross")
    split = {str(s).rsplit("/", 1)[-1] for s in facts.subjects() if "/kpi-2/" in str(s)}
    assert split == {"baseline-elementary-school", "baseline-junior-high-school",
                     "target-elementary-school", "target-junior-high-school"}
    editorial = sorted((str(s).rsplit("/", 1)[-1], str(p).rsplit("#", 1)[-1], str(o).rsplit("/", 1)[-1])
                       for s, p, o in classification)
    assert editorial == [("direction-1", "policyDomain", "child-rearing"), ("goal-1", "nationalDirection",
                         "marriage-childbirth-childrearing"), ("goal-1", "policyDomain", "child-rearing"),
                         ("goal-1", "policyDomain", "education"), ("viewpoint-1", "mapsToConcept", "dx")]
    assert run_kg("validate", str(out), str(out.parent / "classification" / out.name)).returncode == 0


# --- fixture workbooks with typical mistakes -----------------------------------------------------------------

MISTAKES = {
    "wrong-code-check-digit": ({"計画": {0: {"団体コード": "132056"}}}, ("計画", "団体コード", 3),
                               "検査数字（6桁目）が正しくありません（上5桁からは 132055 になります）"),
    "unknown-viewpoint": ({"視点・理念": {0: {"共通視点": "DX推進"}}}, ("視点・理念", "共通視点", 3),
                          "「DX推進」は共通視点の一覧にありません"),
    "value-without-unit": ({"KPI": {0: {"現状値": "615"}}}, ("KPI", "現状値", 3), "「615」に単位がありません"),
    "empty-required-cell": ({"KPI": {1: {"指標名": None}}}, ("KPI", "指標名", 4), "「指標名」は必須です"),
    "unreadable-year": ({"KPI": {2: {"現状値の年度": "来年度"}}}, ("KPI", "現状値の年度", 5), "「来年度」は年度として読めません"),
    "number-that-excel-made-a-date": ({"目標・方向": {0: {"番号": dt.datetime(2023, 2, 1)}}}, ("目標・方向", "番号", 3),
                                      "Excel がこのセルを日付"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_mistake_is_reported_at_its_cell_and_nothing_is_written(mistake, tmp_path, vocabulary):
    changes, (sheet, header, row), words = MISTAKES[mistake]
    workbook = small_plan_workbook(tmp_path / f"{mistake}.xlsx", vocabulary, **changes)
    out = tmp_path / "out.ttl"
    result = run_kg("ingest", str(workbook), "--out", str(out))
    assert result.returncode == 1, result.stderr
    lines = [line.strip() for line in result.stderr.splitlines() if "!" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{address(sheet, header, row)}〔{header}〕: "), result.stderr
    assert words in lines[0]
    assert "何も書き出していません" in result.stderr
    assert not out.exists() and not (tmp_path / "classification").exists()


def test_a_target_year_before_its_baseline_is_a_warning_and_the_plan_goes_in(tmp_path, vocabulary):
    # Issue 20: an odd year order is shown at its cell, as the shapes' warning is, and does not stop the plan.
    workbook = small_plan_workbook(tmp_path / "year-order.xlsx", vocabulary, KPI={0: {"目標値の年度": "令和2年度"}})
    out = tmp_path / "out.ttl"
    result = run_kg("ingest", str(workbook), "--out", str(out))
    assert result.returncode == 0, result.stderr
    shown = [line for line in result.stdout.splitlines() if "目標値の年度（令和2年度）が現状値の年度（令和3年度）より前です" in line]
    assert len(shown) == 1 and shown[0].strip().startswith(f"{address('KPI', '目標値の年度', 3)}"), result.stdout
    assert "警告" in shown[0] and out.exists()


def test_messages_in_english(tmp_path, vocabulary):
    workbook = small_plan_workbook(tmp_path / "unknown-viewpoint.xlsx", vocabulary, **MISTAKES["unknown-viewpoint"][0])
    result = run_kg("ingest", str(workbook), "--out", str(tmp_path / "out.ttl"), "--lang", "en")
    assert result.returncode == 1
    assert f"{address('視点・理念', '共通視点', 3)} [shared viewpoint]: 「DX推進」 is not in the list of shared viewpoints" in result.stderr
    assert "nothing was written" in result.stderr


def test_shape_violations_are_reported_at_the_cell_they_came_from(tmp_path, project, vocabulary):
    # Both pass the readers; the shapes refuse them: a plan that ends before it starts, an order of 0.
    edits = {"計画": {0: {"計画期間（初年度）": "令和11年度", "計画期間（最終年度）": "令和7年度"}},
             "目標・方向": {1: {"順序": 0}}}  # sheet names, not all of them Python names (・)
    workbook = small_plan_workbook(tmp_path / "period-and-order.xlsx", vocabulary, **edits)
    result = ingest(workbook, project=project, lang="ja")
    where = {p.address: p.render("ja") for p in result.problems}
    assert address("計画", "計画期間（初年度）", 3) in where, where
    assert address("目標・方向", "順序", 4) in where, where
    # In the workbook's words: the columns' headers, never the properties behind them.
    assert "「計画期間（最終年度）」より後です" in where[address("計画", "計画期間（初年度）", 3)]
    assert "「順序」" in where[address("目標・方向", "順序", 4)]
    assert not any(RDF_TERM.search(text) for text in where.values()), where
    assert len(result.problems) == 2


def test_a_statement_with_policy_domains_and_none_is_reported_at_its_cell(tmp_path, project, vocabulary):
    edits = {"視点・理念": {0: {"政策分野": "行政運営・DX", "政策分野なし": True}}}
    workbook = small_plan_workbook(tmp_path / "domain-and-none.xlsx", vocabulary, **edits)
    result = ingest(workbook, project=project, lang="ja")
    assert [p.address for p in result.problems] == [address("視点・理念", "政策分野", 3)], \
        [p.render("ja") for p in result.problems]
    assert "「政策分野」と「政策分野なし」の両方" in result.problems[0].render("ja")
    # Either one alone is accepted.
    domain_only = {"視点・理念": {0: {"政策分野": "行政運営・DX"}}}  # a sheet name, not a Python name (・)
    alone = small_plan_workbook(tmp_path / "domain.xlsx", vocabulary, **domain_only)
    assert not ingest(alone, project=project, lang="ja").problems


def test_a_folder_of_csv_files_reads_like_the_workbook(tmp_path, project, vocabulary):
    workbook = small_plan_workbook(tmp_path / "small.xlsx", vocabulary)
    folder = tmp_path / "csv"
    folder.mkdir()
    book = load_workbook(workbook)
    for index, sheet in enumerate(SHEETS):
        # Japanese Excel saves plain CSV as Shift_JIS and "CSV UTF-8" with a BOM: one of each.
        encoding = "cp932" if index % 2 else "utf-8-sig"
        with (folder / f"{sheet.name}.csv").open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            for row in book[sheet.name].iter_rows(values_only=True):
                writer.writerow(["" if v is None else v for v in row])
    from_csv = ingest(folder, project=project, validate=False)
    from_xlsx = ingest(workbook, project=project, validate=False)
    assert not from_csv.problems and not from_xlsx.problems
    assert isomorphic(from_csv.facts, from_xlsx.facts) and isomorphic(from_csv.classification, from_xlsx.classification)


def test_a_percent_formatted_number_cell_reads_as_the_clerk_sees_it(tmp_path, project, vocabulary):
    workbook = small_plan_workbook(tmp_path / "percent.xlsx", vocabulary,
                                   KPI={1: {"現状値": 0.125, "目標値": 0.5, "単位": "%"}})
    book = load_workbook(workbook)
    ws = book["KPI"]
    for header in ("現状値", "目標値"):
        ws[address("KPI", header, 4).split("!")[1]].number_format = "0.0%"
    book.save(workbook)
    result = ingest(workbook, project=project, validate=False)
    assert not result.problems
    labels = {str(o) for o in result.facts.objects(None, next(iter({p for p in result.facts.predicates()
                                                                   if str(p).endswith("#valueLabel")})))}
    assert {"12.5%", "50%"} <= labels


@pytest.mark.parametrize("make, needle", [
    (lambda p: p.write_bytes(b"not a workbook"), "を読めません"),
    (lambda p: p.unlink(missing_ok=True), "が見つかりません"),
])
def test_an_unreadable_file_exits_2(tmp_path, make, needle):
    path = tmp_path / "plan.xlsx"
    make(path)
    result = run_kg("ingest", str(path), "--out", str(tmp_path / "out.ttl"))
    assert result.returncode == 2 and needle in result.stderr


def test_a_workbook_without_the_plan_sheet_exits_2(tmp_path, vocabulary):
    book = build_workbook(vocabulary)
    del book["計画"]
    book.save(tmp_path / "no-plan-sheet.xlsx")
    result = run_kg("ingest", str(tmp_path / "no-plan-sheet.xlsx"), "--out", str(tmp_path / "out.ttl"))
    assert result.returncode == 2 and "「計画」シート" in result.stderr


# --- the template -------------------------------------------------------------------------------------------

def test_template_has_a_sheet_per_level_two_header_rows_and_lists_from_the_vocabularies(tmp_path, project, vocabulary):
    out = tmp_path / "template.xlsx"
    result = run_kg("template", "--out", str(out))
    assert result.returncode == 0, result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["説明", "計画", "目標・方向", "施策・取組", "KPI", "実績値", "視点・理念", "関連施策", "テーマ関連",
                               "その他の記述", "リスト"]
    assert book["リスト"].sheet_state == "hidden"
    kpi = book["KPI"]
    assert [c.value for c in kpi[1]][:3] == ["ID", "種類", "対象"] and [c.value for c in kpi[2]][:3] == ["ID", "kind", "measured element"]
    assert kpi.max_row == 2  # empty
    lists = {ws_col[0].value: [c.value for c in ws_col[1:] if c.value] for ws_col in book["リスト"].iter_cols()}
    for scheme in ("viewpoint", "policy-domain", "unit", "qualifier", "breakdown", "revision-change", "plan-status"):
        assert lists[f"scheme:{scheme}"] == vocabulary.scheme(scheme).labels()
    assert "デジタル・DX" in lists["scheme:viewpoint"] and "延べ" in lists["scheme:qualifier"]
    validations = {str(v.sqref): v.formula1 for v in book["視点・理念"].data_validations.dataValidation}
    column = address("視点・理念", "共通視点", 3).split("!")[1].rstrip("3")
    assert any(cells.startswith(f"{column}3") and "リスト" in formula for cells, formula in validations.items())
    instructions = "\n".join(str(c.value) for row in book["説明"].iter_rows() for c in row if c.value)
    assert "令和5年度" in instructions and "How to use it" in instructions and "小学校:76.5% 中学校:72.1%" in instructions


def test_template_lists_follow_the_vocabulary_files(project):
    import pyoxigraph as ox

    triples = [t for path in project.ontology_files() for t in parse_rdf_file(path).triples]
    skos = "http://www.w3.org/2004/02/skos/core#"
    new = ox.NamedNode("https://w3id.org/jp-plan-kg/vocab/viewpoint/resilience")
    triples += [ox.Triple(new, ox.NamedNode(skos + "inScheme"), ox.NamedNode("https://w3id.org/jp-plan-kg/vocab/viewpoint")),
                ox.Triple(new, ox.NamedNode(skos + "prefLabel"), ox.Literal("強靱化", language="ja"))]
    book = build_workbook(vocabulary_from_triples(triples))
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in book["リスト"].iter_cols()}
    assert "強靱化" in lists["scheme:viewpoint"]


# --- the round trip of the five seeds -------------------------------------------------------------------------

def original(project, name: str, *, classification: bool = False):
    folder = project.data_dir / "classification" if classification else project.data_dir
    return rdflib_graph(parse_rdf_file(folder / f"{name}.ttl").triples)


def assert_same(got, expected, what: str) -> None:
    if not isomorphic(got, expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(f"{what}: {len(only_got)} extra, {len(only_expected)} missing; e.g. extra {list(only_got)[:3]}, "
                    f"missing {list(only_expected)[:3]}")


@pytest.mark.parametrize("name", [n for n in SEEDS if n != "132055-ome-strategy"])
def test_round_trip_of_a_seed_plan(name, built, tmp_path):
    workbook = tmp_path / f"{name}.xlsx"
    export_plan(built, SEEDS[name], workbook)
    result = ingest(workbook, project=built, lang="en")
    assert not result.problems, "\n".join(p.render("en") for p in result.problems)
    assert_same(result.facts, original(built, name), "source facts")
    assert_same(result.classification, original(built, name, classification=True), "classification")


def test_round_trip_of_ome_through_the_commands(built, tmp_path):
    name = "132055-ome-strategy"
    workbook = tmp_path / f"{name}.xlsx"
    exported = run_kg("export", "--plan", SEEDS[name], "--out", str(workbook), build_dir=built.build_dir)
    assert exported.returncode == 0, exported.stderr
    assert "その他の記述 1 件" in exported.stdout  # only the plan's sourceLocator tagged @ja has no column
    book = load_workbook(workbook)
    kpi = {c.value: i for i, c in enumerate(book["KPI"][1])}
    values = [(r[kpi["現状値の年度"]].value, r[kpi["現状値"]].value) for r in book["KPI"].iter_rows(min_row=3)]
    assert ("令和4年度", "小学校:76.5% 中学校:72.1%") in values and ("令和3年度", "延べ 759 人") in values
    out = tmp_path / "ttl" / f"{name}.ttl"
    out.parent.mkdir()
    ingested = run_kg("ingest", str(workbook), "--out", str(out))
    assert ingested.returncode == 0, ingested.stderr
    assert_same(rdflib_graph(parse_rdf_file(out).triples), original(built, name), "source facts")
    assert_same(rdflib_graph(parse_rdf_file(out.parent / "classification" / out.name).triples),
                original(built, name, classification=True), "classification")


def test_export_refuses_a_plan_known_only_from_citations(built, tmp_path):
    result = run_kg("export", "--plan", "id:plan/national/digital-garden-city-strategy", "--out", str(tmp_path / "x.xlsx"),
                    build_dir=built.build_dir)
    assert result.returncode == 2 and "only cited" in result.stderr
    result = run_kg("export", "--plan", "id:plan/999999/nothing", "--out", str(tmp_path / "x.xlsx"), build_dir=built.build_dir)
    assert result.returncode == 2 and "no plan" in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_export_without_a_build_says_so(tmp_path):
    result = run_kg("export", "--plan", SEEDS["132055-ome-strategy"], "--out", str(tmp_path / "x.xlsx"),
                    build_dir=tmp_path / "empty")
    assert result.returncode == 2 and "kg build" in result.stderr


# --- one run, every problem, at its cell, in the workbook's words ---------------------------------------------

def test_a_source_document_row_without_completeness_is_named_at_its_own_cell(tmp_path, project, vocabulary):
    # The shapes find a missing value; it is reported in the column that would hold it (網羅性), not at the row's ID in column A.
    book = build_workbook(vocabulary)
    rows = [dict(r) for r in SMALL_PLAN["計画"]]
    del rows[2]["網羅性"], rows[2]["網羅性の注記"]  # the source document's row, third on the sheet (row 5)
    fill(book, "計画", rows)
    for sheet, sheet_rows in SMALL_PLAN.items():
        if sheet != "計画":
            fill(book, sheet, sheet_rows)
    book.save(tmp_path / "source-row.xlsx")
    result = ingest(tmp_path / "source-row.xlsx", project=project, lang="ja")
    assert [p.address for p in result.problems] == [address("計画", "網羅性", 5)], [p.render("ja") for p in result.problems]
    assert "一覧から選んでください（全体・一部・引用のみ）" in result.problems[0].render("ja")


def test_a_blank_plan_source_is_one_message_not_one_per_row(tmp_path, project, vocabulary):
    workbook = small_plan_workbook(tmp_path / "no-source.xlsx", vocabulary, 計画={0: {"出典": None}})
    result = ingest(workbook, project=project, lang="ja")
    assert [(p.code, p.address) for p in result.problems] == [("source.missing", address("計画", "出典", 3))]
    assert not RDF_TERM.search(result.problems[0].render("ja")) and not RDF_TERM.search(result.problems[0].render("en"))


def test_a_mistyped_source_id_is_not_made_into_a_new_document(tmp_path, project, vocabulary):
    workbook = small_plan_workbook(tmp_path / "typo.xlsx", vocabulary, 計画={0: {"出典": "source/132055-ome-stratgy"}})
    result = ingest(workbook, project=project, lang="ja")
    assert [(p.code, p.address) for p in result.problems] == [("source.typo", address("計画", "出典", 3))]
    assert "source/132055-ome-strategy" in result.problems[0].render("ja")


def test_cell_problems_and_shape_violations_come_in_one_run(tmp_path, project, vocabulary):
    # A reader's problem (a wrong check digit keeps the plan from being named) does not hide the shapes' verdict on
    # the other rows: an order of 0 is still found.
    edits = {"計画": {0: {"団体コード": "132056"}}, "目標・方向": {1: {"順序": 0}}}
    workbook = small_plan_workbook(tmp_path / "both.xlsx", vocabulary, **edits)
    result = ingest(workbook, project=project, lang="ja")
    assert [p.address for p in result.problems] == [address("計画", "団体コード", 3), address("目標・方向", "順序", 4)]


@pytest.mark.parametrize("lang, words", [("ja", "古い Excel 形式（.xls）です"), ("en", "old Excel format (.xls)")])
def test_an_xls_file_is_named_as_such(tmp_path, lang, words):
    path = tmp_path / "plan.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # the OLE2 signature of the old format
    result = run_kg("ingest", str(path), "--out", str(tmp_path / "out.ttl"), "--lang", lang)
    assert result.returncode == 2 and words in result.stderr and "xlrd" not in result.stderr


@pytest.mark.parametrize("lang, words", [("ja", "出力先のフォルダ"), ("en", "output folder")])
def test_a_missing_output_folder_is_named_before_any_work(tmp_path, vocabulary, lang, words):
    workbook = small_plan_workbook(tmp_path / "small.xlsx", vocabulary)
    result = run_kg("ingest", str(workbook), "--out", str(tmp_path / "data" / "tt" / "x.ttl"), "--lang", lang)
    assert result.returncode == 2 and words in result.stderr and "disk" not in result.stderr, result.stderr
    assert not (tmp_path / "data").exists()


def test_the_shapes_said_in_the_workbooks_words_exist(project):
    # kg.intake.shape_words says some shapes' results again in the workbook's words, by the shape's name: a shape
    # renamed in ontology/shapes would silently fall back to its Turtle-speaking message.
    from kg.intake.shape_words import WORDS

    text = "\n".join(path.read_text(encoding="utf-8") for path in project.shape_files())
    assert [name for name in WORDS if f"jpps:{name} a sh:" not in text] == []
    keys = {c.key for sheet in SHEETS for c in sheet.columns}
    assert [key for key, _ja, _en in WORDS.values() if key is not None and key not in keys] == []
    assert not any(RDF_TERM.search(ja) or RDF_TERM.search(en) for _key, ja, en in WORDS.values())
