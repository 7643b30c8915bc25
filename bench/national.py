"""`bench/generate`: a synthetic national graph in this project's ontology, deterministic for a seed.

Writes a project root that `kg --root DIR build` can build:

    DIR/data/ttl/<code>-<romaji>-comprehensive-plan.ttl     one file per municipality per plan (source facts)
    DIR/data/ttl/<code>-<romaji>-strategy.ttl
    DIR/data/ttl/classification/<same names>.ttl             this project's classification of each
    DIR/data/ttl/municipalities.ttl, sources.ttl, external-plans.ttl
    DIR/data/ttl/reference                                   a copy of this checkout's national list (every
                                                             prefecture and municipality of Japan: the real ones)
    DIR/ontology, DIR/queries                                symlinks to this checkout's
    DIR/national.json                                        what was generated, and sample parameters for the queries

The same seed gives the same bytes; a municipality's files do not depend on --municipalities.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from national_plans import NATIONAL_STRATEGY, PlanFiles, comprehensive_plan, strategy
from national_registry import NATIONAL_COUNT, Municipality, nation, prefectures, sample
from turtle_writer import Resource, document, ref, text

from kg.namespaces import ID

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "national.json"
GENERATOR_VERSION = 2  # 2: the real national list


def generate(out: Path, *, municipalities: int, seed: int, restate_citations: bool = False) -> dict:
    chosen = sample(nation(seed), municipalities)
    data = out / "data" / "ttl"
    _prepare(out)
    (data / "classification").mkdir(parents=True)
    sources: list[Resource] = []
    files = 0
    first_kpi = None
    for m in chosen:
        comprehensive, citable = comprehensive_plan(m, seed=seed)
        for plan in (comprehensive, strategy(m, citable, seed=seed, restate_citations=restate_citations)):
            _write_plan(data, plan, m, seed=seed)
            sources.append(plan.source_document)
            files += 2
            first_kpi = first_kpi or (plan.kpis[0] if plan.kpis else None)
    # The real national list, copied (not linked) so the generated project is whole on its own.
    shutil.copytree(ROOT / "data" / "ttl" / "reference", data / "reference")
    _write(data / "municipalities.ttl", document(
        ["The national government, publisher of the national strategy, written by bench/generate.",
         "Prefectures and municipalities are the real ones, in reference/ (the national list)."],
        [_national_government(), _ministry()]))
    _write(data / "sources.ttl", document(
        ["The synthetic source documents, one per plan, written by bench/generate.", f"Seed {seed}."],
        [_local_government_codes()] + sources))
    _write(data / "external-plans.ttl", document(
        ["The national strategy and the prefectures' strategies that synthetic strategies take into account."],
        _external_plans()))
    first = chosen[0]
    manifest = {
        "generator": "bench/generate", "version": GENERATOR_VERSION, "seed": seed,
        "municipalities": len(chosen), "prefectures": len({m.prefecture.code for m in chosen}),
        "plan_files": files, "data_dir": "data/ttl", "restated_citations": restate_citations,
        # Parameters for the questions about one municipality (04, 12, 15), taken from the first municipality.
        "sample": {"municipality_code": first.code, "municipality_name": first.name,
                   "resource": f"{ID}{first_kpi or 'municipality/' + first.code}"},
        "municipality_codes": [m.code for m in chosen],
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def _prepare(out: Path) -> None:
    """Make `out` a project root: refuse a folder that holds anything but an earlier generated graph."""
    if out.exists():
        ours = (out / MANIFEST).exists()
        if any(out.iterdir()) and not ours:
            raise SystemExit(f"bench/generate: {out} exists and was not made by bench/generate (no {MANIFEST}); "
                             "give an empty or new folder with --out")
        shutil.rmtree(out / "data", ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("ontology", "queries"):
        link = out / name
        if link.is_symlink() or link.exists():
            if not link.is_symlink():
                raise SystemExit(f"bench/generate: {link} is not a symlink; remove it or choose another --out")
            link.unlink()
        link.symlink_to(ROOT / name, target_is_directory=True)


def _write_plan(data: Path, plan: PlanFiles, m: Municipality, *, seed: int) -> None:
    _write(data / f"{plan.name}.ttl", document(
        [plan.title, f"Synthetic: source facts of {m.name} ({m.code}), written by bench/generate from seed {seed}.",
         f"The project's classification of it is in classification/{plan.name}.ttl."], plan.source_facts))
    _write(data / "classification" / f"{plan.name}.ttl", document(
        [f"Editorial classification of {plan.title} (synthetic, seed {seed}): policy domains, national directions,",
         f"viewpoint mappings and thematic links. Source facts are in ../{plan.name}.ttl."], plan.classification))


def _national_government() -> Resource:
    return (Resource(ref("national-government"), "jpp:Government")
            .add("rdfs:label", text("国"), text("Government of Japan", "en"))
            .add("prov:wasDerivedFrom", ref("source/local-government-codes")))


def _ministry() -> Resource:
    """The publisher of the national list, as an agent (one form for dcterms:publisher, PublisherShape)."""
    return (Resource(ref("ministry-of-internal-affairs-and-communications"), "jpp:Government")
            .add("rdfs:label", text("総務省"), text("Ministry of Internal Affairs and Communications", "en"))
            .add("prov:wasDerivedFrom", ref("source/local-government-codes")))


def _local_government_codes() -> Resource:
    return Resource(ref("source/local-government-codes"), "jpp:SourceDocument") \
        .add("rdfs:label", text("全国地方公共団体コード"), text("Local government codes of Japan", "en")) \
        .add("dcterms:title", text("全国地方公共団体コード")) \
        .add("dcterms:publisher", ref("ministry-of-internal-affairs-and-communications")) \
        .add("dcterms:description", text("市区町村・都道府県の名称と団体コードの一覧（reference/ に収録）。計画は bench/generate による合成。"),
             text("The national list of local governments (in reference/); the plans are synthetic, made by "
                  "bench/generate.", "en")) \
        .add("jpp:completeness", "cm:complete")


def _external_plans() -> list[Resource]:
    source = "source/local-government-codes"
    plans = [Resource(ref(NATIONAL_STRATEGY), "jpp:DigitalGardenCityStrategy")
             .add("dcterms:title", text("デジタル田園都市国家構想総合戦略"))
             .add("rdfs:label", text("デジタル田園都市国家構想総合戦略（国）"))
             .add("dcterms:publisher", ref("national-government"))
             .add("jpp:startFiscalYear", "2023").add("jpp:endFiscalYear", "2027")
             .add("jpp:planStatus", "ps:adopted").add("jpp:completeness", "cm:cited-only")
             .add("prov:wasDerivedFrom", ref(source))]
    plans += [Resource(ref(f"plan/{p.code}/strategy"), "jpp:RevitalisationStrategy")
              .add("dcterms:title", text(f"{p.name}まち・ひと・しごと創生総合戦略"))
              .add("rdfs:label", text(f"{p.name}まち・ひと・しごと創生総合戦略"))
              .add("dcterms:publisher", ref(f"prefecture/{p.code}")).add("jpp:completeness", "cm:cited-only")
              .add("prov:wasDerivedFrom", ref(source))
              for p in prefectures()]
    return plans


def _write(path: Path, content: str) -> None:
    path.write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--municipalities", "-n", type=int, default=NATIONAL_COUNT,
                        help=f"how many municipalities, 1 to {NATIONAL_COUNT} (default: all)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same files (default 1)")
    parser.add_argument("--out", type=Path, help="the project root to write (default: build/bench/national-N)")
    parser.add_argument("--restate-citations", action="store_true",
                        help="make each strategy file state the comprehensive plan and the measures it cites (as Ome's "
                             "strategy does); the same triples then sit in two named "
                             "graphs (default: stated once, in the comprehensive plan's file)")
    parser.add_argument("--quiet", "-q", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.municipalities <= NATIONAL_COUNT:
        parser.error(f"--municipalities must be between 1 and {NATIONAL_COUNT}")
    out = (args.out or ROOT / "build" / "bench" / f"national-{args.municipalities}").resolve()
    started = time.perf_counter()
    manifest = generate(out, municipalities=args.municipalities, seed=args.seed,
                        restate_citations=args.restate_citations)
    if not args.quiet:
        print(f"generated {manifest['municipalities']} municipalities in {manifest['prefectures']} prefectures "
              f"({manifest['plan_files']} plan files) in {out} ({time.perf_counter() - started:.1f} s)\n"
              f"build it:  kg --root {out} build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
