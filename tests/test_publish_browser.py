"""The published site in a real browser: Playwright driving Debian's Chromium (never a downloaded browser).

The site is served over HTTP from 127.0.0.1 as a static host would serve it. The tests assert what a person
sees: Japanese text drawn with a CJK font, the comparison matrices, a municipality and its plans, a plan's KPI
charts with their values. Screenshots are kept under build/test-artifacts/ to be looked at.
"""

from __future__ import annotations

import csv
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from a11y_support import assert_accessible

from kg.build.manifest import read_manifest_file
from kg.build.store import current_build
from kg.publish import publish_site
from kg.publish.render import SiteRenderer

from conftest import ROOT

ARTIFACTS = ROOT / "build" / "test-artifacts"

pytestmark = pytest.mark.browser


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map, ".ttl": "text/turtle", ".jsonld": "application/ld+json",
        ".nt": "application/n-triples", ".svg": "image/svg+xml"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_site(built, tmp_path_factory):
    """The site published from the real build, on a static HTTP server at 127.0.0.1 (a port of its own)."""
    out = tmp_path_factory.mktemp("browser") / "site"
    publish_site(built, out=out, base_iri="https://example.org/jp-plan-kg/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _platform_fonts(page, selector: str) -> dict[str, int]:
    """The fonts Chromium actually drew an element's text with (family → glyphs), through the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {f["familyName"]: f["glyphCount"] for f in fonts}


def test_home_page_shows_the_dataset_and_the_matrices(page, served_site):
    page.goto(served_site + "index.html")
    heading = page.locator("main h1")
    assert heading.inner_text() == "自治体計画ナレッジグラフ"
    fonts = _platform_fonts(page, "main h1")
    assert any("CJK" in family for family in fonts), fonts   # drawn with a CJK font, not as empty boxes
    assert page.locator("header.site-header").get_by_text("自治体計画ナレッジグラフ").is_visible()
    viewpoints = page.locator("table.matrix-viewpoints tbody tr")
    assert viewpoints.count() == 5
    ome = page.locator("table.matrix-viewpoints tbody tr", has_text="青梅市")
    assert ome.locator("td.cell-strong").count() >= 3       # Ome names three viewpoints of its own
    domains = page.locator("table.matrix-domains tbody tr")
    assert domains.count() > 20 and domains.first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "publish-home.png"), full_page=True)


def test_municipality_page_leads_to_its_plans(page, served_site):
    page.goto(served_site + "id/municipality/132055.html")
    assert page.locator("main h1").inner_text() == "青梅市"
    assert page.get_by_text("Ome City", exact=True).first.is_visible()
    assert page.locator(".breadcrumb").get_by_text("東京都").is_visible()
    page.screenshot(path=str(ARTIFACTS / "publish-municipality.png"), full_page=True)
    page.locator(".plan-group").get_by_role("link", name="第2期青梅市まち・ひと・しごと創生総合戦略", exact=True).click()
    page.wait_for_url("**/id/plan/132055/strategy-2.html")
    assert page.locator("main h1").inner_text() == "第2期青梅市まち・ひと・しごと創生総合戦略"


def test_plan_page_draws_each_kpi_with_its_values(page, served_site):
    page.goto(served_site + "id/plan/132055/strategy-2.html")
    charts = page.locator("svg.kpi-chart")
    assert charts.count() == 7
    births = page.locator("figure.chart", has_text="出生数").first
    births.scroll_into_view_if_needed()
    for text in ("現状値 令和3年度", "615人", "目標値 令和9年度", "526人"):
        assert births.locator("svg text", has_text=text).first.is_visible(), text   # drawn, not only in the <title>
    baseline = births.locator("g.kpi-baseline rect").bounding_box()
    target = births.locator("g.kpi-target rect").bounding_box()
    # A planned decrease (615 → 526 births) is visibly a shorter bar.
    assert baseline["width"] > target["width"] > 0.7 * baseline["width"]
    split = page.locator("figure.chart", has_text="小学校").first
    assert split.locator("svg text", has_text="中学校").first.is_visible()
    births.screenshot(path=str(ARTIFACTS / "publish-kpi-chart.png"))
    page.screenshot(path=str(ARTIFACTS / "publish-plan.png"), full_page=True)


def test_every_page_has_one_navigation_bar_leading_to_the_questions(page, served_site):
    page.goto(served_site + "id/plan/132055/strategy-2.html")
    nav = page.locator("nav.site-nav a")
    assert nav.all_inner_texts() == ["ホーム", "自治体", "比較", "質問", "オントロジー", "データ", "API"]
    nav.get_by_text("質問", exact=True).click()
    page.wait_for_url("**/index.html#questions")
    questions = page.locator("#questions table.questions tbody tr")
    assert questions.count() >= 16
    assert questions.filter(has_text="04-plan-tree").count() == 1
    page.locator("nav.site-nav a", has_text="API").click()
    page.wait_for_url("**/data.html#api")
    assert page.locator("#api").is_visible()


def test_answer_files_beside_the_site_download_and_read_back(page, served_site, tmp_path):
    page.goto(served_site + "index.html")
    with page.expect_download() as download:
        page.locator("#question-05-kpi-values td.downloads a", has_text="CSV").click()
    path = tmp_path / "answer.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["municipality", "kpi"] and len(rows) > 1
    openpyxl = pytest.importorskip("openpyxl")
    with page.expect_download() as download:
        page.locator("#question-05-kpi-values td.downloads a", has_text="Excel").click()
    path = tmp_path / "answer.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.max_row == len(rows)


PUBLISHED_PAGES = {
    "home": "index.html", "municipality": "id/municipality/132055.html", "prefecture": "id/prefecture/13.html",
    "plan": "id/plan/142123/strategy-2.html", "plan with charts": "id/plan/132055/strategy-2.html",
    "kpi": "id/plan/132055/strategy-2/goal-1/direction-1/kpi-1.html", "coverage": "coverage.html",
    "data": "data.html", "ontology": "ontology.html", "shapes": "shapes.html", "vocabulary": "vocab/viewpoint.html",
    "concept": "vocab/viewpoint/dx.html",
}


@pytest.mark.parametrize("kind", PUBLISHED_PAGES)
def test_every_kind_of_published_page_meets_wcag_21_aa(page, served_site, kind):
    page.goto(served_site + PUBLISHED_PAGES[kind])
    assert page.locator("nav.site-nav a").count() == 7
    assert_accessible(page, kind)


def test_the_not_found_page_meets_wcag_21_aa(page, built, store, served_site):
    # The 404 page as a static host shows it (kg.publish.render.SiteRenderer.not_found_page).
    renderer = SiteRenderer(store, base=served_site, manifest=read_manifest_file(current_build(built).manifest))
    page.set_content(renderer.not_found_page())
    assert "ページが見つかりません" in page.inner_text("h1")
    assert_accessible(page, "404")
