"""The whole path of a municipality that is not one of the seeds, as its clerk walks it, to the published pages.

八王子市 (132012) fills `kg template` with a small strategy, cell by cell with openpyxl (the plan content is made up
for the test, marked 試験用), first with the mistakes people make. Its KPIs are monitored (issue 20): one with a
baseline, three yearly achieved values from an evaluation report, graded, and a target; one whose target is a
direction only (増加). The clerk reads every message of one `kg ingest`,
fixes the cells, ingests, validates, and the project builds with the new files beside the seeds. Then every national
question names 八王子市, the one-city questions find it by name, and in Chromium the home page, the coverage page and
the municipality page show it.
"""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kg.project import default_project
from kg.publish import publish_site
from kg.query import BuiltStore, ask
from kg.query.catalogue import catalogue

from conftest import ROOT, run_kg
from test_intake_clerk import at, put

CODE = "132012"
PLAN = f"plan/{CODE}/strategy-1"
COMPREHENSIVE = f"plan/{CODE}/comprehensive-plan"
REVISION = "revision-2025-03"
SOURCE_ID = f"source/{CODE}-hachioji-strategy"
ONE_CITY = {"04-plan-tree", "12-related-measures", "15-provenance"}
# Parameters that make a national question about something this plan holds (the defaults ask about the seeds').
NATIONAL_PARAMS = {"09-theme-keyword": {"keyword": "待機児童"}, "13-plans-in-force": {"year": "2026"}}
REPORT_ID = f"source/{CODE}-hachioji-evaluation-2026"


def fill_strategy(book) -> None:
    """A strategy with what the national questions ask about: viewpoints, SDGs, domains, national directions, a KPI
    that falls, a revision that added it, and a measure of the comprehensive plan it relies on."""
    put(book, "計画", 3, {
        "種類": "デジタル田園都市国家構想総合戦略", "名称": "八王子市デジタル田園都市国家構想総合戦略（試験用）",
        "表示名": "八王子市デジタル田園都市国家構想総合戦略（試験用）", "団体コード": "132013",  # mistake: check digit
        "発行者": 13201,  # typed as a number: Excel keeps 5 digits, read as 132012
        "期・次": "第1期", "期・次（数値）": 1, "状態": "策定済", "計画期間（初年度）": "令和6年度",
        "計画期間（最終年度）": "令和10年度", "改訂": REVISION, "関連施策の属する計画": COMPREHENSIVE,
        "網羅性": "全体", "出典の行": 1,
        # mistake: 出典 left blank, and no source-document row
    })
    put(book, "計画", 4, {"ID": COMPREHENSIVE, "種類": "総合計画", "名称": "八王子市基本計画（試験用）",
                         "表示名": "八王子市基本計画（試験用）", "団体コード": CODE, "網羅性": "引用のみ", "出典の行": 2})
    put(book, "計画", 5, {"ID": REVISION, "種類": "改訂", "表示名": "令和7年3月改訂版", "日付（原文）": "令和7年3月",
                         "改訂年月": "2025-03", "出典の行": 3})
    put(book, "視点・理念", 3, {"ID": "viewpoint-1", "種類": "視点", "順序": 1, "名称": "デジタル技術による暮らしの向上",
                             "共通視点": "デジタル・DX", "出典の行": 5})
    put(book, "視点・理念", 4, {"ID": "viewpoint-2", "種類": "視点", "順序": 2, "名称": "ゼロカーボンシティの実現",
                             "共通視点": "ゼロカーボン・脱炭素・GX", "出典の行": 6})
    put(book, "視点・理念", 5, {"ID": "viewpoint-3", "種類": "視点", "順序": 3, "名称": "SDGsの推進",
                             "共通視点": "SDGs", "出典の行": 7})
    put(book, "目標・方向", 3, {"ID": "goal-1", "種類": "目標", "階層名": "基本目標", "番号": "1", "順序": 1,
                             "SDGs": "目標4：質の高い教育をみんなに", "政策分野": "結婚・出産・子育て",
                             "国の総合戦略の方向": "結婚・出産・子育ての希望をかなえる", "出典の行": 10})
    # mistake above: 名称 (required) left blank
    put(book, "目標・方向", 4, {"ID": "goal-1/direction-1", "種類": "方向性", "階層名": "基本方向", "番号": "①",
                             "順序": 1, "名称": "安心して子育てできる環境", "政策分野": "結婚・出産・子育て", "出典の行": 11})
    put(book, "施策・取組", 3, {"ID": "goal-1/direction-1/measure-1", "種類": "施策", "順序": 1, "名称": "保育所の整備",
                             "上位": "goal-1/direction-1", "政策分野": "結婚・出産・子育て", "出典の行": 12})
    put(book, "施策・取組", 4, {"ID": f"{COMPREHENSIVE}/measure-3-1", "種類": "施策", "番号": "3-1",
                             "名称": "子育て支援の充実", "政策分野": "結婚・出産・子育て", "出典の行": 13})
    put(book, "KPI", 3, {"ID": "goal-1/direction-1/kpi-1", "種類": "重要業績評価指標（KPI）", "対象": "goal-1/direction-1",
                         "順序": 1, "指標名": "待機児童数", "単位": "人", "現状値の年度": "令和5年度", "現状値": "12人",
                         "目標値の年度": "令和10年度", "目標値": "0人", "改定での扱い": "新規", "対象の改定": REVISION,
                         "出典の行": 14})
    put(book, "KPI", 4, {"ID": "goal-1/direction-1/kpi-2", "対象": "goal-1/direction-1", "順序": 2,
                         "指標名": "子育てひろば利用者数", "単位": "人", "現状値の年度": "令和5年度", "現状値": "1,000人",
                         "目標値の年度": "令和10年度", "目標値": "増加", "出典の行": 16})
    # The monitoring: the evaluation report as a source document, and one row per achieved value.
    put(book, "計画", 6, {"ID": REPORT_ID, "種類": "出典文書", "名称": "八王子市総合戦略の効果検証（試験用）",
                         "表示名": "八王子市総合戦略の効果検証（試験用）",
                         "網羅性": "全体"})
    # Grade A is named in English too; B is not (a warning, the build goes on).
    for row, (kpi, year, value, grade, meaning, meaning_en) in enumerate([
            ("kpi-1", "令和6年度", "9人", "B", "概ね順調", ""), ("kpi-1", "令和7年度", "6人", "B", "概ね順調", ""),
            ("kpi-1", "令和8年度", "3人", "A", "順調", "On track"), ("kpi-2", "令和6年度", "1,100人", "", "", "")],
            start=3):
        put(book, "実績値", row, {"指標": f"goal-1/direction-1/{kpi}", "実績値の年度": year, "実績値": value,
                                 "評価": grade, "評価の意味": meaning, "評価の意味（英語）": meaning_en, "出典": REPORT_ID})
    put(book, "関連施策", 3, {"ID": "goal-1/direction-1/ref-1", "施策": f"{COMPREHENSIVE}/measure-3-1",
                           "引用された施策名": "子育て支援の充実", "掲載頁": 30, "順序": 1, "出典の行": 15})


