"""Every question's query, run on the real built store, equals the answer a person read off the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.query import BuiltStore, ask
from kg.query.catalogue import catalogue
from kg.query.compare import multiset_difference, plain_value, rows_as_values

GOLDEN = Path(__file__).parent / "golden"
CASES = [(path, i, case) for path in sorted(GOLDEN.glob("*.json"))
         for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))["cases"])]


@pytest.fixture(scope="module")
def built_store(built):
    return BuiltStore.open(built)


def test_every_question_has_a_golden_answer(project):
    names = {q.name for q in catalogue(project.queries_dir)}
    goldens = {p.stem for p in GOLDEN.glob("*.json")}
    assert names == goldens, f"queries without golden answers: {sorted(names - goldens)}; goldens without query: {sorted(goldens - names)}"


def test_every_golden_row_cites_a_seed_line():
    for path, _, case in CASES:
        for row in case["rows"]:
            assert ":" in row.get("seed", ""), f"{path.name}: row without a seed citation: {row}"


@pytest.mark.parametrize("path,index,case", CASES, ids=[f"{p.stem}#{i}" for p, i, _ in CASES])
def test_query_matches_golden(built_store, path, index, case):
    name = json.loads(path.read_text(encoding="utf-8"))["query"]
    # As kg query and the API ask it (kg.query.ask): a municipality's name becomes its code, on its graphs.
    result = ask(name, case.get("params", {}), store=built_store)
    columns = case["columns"]
    missing = [c for c in columns if c not in result.variables]
    assert not missing, f"the query has no column(s) {missing}"
    actual = rows_as_values(result.rows, columns)
    expected = [tuple(plain_value(row["values"].get(c)) for c in columns) for row in case["rows"]]
    if case.get("ordered"):
        assert actual == expected, _explain(columns, actual, expected)
    else:
        extra, missing_rows = multiset_difference(actual, expected)
        assert not extra and not missing_rows, _explain(columns, extra, missing_rows, unordered=True)


def _explain(columns, a, b, unordered=False) -> str:
    head = " | ".join(columns)
    if unordered:
        return ("rows differ\n  columns: " + head + "\n  only in the query's answer:\n    "
                + "\n    ".join(map(repr, a)) + "\n  only in the golden answer:\n    " + "\n    ".join(map(repr, b)))
    return "rows differ (ordered)\n  columns: " + head + "\n  query:\n    " + "\n    ".join(map(repr, a)) + "\n  golden:\n    " + "\n    ".join(map(repr, b))
