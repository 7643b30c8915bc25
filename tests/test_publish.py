"""`kg publish`: the static site, its per-resource RDF, dumps, VoID/DCAT, server rules, links and escaping.

One real build of the project is published once through the real command; the tests read what it wrote.
"""

from __future__ import annotations

import gzip
import html
import json
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
import rdflib

from kg.publish import render_resource
from kg.publish.hosting import RESOURCE_PATTERN

from conftest import ROOT, minimal_strategy_plan, run_kg

BASE = "https://example.org/jp-plan-kg/"
ID = "https://w3id.org/jp-plan-kg/id/"
OME_PLAN = ID + "plan/132055/strategy-2"
OME_PAGE = "id/plan/132055/strategy-2.html"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
CC_BY = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.fixture(scope="module")
def site(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("publish") / "site"
    result = run_kg("publish", "--base-iri", BASE, "--out", str(out), build_dir=built.build_dir)
    assert result.returncode == 0, result.stderr
    assert "resource pages" in result.stdout and "KPI charts" in result.stdout
    return out


# -- a small HTML reader (the standard library's parser: what a browser would see as links, ids and text) --------

class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []    # (attribute, value)
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if name in attrs:
                self.links.append((name, attrs[name]))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "table":
            classes = (attrs.get("class") or "").split()
            self._table = next((c for c in classes if c.startswith("matrix-") or c in ("coverage-table", "members")), None)
            if self._table:
                self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def read_page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# -- the site ---------------------------------------------------------------------------------------------------------

def test_site_has_home_documents_descriptions_and_server_rules(site):
    for name in ("index.html", "ontology.html", "shapes.html", "data.html", "void.ttl", "dcat.ttl", ".well-known/void",
                 ".htaccess", ".nojekyll", "hosting/nginx.conf", "hosting/w3id.htaccess", "static/style.css",
                 "ontology.ttl", "ontology.jsonld", "ontology.nt", "shapes.ttl"):
        assert (site / name).is_file(), name
    assert (site / ".well-known" / "void").read_bytes() == (site / "void.ttl").read_bytes()
    # The page for an address the site lacks, in both languages, and the server rules that show it.
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert "見つかりません" in not_found and "not found" in not_found.lower()
    assert "ErrorDocument 404 " in (site / ".htaccess").read_text(encoding="utf-8")
    assert "error_page 404 " in (site / "hosting" / "nginx.conf").read_text(encoding="utf-8")
    # Each question's answer beside the site, as CSV (with a byte-order mark for Excel) and XLSX.
    csv_answer = (site / "answers" / "05-kpi-values.csv").read_bytes()
    assert csv_answer.startswith(b"\xef\xbb\xbf") and (site / "answers" / "05-kpi-values.xlsx").is_file()
    assert 'href="answers/05-kpi-values.xlsx"' in (site / "index.html").read_text(encoding="utf-8")


def test_every_resource_of_the_store_has_a_page_and_its_rdf(site, store):
    subjects = {q.subject.value for q in store.quads_for_pattern(None, None, None, None)
                if isinstance(q.subject, ox.NamedNode)}
    ours = [s for s in subjects if s.startswith(("https://w3id.org/jp-plan-kg/id/", "https://w3id.org/jp-plan-kg/vocab/"))]
    assert len(ours) > 600
    for iri in ours:
        stem = site / iri.removeprefix("https://w3id.org/jp-plan-kg/")
        for suffix in (".html", ".ttl", ".jsonld", ".nt"):
            assert stem.with_name(stem.name + suffix).is_file(), f"{iri}{suffix}"
    # The SDGs (the UN's IRIs, described in our SDG scheme) get pages of their own too.
    assert (site / "external" / "metadata-un-org" / "sdg" / "11.html").is_file()


def test_resource_rdf_files_agree_with_each_other_and_the_store(site, store):
    stem = site / "id" / "plan" / "132055" / "strategy-2"
    graphs = {}
    for suffix, fmt in ((".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt")):
        g = rdflib.Graph()
        g.parse(stem.with_name(stem.name + suffix), format=fmt)  # rdflib: a parser independent of Oxigraph
        graphs[suffix] = {(str(s), str(p), str(o)) for s, p, o in g}
    assert graphs[".ttl"] == graphs[".jsonld"] == graphs[".nt"]
    expected = {(q.subject.value, q.predicate.value, q.object.value)
                for q in store.quads_for_pattern(ox.NamedNode(OME_PLAN), None, None, None)}
    assert graphs[".ttl"] == expected


def test_resource_page_shows_labels_properties_links_both_ways_and_provenance(site):
    page = read_page(site / OME_PAGE)
    text = " ".join(page.text)
    assert "第2期青梅市まち・ひと・しごと創生総合戦略" in text
    assert "所属する計画" in text          # a property name from the ontology's rdfs:label (jpp:inPlan, incoming)
    assert "計画期間の最終年度" in text     # jpp:endFiscalYear's label
    assert "000_defabe9730a54dd1.txt の第3行" in text   # seed line of the source text
    hrefs = [v for a, v in page.links if a == "href"]
    assert "../../municipality/132055.html" in hrefs                      # what it belongs to
    assert "strategy-2/goal-1.html" in hrefs                              # what points to it (goal jpp:inPlan plan)
    assert "../../source/132055-ome-strategy.html" in hrefs           # its source document
    assert {"strategy-2.ttl", "strategy-2.jsonld", "strategy-2.nt"} <= set(hrefs)


def test_editorial_and_inferred_statements_are_marked(site):
    goal = (site / "id/plan/132055/strategy-2/goal-1.html").read_text(encoding="utf-8")
    # jpp:policyDomain comes from graph/classification/...: its values carry the project's-classification badge.
    row = goal[goal.index('policy domain</span>'):]
    row = row[:row.index("</tr>")]
    assert "badge-editorial" in row and "結婚・出産・子育て" in row
    municipality = (site / "id/municipality/132055.html").read_text(encoding="utf-8")
    row = municipality[municipality.index('title="http://www.w3.org/ns/prov#Agent">主体（PROV）</a>'):]   # inferred type
    assert "badge-inferred" in row[:row.index("</li>")]
    link = (site / "id/plan/132055/strategy-2/link-well-being-health.html").read_text(encoding="utf-8")
    assert "本プロジェクトの編集者による分類" in link   # a resource attributed to jpp:ProjectEditors


def test_a_value_is_drawn_as_markup_with_its_language_datatype_and_badge_and_its_text_escaped(site):
    from kg.publish.pages import Link, ValueView
    from kg.publish.templating import value_html

    drawn = str(value_html(ValueView(None, text="<b>5</b> & more", lang="en", datatype="xsd:decimal",
                                     kind="editorial")))
    assert drawn == ('<span class="literal" lang="en">&lt;b&gt;5&lt;/b&gt; &amp; more</span>'
                     ' <span class="lang-tag">en</span> <span class="datatype">xsd:decimal</span> '
                     '<span class="badge badge-editorial" title="本プロジェクトによる分類（編集上の判断）で、文書の記載ではありません">'
                     '分類<span lang="en"> project\'s classification</span></span>')
    assert str(value_html(ValueView(Link("青梅市", "x.html", "https://example.org/x"), kind="inferred"))) == (
        '<a href="x.html" title="https://example.org/x">青梅市</a> <span class="badge badge-inferred" '
        'title="オントロジーから推論された記述です">推論<span lang="en"> inferred</span></span>')
    # On the pages: an editorial literal (a link's wording) is a literal's markup, never markup shown as text.
    link = (site / "id/plan/132055/strategy-2/link-well-being-health.html").read_text(encoding="utf-8")
    assert '<span class="literal" lang="ja">' in link and "badge-editorial" in link
    assert not [page for page in html_files(site) if "&lt;span" in page.read_text(encoding="utf-8")]


def test_a_plan_outline_is_nested_lists_in_the_documents_order_with_its_text_escaped(site):
    from kg.publish.pages import Link, OutlineNode
    from kg.publish.templating import outline_html

    tree = [OutlineNode(Link("目標1 <b>&</b>", "a.html", "https://example.org/a"),
                        [OutlineNode(Link("方向①", None, "https://example.org/b"))]),
            OutlineNode(Link("目標2", "c.html", "https://example.org/c"))]
    assert str(outline_html(tree)) == (
        '<ul class="outline">\n'
        '  <li><a href="a.html" title="https://example.org/a">目標1 &lt;b&gt;&amp;&lt;/b&gt;</a><ul class="outline">\n'
        '  <li><span class="iri-text" title="https://example.org/b">方向①</span></li>\n'
        '</ul>\n</li>\n'
        '  <li><a href="c.html" title="https://example.org/c">目標2</a></li>\n'
        '</ul>\n')
    # Ome's strategy: its basic goals, each with its basic directions, as the document orders them.
    page = (site / OME_PAGE).read_text(encoding="utf-8")
    outline = page[page.index('<section class="plan-outline"'):]
    outline = outline[:outline.index("</section>")]
    hrefs = re.findall(r'href="strategy-2/([^"]+)\.html"', outline)
    assert hrefs[:6] == ["goal-1", "goal-1/direction-1", "goal-1/direction-2",
                         "goal-2", "goal-2/direction-1", "goal-2/direction-2"]
    # One list for the goals, one inside each goal that has directions.
    assert outline.count('<ul class="outline">') == 1 + len({h.split("/")[0] for h in hrefs if "/" in h})
    assert "&lt;" not in outline and "基本目標1 子どもを生み・育て" in outline


def test_plan_page_has_a_chart_per_kpi_with_values_years_and_breakdowns(site):
    html = (site / OME_PAGE).read_text(encoding="utf-8")
    charts = re.findall(r"<svg [^>]*class=\"kpi-chart\".*?</svg>", html, re.S)
    assert len(charts) == 7
    first = charts[0]
    for shown in ("出生数", "現状値 令和3年度", "615人", "目標値 令和9年度", "526人"):
        assert shown in first
    assert "小学校" in html and "中学校" in html   # the split KPI shows its breakdowns
    for chart in charts:
        ET.fromstring(chart)  # each is well-formed SVG
    standalone = site / "id/plan/132055/strategy-2/goal-1/direction-1/kpi-1.svg"
    assert ET.parse(standalone).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_chart_values_are_the_golden_kpi_values(site):
    """Every baseline and target of Ome's KPIs in question 5's golden answer is drawn in the plan's charts."""
    golden = json.loads((ROOT / "tests/golden/05-kpi-values.json").read_text(encoding="utf-8"))
    rows = [r["values"] for case in golden["cases"] for r in case["rows"] if r["values"]["municipality"] == "青梅市"]
    assert len(rows) >= 7
    html = (site / OME_PAGE).read_text(encoding="utf-8")
    charts = {ET.fromstring(c).find("{http://www.w3.org/2000/svg}title").text.split(":")[0]: c
              for c in re.findall(r"<svg [^>]*class=\"kpi-chart\".*?</svg>", html, re.S)}
    for row in rows:
        chart = charts[row["kpi"]]
        drawn = {float(v) for v in re.findall(r'data-value="([0-9.]+)"', chart)}
        assert float(row["baselineValue"]) in drawn and float(row["targetValue"]) in drawn, row


def test_home_page_matrices(site):
    page = read_page(site / "index.html")
    viewpoints, domains = page.tables["matrix-viewpoints"], page.tables["matrix-domains"]
    assert [r[0] for r in viewpoints[1:]] == ["青森市", "青梅市", "清瀬市", "西東京市", "厚木市"]
    header = domains[0]
    cells = {(row[0], header[i]): row[i] for row in domains[1:] for i in range(1, len(header))}
    golden = json.loads((ROOT / "tests/golden/14-policy-domains.json").read_text(encoding="utf-8"))
    # The matrix counts plan elements; a domain a city names only in a statement of direction has 0 of them ("·").
    expected = {(r["values"]["domain"], r["values"]["municipality"]): str(r["values"]["elements"])
                for case in golden["cases"] for r in case["rows"] if r["values"]["elements"]}
    for key, value in cells.items():
        assert value == expected.get(key, "·"), key


# -- every municipality and prefecture of Japan -----------------------------------------------------------------------

PLANS_BY_MUNICIPALITY = """PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
SELECT ?m (COUNT(DISTINCT ?plan) AS ?n) WHERE { ?plan a jpp:Plan ; jpp:municipality ?m } GROUP BY ?m"""


def _plans_by_municipality(store) -> dict[str, int]:
    """Plans per municipality, from the store by the closure's rdf:type (not by the site's own query)."""
    return {row["m"].value: int(row["n"].value)
            for row in store.query(PLANS_BY_MUNICIPALITY, use_default_graph_as_union=True)}


@pytest.fixture(scope="module")
def registry():
    from kg.reference import national_registry

    return national_registry()


def test_home_page_names_every_municipality_with_a_plan_in_code_order(site, store, registry):
    page = read_page(site / "index.html")
    text = " ".join(page.text)
    planned = sorted(_plans_by_municipality(store))
    names = [registry.by_iri(m).name for m in planned]
    cards = re.findall(r'<div class="card">\s*<h3><a href="([^"]+)"[^>]*>([^<]+)</a>', (site / "index.html").read_text(encoding="utf-8"))
    assert [name for _, name in cards] == names and len(names) >= 5
    assert [href for href, _ in cards] == [m.removeprefix("https://w3id.org/jp-plan-kg/") + ".html" for m in planned]
    assert "id:municipality/" not in text               # never a bare IRI where the graph has a name
    assert ("href", "coverage.html") in page.links


def test_coverage_page_counts_each_prefectures_municipalities_with_plans(site, store, registry):
    table = read_page(site / "coverage.html").tables["coverage-table"]
    header, rows, total = table[0], table[1:-1], table[-1]
    assert "都道府県" in header[1]
    planned = _plans_by_municipality(store)
    expected = []
    for prefecture in registry.prefectures():
        members = [m for m in registry.municipalities() if m.prefecture_code == prefecture.prefecture_code]
        with_plans = sum(1 for m in members if m.iri in planned)
        expected.append([prefecture.prefecture_code, prefecture.name, str(with_plans), str(len(members))])
    assert [r[:4] for r in rows] == expected             # all 47, in code order
    assert len(rows) == 47
    assert ["13", "東京都", "3", "62"] in [r[:4] for r in rows]   # the seeds: 青梅市, 清瀬市, 西東京市 of Tokyo's 62
    assert total[1:4] == ["全国 Japan", str(len(planned)), "1741"]
    html_text = (site / "coverage.html").read_text(encoding="utf-8")
    svg = ET.fromstring(re.search(r"<svg [^>]*class=\"coverage-chart\".*?</svg>", html_text, re.S).group(0))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img" and "東京都 3/62" in svg.find("svg:desc", ns).text   # the chart in words
    bars = svg.findall("svg:g", ns)
    assert [(g.get("data-code"), g.get("data-with-plans"), g.get("data-municipalities")) for g in bars] == \
        [(code, n, total) for code, _, n, total in expected]
    tokyo = next(g for g in bars if g.get("data-code") == "13")
    assert float(tokyo.find("svg:rect[@class='coverage-fill']", ns).get("width")) > 0
    assert "3 / 62" in "".join(tokyo.itertext())


def test_every_municipality_and_prefecture_of_japan_has_a_page(site, store, registry):
    planned = _plans_by_municipality(store)
    municipalities, prefectures = registry.municipalities(), registry.prefectures()
    assert (len(municipalities), len(prefectures)) == (1741, 47)
    for m in municipalities:
        html_text = (site / f"id/municipality/{m.code}.html").read_text(encoding="utf-8")
        facts = html_text[html_text.index('<dl class="place-facts">'):html_text.index("</dl>")]
        for shown in (m.name, m.kana, m.code, f'href="../prefecture/{m.prefecture_code}.html"',
                      f'href="{m.e_stat_iri}"', f'href="../../vocab/municipality-kind/{m.kind}.html"'):
            assert shown in facts, (m.code, shown)
        assert ("計画はまだありません" in html_text) == (m.iri not in planned), m.code
        for suffix in (".ttl", ".jsonld", ".nt"):
            assert (site / f"id/municipality/{m.code}{suffix}").is_file()
    for p in prefectures:
        assert p.name in (site / f"id/prefecture/{p.prefecture_code}.html").read_text(encoding="utf-8")


def test_a_municipality_page_shows_its_kind_and_plans_a_prefecture_its_municipalities(site, store, registry):
    hachioji = (site / "id/municipality/132012.html").read_text(encoding="utf-8")
    assert "八王子市" in hachioji and "はちおうじし" in hachioji and ">市</a>" in hachioji
    assert "計画はまだありません" in hachioji and "no plan yet" in hachioji
    ome = read_page(site / "id/municipality/132055.html")
    plans = [v for a, v in ome.links if a == "href" and v.startswith("../plan/132055/")]
    assert "../plan/132055/strategy-2.html" in plans
    assert "計画はまだありません" not in " ".join(ome.text)
    tokyo = read_page(site / "id/prefecture/13.html")
    members = tokyo.tables["members"][1:]
    planned = _plans_by_municipality(store)
    assert [r[0] for r in members] == [m.code for m in registry.municipalities() if m.prefecture_code == "13"]
    counts = {r[0]: r[3] for r in members}
    assert counts["132055"] == str(planned[ID + "municipality/132055"]) and counts["132012"] == "—"
    assert "特別区" in {r[2] for r in members}
    assert "計画のある市区町村 3 / 62" in re.sub(r"\s+", " ", " ".join(tokyo.text))


def test_kg_serve_dereferences_municipalities_prefectures_and_the_coverage_page(built, store):
    from kg.build.store import read_manifest
    from kg.serve.site_pages import ResourceSite

    served = ResourceSite(store, manifest=read_manifest(built), shapes=[], triples=0)
    for path, page in (("id/municipality/132012", "132012"), ("id/prefecture/13", "13")):
        see_other = served.answer(path, accept="text/turtle", endpoint=None)
        assert (see_other.status, see_other.location) == (303, f"{page}.ttl")
        turtle = served.answer(f"{path}.ttl", accept=None, endpoint=None)
        assert turtle.status == 200 and {t.subject.value for t in ox.parse(turtle.body, format=ox.RdfFormat.TURTLE)} == {ID + path[3:]}
        assert served.answer(path, accept="text/html", endpoint=None).location == f"{page}.html"
    hachioji = served.answer("id/municipality/132012.html", accept=None, endpoint=None).body.decode("utf-8")
    assert "八王子市" in hachioji and "計画はまだありません" in hachioji
    coverage = served.answer("coverage.html", accept=None, endpoint=None)
    assert coverage.status == 200 and "東京都" in coverage.body.decode("utf-8")


def test_a_new_municipalitys_plan_is_named_counted_and_listed(tmp_path):
    """八王子市 (not in the seeds) brings a plan: after build and publish, the home page names it, the coverage page
    counts it under 東京都, its page lists the plan. A copy of the project with Tokyo's part of the reference data."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    data = root / "data" / "ttl"
    (data / "reference").mkdir(parents=True)
    for name in ("municipalities.ttl", "sources.ttl"):
        shutil.copy(ROOT / "data" / "ttl" / name, data / name)
    # Tokyo's part of the national list, and the seeds' other municipalities (which must be in the list): a build of
    # a few seconds. Written as N-Triples (valid Turtle) under the reference file's own name.
    seeds = set(re.findall(r"<(municipality/[0-9]{6}|prefecture/[0-9]{2})>", (data / "municipalities.ttl").read_text(encoding="utf-8")))

    def kept(iri: str) -> bool:
        local = iri.removeprefix(ID)
        return not local.startswith(("municipality/", "prefecture/")) or local in seeds \
            or local.startswith("municipality/13") or local == "prefecture/13"

    national = ox.parse(path=str(ROOT / "data/ttl/reference/local-governments.ttl"), format=ox.RdfFormat.TURTLE)
    tokyo = [t for t in national if kept(t.subject.value)]
    (data / "reference" / "local-governments.ttl").write_bytes(ox.serialize(tokyo, format=ox.RdfFormat.N_TRIPLES))
    (data / "132012-hachioji-strategy.ttl").write_text(HACHIOJI_PLAN, encoding="utf-8")
    build_dir, out = tmp_path / "build", tmp_path / "site"
    built_copy = run_kg("build", "-q", root=root, build_dir=build_dir)
    assert built_copy.returncode == 0, built_copy.stdout + built_copy.stderr
    result = run_kg("publish", "-q", "--out", str(out), root=root, build_dir=build_dir)
    assert result.returncode == 0, result.stderr
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="id/municipality/132012.html" title="https://w3id.org/jp-plan-kg/id/municipality/132012">八王子市</a>' in home
    assert "id:municipality/132012" not in home
    rows = {r[1]: r[2:4] for r in read_page(out / "coverage.html").tables["coverage-table"][1:-1]}
    assert rows["東京都"] == ["1", "62"]
    page = (out / "id/municipality/132012.html").read_text(encoding="utf-8")
    assert 'href="../plan/132012/strategy.html"' in page and "計画はまだありません" not in page


HACHIOJI_PLAN = minimal_strategy_plan("132012", "hachioji", "八王子市")


def test_ontology_page_documents_every_term_and_the_vocabularies(site, store):
    page = read_page(site / "ontology.html")
    text = " ".join(page.text)
    for term, label, definition in (("Plan", "計画", "行政主体が策定する"), ("inPlan", "所属する計画", None),
                                    ("KPI", "重要業績評価指標（KPI）", None)):
        assert term in page.ids and label in text
        if definition:
            assert definition in text
    terms = {q.subject.value.split("#")[1] for q in store.quads_for_pattern(None, None, None, None)
             if q.subject.value.startswith("https://w3id.org/jp-plan-kg/ontology#")}
    assert terms <= page.ids
    assert "../vocab/viewpoint.html" not in page.links and ("href", "vocab/viewpoint.html") in page.links
    shapes = read_page(site / "shapes.html")
    assert "MunicipalityShape" in shapes.ids and "対象" in " ".join(shapes.text)


_ATTRIBUTE = re.compile(r'\s(href|src|id)="([^"]*)"')


def _links_and_ids(path: Path) -> tuple[list[tuple[str, str]], set[str]]:
    """Attributes as a browser reads them (entities decoded); quicker than a full parse over 600 pages."""
    found = [(name, html.unescape(value)) for name, value in _ATTRIBUTE.findall(path.read_text(encoding="utf-8"))]
    return [f for f in found if f[0] != "id"], {v for n, v in found if n == "id"}


def test_every_internal_link_resolves(site):
    """A link checker over every page: each relative href/src names a file of the site, each #anchor an id in it."""
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    ids: dict[str, set[str]] = {}
    broken, pages = [], sorted(f for f in files if f.endswith(".html"))
    assert len(pages) > 600
    for page in pages:
        for attribute, value in _links_and_ids(site / page)[0]:
            parts = urlsplit(value)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme, f"{page}: {attribute}={value!r}"   # no javascript:, data:, file: links
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path))) if parts.path else page
            if target not in files:
                broken.append(f"{page} → {value}")
                continue
            if parts.fragment and target.endswith(".html"):
                if target not in ids:
                    ids[target] = _links_and_ids(site / target)[1]
                if parts.fragment not in ids[target]:
                    broken.append(f"{page} → {value} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


# -- dumps and descriptions -------------------------------------------------------------------------------------------

RDFLIB_FORMATS = {".ttl": "turtle", ".nt.gz": "nt", ".jsonld": "json-ld", ".trig": "trig", ".nq.gz": "nquads"}


OXIGRAPH_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt.gz": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
                    ".trig": ox.RdfFormat.TRIG, ".nq.gz": ox.RdfFormat.N_QUADS}


