"""Indicator values as a W3C Data Cube: the seed build's cube keeps the Data Cube integrity constraints, has one
observation per value with a number and a known area, joins e-Stat's observations on the area, and a broken cube
fails the constraint it breaks."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.namespaces import JPP, QB, RDF_TYPE, sparql_prefixes
from kg.publish.cube import (
    CUBE_GRAPH,
    DATASET_IRI,
    CubeInvalid,
    build_cube,
    check_integrity,
    cube_triples,
    normalised,
    validated_cube,
)
from kg.publish.cube_constraints import CONSTRAINTS
from kg.publish.dumps import CUBE_FILE, write_cube

PREFIXES = sparql_prefixes("jpp", "vk", "cbd", "bd", "u", "q", "qb", "sdmx-dimension", "sdmx-measure", "xsd", "rdfs")
OBSERVATION = ox.NamedNode(QB + "Observation")


@pytest.fixture(scope="module")
def cube(store):
    return build_cube(store)


def _observations(triples) -> list[str]:
    return sorted(t.subject.value for t in triples if t.predicate.value == RDF_TYPE and t.object == OBSERVATION)


def _keys(violations) -> set[str]:
    return {v.constraint for v in violations}


def test_the_seed_cube_keeps_every_integrity_constraint(cube):
    assert cube.observations > 10
    assert check_integrity(cube.triples) == []
    # Published already normalised: the Recommendation's normalisation adds nothing.
    assert len(normalised(cube.triples)) == len(set(cube.triples))


def test_every_constraint_is_asked_and_the_vacuous_ones_are_marked():
    keys = {c.key for c in CONSTRAINTS}
    assert keys == {f"IC-{n}" for n in range(1, 20)}
    assert {c.key for c in CONSTRAINTS if not c.applies} == {"IC-7", "IC-8", "IC-9", "IC-10", "IC-15", "IC-16",
                                                             "IC-17", "IC-18"}


def test_one_observation_per_value_with_a_number_and_a_known_area(store, cube):
    # Counted without the cube's query: each value with a number, once per plan it is in and that plan's area.
    rows = list(store.query(PREFIXES + """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?value ?plan ?area WHERE {
        ?value a jpp:IndicatorValue ; jpp:numericValue ?number ; jpp:inPlan ?plan .
        ?plan jpp:municipality ?municipality . ?municipality jpp:eStatArea ?area } }""",
                            use_default_graph_as_union=True))
    expected = int(rows[0]["n"].value)
    assert expected > 10
    assert cube.observations == len(_observations(cube.triples)) == expected


def test_each_observation_carries_its_value(store, cube):
    triples = {(t.subject.value, t.predicate.value): t.object for t in cube.triples}
    kpi = "https://w3id.org/jp-plan-kg/id/plan/132055/strategy-2/goal-1/direction-1/kpi-1"  # Ome 1-①: 615 → 526
    found = [s for s in _observations(cube.triples) if s.startswith(kpi + "/baseline/observation/")]
    assert len(found) == 1
    obs = found[0]
    assert triples[(obs, JPP + "refArea")] == ox.NamedNode("http://data.e-stat.go.jp/lod/sac/C13205")
    assert triples[(obs, JPP + "refIndicator")] == ox.NamedNode(kpi)
    assert triples[(obs, JPP + "refPeriod")] == ox.Literal("2021-04-01/P1Y")
    assert triples[(obs, JPP + "valueKind")].value.endswith("/value-kind/baseline")
    assert triples[(obs, JPP + "refBreakdown")].value.endswith("/cube-breakdown/total")
    assert float(triples[(obs, JPP + "obsValue")].value) == 615
    assert triples[(obs, JPP + "obsValue")].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


# A plan of one municipality with the value forms the seed lacks: an achieved value, a cumulative target over a
# period, a calendar year, a direction-only target; and a prefecture's plan, which has no e-Stat area.
SMALL_PLANS = """
@prefix jpp: <https://w3id.org/jp-plan-kg/ontology#> . @prefix u: <https://w3id.org/jp-plan-kg/vocab/unit/> .
@prefix q: <https://w3id.org/jp-plan-kg/vocab/qualifier/> . @prefix td: <https://w3id.org/jp-plan-kg/vocab/target-direction/> .
@prefix x: <https://example.org/> .
x:city jpp:eStatArea <http://data.e-stat.go.jp/lod/sac/C99999> .
x:plan jpp:municipality x:city .
x:kpi jpp:hasBaseline x:baseline ; jpp:hasAchievedValue x:achieved ; jpp:hasTarget x:cumulative , x:direction .
x:baseline jpp:inPlan x:plan ; jpp:numericValue 10.0 ; jpp:unit u:person ; jpp:calendarYear 2021 .
x:achieved jpp:inPlan x:plan ; jpp:numericValue 12.0 ; jpp:unit u:person ; jpp:fiscalYear 2024 .
x:cumulative jpp:inPlan x:plan ; jpp:numericValue 50.0 ; jpp:unit u:person ; jpp:fiscalYear 2027 ;
    jpp:periodStartYear 2023 ; jpp:qualifier q:cumulative , q:at-least .
