"""Nothing in data/ttl lacks provenance: every subject of a source-fact file names its source document and seed
line; every subject of a classification file is either described elsewhere or an attributed thematic link."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
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


# --- what the data asserts as written is written in the seed ---------------------------------------------------

DCTERMS_TITLE = "http://purl.org/dc/terms/title"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FACT_FILES = [p for p in sorted(DATA.glob("*.ttl")) if p.name != "municipalities.ttl"]
# Sources that are not seed texts: nothing to read their titles from.
NOT_SEEDS = {"https://w3id.org/jp-plan-kg/id/source/local-government-codes"}


def _comparable(text: str) -> str:
    """Text as the seed and the data can both be compared: NFKC (full-width brackets and digits as ASCII), no spaces
    (the PDF extraction puts them inside words), no line that is only English words (a cover's subtitle)."""
    lines = [line for line in text.splitlines() if not re.fullmatch(r"[A-Za-z ]+", line.strip())]
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", "\n".join(lines)))


@cache
def _seed_texts() -> dict[str, str]:
    """Source document IRI → its seed text, comparable."""
    files = {t.subject.value: t.object.value for t in ox.parse(path=str(DATA / "sources.ttl"), format=ox.RdfFormat.TURTLE)
             if t.predicate.value == JPP + "seedFile"}
    return {source: _comparable((SEEDS / name).read_text(encoding="utf-8")) for source, name in files.items()}


def _sources_of(triples, subject) -> list[str]:
    return [t.object.value for t in triples if t.subject == subject and t.predicate.value == PROV + "wasDerivedFrom"]


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed texts are not next to the project")
@pytest.mark.parametrize("path", FACT_FILES, ids=[p.stem for p in FACT_FILES])
def test_every_title_is_written_in_its_source(path):
    """dcterms:title is a title the document states: a name the project gives is jpp:editorialLabel instead."""
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    texts = _seed_texts()
    unstated = []
    for t in triples:
        if t.predicate.value != DCTERMS_TITLE or t.subject.value in NOT_SEEDS:
            continue
        sources = [t.subject.value] if t.subject.value in texts else _sources_of(triples, t.subject)
        if not any(_comparable(t.object.value) in texts.get(source, "") for source in sources):
            unstated.append(f"{t.subject.value}: {t.object.value}")
    assert not unstated, f"titles no seed text of theirs states (use jpp:editorialLabel): {unstated}"


@pytest.mark.parametrize("path", FACT_FILES, ids=[p.stem for p in FACT_FILES])
def test_an_editorial_label_is_a_label_and_never_beside_a_title(path):
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    editorial = {(t.subject, t.object) for t in triples if t.predicate.value == JPP + "editorialLabel"}
    labels = {(t.subject, t.object) for t in triples if t.predicate.value == RDFS_LABEL}
    titled = {t.subject for t in triples if t.predicate.value == DCTERMS_TITLE}
    assert editorial - labels == set(), f"jpp:editorialLabel without the same rdfs:label: {sorted(map(str, editorial - labels))}"
    both = {s for s, _ in editorial} & titled
    assert not both, f"both a stated title and the editors' name: {sorted(map(str, both))}"


@pytest.mark.skipif(not SEEDS.exists(), reason="the seed texts are not next to the project")
@pytest.mark.parametrize("path", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_source_locators_are_written_in_the_seed(path):
    """A page or section locator (【P.122～140】; several sections joined by 、) is copied from the seed text."""
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    texts = _seed_texts()

    def written(locator: str, subject) -> bool:
        return all(any(_comparable(part) in texts.get(s, "") for s in _sources_of(triples, subject))
                   for part in locator.split("、"))

    bad = [f"{t.subject.value}: {t.object.value}" for t in triples
           if t.predicate.value == JPP + "sourceLocator" and not written(t.object.value, t.subject)]
    assert not bad, f"locators not in the seed: {bad[:5]}"


@pytest.mark.parametrize("path", [DATA / "external-plans.ttl", *SEED_FILES], ids=["external-plans", *(p.stem for p in SEED_FILES)])
def test_a_plan_year_not_written_in_its_period_is_marked_derived(path):
    """A first or last fiscal year is either written in the period as the document gives it (令和9(2027)年度) or
    named by jpp:derivedProperty (computed by the project, e.g. 2027 from 「令和5（2023）年度からの5年間」)."""
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    periods: dict = {}
    for t in triples:
        if t.predicate.value == JPP + "periodLabel":
            periods.setdefault(t.subject, []).append(unicodedata.normalize("NFKC", t.object.value))
    derived = {(t.subject, t.object.value) for t in triples if t.predicate.value == JPP + "derivedProperty"}
    unmarked = []
    for t in triples:
        is_year = t.predicate.value in (JPP + "startFiscalYear", JPP + "endFiscalYear")
        if is_year and (t.subject, t.predicate.value) not in derived and not any(
                t.object.value in period for period in periods.get(t.subject, [])):
            unmarked.append(f"{t.subject.value} {t.predicate.value.rsplit('#', 1)[1]} {t.object.value}")
    assert not unmarked, f"years written nowhere in the period and not marked jpp:derivedProperty: {unmarked}"
    marked_without_value = [f"{s.value} {p}" for s, p in derived
                            if not any(t.subject == s and t.predicate.value == p for t in triples)]
    assert not marked_without_value, f"jpp:derivedProperty names a property the resource does not have: {marked_without_value}"