def _distinct_triples(path: Path, *, independent: bool = False) -> set:
    """The distinct triples of a dump, graphs ignored. independent=True parses with rdflib (not Oxigraph, which
    wrote the files); otherwise with Oxigraph's strict parser, which is quick."""
    suffix = next(s for s in RDFLIB_FORMATS if path.name.endswith(s))
    data = path.read_bytes()
    if suffix.endswith(".gz"):
        data = gzip.decompress(data)
    if not independent:
        return {(q.subject, q.predicate, q.object) for q in ox.parse(data, format=OXIGRAPH_FORMATS[suffix])}
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=RDFLIB_FORMATS[suffix])
    return {(s, p, o) for s, p, o, _g in dataset.quads((None, None, None, None))}


def _local(site: Path, url) -> Path:
    assert str(url).startswith(BASE), url
    return site / str(url)[len(BASE):]


def test_each_dump_parses_to_the_triple_count_void_states(site):
    void = rdflib.Graph().parse(site / "void.ttl", format="turtle")
    checked = 0
    for dataset, count in void.subject_objects(VOID.triples):
        dumps = list(void.objects(dataset, VOID.dataDump))
        if not dumps:
            continue  # property partitions
        for url in dumps:
            # The whole dataset's five files through rdflib as well (an independent parser), the subsets through Oxigraph.
            whole = str(url).startswith(BASE + "dumps/jp-plan-kg.")
            for independent in ((False, True) if whole else (False,)):
                assert len(_distinct_triples(_local(site, url), independent=independent)) == int(count), url
            checked += 1
    assert checked == 20   # 6 subsets × (Turtle, N-Triples gzip, JSON-LD) + TriG and N-Quads of the whole


