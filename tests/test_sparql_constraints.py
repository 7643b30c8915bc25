"""SHACL-SPARQL constraints and the set-based engine: a constraint the engine cannot run with $this free is
refused (validation goes to pySHACL and still reports), never skipped; and the links a constraint follows
backward from $this are found (kg.validation.shacl.prebinding, kg.validation.shacl.links,
kg.validation.dependencies)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.project import default_project
from kg.rdf.files import parse_rdf_file
from kg.validation.dependencies import links_of_shapes
from kg.validation.set_engine import shape_model
from kg.validation.shacl import UnsupportedShapes, read_shapes, validate_store
from kg.validation.shacl.data import DataGraph
from kg.validation.shacl.links import predicates_read, query_links
from kg.validation.shacl.prebinding import check_this_rule
from kg.validation.shacl.sparql import UnsupportedQuery, parse_select
from kg.validation.validate import reference_triples, validate_triples

from conftest import ROOT

HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/shapes> a owl:Ontology ;
    sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""
DATA = b"""@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:bad 1 ; ex:good 1 . ex:b a ex:Thing ; ex:bad 2 . ex:c a ex:Thing ."""
EX = "http://example.org/"


def shapes_text(select: str, target: str = "sh:targetClass ex:Thing") -> str:
    return HEAD + (f'ex:S a sh:NodeShape ; {target} ; sh:message "wrong"@en ;\n'
                   f'    sh:sparql [ sh:prefixes <http://example.org/shapes> ; sh:select """{select}""" ] .\n')


def triples(text: str | bytes) -> list[ox.Triple]:
    data = text.encode() if isinstance(text, str) else text
    return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]


def project_with(tmp_path: Path, shapes: str):
    (tmp_path / "ontology" / "shapes").mkdir(parents=True)
    (tmp_path / "data" / "ttl").mkdir(parents=True)
    (tmp_path / "ontology" / "shapes" / "shapes.ttl").write_text(shapes, encoding="utf-8")
    return default_project(root=tmp_path)


# Each breaks the rule differently; run with $this free (as the engine did before it refused them), each
# reported less than pre-binding does: nothing, one node of two, or the wrong ones.
BREAKING = {
    "not projected": ("SELECT ?value WHERE { $this ex:bad ?value }", {"a", "b"}),
    "only in a FILTER": ("SELECT $this WHERE { ?x ex:bad ?v FILTER (?x = $this) }", {"a", "b"}),
    "LIMIT": ("SELECT $this WHERE { $this ex:bad ?v } LIMIT 1", {"a", "b"}),
    "BIND before binding": ("SELECT $this WHERE { BIND (STR($this) AS ?s) $this a ex:Thing FILTER (STRENDS(?s, 'c')) }",
                            {"c"}),
    "OPTIONAL before binding": ("SELECT $this WHERE { OPTIONAL { $this ex:good ?g } $this a ex:Thing FILTER (!BOUND(?g)) }",
                                {"b", "c"}),
    "one UNION branch": ("SELECT $this WHERE { { $this ex:bad ?v } UNION { ex:c a ex:Thing FILTER (?this = ex:c) } }",
                         {"a", "b", "c"}),
}


@pytest.mark.parametrize("name", BREAKING)
def test_a_constraint_breaking_the_this_rule_is_refused_and_still_reported(tmp_path, name):
    select, expected = BREAKING[name]
    shapes = shapes_text(select)
    with pytest.raises(UnsupportedShapes, match="SPARQL constraint"):
        read_shapes(triples(shapes))
    project = project_with(tmp_path, shapes)
    assert shape_model(project) is None  # so validation goes to pySHACL
    report = validate_triples(triples(DATA), project=project)
    assert {i.focus_node.removeprefix(EX) for i in report.issues} == expected
    assert {i.constraint for i in report.issues} == {"SPARQLConstraintComponent"}


def test_a_focus_node_outside_the_data_is_not_lost_to_a_zero_length_path(tmp_path):
    # ex:ghost is in no triple: with $this free, `?this ex:bad* ?x` never produces it; pre-bound, it does.
    shapes = shapes_text("SELECT $this WHERE { $this ex:bad* ?x FILTER NOT EXISTS { $this a ex:Thing } }",
                         target="sh:targetNode ex:ghost")
    project = project_with(tmp_path, shapes)
    assert shape_model(project) is None
    report = validate_triples(triples(DATA), project=project)
    assert [i.focus_node for i in report.issues] == [EX + "ghost"]


def test_a_constraint_shacl_forbids_is_refused_clearly(tmp_path):
    project = project_with(tmp_path, shapes_text("SELECT $this WHERE { $this a ex:Thing MINUS { $this ex:bad ?v } }"))
    with pytest.raises(KgError, match="MINUS"):
        validate_triples(triples(DATA), project=project)


def test_path_in_a_node_shape_is_refused():
    with pytest.raises(UnsupportedShapes, match=r"\$PATH in a node shape"):
        read_shapes(triples(shapes_text("SELECT $this WHERE { $this $PATH ?v }")))


def test_a_constraint_keeping_the_rule_runs_on_the_set_engine_with_the_same_results(tmp_path):
    select = ("SELECT $this ?value WHERE { $this ex:bad ?value OPTIONAL { $this ex:good ?g } "
              "FILTER (!BOUND(?g) && ?value > 1 && STR($this) != '') "
              "FILTER NOT EXISTS { ?other ex:cites $this } }")
    project = project_with(tmp_path, shapes_text(select))
    assert shape_model(project) is not None
    fast = validate_triples(triples(DATA), project=project)
    reference = validate_triples(triples(DATA), project=project, engine="pyshacl")
    assert [(i.focus_node, i.value) for i in fast.issues] == [(EX + "b", '"2"^^<http://www.w3.org/2001/XMLSchema#integer>')]
    assert {(i.focus_node, i.value) for i in fast.issues} == {(i.focus_node, i.value) for i in reference.issues}


LINKED = b"""@prefix ex: <http://example.org/> .
ex:a a ex:Thing ; ex:p ex:b ; ex:q 1 . ex:b a ex:Thing ; ex:p ex:a , ex:c ; ex:q 2 . ex:c a ex:Thing ; ex:q ex:c .
ex:r1 ex:cites ex:a . ex:d a ex:Thing ; ex:p ex:d . ex:e a ex:Thing ; ex:q 3 ."""


@pytest.mark.parametrize("select", [
    "SELECT $this ?value WHERE { $this ex:p ?value FILTER NOT EXISTS { ?value ex:p ?w FILTER (?w = $this) } }",
    "SELECT $this WHERE { $this ex:q ?v OPTIONAL { ?x ex:p $this FILTER (?x != $this) } FILTER (!BOUND(?x)) }",
    "SELECT $this WHERE { { $this ex:p ?v } UNION { ?x ex:cites $this } }",
    "SELECT $this WHERE { $this ex:p* ?v . $this a ex:Thing FILTER (?v = ex:c) }",
    "SELECT $this ?value WHERE { $this ex:p ?value BIND (STR($this) AS ?s) FILTER (STRENDS(?s, 'a') || ?value = $this) }",
    "SELECT $this WHERE { $this a ex:Thing FILTER EXISTS { $this ex:p/ex:p $this } }",
    "SELECT $this WHERE { $this a ex:Thing . { ?y ex:p $this } }",
    "SELECT $this (?z AS ?value) WHERE { $this ^ex:p ?z }",
])
def test_constraints_keeping_the_rule_get_pyshacls_results_row_for_row(tmp_path, select):
    project = project_with(tmp_path, shapes_text(select))
    assert shape_model(project) is not None
    data = triples(LINKED)
    fast = validate_triples(data, project=project)
    reference = validate_triples(data, project=project, engine="pyshacl")
    assert fast.issues  # the data makes each constraint report something
    assert sorted((i.focus_node, i.value) for i in fast.issues) == sorted((i.focus_node, i.value) for i in reference.issues)


def test_a_row_without_this_at_run_time_fails_rather_than_vanishes():
    model = read_shapes(triples(shapes_text("SELECT $this WHERE { $this ex:bad ?v }")))
    constraint = model.shapes[0].constraints[0].value
    constraint.select = "SELECT ?this WHERE { { ?this <http://example.org/bad> ?v } UNION { ?x ?p ?y } }"
    store = ox.Store()
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for t in triples(DATA)])
    with pytest.raises(UnsupportedShapes, match="without"):
        validate_store(store, model)


def test_the_project_shapes_keep_the_rule():
    # Every SPARQL constraint of ours runs on the set-based engine: a shape refused here would silently move the
    # national validation to pySHACL (13x slower) while the engine comparisons kept passing.
    assert shape_model(default_project(root=ROOT)) is not None


def test_the_project_data_runs_on_the_engine_itself():
    # The engine refuses at run time a SPARQL constraint that reads literals the store rewrites ("1308.0" as
    # "1308"): validation would then quietly move to pySHACL. Our constraints read none of them.
    project = default_project(root=ROOT)
    files = project.data_files()
    data = [t for f in files for t in parse_rdf_file(f).triples]
    data += reference_triples(project, exclude=files, reachable_from=data)
    assert DataGraph(data).rewritten_predicates()  # the data does hold such literals (jpp:numericValue)
    assert validate_store(data, shape_model(project)) == []


def test_a_constraint_reading_literals_the_store_rewrites_is_refused_at_run_time():
    """Oxigraph's store holds "1.50"^^xsd:decimal as "1.5" and "5"^^xsd:int as "5"^^xsd:integer: a query over
    them would see values the data does not hold (here STR gives "1.5"). pySHACL reads the data as written."""
    data = triples(b"""@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a a ex:Thing ; ex:amount "1.50"^^xsd:decimal ; ex:code "1.50" .""")
    reads_amount = read_shapes(triples(shapes_text(
        'SELECT $this WHERE { $this ex:amount ?v FILTER (STR(?v) != "1.50") }')))
    with pytest.raises(UnsupportedShapes, match=r"rewrites.*amount"):
        validate_store(data, reads_amount)
    any_predicate = read_shapes(triples(shapes_text("SELECT $this WHERE { $this ?p ?v FILTER (STR(?v) = '1.5') }")))
    with pytest.raises(UnsupportedShapes, match="rewrites"):
        validate_store(data, any_predicate)
    reads_code = read_shapes(triples(shapes_text('SELECT $this WHERE { $this ex:code ?v FILTER (STR(?v) != "1.50") }')))
    assert validate_store(data, reads_code) == []


def test_the_predicates_a_query_reads():
    query = parse_select(PREFIX + "SELECT $this WHERE { $this ex:p/^ex:q ?v OPTIONAL { ?v ex:r* ?w } "
                                  "FILTER NOT EXISTS { ?v ex:s|ex:t ?x } }")
    assert predicates_read(query) == {EX + n for n in "pqrst"}
    assert predicates_read(parse_select(PREFIX + "SELECT $this WHERE { $this ?p ?v }")) is None
    assert predicates_read(parse_select(PREFIX + "SELECT $this WHERE { $this !ex:p ?v }")) is None


PREFIX = "PREFIX ex: <http://example.org/>\n"


@pytest.mark.parametrize(("select", "reason"), [
    ("SELECT ?v WHERE { $this ex:p ?v }", "does not project"),
    ("SELECT $this WHERE { ?x ex:p ?v BIND (?x AS ?this) }", "assigns"),
    ("SELECT $this WHERE { $this ex:p ?v VALUES ?v { 1 } }", "VALUES"),
    ("SELECT $this WHERE { SERVICE <http://x/> { $this ex:p ?v } }", "SERVICE"),
    ("SELECT $this WHERE { { SELECT $this WHERE { $this ex:p ?v } } }", "sub-SELECT"),
    ("SELECT $this (COUNT(?v) AS ?n) WHERE { $this ex:p ?v } GROUP BY $this", "aggregate"),
    ("SELECT $this WHERE { $this ex:p ?v } OFFSET 1", "OFFSET"),
    ("SELECT $this WHERE { $this ex:p* ?v }", "does not bind"),
    ("SELECT $this WHERE { $this ex:p ?v { ?v ex:q ?w FILTER (?w = $this) } }", "FILTER reads"),
    ("SELECT $this WHERE { ?x ex:p ?v FILTER EXISTS { ?x ex:q $this } }", "FILTER reads"),
    ("SELECT $this WHERE { $this ex:p ?v FILTER (ex:f(?v)) }", "function"),
    ("SELECT $this WHERE { $this ex:p [ ex:q ?v ] }", "blank nodes"),
    ("SELECT $this WHERE { $this other:p ?v }", "undeclared prefix"),
])
def test_the_rule_names_what_it_refuses(select, reason):
    with pytest.raises(UnsupportedQuery, match=reason):
        check_this_rule(parse_select(PREFIX + select))


@pytest.mark.parametrize("select", [
    "SELECT $this WHERE { $this ex:p ?v FILTER (?v > 1) }",
    "SELECT * WHERE { $this ex:p ?v }",
    "SELECT DISTINCT $this ?s WHERE { $this ex:p ?v BIND (STR($this) AS ?s) } ORDER BY DESC(?v)",
    "SELECT $this WHERE { { $this ex:p ?v } UNION { ?x ex:q $this } }",
    "SELECT $this WHERE { $this ex:p* ?v . $this a ex:C }",
    "SELECT $this WHERE { $this ex:p ?v FILTER NOT EXISTS { ?v ex:q $this FILTER (?v != $this) } }",
    "SELECT $this WHERE { $this ex:p ?v FILTER (<http://www.w3.org/2001/XMLSchema#integer>(?v) > 1) }",
    'SELECT $this WHERE { $this ex:p "a"@en-GB ; ex:q "1"^^ex:t , 2 , -3 , true . }',
])
def test_the_rule_accepts_what_free_evaluation_answers_alike(select):
    check_this_rule(parse_select(PREFIX + select))


@pytest.mark.parametrize(("select", "backward", "bounded"), [
    ("SELECT $this WHERE { $this ex:p/ex:q ?v FILTER NOT EXISTS { ?v ex:r ?w } }", set(), True),
    ("SELECT $this WHERE { ?ref ex:cites $this . ?ref ex:year ?y }", {"cites"}, True),
    ("SELECT $this WHERE { $this ^(ex:a|ex:b)/ex:year ?y }", {"a", "b"}, True),
    ("SELECT $this WHERE { $this a ex:C FILTER NOT EXISTS { ?ref ex:cites $this } }", {"cites"}, True),
    ("SELECT $this WHERE { ?a ex:cites $this . ?b ex:cites ?a }", {"cites"}, False),  # backward from another node
    ("SELECT $this WHERE { $this ex:year/^ex:cites ?y }", set(), False),
    ("SELECT $this WHERE { $this (^ex:a)+ ?y }", {"a"}, False),
    ("SELECT $this WHERE { ?s ?p $this }", set(), False),  # a variable predicate backward
    ("SELECT $this WHERE { $this !(^ex:a) ?y }", set(), False),
    ("SELECT $this WHERE { $this ex:code ?c . ?other ex:code ?c FILTER (?other != $this) }", set(), False),
    ("SELECT $this WHERE { $this ex:p ?v FILTER NOT EXISTS { ?x a ex:C } }", set(), False),  # not linked to $this
    ("SELECT $this WHERE { $this ex:p ?v OPTIONAL { ?v ex:q ?w } ?w ex:r ?z }", set(), False),
])
def test_links_followed_backward_are_found_or_flagged(select, backward, bounded):
    links = query_links(parse_select(PREFIX + select))
    assert links.backward == {EX + p for p in backward}
    assert (not links.unbounded) == bounded, links.unbounded


def test_shapes_links_cover_paths_targets_and_nested_shapes():
    shapes = HEAD + """
