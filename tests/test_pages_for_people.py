"""Pages read by people (issue 21): one navigation bar on every kind of page, a 404 page, each KPI once on a plan
page under its parent, every property named in words; the query page's answers with Japanese headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from kg.build.manifest import read_manifest_file
from kg.build.store import current_build
from kg.namespaces import BASE_IRI, compact
from kg.publish.render import SiteRenderer
from kg.serve.query_page import answer_from_json, municipality_candidates, with_project_prefixes

NAV = ["ホーム", "自治体", "比較", "質問", "オントロジー", "データ", "API"]
ATSUGI_PLAN = BASE_IRI + "id/plan/142123/strategy-2"


class Nav(HTMLParser):
    """The links of the page's site navigation, and of a section chosen by its class."""

    def __init__(self, text: str, section_class: str = "charts"):
        super().__init__(convert_charrefs=True)
        self.nav: list[tuple[str, str]] = []
        self.section_links: list[str] = []
        self.section_class = section_class
        self._in_nav = self._depth = 0
        self._href: str | None = None
        self._text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "site-nav" in (attrs.get("class") or ""):
            self._in_nav = 1
        if tag == "section" and self.section_class in (attrs.get("class") or "").split():
            self._depth = 1
        elif tag == "section" and self._depth:
            self._depth += 1
        if tag == "a":
            self._href, self._text = attrs.get("href"), []
            if self._depth and self._href:
                self.section_links.append(self._href)

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = 0
        if tag == "section" and self._depth:
            self._depth -= 1
        if tag == "a" and self._in_nav and self._href is not None:
            self.nav.append(("".join(self._text).strip(), self._href))
            self._href = None

    def handle_data(self, data):
        self._text.append(data)


@pytest.fixture(scope="module")
def renderer(built, store):
    manifest = read_manifest_file(current_build(built).manifest)
    return SiteRenderer(store, base="https://example.org/site/", manifest=manifest)


def test_every_kind_of_page_has_the_same_navigation_bar(renderer):
    pages = {
        "index.html": renderer.home_page(triples=1), "coverage.html": renderer.coverage_page(),
        "ontology.html": renderer.ontology_page(), "shapes.html": renderer.shapes_page(),
        "data.html": renderer.data_page(None, w3id_config=False),
        "id/plan/142123/strategy-2.html": renderer.resource_page(ATSUGI_PLAN),
        "id/municipality/132055.html": renderer.resource_page(BASE_IRI + "id/municipality/132055"),
    }
    for page, html in pages.items():
        nav = Nav(html).nav
        assert [text for text, _ in nav] == NAV, page
        root = "../" * page.count("/")
        assert dict(nav)["質問"] == root + "index.html#questions", page
    # kg serve's pages lead to its query page.
    served = SiteRenderer(renderer.view.store, base=BASE_IRI, manifest=renderer.manifest, served=True)
    assert dict(Nav(served.home_page(triples=1)).nav)["質問"] == "query"
    assert 'href="query"' in served.home_page(triples=1)   # the home page's SPARQL link: the query page


def test_the_home_page_lists_the_questions_with_their_answer_files(renderer):
    renderer.answer_files = {"04-plan-tree": {"csv": "answers/04-plan-tree.csv", "xlsx": "answers/04-plan-tree.xlsx"}}
    try:
        html = renderer.home_page(triples=1)
    finally:
        renderer.answer_files = {}
    assert 'id="questions"' in html
    assert len(re.findall(r'<tr id="question-\d\d-', html)) == len(renderer.questions) >= 16
    assert 'href="answers/04-plan-tree.csv"' in html and 'href="answers/04-plan-tree.xlsx"' in html
    assert "answers/05-kpi-values.csv" not in html   # only the files it was told of


def test_the_not_found_page_is_in_japanese_and_english_with_links_from_the_sites_base(renderer):
    html = renderer.not_found_page()
    assert "ページが見つかりません" in html and "Page not found" in html
    assert 'href="https://example.org/site/index.html"' in html   # shown at any depth by a static host
    assert [text for text, _ in Nav(html).nav] == NAV


def test_a_plan_page_shows_each_kpi_once_under_its_parent(renderer):
    html = renderer.resource_page(ATSUGI_PLAN)
    links = [h for h in Nav(html).section_links if "kpi" in h or "target" in h or "births" in h]
    assert links and len(links) == len(set(links)), [h for h in links if links.count(h) > 1]
    indicators = renderer.builder.charts(ATSUGI_PLAN, "id/plan/142123/strategy-2.html")
    assert len(set(links) - {c.file for c in indicators}) == len(indicators)
    # Two KPIs named 出生数 (one of challenge ア with values, one of goal 3 without): each under its own parent.
    section = html[html.index('class="charts"'):html.index("</section>", html.index('class="charts"'))]
    groups = section.split('<div class="indicator-group">')[1:]
    births = [g for g in groups if ">出生数<" in g]
    assert len(births) == 2
    assert sorted("出生数の減少" in g for g in births) == [False, True]
    assert sorted("基本目標3" in g for g in births) == [False, True]


def test_every_property_of_the_data_is_named_in_words(renderer, store):
    predicates = {row["p"].value for row in store.query("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }")}
    raw = sorted(compact(p) for p in predicates if renderer.builder.property_names(p)[0] == compact(p))
    assert not raw


def test_answers_get_headers_in_the_pages_language_and_a_chart_of_their_numbers():
    body = b'''{"head": {"vars": ["municipality", "baselineYear", "kpis"]}, "results": {"bindings": [
      {"municipality": {"type": "literal", "value": "\\u9752\\u6885\\u5e02", "xml:lang": "ja"},
       "baselineYear": {"type": "literal", "value": "2021", "datatype": "http://www.w3.org/2001/XMLSchema#integer"},
       "kpis": {"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
      {"municipality": {"type": "uri", "value": "https://w3id.org/jp-plan-kg/id/municipality/142123"},
       "kpis": {"type": "literal", "value": "-3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}'''
    answer = answer_from_json(body, lang="ja", chart=None)
    assert [h for _, h in answer.columns] == ["自治体", "現状値の年度", "指標数"]
    assert [h for _, h in answer_from_json(body, lang="en", chart=None).columns] == ["Municipality", "Baseline year", "KPIs"]
    assert answer.numeric == ["kpis"]                  # a year is a number, not a quantity to draw
    assert answer.rows[1][0].href == "/id/municipality/142123"
    bars = answer.chart["bars"]
    assert [b["value"] for b in bars] == [7.0, -3.0]
    assert bars[1]["x"] < answer.chart["zero"] < bars[0]["x"] + 1   # a negative bar starts left of the axis


def test_a_municipality_is_a_code_a_name_or_a_list_of_candidates():
    names = ["青梅市", "青森市", "府中市", "府中町"]
    assert municipality_candidates("132055", names) is None
    assert municipality_candidates("青梅市", names) is None
    assert municipality_candidates("青梅", names) == ["青梅市"]
    assert municipality_candidates("府中", names) == ["府中市", "府中町"]
    assert municipality_candidates("ほげ市", names) == []


def test_the_sparql_shown_declares_every_project_prefix_it_uses():
    text = with_project_prefixes("SELECT ?x WHERE { ?x a jpp:Plan ; rdfs:label ?l }")
    assert text.startswith("PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>\nPREFIX rdfs:")
    declared = "PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>\nSELECT ?x WHERE { ?x a jpp:Plan }"
    assert with_project_prefixes(declared) == declared
