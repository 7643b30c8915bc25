"""Answers that explain themselves (issue 21): era years for year parameters, an unknown municipality refused with
the real ones it may have meant, an empty answer that says why, SPARQL syntax errors in one sentence."""

from __future__ import annotations

import httpx
import pytest

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.query.municipalities import suggestions
from kg.query.params import ParamSpec, to_term
from kg.query.readings import reading_key, romanised
from kg.query.text import syntax_error_sentence, undeclared_prefixes
from kg.reference.registry import national_registry

from conftest import run_kg
from serve_session import session_server

YEAR = ParamSpec("year", "_year_integer", "integer")


@pytest.mark.parametrize("raw,year", [
    ("2026", 2026), ("令和8", 2026), ("令和8年度", 2026), ("R8", 2026), ("r8", 2026), ("ｒ８", 2026),
    ("令和８年度", 2026), ("R.8", 2026), ("令和元年", 2019), ("H30", 2018), ("平成元年度", 1989), ("2026年度", 2026),
])
def test_a_year_parameter_reads_era_years_as_ingest_does(raw, year):
    assert to_term(YEAR, raw).value == str(year)


@pytest.mark.parametrize("raw,said", [
    ("平成32", "平成 ends in 平成31 (2019)"), ("令和0", "令和元年 (2019)"), ("令和", "era year"),
    ("2026; DROP", "era year"), ("R8年度です", "era year"),
])
def test_a_year_that_is_none_is_refused_with_what_to_write(raw, said):
    with pytest.raises(QueryError) as caught:
        to_term(YEAR, raw)
    assert said in str(caught.value)


def test_an_integer_parameter_that_is_no_year_takes_digits_only():
    with pytest.raises(QueryError, match="not an integer"):
        to_term(ParamSpec("limit", "_limit_integer", "integer"), "R8")


# -- an unknown municipality: refused, with what it may have meant ------------------------------------------------

@pytest.mark.parametrize("given,suggested", [("青梅", "青梅市"), ("Ome", "青梅市"), ("Ōme-shi", "青梅市"),
                                              ("おうめ", "青梅市"), ("Nishitokyo", "西東京市"),
                                              ("青海市", "青梅市"), ("Fuchu", "府中市")])
def test_kg_query_refuses_a_name_that_is_no_municipality_and_suggests_the_real_one(built, given, suggested):
    result = run_kg("query", "04-plan-tree", "--param", f"municipality={given}", build_dir=built.build_dir)
    assert result.returncode == 2, result.stdout
    assert f"「{given}」という市区町村はありません" in result.stderr and "もしかして" in result.stderr
    assert suggested in result.stderr.split("もしかして", 1)[1], result.stderr
    assert result.stdout == ""


def test_a_name_nothing_resembles_gets_a_clear_sentence_and_no_guess(built):
    result = run_kg("query", "04-plan-tree", "--param", "municipality=ほげ市", build_dir=built.build_dir)
    assert result.returncode == 2
    assert "no municipality of Japan is named 'ほげ市'" in result.stderr and "もしかして" not in result.stderr
    assert "6-digit code" in result.stderr


@pytest.mark.parametrize("code,said", [("999999", "no municipality of Japan has the code 999999"),
                                       ("130001", "is the code of 東京都, a prefecture"),
                                       ("132056", "青梅市（東京都、132055）")])  # a wrong check digit
def test_a_code_that_is_no_municipalitys_is_refused(built, code, said):
    result = run_kg("query", "04-plan-tree", "--param", f"municipality={code}", build_dir=built.build_dir)
    assert result.returncode == 2 and said in result.stderr, result.stderr


