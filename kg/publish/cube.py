"""Indicator values as a W3C Data Cube (qb:), checked against the Data Cube integrity constraints before it is written.

One generic structure (ontology/cube.ttl: jpp:IndicatorValueStructure) for every municipality: dimensions area (the
e-Stat standard area code of the plan's municipality, so that e-Stat's statistics join on it), plan, indicator,
period (an ISO 8601 interval), kind of value and breakdown; the number is the measure; unit and qualifiers are
attributes. The observations are built from a built store by one CONSTRUCT. Left out, and only these: a value
without a number (a target stated as a direction: there is nothing to observe) and a value whose plan's
municipality has no e-Stat area (a prefecture's or the nation's plan).

The cube is normalised as the Recommendation's section 10 says, then every integrity constraint of section 11 that
kg's structure could violate is asked (kg.publish.cube_constraints); a violation raises CubeInvalid naming the
constraint and the nodes, so nothing invalid is published.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ..errors import EXIT_INVALID, KgError
from ..namespaces import DCTERMS, GRAPH, ID, JPP, QB, RDF_TYPE, RDFS_LABEL, VOCAB, sparql_prefixes
from .cube_constraints import CONSTRAINTS, DUPLICATE_PAIRS, HIERARCHICAL_CODE_LISTS, NORMALISATION

CUBE_GRAPH = GRAPH + "ontology/cube"             # ontology/cube.ttl in the built store
DATASET_IRI = ID + "cube/indicator-values"
STRUCTURE_IRI = JPP + "IndicatorValueStructure"
BREAKDOWN_SCHEME = VOCAB + "breakdown"
BREAKDOWN_CODES = VOCAB + "cube-breakdown"       # the code list of jpp:refBreakdown: the breakdowns and a total
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ERRORS_SHOWN = 5                                  # offending nodes named per constraint

_PREFIXES = sparql_prefixes("jpp", "vk", "cbd", "qb", "sdmx-attribute", "xsd", "skos")

# The period is an ISO 8601 interval <start>/<duration>: a fiscal year starts on 1 April of the year it is named
# after, a calendar year on 1 January; a value over several years (jpp:periodStartYear) lasts from the first to its
# (last) year. The observation's IRI is the value's, with the plan and area hashed in: an indicator of two
# integrated plans has its values observed once per plan.
OBSERVATIONS = _PREFIXES + f"""CONSTRUCT {{
  ?observation a qb:Observation ; qb:dataSet <{DATASET_IRI}> ;
    jpp:refArea ?area ; jpp:refPlan ?plan ; jpp:refIndicator ?indicator ; jpp:refPeriod ?period ;
    jpp:valueKind ?kind ; jpp:refBreakdown ?breakdown ; jpp:obsValue ?number ;
    sdmx-attribute:unitMeasure ?unit ; jpp:obsQualifier ?qualifier .
}} WHERE {{
  VALUES (?link ?kind) {{ (jpp:hasBaseline vk:baseline) (jpp:hasTarget vk:target)
                         (jpp:hasAchievedValue vk:achieved) (jpp:hasStatedValue vk:stated) }}
  ?indicator ?link ?value .
  ?value jpp:numericValue ?written ; jpp:inPlan ?plan ; jpp:unit ?unit .
  ?plan jpp:municipality/jpp:eStatArea ?area .
  OPTIONAL {{ ?value jpp:fiscalYear ?fiscalYear }}
  OPTIONAL {{ ?value jpp:calendarYear ?calendarYear }}
  OPTIONAL {{ ?value jpp:periodStartYear ?startYear }}
  OPTIONAL {{ ?value jpp:breakdown ?givenBreakdown }}
  OPTIONAL {{ ?value jpp:qualifier ?qualifier }}
  BIND(xsd:decimal(?written) AS ?number)
  BIND(COALESCE(?givenBreakdown, cbd:total) AS ?breakdown)
  BIND(COALESCE(?fiscalYear, ?calendarYear) AS ?lastYear)
  BIND(COALESCE(?startYear, ?lastYear) AS ?firstYear)
  BIND(CONCAT(STR(?firstYear), IF(BOUND(?fiscalYear), "-04-01/P", "-01-01/P"),
              STR(?lastYear - ?firstYear + 1), "Y") AS ?period)
  BIND(IRI(CONCAT(STR(?value), "/observation/", SUBSTR(MD5(CONCAT(STR(?plan), " ", STR(?area))), 1, 12)))
       AS ?observation)
}}"""

# Every concept of the breakdown scheme is a code of jpp:refBreakdown, with its labels, so the file stands alone.
BREAKDOWN_CODE_LIST = _PREFIXES + f"""CONSTRUCT {{
  <{BREAKDOWN_CODES}> skos:member ?concept .
  ?concept a skos:Concept ; skos:inScheme <{BREAKDOWN_SCHEME}> ; skos:prefLabel ?label .
}} WHERE {{
  ?concept skos:inScheme <{BREAKDOWN_SCHEME}> .
  OPTIONAL {{ ?concept skos:prefLabel ?label }}
}}"""

STRUCTURE = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{CUBE_GRAPH}> {{ ?s ?p ?o }} }}"


@dataclass(frozen=True)
class Violation:
    constraint: str            # IC-1 … IC-21
    title: str
    offenders: tuple[str, ...]  # the offending nodes, a few rows of the constraint's pattern

    def __str__(self) -> str:
        return f"{self.constraint} ({self.title}): " + "; ".join(self.offenders)


class CubeInvalid(KgError):
    """The Data Cube view breaks a Data Cube integrity constraint: it is not written."""

    exit_code = EXIT_INVALID

    def __init__(self, violations: list[Violation]):
        lines = "\n".join(f"  {v}" for v in violations)
        super().__init__(f"the indicator values' Data Cube violates {len(violations)} integrity constraint(s) of "
                         f"the W3C Data Cube Recommendation:\n{lines}",
                         hint="fix the values named (a dimension missing or two observations alike), or the "
                              "structure in ontology/cube.ttl, and run kg build and kg publish again")
        self.violations = violations


@dataclass(frozen=True)
class Cube:
    triples: list[ox.Triple]   # structure, code lists, the data set and its observations, sorted
    observations: int


def cube_triples(store: ox.Store) -> list[ox.Triple]:
    """The Data Cube view of a built store's indicator values, unchecked."""
    structure = list(store.query(STRUCTURE))
    if not structure:
        raise KgError(f"the build holds no Data Cube structure (graph {CUBE_GRAPH})",
                      hint="ontology/cube.ttl is missing from the build: run kg build --full")
    triples = set(structure)
    triples.update(store.query(BREAKDOWN_CODE_LIST, use_default_graph_as_union=True))
    triples.update(_dataset_description())
    triples.update(store.query(OBSERVATIONS, use_default_graph_as_union=True))  # asserted and inferred
    return sorted(triples, key=str)