@pytest.fixture(scope="module")
def hachioji(tmp_path_factory):
    """The clerk's workbook, the messages of each run, and a project holding the seeds and the new plan, built."""
    work = tmp_path_factory.mktemp("clerk")
    template = work / "plan-template.xlsx"
    assert run_kg("template", "--out", str(template)).returncode == 0
    book = load_workbook(template)
    fill_strategy(book)
    workbook = work / "hachioji.xlsx"
    book.save(workbook)

    root = work / "project"
    shutil.copytree(ROOT / "data", root / "data")
    for name in ("ontology", "queries"):
        (root / name).symlink_to(ROOT / name, target_is_directory=True)
    out = root / "data" / "ttl" / f"{CODE}-hachioji-strategy.ttl"
    first = run_kg("ingest", str(workbook), "--out", str(out), "--lang", "ja")

    put(book, "計画", 3, {"団体コード": "八王子市", "出典": SOURCE_ID})   # the clerk types the name this time
    put(book, "目標・方向", 3, {"名称": "子どもを生み育てやすいまち"})
    book.save(workbook)
    second = run_kg("ingest", str(workbook), "--out", str(out), "--lang", "ja")
    new_files = [out, *sorted((out.parent / "classification").glob(f"{CODE}-*.ttl"))]
    validated = run_kg("validate", *map(str, new_files), "--lang", "ja") if second.returncode == 0 else None
    built = run_kg("build", "--quiet", root=root, build_dir=root / "build", timeout=600) \
        if validated is not None and validated.returncode == 0 else None
    return {"book": book, "first": first, "second": second, "validated": validated, "built": built, "root": root}


@pytest.fixture(scope="module")
def project(hachioji):
    assert hachioji["built"] is not None and hachioji["built"].returncode == 0, hachioji["built"]
    return default_project(root=hachioji["root"], build_dir=hachioji["root"] / "build")


@pytest.fixture(scope="module")
def store(project):
    return BuiltStore.open(project)