x:direction jpp:inPlan x:plan ; jpp:targetDirection td:increase ; jpp:unit u:person ; jpp:fiscalYear 2027 .
x:prefecture-plan jpp:municipality x:prefecture .
x:prefecture-kpi jpp:hasBaseline x:prefecture-baseline .
x:prefecture-baseline jpp:inPlan x:prefecture-plan ; jpp:numericValue 3.0 ; jpp:unit u:person ; jpp:fiscalYear 2021 .
"""


@pytest.fixture(scope="module")
def small_store(store):
    """The built structure and vocabularies, with the small plans above in a graph of their own."""
    small = ox.Store()
    small.extend(q for q in store.quads_for_pattern(None, None, None, None)
                 if isinstance(q.graph_name, ox.NamedNode) and "/graph/ontology/" in q.graph_name.value)
    graph = ox.NamedNode("https://example.org/graph/small")
    small.extend(ox.Quad(t.subject, t.predicate, t.object, graph)
                 for t in ox.parse(SMALL_PLANS.encode(), format=ox.RdfFormat.TURTLE))
    return small


def test_periods_kinds_and_what_is_left_out(small_store):
    cube = build_cube(small_store)
    rows = {r["value"].value.removeprefix("https://example.org/"): (r["period"].value, r["kind"].value.rpartition("/")[2])
            for r in normalised(cube.triples).query(PREFIXES + """SELECT ?value ?period ?kind WHERE {
                ?obs jpp:refPeriod ?period ; jpp:valueKind ?kind .
                BIND(IRI(STRBEFORE(STR(?obs), "/observation/")) AS ?value) }""")}
    assert rows == {"baseline": ("2021-01-01/P1Y", "baseline"), "achieved": ("2024-04-01/P1Y", "achieved"),
                    "cumulative": ("2023-04-01/P5Y", "target")}  # no direction-only target, no prefecture's value
    qualifiers = {t.object.value.rpartition("/")[2] for t in cube.triples if t.predicate.value == JPP + "obsQualifier"}
    assert qualifiers == {"cumulative", "at-least"}


def test_a_join_with_e_stat_on_the_area(cube):
    # An observation as e-Stat publishes one (a population, sdmx-dimension:refArea the standard area code), beside
    # the cube: the KPIs of Ome's plan against Ome's population, joined on the area IRI.
    e_stat = """@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
        @prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
        <http://data.e-stat.go.jp/lod/dataset/example/C13205-2020> a <http://purl.org/linked-data/cube#Observation> ;
            sdmx-dimension:refArea <http://data.e-stat.go.jp/lod/sac/C13205> ;
            sdmx-measure:obsValue 133535 ."""
    joined = normalised(cube.triples)
    joined.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                  for t in ox.parse(e_stat.encode(), format=ox.RdfFormat.TURTLE))
    rows = list(joined.query(PREFIXES + """SELECT ?indicator ?target ?population WHERE {
        ?kpi jpp:refArea ?area ; jpp:refIndicator ?indicator ; jpp:valueKind vk:target ; jpp:obsValue ?target .
        # e-Stat's refArea, or ours through its super-property: both cubes' areas with one property
        ?areaProperty rdfs:subPropertyOf* sdmx-dimension:refArea .
        ?statistic ?areaProperty ?area ; sdmx-measure:obsValue ?population . }"""))
    assert rows and all(int(r["population"].value) == 133535 for r in rows)
    assert {r["indicator"].value.split("/")[6] for r in rows} == {"132055"}  # Ome's plan only
    assert len({r["indicator"].value for r in rows}) >= 5


def _without(triples, subject: str, predicate: str):
    return [t for t in triples if not (t.subject.value == subject and t.predicate.value == predicate)]


def _copy_of(triples, subject: str, new: str):
    return [ox.Triple(ox.NamedNode(new), t.predicate, t.object) for t in triples if t.subject.value == subject]


def test_a_duplicate_observation_fails_ic_12(cube):
    first = _observations(cube.triples)[0]
    broken = cube.triples + _copy_of(cube.triples, first, first + "-again")
    violations = check_integrity(broken)
    assert _keys(violations) == {"IC-12"}
    assert first in str(violations[0]) and first + "-again" in str(violations[0])
    with pytest.raises(CubeInvalid) as error:
        validated_cube(broken)
    assert "IC-12" in str(error.value) and first in str(error.value) and error.value.exit_code == 1


def test_a_missing_dimension_fails_ic_11(cube):
    first = _observations(cube.triples)[0]
    violations = check_integrity(_without(cube.triples, first, JPP + "refArea"))
    assert _keys(violations) == {"IC-11"}
    assert first in str(violations[0]) and JPP + "refArea" in str(violations[0])


def test_an_observation_without_data_set_fails_ic_1(cube):
    first = _observations(cube.triples)[0]
    violations = check_integrity(_without(cube.triples, first, QB + "dataSet"))
    assert _keys(violations) == {"IC-1"}
    assert first in str(violations[0])


def test_a_missing_unit_fails_ic_13_and_a_code_from_no_list_ic_19(cube):
    first = _observations(cube.triples)[0]
    assert _keys(check_integrity(_without(cube.triples, first, "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"))) == {"IC-13"}
    stray = [ox.Triple(t.subject, t.predicate, ox.NamedNode("https://example.org/high-school"))
             if t.subject.value == first and t.predicate.value == JPP + "refBreakdown" else t for t in cube.triples]
    violations = check_integrity(stray)
    assert _keys(violations) == {"IC-19"} and "high-school" in str(violations[0])


def test_a_dataset_without_structure_fails_ic_2(cube):
    assert _keys(check_integrity(_without(cube.triples, DATASET_IRI, QB + "structure"))) >= {"IC-2"}


def test_the_build_must_hold_the_structure():
    with pytest.raises(Exception, match="no Data Cube structure"):
        cube_triples(ox.Store())


def test_kg_publish_writes_the_cube_beside_the_dumps(store, tmp_path):
    cube, observations = write_cube(store, tmp_path)
    assert cube.file == CUBE_FILE
    written = [ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(path=str(tmp_path / CUBE_FILE), format=ox.RdfFormat.TURTLE)]
    assert len(set(written)) == cube.statements
    assert check_integrity(written) == []  # the file as a reader gets it, parsed again
    assert len(_observations(written)) == observations > 10
    structure = list(store.quads_for_pattern(None, None, None, ox.NamedNode(CUBE_GRAPH)))
    assert structure and all(ox.Triple(q.subject, q.predicate, q.object) in set(written)
                             for q in structure if not isinstance(q.subject, ox.BlankNode))