def build_cube(store: ox.Store) -> Cube:
    """The Data Cube view of a built store, checked; CubeInvalid if it breaks an integrity constraint."""
    return validated_cube(cube_triples(store))


def validated_cube(triples: list[ox.Triple]) -> Cube:
    """The cube if it keeps every integrity constraint that applies; else CubeInvalid naming them."""
    violations = check_integrity(triples)
    if violations:
        raise CubeInvalid(violations)
    observations = sum(1 for t in triples if t.predicate.value == RDF_TYPE and t.object == ox.NamedNode(QB + "Observation"))
    return Cube(triples=triples, observations=observations)


def normalised(triples: list[ox.Triple]) -> ox.Store:
    """The cube in a store of its own, after the Recommendation's normalisation algorithm (section 10)."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    store.update(NORMALISATION)
    return store


def check_integrity(triples: list[ox.Triple]) -> list[Violation]:
    """Every integrity constraint of section 11 the cube breaks (none: it is well-formed), after normalisation."""
    store = normalised(triples)
    if store.query(HIERARCHICAL_CODE_LISTS):
        # IC-20 and IC-21 are templates over each hierarchy; kg's structure has none and checks none.
        return [Violation("IC-20", "Codes from hierarchy", ("a qb:HierarchicalCodeList, which kg does not check",))]
    violations = []
    for constraint in CONSTRAINTS:
        if constraint.key == "IC-12" and _no_duplicates_by_key(store):
            continue   # the pairwise ASK is quadratic: 100,000 observations of the nation would never finish
        if not store.query(constraint.query):
            continue
        if constraint.key == "IC-12":
            rows = [f"{r['obs1'].value} = {r['obs2'].value}" for r in store.query(DUPLICATE_PAIRS)]
        else:
            solutions = store.query(constraint.offenders)
            rows = [_row(r, solutions.variables) for r in solutions]
        shown = tuple(rows[:ERRORS_SHOWN]) + ((f"… {len(rows) - ERRORS_SHOWN} more",) if len(rows) > ERRORS_SHOWN else ())
        violations.append(Violation(constraint.key, constraint.title, shown))
    return violations


# Each observation's dimension values (after normalisation): IC-12 grouped by them rather than by pairs.
DIMENSION_VALUES = sparql_prefixes("qb") + """SELECT ?obs ?dataset ?dim ?value WHERE {
  ?obs qb:dataSet ?dataset .
  ?dataset qb:structure/qb:component/qb:componentProperty ?dim .
  ?dim a qb:DimensionProperty .
  ?obs ?dim ?value .
}"""
_PLAIN_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _no_duplicates_by_key(store: ox.Store) -> bool:
    """True when IC-12 certainly holds, found in linear time: no two observations of a data set have the same value
    for every dimension. Where value equality could differ from the terms' identity (a typed literal: 1 = 1.0) or an
    observation lacks a dimension or has two values for one, it answers False and the Recommendation's own ASK
    decides (such a cube already breaks IC-11 or is small: the tests' broken cubes)."""
    dims: dict[ox.Term, set[ox.Term]] = {}
    values: dict[tuple[ox.Term, ox.Term], dict[ox.Term, list[ox.Term]]] = {}
    for row in store.query(DIMENSION_VALUES):
        value = row["value"]
        if isinstance(value, ox.Literal) and (value.language or value.datatype.value != _PLAIN_STRING):
            return False
        dims.setdefault(row["dataset"], set()).add(row["dim"])
        values.setdefault((row["obs"], row["dataset"]), {}).setdefault(row["dim"], []).append(value)
    seen: set[tuple] = set()
    for (_obs, dataset), by_dim in values.items():
        if by_dim.keys() != dims[dataset] or any(len(v) != 1 for v in by_dim.values()):
            return False
        key = (dataset, frozenset((dim, v[0]) for dim, v in by_dim.items()))
        if key in seen:
            return False
        seen.add(key)
    return True


def _row(solution: ox.QuerySolution, variables: list[ox.Variable]) -> str:
    """The nodes a row binds, blank nodes (component specifications) left out: they name nothing to fix."""
    return ", ".join(f"?{v.value}={solution[v].value}" for v in variables
                     if solution[v] is not None and not isinstance(solution[v], ox.BlankNode))


def _dataset_description() -> list[ox.Triple]:
    dataset = ox.NamedNode(DATASET_IRI)

    def add(predicate: str, value: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(dataset, ox.NamedNode(predicate), value)

    return [
        add(RDF_TYPE, ox.NamedNode(QB + "DataSet")),
        add(QB + "structure", ox.NamedNode(STRUCTURE_IRI)),
        add(RDFS_LABEL, ox.Literal("自治体計画の指標の値", language="ja")),
        add(RDFS_LABEL, ox.Literal("Indicator values of municipal plans", language="en")),
        add(DCTERMS + "description", ox.Literal(
            "計画の指標（KPI・数値目標）の現状値・目標値・実績値・記載された実績値のうち、数値があり、計画の市区町村の"
            "e-Stat標準地域コードが分かるもの。方向だけの目標（増加など）は数値がないため含まない。", language="ja")),
        add(DCTERMS + "description", ox.Literal(
            "The baselines, targets, achieved and stated values of the plans' indicators (KPIs, numerical targets) "
            "that have a number and whose plan's municipality has an e-Stat standard area code. Targets stated only "
            "as a direction (増加 …) have no number and are left out.", language="en")),
        add(DCTERMS + "license", ox.NamedNode(CC_BY)),
    ]