ex:Cited a sh:NodeShape ; sh:targetObjectsOf ex:cites .
ex:Value a sh:NodeShape ; sh:targetClass ex:Value ;
    sh:property [ sh:path [ sh:inversePath ex:hasValue ] ; sh:maxCount 1 ] .
"""
    links = links_of_shapes(triples(shapes))
    assert links.predicates == {EX + "cites", EX + "hasValue"} and not links.unbounded

    nested = HEAD + """
ex:Plan a sh:NodeShape ; sh:targetClass ex:Plan ;
    sh:property [ sh:path ex:measure ; sh:node [ sh:property [ sh:path [ sh:inversePath ex:cites ] ; sh:minCount 1 ] ] ] .
"""
    assert links_of_shapes(triples(nested)).unbounded  # backward from a value node, possibly another file's

    # sh:property directly on a property shape: its focus nodes are the value nodes too.
    under_property = HEAD + """
ex:Plan a sh:NodeShape ; sh:targetClass ex:Plan ;
    sh:property [ sh:path ex:measure ; sh:property [ sh:path [ sh:inversePath ex:cites ] ; sh:minCount 1 ] ] .
"""
    assert links_of_shapes(triples(under_property)).unbounded

    late = HEAD + ("ex:S a sh:NodeShape ; sh:targetClass ex:Plan ;\n"
                   "    sh:property [ sh:path ( ex:a [ sh:inversePath ex:b ] ) ; sh:minCount 1 ] .")
    assert links_of_shapes(triples(late)).unbounded  # backward after a step forward


def test_the_project_shapes_are_analysed_completely():
    from kg.validation.dependencies import backward_links

    links = backward_links(default_project(root=ROOT))
    assert links.unbounded == ()  # else every build would validate all files together
    assert "https://w3id.org/jp-plan-kg/ontology#hasMeasureReference" in links.predicates
