"""The coverage page and a municipality's page in a real browser: Playwright driving Debian's Chromium, the site
published from the real build and served from 127.0.0.1 as a static host serves it (the fixtures and pattern of
tests/test_publish_browser.py). What a person sees: every prefecture with its count, the bar chart drawn with its
numbers, a municipality without a plan saying so, and the way from the chart's prefecture to its municipality.
"""

from __future__ import annotations

import pytest
from test_publish import ID, _plans_by_municipality
from test_publish_browser import ARTIFACTS, _platform_fonts, served_site  # noqa: F401  (a fixture, used by name)

from kg.reference import national_registry

pytestmark = pytest.mark.browser


def test_coverage_page_shows_every_prefecture_with_a_drawn_chart(page, served_site):  # noqa: F811
    page.goto(served_site + "coverage.html")
    assert page.locator("main h1").inner_text() == "都道府県別の登録状況"
    assert any("CJK" in family for family in _platform_fonts(page, "main h1"))
    rows = page.locator("table.coverage-table tbody tr")
    assert rows.count() == len(national_registry().prefectures()) == 47
    tokyo = page.locator("table.coverage-table tbody tr", has_text="東京都")
    assert tokyo.locator("td").nth(1).inner_text() == "3" and tokyo.locator("td").nth(2).inner_text() == "62"
    assert page.locator("table.coverage-table tfoot").get_by_text("1741").is_visible()
    chart = page.locator("svg.coverage-chart")
    chart.scroll_into_view_if_needed()
    assert chart.get_attribute("role") == "img" and "東京都 3/62" in chart.get_attribute("aria-label")
    bar = chart.locator("g.coverage-row[data-code='13']")
    assert bar.locator("text", has_text="3 / 62").is_visible()          # the count is drawn, not only in the label
    fill = bar.locator("rect.coverage-fill").bounding_box()
    track = bar.locator("rect.coverage-track").bounding_box()
    assert 0 < fill["width"] < track["width"]                           # 3 of 62: a visible, shorter bar
    hokkaido = chart.locator("g.coverage-row[data-code='01'] rect.coverage-track").bounding_box()
    assert hokkaido["width"] > track["width"]                           # 179 municipalities against 62: one scale
    assert chart.locator("g.coverage-row[data-code='01'] rect.coverage-fill").count() == 0
    chart.screenshot(path=str(ARTIFACTS / "coverage-chart.png"))
    page.screenshot(path=str(ARTIFACTS / "coverage.png"), full_page=True)
    tokyo.get_by_role("link", name="東京都").click()
    page.wait_for_url("**/id/prefecture/13.html")
    assert page.locator("table.members tbody tr").count() == 62


def test_municipality_page_without_a_plan(page, served_site, store):  # noqa: F811
    page.goto(served_site + "id/municipality/132012.html")
    assert page.locator("main h1").inner_text() == "八王子市"
    facts = page.locator("dl.place-facts")
    assert facts.locator("dd.place-kana").inner_text() == "はちおうじし"
    assert facts.locator("dd.place-code").inner_text() == "132012"
    assert facts.locator("dd.place-kind").inner_text() == "市"
    assert facts.locator("dd.place-estat a").get_attribute("href") == "http://data.e-stat.go.jp/lod/sac/C13201"
    assert page.locator(".place-plans").get_by_text("計画はまだありません").is_visible()
    page.screenshot(path=str(ARTIFACTS / "municipality-without-plan.png"), full_page=True)
    facts.get_by_role("link", name="東京都").click()
    page.wait_for_url("**/id/prefecture/13.html")
    row = page.locator("table.members tbody tr", has_text="青梅市")
    assert row.locator("td").last.inner_text() == str(_plans_by_municipality(store)[ID + "municipality/132055"])
