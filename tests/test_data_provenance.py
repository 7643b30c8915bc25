"""Nothing in data/ttl lacks provenance: every subject of a source-fact file names its source document and seed
line; every subject of a classification file is either described elsewhere or an attributed thematic link."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "ttl"
PROV = "http://www.w3.org/ns/prov#"
JPP = "https://w3id.org/jp-plan-kg/ontology#"
SEED_FILES = [p for p in sorted(DATA.glob("*.ttl")) if p.name[:6].isdigit()]
CLASSIFICATION_FILES = sorted((DATA / "classification").glob("*.ttl"))
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def _subjects(path):
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return triples, {t.subject for t in triples}


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_every_resource_of_a_seed_file_has_source_and_line(path):
    triples, subjects = _subjects(path)
    derived = {t.subject for t in triples if t.predicate.value == PROV + "wasDerivedFrom"}
    lines = {t.subject: int(t.object.value) for t in triples if t.predicate.value == JPP + "seedLine"}
    assert not any(isinstance(s, ox.BlankNode) for s in subjects), "no blank nodes in data files"
    assert subjects - derived == set(), f"without prov:wasDerivedFrom: {sorted(map(str, subjects - derived))[:10]}"
    assert subjects - set(lines) == set(), f"without jpp:seedLine: {sorted(map(str, subjects - set(lines)))[:10]}"


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_seed_lines_exist_in_the_seed_text(path):
    triples, _ = _subjects(path)
    sources = {t.object.value for t in triples if t.predicate.value == PROV + "wasDerivedFrom"}
    seed_files = {t.object.value for t in ox.parse(path=str(DATA / "sources.ttl"), format=ox.RdfFormat.TURTLE)
                  if t.predicate.value == JPP + "seedFile"}
    assert sources, "a seed data file names its source"
    longest = max(len((SEEDS / f).read_text(encoding="utf-8").splitlines()) for f in seed_files if (SEEDS / f).exists()) if SEEDS.exists() else 10_000
    bad = [t for t in triples if t.predicate.value == JPP + "seedLine" and not 1 <= int(t.object.value) <= longest]
    assert not bad, f"seed lines outside the seed texts: {bad[:5]}"


@pytest.mark.parametrize("path", CLASSIFICATION_FILES, ids=[p.stem for p in CLASSIFICATION_FILES])
def test_classification_statements_are_about_described_resources_or_attributed(path):
    triples, subjects = _subjects(path)
    seed_file = DATA / path.name
    _, described = _subjects(seed_file)
    links = {t.subject for t in triples if t.predicate.value == PROV + "wasAttributedTo"
             and t.object.value == JPP + "ProjectEditors"}
    orphans = subjects - described - links
    assert not orphans, f"classified but described nowhere and not attributed: {sorted(map(str, orphans))[:10]}"
