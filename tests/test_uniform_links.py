"""One shape for every plan: questions written from the ontology alone find every city's resources of a kind.

Issue 19: Ome's KPIs state jpp:inPlan, Atsugi's only jpp:indicatorOf, so a question following jpp:inPlan missed
Atsugi's. The link table of ontology/README.md says which links each class has, stated or derived by the build's
closure; these tests ask as an outsider would and compare with counts read off the seeds (tests/golden/08) and
with the plan tree itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.query.local import run_local

GOLDEN = Path(__file__).parent / "golden"
PREFIXES = """PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rc: <https://w3id.org/jp-plan-kg/vocab/revision-change/>
PREFIX cm: <https://w3id.org/jp-plan-kg/vocab/completeness/>
"""


def _rows(store, query: str) -> list[dict]:
    # Plain values: an IRI's or a literal's text (oxigraph terms print as N-Triples).
    return [{k: (None if v is None else v.value) for k, v in row.items()} for row in run_local(store, PREFIXES + query).rows]


def test_kpis_of_each_plan_by_inplan_are_the_seeds_kpis(store):
    """The KPIs of each municipality's plan, asked by jpp:inPlan only, number what the seed lists (the golden
    answer of question 8 read off the seeds: KPIs in force plus those a revision dropped)."""
    rows = _rows(store, """
        SELECT ?municipality (COUNT(DISTINCT ?kpi) AS ?kpis) WHERE {
          ?plan jpp:municipality/rdfs:label ?municipality . FILTER(LANG(?municipality) = "ja")
          FILTER NOT EXISTS { ?plan jpp:completeness cm:cited-only }
          OPTIONAL { ?kpi a jpp:KPI ; jpp:inPlan ?plan }
        } GROUP BY ?municipality""")
    found = {r["municipality"]: int(r["kpis"]) for r in rows}
    golden = json.loads((GOLDEN / "08-plan-statistics.json").read_text(encoding="utf-8"))["cases"][0]["rows"]
    expected = {r["values"]["municipality"]: r["values"]["kpis"] + r["values"]["kpisDropped"] for r in golden}
    assert found == expected
    assert expected["厚木市"] > 0 and expected["青梅市"] > 0  # the two forms of the issue are both there


def test_atsugi_new_and_merged_kpis_are_in_its_plan(store):
    rows = _rows(store, """
        SELECT DISTINCT ?status WHERE {
          ?kpi a jpp:KPI ; jpp:inPlan ?plan ; jpp:hasChange/jpp:revisionStatus ?status .
          ?plan jpp:municipality/rdfs:label "厚木市"@ja .
        }""")
    statuses = {r["status"].rsplit("/", 1)[-1] for r in rows}
    assert {"new", "merged"} <= statuses, statuses


def test_every_indicator_value_and_citation_is_in_the_plan_of_what_it_belongs_to(store):
    """jpp:inPlan agrees with the tree: an indicator is in the plan of what it measures (an element, or the plan
    itself), a value in its indicator's, a citation in its citing element's; and nothing is in two plans."""
    rows = _rows(store, """
        SELECT ?resource ?plan ?expected WHERE {
          {
            ?resource a jpp:Indicator ; jpp:indicatorOf ?measured .
            { ?measured jpp:inPlan ?expected } UNION { ?measured a jpp:Plan . BIND(?measured AS ?expected) }
          } UNION {
            ?indicator jpp:hasBaseline|jpp:hasTarget|jpp:hasStatedValue ?resource ; jpp:indicatorOf ?measured .
            { ?measured jpp:inPlan ?expected } UNION { ?measured a jpp:Plan . BIND(?measured AS ?expected) }
          } UNION {
            ?element jpp:hasMeasureReference ?resource ; jpp:inPlan ?expected .
          }
          OPTIONAL { ?resource jpp:inPlan ?plan }
          FILTER(!BOUND(?plan) || ?plan != ?expected)
        }""")
    assert not rows, rows[:10]
    counted = _rows(store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a jpp:Indicator ; jpp:inPlan ?p }")
    assert int(counted[0]["n"]) > 0


def test_a_city_naming_a_domain_only_in_a_statement_is_found_by_policy_domain(store):
    """Where a municipality addresses a policy domain only in a viewpoint, guiding statement or challenge (none of
    its plan elements is in it), question 14 (municipalities by policy domain) still lists it, with 0 elements."""
    only_in_statements = _rows(store, """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?domain ?municipality WHERE {
          VALUES ?class { jpp:Viewpoint jpp:GuidingStatement jpp:Challenge }
          ?statement a ?class ; jpp:policyDomain ?node ; jpp:inPlan/jpp:municipality ?city .
          FILTER NOT EXISTS { ?element a jpp:PlanElement ; jpp:policyDomain ?node ; jpp:inPlan/jpp:municipality ?city }
          ?node skos:prefLabel ?domain FILTER(LANG(?domain) = "ja")
          ?city rdfs:label ?municipality FILTER(LANG(?municipality) = "ja")
        }""")
    assert only_in_statements, "no municipality names a policy domain only in a statement: the test would prove nothing"
    question = (Path(__file__).resolve().parent.parent / "queries" / "14-policy-domains.rq").read_text(encoding="utf-8")
    answered = {(r["domain"].value, r["municipality"].value): (int(r["elements"].value), int(r["statements"].value))
                for r in run_local(store, question).rows}
    for row in only_in_statements:
        elements, statements = answered[(row["domain"], row["municipality"])]
        assert elements == 0 and statements >= 1, row


def test_every_statement_of_direction_has_a_policy_domain_decision(store):
    """Viewpoints, guiding statements and challenges: a policy domain, or the stated decision that the text names
    none (jpp:noPolicyDomain true), never neither and never both."""
    rows = _rows(store, """
        SELECT ?statement (COUNT(?domain) AS ?domains) (SAMPLE(?none) AS ?noDomain) WHERE {
          VALUES ?class { jpp:Viewpoint jpp:GuidingStatement jpp:Challenge }
          ?statement a ?class .
          OPTIONAL { ?statement jpp:policyDomain ?domain }
          OPTIONAL { ?statement jpp:noPolicyDomain ?none }
        } GROUP BY ?statement""")
    assert len(rows) == 37  # 15 Aomori, 4 Ome, 7 Nishitokyo, 11 Atsugi (Kiyose's excerpt states none)
    assert all((int(r["domains"]) > 0) != (r.get("noDomain") == "true") for r in rows), rows
