"""One-municipality questions answered for every municipality at once (kg.query.per_municipality), kept by the
server when it opens a build (kg.serve.ready_answers): each municipality's rows are exactly, byte for byte, what
the question scoped to that municipality answers, at 100 municipalities for every question served so."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pyoxigraph as ox
import pytest

from kg.build.store import open_store, read_manifest
from kg.project import default_project
from kg.query import BuiltStore, prepare
from kg.query.catalogue import NamedQuery, catalogue, query_from_text
from kg.query.per_municipality import NotAnswerableAtOnce, answers_for_all, national_text, split_by_municipality
from kg.serve.limits import ServerLimits
from kg.serve.named_api import ready_answer
from kg.serve.ready_answers import ReadyAnswers
from kg.serve.result_formats import SOLUTION_FORMATS, TABLE_FORMATS
from kg.serve.worker_process import QueryJob, run_job

from conftest import ROOT, run_kg, wait_until
from serve_session import session_server

SCOPED = [q for q in catalogue(ROOT / "queries") if q.scope]
LIMITS = ServerLimits()
PREFIX = "PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>\n"


def scoped_query(body: str, *, header: str = "") -> NamedQuery:
    return query_from_text("#+ scope: municipality\n" + header + PREFIX + body)


def test_every_one_municipality_question_of_the_catalogue_is_answered_at_once():
    # A new question about one municipality that cannot be answered so is seen here, not in a slow server.
    assert {q.name for q in SCOPED} == {"04-plan-tree", "12-related-measures"}
    for query in SCOPED:
        text = national_text(query)
        assert text.replace("?_municipality ", "", 1) == query.text
        assert text.index("SELECT ?_municipality ") < text.index("WHERE")


@pytest.mark.parametrize(("body", "why"), [
    ("SELECT * WHERE { ?m jpp:localGovernmentCode ?_municipality }", "projects \\*"),
    ("SELECT ?p WHERE { ?m jpp:localGovernmentCode ?_municipality ; jpp:plan ?p } LIMIT 10", "LIMIT"),
    ("SELECT ?p WHERE { ?m jpp:localGovernmentCode ?_municipality ; jpp:plan ?p } ORDER BY ?p OFFSET 2", "OFFSET"),
    ("SELECT ?p WHERE { ?m jpp:localGovernmentCode ?_municipality ; jpp:plan ?p } GROUP BY ?p", "GROUP"),
    ("SELECT (COUNT(?p) AS ?n) WHERE { ?m jpp:localGovernmentCode ?_municipality ; jpp:plan ?p }", "aggregates"),
    ("SELECT ?_municipality ?p WHERE { ?m jpp:localGovernmentCode ?_municipality ; jpp:plan ?p }", "itself"),
    ("ASK { ?m jpp:localGovernmentCode ?_municipality }", "ASK"),
])
def test_a_question_whose_answer_is_not_its_municipalities_answers_put_together_is_refused(body, why):
    with pytest.raises(NotAnswerableAtOnce, match=why):
        national_text(scoped_query(body))


def test_a_question_with_other_parameters_or_no_scope_is_refused():
    with pytest.raises(NotAnswerableAtOnce, match="besides the municipality"):
        national_text(scoped_query("SELECT ?p WHERE { ?m jpp:localGovernmentCode ?_municipality ; jpp:plan ?p ; "
                                   "jpp:year ?_year_integer }"))
    with pytest.raises(NotAnswerableAtOnce, match="not about one municipality"):
        national_text(query_from_text(PREFIX + "SELECT ?p WHERE { ?m jpp:localGovernmentCode ?_municipality }"))


def test_a_subquery_grouping_inside_the_where_clause_is_no_reason_to_refuse():
    query = scoped_query("SELECT DISTINCT ?p ?n WHERE { ?m jpp:localGovernmentCode ?_municipality ; jpp:plan ?p . "
                         "{ SELECT ?p (COUNT(?e) AS ?n) WHERE { ?e jpp:inPlan ?p } GROUP BY ?p LIMIT 5 } } ORDER BY ?p")
    assert "SELECT DISTINCT ?_municipality ?p ?n WHERE" in national_text(query)


def test_a_national_answer_splits_into_each_municipalitys_rows_in_order():
    tsv = (b'?_municipality\t?name\t?n\n'
           b'"132055"\t"a\\tb"@ja\t1\n'
           b'"011002"^^<http://www.w3.org/2001/XMLSchema#string>\t"x"\t\n'
           b'"132055"\t"c"\t2\n')
    header, answers = split_by_municipality(tsv)
    assert header == b"?name\t?n\n"
    assert answers == {"132055": b'?name\t?n\n"a\\tb"@ja\t1\n"c"\t2\n', "011002": b'?name\t?n\n"x"\t\n'}
    with pytest.raises(ValueError, match="no municipality code"):
        split_by_municipality(b'?_municipality\t?name\n\t"x"\n')


def _answers_agree(project, codes: list[str]) -> int:
    """Every question served at once, for every code: the worker's answer to the scoped question equals the ready
    answer in SPARQL TSV, the form both pass through; for some, with rows and without, in every format the API
    writes. Returns how many answers had rows."""
    store, manifest = open_store(project), read_manifest(project)
    built = BuiltStore(store, manifest=manifest)
    with_rows = 0
    for query in SCOPED:
        header, answers = answers_for_all(store, query)
        assert set(answers) <= set(codes)
        in_every_format = set(sorted(answers)[:3]) | set(sorted(set(codes) - set(answers))[:1])
        tsv = next(f for f in SOLUTION_FORMATS if f.key == "tsv")
        for code in codes:
            text = prepare(query, {query.scope: code}, on=built).text
            ready = answers.get(code, header)
            formats = SOLUTION_FORMATS + TABLE_FORMATS if code in in_every_format else (tsv,)
            for fmt in formats:
                asked = run_job(store, QueryJob(text, fmt.key), max_rows=LIMITS.max_rows, max_bytes=LIMITS.max_bytes)
                worked_out = ready_answer(ready, fmt, LIMITS)
                assert (worked_out.status, worked_out.rows) == (asked.status, asked.rows), (query.name, code, fmt.key)
                if fmt.key != "xlsx":  # a workbook holds the time it was written
                    assert worked_out.body == asked.body, (query.name, code, fmt.key)
            with_rows += code in answers
    return with_rows


def test_ready_answers_equal_the_scoped_answers_on_the_seed_data(built):
    codes = sorted({c for cs in read_manifest(built).municipality_names.values() for c in cs})
    assert len(codes) == 1741  # the reference data names every municipality: all asked, with plans or not
    assert _answers_agree(built, codes) >= 7  # 04 for the five seed municipalities, 12 for two


@pytest.mark.slow  # a nation of 100 municipalities made and built (about 12 s), then 2 × 1,741 questions asked
def test_ready_answers_equal_the_scoped_answers_at_100_municipalities(tmp_path):
    out = tmp_path / "nation"
    subprocess.run([sys.executable, str(ROOT / "bench" / "national.py"), "-n", "100", "--seed", "1", "--out", str(out),
                    "--quiet"], check=True, timeout=120)
    assert run_kg("build", "--quiet", root=out, timeout=300).returncode == 0
    nation = default_project(root=out)
    manifest = read_manifest(nation)
    codes = sorted({c for cs in manifest.municipality_names.values() for c in cs})
    with_plans = {code for g in manifest.graphs for code in g.plans_of}
    assert len(with_plans) == 100
    assert _answers_agree(nation, codes) >= 2 * 100 - 10  # nearly every municipality has a tree and citations


def test_the_server_answers_a_municipality_from_its_ready_answers_as_its_worker_would(request, built,
                                                                                       tmp_path_factory):
    server = session_server(request, built, tmp_path_factory)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        def settled() -> dict | None:
            said = client.get("/health").json()["ready_answers"]
            return said if all(q["state"] == "ready" for q in said.values()) else None

        said = wait_until(settled, timeout=60, what="the ready answers of every one-municipality question")
        assert set(said) == {"04-plan-tree", "12-related-measures"}
        assert said["04-plan-tree"]["municipalities_with_rows"] == 5
        store, manifest = open_store(built), read_manifest(built)
        query = next(q for q in SCOPED if q.name == "04-plan-tree")
        # 西東京市 by name, as a clerk asks; 132055 by code: neither asked before on this server.
        for value, fmt in (("西東京市", "json"), ("132055", "csv"), ("Atsugi City", "xml"), ("011002", "tsv")):
            answer = client.get("/api/queries/04-plan-tree", params={"municipality": value, "format": fmt})
            assert answer.status_code == 200 and answer.headers["kg-cache"] == "ready", (value, answer.text[:300])
            text = prepare(query, {"municipality": value}, on=BuiltStore(store, manifest=manifest)).text
            asked = client.post("/sparql", data={"query": text}, headers={"Accept": answer.headers["content-type"]})
            assert answer.content == asked.content and answer.headers["kg-rows"] == asked.headers["kg-rows"], value
        assert client.get("/api/queries/04-plan-tree", params={"municipality": "132055", "format": "csv"}) \
            .headers["kg-cache"] == "hit"  # and kept like any answer once asked
        # A wrong value is refused as before, before any answer is looked up.
        assert client.get("/api/queries/04-plan-tree", params={"municipality": "no such town"}).status_code == 400


def test_a_question_whose_national_run_fails_is_asked_as_before():
    ready = ReadyAnswers(SCOPED + [scoped_query("SELECT * WHERE { ?m jpp:localGovernmentCode ?_municipality }")])
    assert ready.health()["query"] == {"state": "not served",
                                       "reason": "it projects * (the municipality's code would come in no fixed place)"}
    first = ready.questions["04-plan-tree"]
    first.state, first.reason = "failed", "the query ran longer than 600 s"
    assert ready.answer("04-plan-tree", ["132055"]) is None
    assert ready.health()["04-plan-tree"] == {"state": "failed", "reason": "the query ran longer than 600 s"}
    first.state, first.header, first.answers = "ready", b"?a\n", {"132055": b'?a\n"x"\n'}
    assert ready.answer("04-plan-tree", ["132055"]) == b'?a\n"x"\n'
    assert ready.answer("04-plan-tree", ["011002"]) == b"?a\n"   # no rows: the header alone
    assert ready.answer("04-plan-tree", ["011002", "132055"]) is None  # a shared name: asked as before


def test_oxigraph_writes_tsv_one_line_per_row():
    # split_by_municipality relies on it: a newline inside a literal is written \n in SPARQL TSV.
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("a\nb\tc")))
    tsv = store.query("SELECT ?s ?o WHERE { ?s ?p ?o }").serialize(format=ox.QueryResultsFormat.TSV)
    assert tsv.count(b"\n") == 2