def test_one_ingest_names_every_mistake_then_the_fixed_workbook_goes_through(hachioji):
    book, first, second = hachioji["book"], hachioji["first"], hachioji["second"]
    assert first.returncode == 1, first.stderr
    problems = [line.strip() for line in first.stderr.splitlines() if "!" in line]
    cells = {line.split("〔", 1)[0] for line in problems}
    assert cells == {at(book, "計画", "団体コード", 3), at(book, "計画", "出典", 3), at(book, "目標・方向", "名称", 3)}, \
        first.stderr
    assert second.returncode == 0, second.stderr
    assert hachioji["validated"].returncode == 0 and "適合しています" in hachioji["validated"].stdout, \
        hachioji["validated"].stdout + hachioji["validated"].stderr
    assert hachioji["built"].returncode == 0, hachioji["built"].stderr


def national_questions(project) -> list[str]:
    return [q.name for q in catalogue(project.queries_dir) if q.name not in ONE_CITY]


def test_every_national_question_names_the_new_municipality(project, store):
    missing = []
    for name in national_questions(project):
        result = ask(name, NATIONAL_PARAMS.get(name, {}), store=store, project=project)
        rows = [" ".join(str(value) for value in row.values() if value is not None) for row in result.rows]
        if not any("八王子市" in row or CODE in row for row in rows):
            missing.append(name)
    assert len(national_questions(project)) == 15
    assert not missing, f"八王子市 is missing from the answers of {missing}"


@pytest.mark.parametrize("name", ["04-plan-tree", "12-related-measures"])
def test_one_city_questions_find_it_by_name(project, store, name):
    result = ask(name, {"municipality": "八王子市"}, store=store, project=project)
    assert result.rows, f"{name} for 八王子市 has no rows"
    text = " ".join(str(v) for row in result.rows for v in row.values())
    assert "安心して子育てできる環境" in text


def test_progress_towards_target_per_kpi_and_per_city(project, store):
    rows = ask("17-kpi-progress", {}, store=store, project=project).rows
    mine = {str(r["kpi"].value): {k: (v.value if v is not None else None) for k, v in r.items()}
            for r in rows if str(r["municipality"].value) == "八王子市"}
    waiting = mine["待機児童数"]
    assert (int(waiting["baselineYear"]), float(waiting["baselineValue"])) == (2023, 12.0)
    assert (int(waiting["achievedYear"]), float(waiting["achievedValue"]), waiting["evaluation"]) == (2026, 3.0, "A")
    assert (int(waiting["targetYear"]), float(waiting["targetValue"])) == (2028, 0.0)
    assert float(waiting["progress"]) == 0.75 and waiting["status"] == "前進"   # 12 → 3 of 12 → 0
    plaza = mine["子育てひろば利用者数"]
    assert plaza["targetDirection"] == "増加" and plaza.get("targetValue") is None and plaza.get("progress") is None
    assert float(plaza["achievedValue"]) == 1100.0 and plaza["status"] == "方向どおり"
    city = [r for r in ask("18-progress-by-city", {}, store=store, project=project).rows
            if str(r["municipality"].value) == "八王子市"]
    assert [(int(r["kpis"].value), int(r["monitored"].value), int(r["achievedValues"].value), int(r["latestYear"].value),
             int(r["reached"].value), int(r["evaluated"].value)) for r in city] == [(2, 2, 4, 2026, 0, 3)]


def test_achieved_values_keep_their_report_and_grades(project, store):
    value = f"https://w3id.org/jp-plan-kg/id/{PLAN}/goal-1/direction-1/kpi-1/achieved-2026"
    result = ask("15-provenance", {"resource": value}, store=store, project=project)
    assert any("効果検証" in str(row["source"].value) for row in result.rows), result.rows
    grade = store.run(f"SELECT ?meaning WHERE {{ <{value}> <https://w3id.org/jp-plan-kg/ontology#evaluation> ?g . "
                        "?g <http://www.w3.org/2004/02/skos/core#prefLabel> ?meaning ; "
                        "<http://www.w3.org/2004/02/skos/core#inScheme> ?scheme . "
                        "?scheme a <https://w3id.org/jp-plan-kg/ontology#EvaluationScheme> }")
    assert sorted((r["meaning"].value, r["meaning"].language) for r in grade.rows) == [("On track", "en"), ("順調", "ja")]


def test_a_grade_without_an_english_name_is_a_warning_that_names_the_column(hachioji):
    validated = hachioji["validated"]
    assert validated is not None and validated.returncode == 0, validated
    warned = [line for line in validated.stdout.splitlines() if "/evaluation/" in line]
    assert len(warned) == 1 and warned[0].rstrip().endswith("/evaluation/B"), validated.stdout
    assert "評価の意味（英語）" in validated.stdout, validated.stdout


