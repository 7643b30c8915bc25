"""Data-quality checks: no rows on the real data, and at least one row on data made to violate each of them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.store import current_build
from kg.query.catalogue import catalogue
from kg.query.local import run_local

FIXTURES = Path(__file__).parent / "checks"
CHECKS = catalogue(Path(__file__).resolve().parent.parent / "queries", checks=True)


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_check_returns_no_rows_on_the_real_data(store, check):
    result = run_local(store, check.text)
    offending = "\n  ".join(" | ".join(f"{k}={v}" for k, v in row.items()) for row in result.rows)
    assert not result.rows, f"{check.name}: {check.summary}\n  {offending}"


def test_every_check_has_a_violating_fixture():
    names = {c.name for c in CHECKS}
    fixtures = {p.stem for p in FIXTURES.glob("*.ttl")}
    assert names <= fixtures, f"checks without a violating fixture: {sorted(names - fixtures)}"


@pytest.fixture(scope="module")
def real_quads(built):
    """The real built dataset (asserted and inferred graphs) as quads, to add a violation to."""
    with current_build(built).dataset.open("rb") as handle:
        return list(ox.parse(handle, format=ox.RdfFormat.N_QUADS))


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_check_finds_its_violation(real_quads, check):
    fixture = FIXTURES / f"{check.name}.ttl"
    store = ox.Store()
    store.extend(real_quads)
    # The fixture goes into the inferred graph too where it states what inference would add (types by
    # subclass): it is a small hand-written violation, not a new build.
    store.load(path=str(fixture), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/jp-plan-kg/graph/fixture"))
    result = run_local(store, check.text)
    assert result.rows, f"{check.name} found nothing in {fixture.name}"
