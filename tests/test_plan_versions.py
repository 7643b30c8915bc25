"""Issue 20, versions: a plan version carries type and status, a change record pairs each change with its revision,
and the resources before and after a revision stay distinct, on the built seed data."""

from __future__ import annotations

PREFIXES = """
PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
PREFIX rc:  <https://w3id.org/jp-plan-kg/vocab/revision-change/>
PREFIX ps:  <https://w3id.org/jp-plan-kg/vocab/plan-status/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
BASE <https://w3id.org/jp-plan-kg/id/>
"""


def ask(store, body: str) -> bool:
    return bool(store.query(PREFIXES + "ASK { " + body + " }", use_default_graph_as_union=True))


def select(store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value if term is not None else None for term in row)
            for row in store.query(PREFIXES + query, use_default_graph_as_union=True)]


def test_the_kind_and_status_belong_to_the_version(store):
    # Ome's strategy became a Digital Garden City strategy at its 2023 revision: the plan stays what it was adopted as.
    assert ask(store, "<plan/132055/strategy-2> a jpp:RevitalisationStrategy ; jpp:hasVersion ?v . "
                      "?v dcterms:type jpp:DigitalGardenCityStrategy ; jpp:planStatus ps:draft")
    assert not ask(store, "<plan/132055/strategy-2> a jpp:DigitalGardenCityStrategy")
    assert not ask(store, "<plan/132055/strategy-2> jpp:planStatus ?s")
    # Atsugi: the version in force adopted, the revision a draft that revises it.
    rows = select(store, "SELECT ?type ?status WHERE { <plan/142123/strategy-2> jpp:hasVersion ?v . "
                         "?v dcterms:type ?type ; jpp:planStatus ?status } ORDER BY ?status")
    ontology, status = "https://w3id.org/jp-plan-kg/ontology#", "https://w3id.org/jp-plan-kg/vocab/plan-status/"
    assert rows == [(ontology + "RevitalisationStrategy", status + "adopted"),
                    (ontology + "DigitalGardenCityStrategy", status + "draft")]
    assert ask(store, "<plan/142123/strategy-2/revision-kaitei> <http://www.w3.org/ns/prov#wasRevisionOf> "
                      "<plan/142123/strategy-2/version-1>")


def test_a_status_is_never_loose_on_an_element(store):
    assert not ask(store, "?element jpp:revisionStatus|jpp:inRevision|jpp:previousLabel ?x FILTER NOT EXISTS { ?element a jpp:Change }")
    # Every record pairs one status with one revision, and belongs to the plan of what it records.
    unpaired = select(store, "SELECT ?record WHERE { ?record a jpp:Change . "
                             "FILTER NOT EXISTS { ?record jpp:revisionStatus ?s ; jpp:inRevision ?r } }")
    assert unpaired == []
    assert ask(store, "<plan/142123/strategy-2/viewpoint-2-after/change-kaitei> jpp:inPlan <plan/142123/strategy-2> ; "
                      "jpp:revisionStatus rc:new ; jpp:inRevision <plan/142123/strategy-2/revision-kaitei>")


def test_before_and_after_a_revision_are_distinct_resources_in_their_versions(store):
    rows = select(store, "SELECT ?viewpoint ?version ?label WHERE { "
                         "?viewpoint a jpp:Viewpoint ; jpp:inPlan <plan/142123/strategy-2> ; jpp:localNumber '2' ; "
                         "jpp:inVersion ?version ; rdfs:label ?label } ORDER BY ?viewpoint")
    base = "https://w3id.org/jp-plan-kg/id/plan/142123/strategy-2/"
    assert [(v.removeprefix(base), version.removeprefix(base)) for v, version, _ in rows] == [
        ("viewpoint-2-after", "revision-kaitei"), ("viewpoint-2-before", "version-1")]
    assert rows[0][2] != rows[1][2]
    assert ask(store, "<plan/142123/strategy-2/viewpoint-2-after> jpp:mergedFrom <plan/142123/strategy-2/viewpoint-2-before>")
    assert not ask(store, "<plan/142123/strategy-2/viewpoint-2-after> <http://www.w3.org/2002/07/owl#sameAs> ?other")