def test_its_provenance_leads_to_its_source(project, store):
    resource = f"https://w3id.org/jp-plan-kg/id/{PLAN}/goal-1/direction-1/kpi-1"
    result = ask("15-provenance", {"resource": resource}, store=store, project=project)
    own = [row for row in result.rows if str(row["graph"].value).endswith(f"/graph/{CODE}-hachioji-strategy")]
    assert len(own) == 1, result.rows
    assert "八王子市デジタル田園都市国家構想総合戦略（試験用）" in str(own[0]["source"].value)  # the source made from the plan row
    assert int(own[0]["seedLine"].value) == 14


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_folder(project, tmp_path_factory):
    out = tmp_path_factory.mktemp("clerk-site") / "site"
    publish_site(project, out=out, base_iri="https://example.org/jp-plan-kg/")
    return out


@pytest.fixture(scope="module")
def site(site_folder):
    out = site_folder
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_kpi_page_charts_baseline_achieved_values_and_target(site_folder):
    page = site_folder / "id" / PLAN / "goal-1" / "direction-1" / "kpi-1.html"
    html = page.read_text(encoding="utf-8")
    html = html[html.index('</title>', html.index('class="kpi-chart"')):]  # the chart's rows, in their order
    captions = ["現状値 令和5年度", "実績値 令和6年度（評価 B）", "実績値 令和7年度（評価 B）", "実績値 令和8年度（評価 A）",
                "目標値 令和10年度"]
    positions = [html.find(c) for c in captions]
    assert -1 not in positions and positions == sorted(positions), (captions, positions)
    assert "進捗 75%" in html
    direction_only = (site_folder / "id" / PLAN / "goal-1" / "direction-1" / "kpi-2.html").read_text(encoding="utf-8")
    assert "実績値 令和6年度" in direction_only and "増加" in direction_only


@pytest.mark.browser
def test_the_pages_show_it(page, site):
    page.goto(site + "index.html")
    page.get_by_role("link", name="八王子市", exact=True).first.click()
    page.wait_for_url(f"**/id/municipality/{CODE}.html")
    assert page.locator("main h1").inner_text() == "八王子市"
    plan = page.get_by_role("link", name="八王子市デジタル田園都市国家構想総合戦略（試験用）", exact=True)
    assert plan.first.is_visible()
    page.goto(site + "index.html")
    page.locator("main").get_by_role("link", name="都道府県別の登録状況").first.click()
    page.wait_for_url("**/coverage.html")
    tokyo = page.locator("table.coverage-table tbody tr", has_text="東京都")
    cells = [text.strip() for text in tokyo.locator("td").all_inner_texts()]
    assert "4" in cells and "62" in cells, cells   # 青梅市, 清瀬市, 西東京市 and now 八王子市, of Tokyo's 62


def test_no_file_of_the_checkout_was_touched(hachioji):
    assert not (ROOT / "data" / "ttl" / f"{CODE}-hachioji-strategy.ttl").exists()
    assert Path(hachioji["root"], "data", "ttl", f"{CODE}-hachioji-strategy.ttl").is_file()


def test_the_data_cube_view_holds_the_monitored_values_and_meets_the_integrity_constraints(site_folder):
    import pyoxigraph as ox

    from kg.publish.cube import check_integrity
    from kg.publish.dumps import CUBE_FILE

    triples = list(ox.parse(path=str(site_folder / CUBE_FILE), format=ox.RdfFormat.TURTLE))
    assert check_integrity(triples) == []
    store = ox.Store()
    store.bulk_extend(triples)
    kpi = f"<https://w3id.org/jp-plan-kg/id/{PLAN}/goal-1/direction-1/kpi-1>"
    answer = store.query("""
        PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
        SELECT ?period ?value WHERE {
          ?observation jpp:refIndicator KPI ; jpp:valueKind <https://w3id.org/jp-plan-kg/vocab/value-kind/achieved> ;
                       jpp:refPeriod ?period ; jpp:obsValue ?value ;
                       jpp:refArea <http://data.e-stat.go.jp/lod/sac/C13201> .
        } ORDER BY ?period""".replace("KPI", kpi))
    assert [(s["period"].value, float(s["value"].value)) for s in answer] == [
        ("2024-04-01/P1Y", 9.0), ("2025-04-01/P1Y", 6.0), ("2026-04-01/P1Y", 3.0)]
