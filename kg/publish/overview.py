"""The home page's overview: municipalities with their plans, and the two matrices that compare them —
by shared viewpoint and by policy domain (both are this project's classification, not the documents' words).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import JPP, RDFS, SKOS, VOCAB, sparql_prefixes
from ..rdf.terms import natural_key
from .graphview import GraphView
from .pages import Link, PageBuilder
from .places import PlaceIndex

VIEWPOINT_SCHEME = VOCAB + "viewpoint"
POLICY_DOMAIN_SCHEME = VOCAB + "policy-domain"
PREFIXES = sparql_prefixes("jpp", "skos", "rdfs", "dcterms")


@dataclass
class PlanSummary:
    link: Link
    kind: str
    period: str
    indicators: int
    elements: int


@dataclass
class MunicipalitySummary:
    link: Link
    name_en: str
    prefecture: str
    plans: list[PlanSummary]


@dataclass
class Cell:
    value: int               # elements in the domain, or the city's own viewpoints mapped to the concept
    secondary: int           # thematic links to the concept (viewpoint matrix only)
    strength: float          # 0..1, for the cell's shade
    title: str               # what the cell means, in words (tooltip)


@dataclass
class Matrix:
    columns: list[Link]
    rows: list[tuple[Link, list[Cell]]]


@dataclass
class Overview:
    municipalities: list[MunicipalitySummary]
    viewpoints: Matrix
    domains: Matrix
    counts: dict[str, int]


def _rows(view: GraphView, query: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    answer = view.query(PREFIXES + query)
    return [{v.value: s[v.value] for v in answer.variables if s[v.value] is not None} for s in answer]


def overview(view: GraphView, builder: PageBuilder, places: PlaceIndex, *, page: str = "index.html") -> Overview:
    municipalities = municipality_summaries(view, builder, places, page)
    columns = [m.link for m in municipalities]
    found = counts(view)
    # Municipalities: those with plans, of all the graph knows (the national reference data knows every one).
    found["municipalities"], found["all_municipalities"] = len(municipalities), places.national()[1]
    return Overview(municipalities=municipalities, viewpoints=viewpoint_matrix(view, builder, municipalities, page),
                    domains=domain_matrix(view, builder, columns, page), counts=found)


def municipality_summaries(view: GraphView, builder: PageBuilder, places: PlaceIndex,
                           page: str) -> list[MunicipalitySummary]:
    """Every municipality with a plan, in code order, named as the graph names it."""
    out = []
    indicators = indicator_counts(view)
    for m in places.with_plans():
        place = places.municipalities.get(m)
        plans = [plan_summary(view, builder, plan, page, indicators=indicators.get(plan, 0))
                 for plan in places.plans_of(m)]
        plans.sort(key=lambda p: (-p.elements, p.link.text))
        prefecture = place.prefecture if place else ""
        out.append(MunicipalitySummary(builder.link(m, page), view.label_en(m) or "",
                                       builder.display_label(prefecture) if prefecture else "", plans))
    return out


def indicator_counts(view: GraphView) -> dict[str, int]:
    """Plan -> how many indicators kg.publish.charts.plan_indicators finds for it (stated in the plan or attached to
    one of its elements, of any subclass of jpp:Indicator), for every plan in one query: asked plan by plan (the
    plan bound in VALUES) it took 0.25 s a plan at 1,741 municipalities, 15 minutes for the home page."""
    answer = view.query(PREFIXES + """SELECT ?plan (COUNT(DISTINCT ?indicator) AS ?n) WHERE {
          { ?indicator jpp:inPlan ?plan } UNION { ?indicator jpp:indicatorOf/jpp:inPlan ?plan }
          ?indicator a/rdfs:subClassOf* jpp:Indicator } GROUP BY ?plan""")
    return {row["plan"].value: int(row["n"].value) for row in answer if isinstance(row["plan"], ox.NamedNode)}


def plan_summary(view: GraphView, builder: PageBuilder, plan: str, page: str, *, indicators: int) -> PlanSummary:
    kinds = sorted(t for t in view.types(plan) if t.startswith(JPP))
    # The most specific class names the kind: a strategy's DigitalGardenCityStrategy rather than Plan.
    specific = [k for k in kinds if not any(k in view.iris(other, RDFS + "subClassOf")
                                            for other in kinds if other != k)]
    start = view.first_literal(plan, JPP + "startFiscalYear")
    end = view.first_literal(plan, JPP + "endFiscalYear")
    period = view.first_literal(plan, JPP + "periodLabel") or (f"{start or ''}〜{end or ''}年度" if start or end else "")
    return PlanSummary(builder.link(plan, page), view.label(specific[0]) if specific else "", period,
                       indicators, view.subject_count(JPP + "inPlan", plan))


def viewpoint_matrix(view: GraphView, builder: PageBuilder, municipalities: list[MunicipalitySummary], page: str) -> Matrix:
    named = _rows(view, """SELECT ?m ?c ?label WHERE {
        ?vp a jpp:Viewpoint ; jpp:mapsToConcept ?c ; jpp:inPlan/jpp:municipality ?m ; rdfs:label ?label
        FILTER(LANG(?label) = "ja") }""")
    linked = _rows(view, """SELECT ?m ?c (COUNT(DISTINCT ?r) AS ?n) WHERE {
        ?link a jpp:ThematicLink ; jpp:linkedConcept ?c ; jpp:linkedResource ?r .
        ?r (jpp:inPlan/jpp:municipality)|jpp:municipality ?m } GROUP BY ?m ?c""")
    concepts = list(view.subjects(SKOS + "inScheme", VIEWPOINT_SCHEME))
    wording: dict[tuple[str, str], list[str]] = {}
    for r in named:
        wording.setdefault((r["m"].value, r["c"].value), []).append(r["label"].value)
    links = {(r["m"].value, r["c"].value): int(r["n"].value) for r in linked}
    top = max(links.values(), default=1) or 1

    def reach(c: str) -> tuple:
        return (-sum(1 for m in municipalities if (m.link.iri, c) in wording),
                -sum(links.get((m.link.iri, c), 0) for m in municipalities), natural_key(c))

    concepts.sort(key=reach)
    rows = []
    for m in municipalities:
        cells = []
        for c in concepts:
            words = sorted(wording.get((m.link.iri, c), []))
            n_links = links.get((m.link.iri, c), 0)
            title = (f"{m.link.text}の視点「{'」「'.join(words)}」" if words else f"{m.link.text}の視点には対応なし") + \
                f"。関連付けた計画要素 {n_links}件"
            strength = 1.0 if words else 0.15 + 0.5 * n_links / top if n_links else 0.0
            cells.append(Cell(len(words), n_links, round(strength, 3), title))
        rows.append((m.link, cells))
    return Matrix([builder.link(c, page) for c in concepts], rows)


def domain_matrix(view: GraphView, builder: PageBuilder, columns: list[Link], page: str) -> Matrix:
    found = _rows(view, """SELECT ?d ?m (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e a jpp:PlanElement ; jpp:policyDomain ?d ; jpp:inPlan/jpp:municipality ?m } GROUP BY ?d ?m""")
    counts_by = {(r["d"].value, r["m"].value): int(r["n"].value) for r in found}
    domains = view.subjects(SKOS + "inScheme", POLICY_DOMAIN_SCHEME)
    top = max(counts_by.values(), default=1) or 1
    totals = {d: sum(counts_by.get((d, m.iri), 0) for m in columns) for d in domains}
    rows = []
    for d in sorted(domains, key=lambda d: (-totals[d], builder.display_label(d))):
        name = builder.display_label(d)
        cells = []
        for m in columns:
            n = counts_by.get((d, m.iri), 0)
            cells.append(Cell(n, 0, round(n / top, 3), f"{m.text}: 「{name}」に分類した計画要素 {n}件"))
        rows.append((builder.link(d, page), cells))
    return Matrix(columns, rows)


def counts(view: GraphView) -> dict[str, int]:
    found = _rows(view, """SELECT
        (COUNT(DISTINCT ?p) AS ?plans) (COUNT(DISTINCT ?k) AS ?kpis) WHERE {
        { ?p a/rdfs:subClassOf* jpp:Plan } UNION { ?k a/rdfs:subClassOf* jpp:Indicator } }""")
    return {k: int(v.value) for k, v in found[0].items()} if found else {}
