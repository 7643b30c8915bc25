"""The query page in a real browser (Debian's Chromium through Playwright), against the real `kg serve`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kg.query import ask

from conftest import CHROMIUM, ROOT, require
from serve_session import session_server

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "build" / "test-artifacts"


@pytest.fixture
def page(request, built, tmp_path_factory):
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    require(importlib.util.find_spec("pytest_playwright") is not None,
            "pytest-playwright is not installed (pip install -e '.[test]')")
    return request.getfixturevalue("page")


def _expected(store, built, name: str):
    return ask(name, store=store, project=built)


def test_query_page_runs_an_example_and_shows_its_rows(page, request, built, store, tmp_path_factory):
    server = session_server(request, built, tmp_path_factory)
    expected = _expected(store, built, "13-plans-in-force")
    assert expected.rows
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(server.url + "/query")
    page.select_option("#example", "13-plans-in-force")
    assert "VALUES" in page.input_value("#query")  # the example comes with its default parameter bound
    page.click("#run")
    page.wait_for_selector("table.answer tbody tr")

    headers = page.locator("table.answer thead th").all_inner_texts()
    assert headers == expected.variables
    rows = page.locator("table.answer tbody tr")
    assert rows.count() == len(expected.rows)
    first_plan = expected.rows[0]["plan"].value
    assert first_plan in page.locator("table.answer tbody").inner_text()
    assert f"{len(expected.rows)} rows" in page.inner_text("#status")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "serve-query-page.png"), full_page=True)

    # The address bar now links to the query: opened afresh, the page runs it again.
    shared = page.url
    assert "query=" in shared
    again = page.context.new_page()
    again.goto(shared)
    again.wait_for_selector("table.answer tbody tr")
    assert again.locator("table.answer tbody tr").count() == len(expected.rows)
    assert again.input_value("#query") == page.input_value("#query")
    assert not errors


def test_query_page_shows_the_servers_message_for_a_refused_query(page, request, built, tmp_path_factory):
    server = session_server(request, built, tmp_path_factory)
    page.goto(server.url + "/query")
    page.fill("#query", "DELETE WHERE { ?s ?p ?o }")
    page.click("#run")
    page.wait_for_selector("#status.error")
    message = page.inner_text("#status")
    assert "400" in message and "read-only" in message
    assert page.locator("table.answer").count() == 0


def test_a_resource_iri_opens_as_its_page_in_the_browser(page, request, built, tmp_path_factory):
    # The browser follows the 303 to the HTML page, styled by the site's own stylesheet (served locally).
    server = session_server(request, built, tmp_path_factory)
    response = page.goto(server.url + "/id/municipality/132055")
    assert response.ok and page.url.endswith("/id/municipality/132055.html")
    assert "青梅市" in page.locator("h1").inner_text()
    header_colour = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert header_colour not in ("rgba(0, 0, 0, 0)", "transparent")  # style.css was loaded
    page.screenshot(path=str(ARTIFACTS / "serve-resource-page.png"))
