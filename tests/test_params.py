"""Parameters are typed RDF terms, and a query with its VALUES block answers as the engine's own substitution would."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import QueryError
from kg.query.params import ParamSpec, bind_parameters, param_spec, to_term
from kg.query.text import forbidden_keywords, query_form, with_values_block


def test_param_names_and_types():
    assert param_spec("_year_integer") == ParamSpec("year", "_year_integer", "integer")
    assert param_spec("_resource_iri") == ParamSpec("resource", "_resource_iri", "iri")
    assert param_spec("_keyword") == ParamSpec("keyword", "_keyword", "string")
    assert param_spec("plain") is None


def test_values_are_terms_not_text():
    hostile = '出生" ) } ; DROP ALL ; #'
    term = to_term(ParamSpec("keyword", "_keyword", "string"), hostile)
    assert isinstance(term, ox.Literal) and term.value == hostile
    query = with_values_block('SELECT * WHERE { ?s ?p ?_keyword }', {"_keyword": str(term)})
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal(hostile)))
    rows = list(store.query(query))
    assert len(rows) == 1  # the whole hostile string matched as one literal, nothing escaped the VALUES block


@pytest.mark.parametrize("spec,raw", [
    (ParamSpec("year", "_year_integer", "integer"), "2026; DROP"),
    (ParamSpec("r", "_r_iri", "iri"), "javascript:alert(1)"),
    (ParamSpec("r", "_r_iri", "iri"), "http://example.org/a> } SERVICE <http://x"),
    (ParamSpec("d", "_d_date", "date"), "yesterday"),
    (ParamSpec("k", "_k", "string"), "a\x00b"),
])
def test_bad_values_are_refused(spec, raw):
    with pytest.raises(QueryError):
        to_term(spec, raw)


def test_full_width_digits_are_read():
    assert to_term(ParamSpec("year", "_year_integer", "integer"), "２０２６").value == "2026"


def test_unknown_and_missing_parameters():
    specs = [ParamSpec("year", "_year_integer", "integer")]
    with pytest.raises(QueryError, match="unknown parameter"):
        bind_parameters(specs, {"yeer": "1"}, {})
    with pytest.raises(QueryError, match="no value and no default"):
        bind_parameters(specs, {}, {})


def test_values_block_goes_into_the_where_group_of_each_form():
    assert with_values_block("ASK { ?s ?p ?_x }", {"_x": "1"}).startswith("ASK {\n  VALUES (?_x) { (1) }")
    construct = with_values_block("CONSTRUCT { ?s ?p ?_x } WHERE { ?s ?p ?_x }", {"_x": "1"})
    assert construct.startswith("CONSTRUCT { ?s ?p ?_x } WHERE {\n  VALUES")
    tricky = with_values_block('PREFIX e: <http://e/WHERE#>\n# { comment\nSELECT * WHERE { ?s e:p "{" }', {"_x": "1"})
    assert '"{" }' in tricky and tricky.index("VALUES") > tricky.index("WHERE")


def test_lexer_finds_forms_and_forbidden_keywords_outside_strings():
    assert query_form('# SELECT\nASK { ?s ?p "SELECT" }') == "ASK"
    assert forbidden_keywords('SELECT * WHERE { ?s <http://e/SERVICE> "LOAD" } # DROP') == []
    assert forbidden_keywords("SELECT * WHERE { SERVICE <http://e> { ?s ?p ?o } }") == ["SERVICE"]
    assert forbidden_keywords("INSERT DATA { <a:b> <a:c> <a:d> }") == ["INSERT"]