@pytest.mark.parametrize("given", ["011002", "札幌市"])
def test_a_real_municipality_without_a_plan_is_answered_and_explained(built, given):
    result = run_kg("query", "04-plan-tree", "--param", f"municipality={given}", "--format", "csv",
                    build_dir=built.build_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["plan,no1,level1,no2,level2,no3,level3,no4,level4,kpi"]
    assert "札幌市（北海道、011002）" in result.stderr and "計画はまだグラフにありません" in result.stderr
    assert "no plan of this municipality is in the graph yet" in result.stderr


def test_a_municipality_with_a_plan_says_nothing_on_stderr(built):
    result = run_kg("query", "04-plan-tree", "--param", "municipality=青梅市", "--format", "csv",
                    build_dir=built.build_dir)
    assert result.returncode == 0 and result.stderr == "" and "青梅市" in result.stdout


def test_any_empty_answer_says_why_on_stderr(built):
    result = run_kg("query", "09-theme-keyword", "--param", "keyword=存在しない語句", build_dir=built.build_dir)
    assert result.returncode == 0
    assert "該当する行はありません" in result.stderr and "keyword=存在しない語句" in result.stderr


def test_the_api_answers_400_for_a_name_that_is_no_municipality(request, built, tmp_path_factory):
    server = session_server(request, built, tmp_path_factory)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        refused = client.get("/api/queries/04-plan-tree", params={"municipality": "Ome"})
        assert refused.status_code == 400
        assert "no municipality of Japan is named 'Ome'" in refused.text and "青梅市（東京都、132055）" in refused.text
        answered = client.get("/api/queries/04-plan-tree", params={"municipality": "札幌市"})
        assert answered.status_code == 200 and answered.json()["results"]["bindings"] == []


def test_suggestions_come_from_the_readings_of_the_national_list():
    registry = national_registry()
    assert [g.name for g in suggestions("Atsugi", registry)] == ["厚木市"]
    assert [g.name for g in suggestions("あつぎ", registry)] == ["厚木市"]
    assert suggestions("ほげ市", registry) == []
    assert reading_key(romanised("にしとうきょうし")) == reading_key("Nisitôkyôsi")  # Kunrei with circumflexes


# -- SPARQL syntax errors in one sentence -------------------------------------------------------------------------

def test_an_undeclared_prefix_of_ours_says_which_prefix_line_to_add(built):
    result = run_kg("query", "-e", "SELECT ?s WHERE {\n  ?s a jpp:Plan ; rdfs:label ?l }", build_dir=built.build_dir)
    assert result.returncode == 2
    assert "SPARQL syntax error at line 2, column 8: the prefixes jpp:, rdfs: are not declared" in result.stderr
    assert f"PREFIX jpp: <{PREFIXES['jpp']}>" in result.stderr and f"PREFIX rdfs: <{PREFIXES['rdfs']}>" in result.stderr
    assert "u{" not in result.stderr and "expected one of" not in result.stderr  # no parser dump


def test_other_syntax_errors_give_line_and_column_in_one_line(built):
    result = run_kg("query", "-e", "SELECT * WHERE {\n ?s ?p ?o .\n FILTER( }", build_dir=built.build_dir)
    assert result.returncode == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("kg: SPARQL syntax error at line 3, column") and "FILTER(" in first
    unknown = run_kg("query", "-e", "SELECT * WHERE { ?s foo:bar ?o }", build_dir=built.build_dir)
    assert "the prefix foo: is not declared" in unknown.stderr and "PREFIX foo: <…>" in unknown.stderr


def test_the_sparql_endpoint_says_the_same_sentence(request, built, tmp_path_factory):
    server = session_server(request, built, tmp_path_factory)
    answer = httpx.get(server.url + "/sparql", params={"query": "SELECT * WHERE { ?s jpp:municipality ?o }"},
                       timeout=30)
    assert answer.status_code == 400
    assert "line 1, column 21: the prefix jpp: is not declared" in answer.text
    assert f"PREFIX jpp: <{PREFIXES['jpp']}>" in answer.text and "u{" not in answer.text


def test_a_declared_prefix_is_never_reported():
    assert undeclared_prefixes('PREFIX jpp: <x:>\nSELECT * { ?s jpp:a "rdfs:label" ; <x:b> ?o }') == []
    sentence, _ = syntax_error_sentence("SELECT * {", "error at 1:11: expected one of [_]")
    assert sentence.startswith("SPARQL syntax error at line 1, column 11")


def test_every_question_has_a_japanese_title_and_description(project):
    from kg.query.catalogue import catalogue

    for query in catalogue(project.queries_dir):
        assert query.summary_ja and query.description_ja, query.name
        assert query.summary_in("ja") == query.summary_ja and query.summary_in("en") == query.summary
        assert any("\u3040" <= c <= "\u9fff" for c in query.summary_ja), query.name


# -- a remote endpoint reads the query in its own dialect -----------------------------------------------------------

VIRTUOSO_ONLY = """PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>
SELECT ?code (bif:sprintf('code %s', ?code) AS ?said) WHERE {
  ?m jpp:localGovernmentCode ?code .
  FILTER(?code = "132055")
}"""


def test_the_local_dialect_refuses_a_virtuoso_built_in(built):
    # What the remote test below sends: Oxigraph's grammar has no bif: (an undeclared prefix to it).
    local = run_kg("query", "-e", VIRTUOSO_ONLY, build_dir=built.build_dir)
    assert local.returncode == 2 and "the prefix bif: is not declared" in local.stderr


def test_an_update_is_refused_before_anything_is_sent():
    # Port 9 (discard) on the loopback: nothing listens, so reaching it would say "cannot connect".
    for text in ("LOAD <http://example.org/data.ttl>", "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }",
                 "INSERT DATA { <urn:a> <urn:b> <urn:c> }"):
        refused = run_kg("query", "-e", text, "--endpoint", "http://127.0.0.1:9/sparql")
        assert refused.returncode == 2, refused.stderr
        assert ("updates are not allowed" in refused.stderr or "SERVICE would make" in refused.stderr), refused.stderr
        assert "cannot connect" not in refused.stderr


@pytest.fixture(scope="module")
def virtuoso_endpoint(request, tmp_path_factory, built) -> str:
    from virtuoso_session import endpoint_holding, session_virtuoso

    return endpoint_holding(session_virtuoso(request, tmp_path_factory), built)


@pytest.mark.virtuoso
def test_a_query_in_virtuosos_dialect_runs_through_the_endpoint(built, virtuoso_endpoint):
    remote = run_kg("query", "-e", VIRTUOSO_ONLY, "--endpoint", virtuoso_endpoint, "--format", "csv",
                    build_dir=built.build_dir)
    assert remote.returncode == 0, remote.stderr
    assert remote.stdout.splitlines() == ["code,said", "132055,code 132055"]


@pytest.mark.virtuoso
def test_the_remote_servers_syntax_error_comes_back_as_one_sentence(built, virtuoso_endpoint):
    broken = run_kg("query", "-e", "SELECT * WHERE {\n  ?s ?p \n}", "--endpoint", virtuoso_endpoint,
                    build_dir=built.build_dir)
    assert broken.returncode == 2
    first = broken.stderr.splitlines()[0]
    assert first.startswith(f"kg: {virtuoso_endpoint} refused the query (HTTP 400): Virtuoso 37000 Error SP030"), first
    assert "line 3" in first and "b'" not in broken.stderr and "Response:" not in broken.stderr
    # The server's own words in one line; the query it echoes back is left out.
    assert "SPARQL query:" not in broken.stderr


@pytest.mark.virtuoso
def test_load_is_refused_before_it_reaches_virtuoso(built, virtuoso_endpoint):
    refused = run_kg("query", "-e", "LOAD <http://example.org/data.ttl> INTO GRAPH <urn:x:loaded>",
                     "--endpoint", virtuoso_endpoint, build_dir=built.build_dir)
    assert refused.returncode == 2 and "updates are not allowed here (LOAD)" in refused.stderr