# VoID's counts asked of the built store by SPARQL, apart from how kg publish counts them (in one pass over the
# dumps' triples): over the distinct triples of every named graph, a triple stated in two files counted once.
_DISTINCT = "{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
_COUNTS = f"""SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
    (COUNT(DISTINCT ?entity) AS ?entities) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
    BIND(IF(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"), ?s, ?unbound) AS ?entity) }}"""
_PROPERTIES = f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {_DISTINCT} }} GROUP BY ?p"
_CLASSES = """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } FILTER(isIRI(?c)) } GROUP BY ?c"""


def test_void_counts_are_the_stores_over_every_graph(site, store):
    void = rdflib.Graph().parse(site / "void.ttl", format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/jp-plan-kg/dataset")
    stated = {name: int(void.value(dataset, VOID[name])) for name in
              ("entities", "distinctSubjects", "distinctObjects", "properties", "classes")}
    counts = next(iter(store.query(_COUNTS)))
    properties = {row["p"].value: int(row["n"].value) for row in store.query(_PROPERTIES)}
    classes = {row["c"].value: int(row["n"].value) for row in store.query(_CLASSES)}
    assert stated == {"entities": int(counts["entities"].value), "distinctSubjects": int(counts["subjects"].value),
                      "distinctObjects": int(counts["objects"].value), "properties": len(properties),
                      "classes": len(classes)}
    assert stated["entities"] > 1741 and stated["classes"] > 20   # the reference data's municipalities and more
    partitions = {str(void.value(part, VOID["class"])): int(void.value(part, VOID.entities))
                  for part in void.objects(dataset, VOID.classPartition)}
    assert partitions == classes
    partitions = {str(void.value(part, VOID.property)): int(void.value(part, VOID.triples))
                  for part in void.objects(dataset, VOID.propertyPartition)}
    assert partitions == properties


def test_asserted_and_inferred_are_apart_and_make_up_the_whole(site):
    dumps = site / "dumps"
    asserted = _distinct_triples(dumps / "asserted.nt.gz")
    inferred = _distinct_triples(dumps / "inferred.nt.gz")
    everything = _distinct_triples(dumps / "jp-plan-kg.nt.gz")
    assert inferred and not asserted & inferred
    assert asserted | inferred == everything
    editorial = _distinct_triples(dumps / "classification.nt.gz")
    assert editorial <= asserted
    # In the dataset with graphs, the inferred triples are exactly those of the inferred graphs, each once.
    inferred_graph = re.compile(r"<https://w3id\.org/jp-plan-kg/graph/inferred(/[^>]*)?> \.$")
    with gzip.open(dumps / "jp-plan-kg.nq.gz", "rt", encoding="utf-8") as nquads:
        in_graph = sum(1 for line in nquads if inferred_graph.search(line.rstrip()))
    assert in_graph == len(inferred)


def test_dcat_describes_every_distribution_with_its_size_type_and_licence(site):
    dcat = rdflib.Graph().parse(site / "dcat.ttl", format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/jp-plan-kg/dataset")
    assert (dataset, DCTERMS.license, CC_BY) in dcat
    assert dcat.value(dataset, DCTERMS.modified) is not None
    distributions = list(dcat.objects(dataset, DCAT.distribution))
    assert len(distributions) == 21   # six subsets in three formats, the dataset with graphs in two, the Data Cube
    for dist in distributions:
        path = _local(site, dcat.value(dist, DCAT.downloadURL))
        assert int(dcat.value(dist, DCAT.byteSize)) == path.stat().st_size, path
        assert (dist, DCTERMS.license, CC_BY) in dcat
        assert str(dcat.value(dist, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")
    cube = [d for d in distributions if str(dcat.value(d, DCAT.downloadURL)).endswith("/dumps/indicator-values-cube.ttl")]
    assert len(cube) == 1
    assert (cube[0], DCTERMS.conformsTo, rdflib.URIRef("http://www.w3.org/TR/vocab-data-cube/")) in dcat
    assert (None, DCAT.endpointURL, None) not in dcat   # no endpoint configured for this site


def test_the_downloads_page_offers_the_data_cube_with_its_observations(site):
    page = (site / "data.html").read_text(encoding="utf-8")
    cube = site / "dumps" / "indicator-values-cube.ttl"
    observations = sum(1 for t in ox.parse(path=str(cube), format=ox.RdfFormat.TURTLE)
                       if t.predicate.value.endswith("#type") and t.object.value.endswith("cube#Observation"))
    assert observations > 10
    section = page[page.index('id="cube"'):]
    section = section[:section.index("</section>")]
    assert 'href="dumps/indicator-values-cube.ttl"' in section
    assert f"<strong>{observations:,}</strong>" in section
    assert f"{cube.stat().st_size:,} bytes" in section


def test_base_iri_changes_descriptions_not_iris_and_names_the_endpoint(site, built, tmp_path):
    out = tmp_path / "preview"
    shutil.copytree(site, out)                      # an earlier publish: kg publish may replace it
    (out / "stale.html").write_text("old", encoding="utf-8")
    result = run_kg("publish", "--base-iri", "http://127.0.0.1:8000/", "--out", str(out),
                    "--sparql-endpoint", "https://example.org/sparql", "-q", build_dir=built.build_dir)
    assert result.returncode == 0, result.stderr
    assert not (out / "stale.html").exists()        # replaced as a whole, nothing of the old site left
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".preview.")]   # no staging folder left
    # Canonical IRIs and the relative links between pages do not depend on the base.
    for name in ("id/plan/132055/strategy-2.ttl", "id/municipality/132055.jsonld", "dumps/jp-plan-kg.ttl"):
        assert (out / name).read_bytes() == (site / name).read_bytes(), name
    def without_base(text: str) -> str:
        text = re.sub(r'<link rel="canonical" href="[^"]*">', "", text)
        text = re.sub(r'<li><a href="https://example.org/sparql">[^<]*</a></li>|<a href="https://example.org/sparql">[^<]*</a>', "", text)
        return re.sub(r"\s+", " ", text)

    for name in (OME_PAGE, "index.html", "ontology.html"):
        assert without_base((out / name).read_text(encoding="utf-8")) == without_base((site / name).read_text(encoding="utf-8"))
    void = rdflib.Graph().parse(out / "void.ttl", format="turtle")
    assert (None, VOID.sparqlEndpoint, rdflib.URIRef("https://example.org/sparql")) in void
    assert (None, VOID.dataDump, rdflib.URIRef("http://127.0.0.1:8000/dumps/jp-plan-kg.ttl")) in void
    dcat = rdflib.Graph().parse(out / "dcat.ttl", format="turtle")
    assert (None, DCAT.endpointURL, rdflib.URIRef("https://example.org/sparql")) in dcat
    assert not (out / "hosting" / "w3id.htaccess").exists() or "127.0.0.1:8000" in (out / "hosting" / "w3id.htaccess").read_text()


def test_server_rules_redirect_resource_iris_and_never_files(site):
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    nginx = (site / "hosting" / "nginx.conf").read_text(encoding="utf-8")
    assert "RewriteBase /jp-plan-kg/" in htaccess and "R=303" in htaccess and "Vary Accept" in htaccess
    for media, suffix in (("text/turtle", "ttl"), ("application/ld\\+json", "jsonld"), ("application/n-triples", "nt")):
        assert media in htaccess and f"$1.{suffix}" in htaccess
        assert media in nginx and f"set $jpkg_suffix {suffix};" in nginx
    assert f"^/jp-plan-kg/(?<jpkg_resource>{RESOURCE_PATTERN})$" in nginx and "return 303" in nginx
    assert f"^({RESOURCE_PATTERN})$" in htaccess
    pattern = re.compile(f"^(?:{RESOURCE_PATTERN})$")
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    assert not [f for f in files if pattern.match(f)]                       # a file is always served as it is
    pages = [f.removesuffix(".html") for f in files if f.startswith(("id/", "vocab/")) and f.endswith(".html")]
    assert pages and all(pattern.match(p) for p in pages)                   # every resource IRI is redirected
    for page in pages[:50]:
        for suffix in ("html", "ttl", "jsonld", "nt"):
            assert (site / f"{page}.{suffix}").is_file()
    assert "https://example.org/jp-plan-kg/$1" in (site / "hosting" / "w3id.htaccess").read_text(encoding="utf-8")


# -- safety -----------------------------------------------------------------------------------------------------------

def test_user_data_is_escaped_and_only_http_iris_become_links(built, tmp_path):
    """A literal with markup and IRIs of other schemes, in a copy of the project, built and published for real."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    # The reference data is enough for a municipality's page (and builds in a moment).
    for name in ("municipalities.ttl", "sources.ttl"):
        shutil.copy(ROOT / "data" / "ttl" / name, (root / "data" / "ttl").mkdir(parents=True, exist_ok=True) or root / "data" / "ttl" / name)
    # The national list types the municipalities that publish the sources (PublisherShape: a publisher is an agent).
    shutil.copytree(ROOT / "data" / "ttl" / "reference", root / "data" / "ttl" / "reference")
    municipalities = root / "data" / "ttl" / "municipalities.ttl"
    municipalities.write_text(municipalities.read_text(encoding="utf-8") + """
<municipality/132055> rdfs:comment "<script>alert('x')</script> & <b>bold</b>"@ja ;
    rdfs:seeAlso <javascript:alert(1)> , <data:text/html,hi> , <https://www.city.ome.tokyo.jp/> .
""", encoding="utf-8")
    build_dir, out = tmp_path / "build", tmp_path / "site"
    assert run_kg("build", "-q", root=root, build_dir=build_dir).returncode == 0
    result = run_kg("publish", "-q", "--out", str(out), root=root, build_dir=build_dir)
    assert result.returncode == 0, result.stderr
    html = (out / "id" / "municipality" / "132055.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    links = [v for a, v in Page(html).links if a == "href"]
    assert not [v for v in links if v.lower().startswith(("javascript:", "data:"))]
    assert "javascript:alert(1)" in html and "data:text/html,hi" in html      # shown, as text
    assert "https://www.city.ome.tokyo.jp/" in links                           # an http(s) IRI is a link


def test_render_resource_works_from_a_store_in_memory():
    """The page renderer needs a store and an IRI, no files (what `kg serve` builds on)."""
    store = ox.Store()
    s = ox.NamedNode(ID + "municipality/999999")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(ox.Quad(s, label, ox.Literal("<img src=x onerror=alert(1)>市", language="ja"),
                      ox.NamedNode("https://w3id.org/jp-plan-kg/graph/municipalities")))
    store.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso"), ox.NamedNode("javascript:alert(2)"),
                      ox.NamedNode("https://w3id.org/jp-plan-kg/graph/municipalities")))
    html = render_resource(store, s.value, base="http://127.0.0.1:8000/")
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;市" in html
    assert 'href="javascript:' not in html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/id/municipality/999999.html">' in html
    assert render_resource(store, ID + "municipality/000000", base="http://127.0.0.1:8000/") is None


# -- the command's failure paths --------------------------------------------------------------------------------------

def test_publish_refuses_a_folder_it_did_not_write(built, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_kg("publish", "-q", "--out", str(out), build_dir=built.build_dir)
    assert result.returncode == 2
    assert "not written by kg publish" in result.stderr and "--out" in result.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("base", ["ftp://example.org/", "javascript:alert(1)", "https://example.org/a b/"])
def test_publish_rejects_a_base_that_is_not_an_http_folder(built, tmp_path, base):
    result = run_kg("publish", "--base-iri", base, "--out", str(tmp_path / "site"), build_dir=built.build_dir)
    assert result.returncode == 2
    assert "--base-iri" in result.stderr or "base" in result.stderr
    assert not (tmp_path / "site").exists()


def test_publish_without_a_build_says_to_build_first(tmp_path):
    result = run_kg("publish", "--out", str(tmp_path / "site"), build_dir=tmp_path / "nothing")
    assert result.returncode == 2 and "kg build" in result.stderr


# -- where pages live ---------------------------------------------------------------------------------------------

def test_site_paths_links_and_schemes():
    from kg.publish import locations

    assert locations.own_page_path(OME_PLAN) == "id/plan/132055/strategy-2"
    for unsafe in (ID + "../../etc/passwd", ID + "a b", ID + "x.html", ID + "plan//1", "https://example.org/id/x"):
        assert locations.own_page_path(unsafe) is None, unsafe
    assert locations.relative_href("id/plan/1/a.html", "id/plan/1/a/goal-1.html") == "a/goal-1.html"
    assert locations.relative_href("id/plan/1/a/goal-1.html", "ontology.html#inPlan") == "../../../../ontology.html#inPlan"
    assert locations.resource_for_path("/id/plan/132055/strategy-2.ttl") == (OME_PLAN, "ttl")
    assert locations.resource_for_path("id/plan/132055/strategy-2") == (OME_PLAN, "")
    assert locations.resource_for_path("static/style.css") is None
    assert locations.resource_for_path("id/../index.html") is None
    assert locations.safe_external_href("https://example.org/x") == "https://example.org/x"
    for other in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "file:///etc/passwd", "mailto:a@b", "//evil"):
        assert locations.safe_external_href(other) is None, other


def test_a_tracked_count_of_subjects_notes_the_statements_pointing_to_its_resource():
    from kg.publish.graphview import GraphView
    from kg.publish.tracking import TrackedGraphView

    ns, graph = "http://example.org/", ox.NamedNode("http://example.org/g")
    plan, in_plan = ox.NamedNode(ns + "plan"), ox.NamedNode(ns + "inPlan")
    store = ox.Store()
    for member in ("a", "b"):      # b stated in two graphs: counted once
        store.add(ox.Quad(ox.NamedNode(ns + member), in_plan, plan, graph))
    store.add(ox.Quad(ox.NamedNode(ns + "b"), in_plan, plan, ox.NamedNode(ns + "g2")))
    store.add(ox.Quad(ox.BlankNode(), in_plan, plan, graph))          # not a resource: not counted
    store.add(ox.Quad(ox.NamedNode(ns + "c"), ox.NamedNode(ns + "other"), plan, graph))
    assert GraphView(store).subject_count(in_plan.value, plan.value) == \
        len(GraphView(store).subjects(in_plan.value, plan.value)) == 2
    tracked = TrackedGraphView(store)
    tracked.reads.push()
    assert tracked.subject_count(in_plan.value, plan.value) == 2
    assert tracked.reads.pop() == (frozenset(), frozenset({plan.value}))
