"""One synthetic municipality's two plans (a comprehensive plan and a strategy) as Turtle, modelled on data/ttl.

Each plan gives two files, as a seed does: the source facts (`<code>-<romaji>-<kind>.ttl`) and this project's
classification of them (`classification/<same name>.ttl`). Every resource carries prov:wasDerivedFrom and a
jpp:seedLine in its synthetic source document. Randomness comes from (seed, code, plan kind) alone, so a
municipality's files are the same at every --municipalities size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from national_registry import Municipality
from national_themes import (
    CIRCLED,
    GOAL_LEVEL_NAMES,
    STRATEGY_DIRECTION_LEVEL_NAMES,
    THEMES,
    VIEWPOINT_LEVEL_NAMES,
    VIEWPOINTS,
    KpiTemplate,
    MeasureTemplate,
    Theme,
)
from turtle_writer import Resource, decimal, ref, text

UNIT_NOTATION = {"person": "人", "case": "件", "percent": "%", "household": "世帯", "item": "点", "place": "箇所",
                 "yen": "円", "rate": ""}
SCHOOLS = (("elementary-school", "小学校"), ("junior-high-school", "中学校"))
CONCEPT_LABELS = {"dx": "デジタル・DX", "zero-carbon": "ゼロカーボン・脱炭素・GX", "sdgs": "SDGs",
                  "diversity-inclusion": "多様性・包摂", "regional-collaboration": "広域連携・地域間連携",
                  "co-creation": "協働・共創",
                  "well-being-health": "ウェルビーイング・健康", "information-promotion": "情報発信・シティプロモーション",
                  "sustainable-administration": "持続可能な行財政運営"}
NATIONAL_STRATEGY = "plan/national/digital-garden-city-strategy"


@dataclass
class PlanFiles:
    name: str                     # file stem: 012017-minamiki-strategy
    source_facts: list[Resource] = field(default_factory=list)
    classification: list[Resource] = field(default_factory=list)
    source_document: Resource | None = None
    title: str = ""
    kpis: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CitableMeasure:
    iri: str
    number: str
    title: str
    page: int
    theme: str


@dataclass(frozen=True)
class CitablePlan:
    """What a strategy may cite of its municipality's comprehensive plan."""

    iri: str
    title: str
    measures: tuple[CitableMeasure, ...]


class _Lines:
    """Line numbers in the synthetic source document, increasing as its resources are stated."""

    def __init__(self, rng: random.Random):
        self.rng, self.line = rng, 0

    def next(self) -> int:
        self.line += self.rng.randint(1, 4)
        return self.line


@dataclass(frozen=True)
class _PlanWriting:
    """The plan file being written: its resources, its random source, the plan, its source document and lines."""

    facts: list[Resource]
    classification: list[Resource]
    rng: random.Random
    plan: str
    source: str
    lines: _Lines


def fiscal_year_label(year: int, *, fiscal: bool = True) -> str:
    suffix = "年度" if fiscal else "年"
    if year >= 2019:
        number = year - 2018
        return f"令和{'元' if number == 1 else number}{suffix}"
    return f"平成{year - 1988}{suffix}"


def comprehensive_plan(m: Municipality, *, seed: int) -> tuple[PlanFiles, CitablePlan]:
    rng = random.Random(f"{seed}:{m.code}:comprehensive-plan")
    lines = _Lines(rng)
    stem = f"{m.code}-{m.romaji}-comprehensive-plan"
    source = f"source/{stem}"
    edition = rng.randint(1, 7)
    plan = f"plan/{m.code}/comprehensive-plan-{edition}"
    start = rng.randint(2016, 2025)
    end = start + rng.choice((7, 9, 9, 9))
    title = f"第{edition}次{m.name}総合計画"
    files = PlanFiles(name=stem, title=title)
    files.source_document = _source_document(m, stem, title, seed=seed)
    facts, classification = files.source_facts, files.classification
    status = "ps:adopted" if end >= 2026 or rng.random() < 0.8 else "ps:draft"
    facts.append(Resource(ref(plan), "jpp:ComprehensivePlan", comment="the comprehensive plan")
                 .add("dcterms:title", text(title)).add("rdfs:label", text(title))
                 .add("dcterms:publisher", ref(f"municipality/{m.code}")).add("jpp:municipality", ref(f"municipality/{m.code}"))
                 .add("jpp:edition", text(f"第{edition}次")).add("jpp:editionNumber", str(edition))
                 .add("jpp:planStatus", status).add("jpp:startFiscalYear", str(start)).add("jpp:endFiscalYear", str(end))
                 .add("jpp:periodLabel", text(f"{fiscal_year_label(start)}～{fiscal_year_label(end)}"))
                 .add("jpp:completeness", "cm:complete")
                 .add("prov:wasDerivedFrom", ref(source)).add("jpp:seedLine", str(lines.next())))
    facts.append(_provenance(Resource(ref(f"{plan}/future-image"), "jpp:FutureImage")
                             .add("rdfs:label", text(f"人が輝き、未来へつながる{m.name}"))
                             .add("jpp:levelName", text("将来都市像")).add("jpp:inPlan", ref(plan)), source, lines))
    # A slogan for the whole city: its words name no policy domain (as Aomori's 将来都市 in the seeds).
    classification.append(Resource(ref(f"{plan}/future-image"), comment="future image").add("jpp:noPolicyDomain", "true"))
    writing = _PlanWriting(facts, classification, rng, plan, source, lines)
    _viewpoints(writing, count=rng.choice((0, 0, 1, 2)))
    # Plans of some cities structure goals as pillars (柱), a narrower kind of goal: queries see them through inference.
    pillars = rng.random() < 0.2
    level_name = "柱" if pillars else rng.choice(GOAL_LEVEL_NAMES)
    mentions_sdgs = rng.random() < 0.5
    citable: list[CitableMeasure] = []
    page = rng.randint(20, 40)
    for g, theme in enumerate(rng.sample(THEMES, rng.randint(3, 5)), start=1):
        goal = f"{plan}/goal-{g}"
        resource = Resource(ref(goal), "jpp:Pillar" if pillars else "jpp:Goal", comment=f"{level_name}{g}") \
            .add("rdfs:label", text(rng.choice(theme.goals))).add("jpp:levelName", text(level_name)) \
            .add("jpp:localNumber", text(str(g), None)).add("jpp:sequence", str(g)).add("jpp:inPlan", ref(plan)) \
            .add("dcterms:description", text(theme.description))
        if mentions_sdgs:
            goals = sorted(rng.sample(theme.sdgs, rng.randint(1, len(theme.sdgs))))
            resource.add("jpp:sdgGoal", *(f"<http://metadata.un.org/sdg/{n}>" for n in goals))
        facts.append(_provenance(resource, source, lines))
        classification.append(Resource(ref(goal), comment=f"{level_name}{g}")
                              .add("jpp:policyDomain", *(f"pd:{d}" for d in _some(rng, theme.domains, 1, 3))))
        for j, measure in enumerate(_pick_measures(rng, theme), start=1):
            number = f"{g}-{j}"
            node = f"{plan}/measure-{number}"   # keyed on its code, as a strategy cites it (data/README.md)
            page += rng.randint(2, 4)
            citable.append(CitableMeasure(node, number, measure.label, page, theme.key))
            element = Resource(ref(node), "jpp:Measure", comment=f"施策 {number}") \
                .add("rdfs:label", text(measure.label)).add("jpp:levelName", text("施策")) \
                .add("jpp:localNumber", text(number, None)).add("jpp:sequence", str(j)) \
                .add("jpp:partOf", ref(goal)).add("jpp:inPlan", ref(plan)) \
                .add("jpp:sourceLocator", text(f"P.{page}", None))
            if measure.evidence:
                element.add("dcterms:description", text(measure.evidence))
            facts.append(_provenance(element, source, lines))
            classification.append(Resource(ref(node)).add("jpp:policyDomain", *(f"pd:{d}" for d in measure.domains)))
            _link(classification, node, f"施策{number}「{measure.label}」", measure, source, lines.line)
            kpis = _kpis(writing, node, measure, baseline_year=start - rng.randint(1, 2),
                         target_year=end if rng.random() < 0.7 else start + 4)
            files.kpis += [k for k, _ in kpis]
    return files, CitablePlan(plan, title, tuple(citable))


def strategy(m: Municipality, comprehensive: CitablePlan, *, seed: int, restate_citations: bool = False) -> PlanFiles:
    """The strategy; it cites measures of `comprehensive` (関連施策). With `restate_citations` its file also states
    the comprehensive plan and the cited measures itself, as Ome's strategy does for a plan that is not a seed."""
    rng = random.Random(f"{seed}:{m.code}:strategy")
    lines = _Lines(rng)
    stem = f"{m.code}-{m.romaji}-strategy"
    source = f"source/{stem}"
    digital = rng.random() < 0.8
    edition = 2 if digital else rng.choice((2, 3))
    plan = f"plan/{m.code}/strategy-{edition}"
    title = f"{m.name}デジタル田園都市国家構想総合戦略" if digital else f"第{edition}期{m.name}まち・ひと・しごと創生総合戦略"
    files = PlanFiles(name=stem, title=title)
    files.source_document = _source_document(m, stem, title, seed=seed)
    facts, classification = files.source_facts, files.classification
    start_stated = rng.random() < 0.9      # as in Ome's strategy, some state only the last year
    revised = rng.random() < 0.25
    revision = f"{plan}/revision-2024-03"
    node = Resource(ref(plan), "jpp:DigitalGardenCityStrategy" if digital else "jpp:RevitalisationStrategy",
                    comment="the strategy") \
        .add("dcterms:title", text(title)).add("rdfs:label", text(title)) \
        .add("dcterms:publisher", ref(f"municipality/{m.code}")).add("jpp:municipality", ref(f"municipality/{m.code}")) \
        .add("jpp:edition", text(f"第{edition}期")).add("jpp:editionNumber", str(edition)) \
        .add("jpp:planStatus", "ps:adopted" if rng.random() < 0.85 else "ps:draft")
    if start_stated:
        node.add("jpp:startFiscalYear", "2023")
    node.add("jpp:endFiscalYear", "2027") \
        .add("jpp:periodLabel", text(("令和5(2023)年度から" if start_stated else "") + "令和9(2027)年度まで")) \
        .add("jpp:takesIntoAccount", ref(NATIONAL_STRATEGY), ref(f"plan/{m.prefecture.code}/strategy")) \
        .add("jpp:reliesOnPlan", ref(comprehensive.iri)).add("jpp:completeness", "cm:complete")
    if revised:
        node.add("jpp:hasRevision", ref(revision))
    facts.append(node.add("prov:wasDerivedFrom", ref(source)).add("jpp:seedLine", str(lines.next())))
    if revised:
        facts.append(_provenance(Resource(ref(revision), "jpp:Revision").add("rdfs:label", text("令和6年3月改訂版"))
                                 .add("jpp:revisionDate", '"2024-03"^^xsd:gYearMonth').add("jpp:dateLabel", text("令和6年3月")),
                                 source, lines))
    writing = _PlanWriting(facts, classification, rng, plan, source, lines)
    _viewpoints(writing, count=rng.randint(2, 4))
    direction_level = rng.choice(STRATEGY_DIRECTION_LEVEL_NAMES)
    citable = list(comprehensive.measures)
    by_theme: dict[str, list[CitableMeasure]] = {}
    for measure in citable:
        by_theme.setdefault(measure.theme, []).append(measure)
    cited_anywhere: dict[str, CitableMeasure] = {}
    revision_kpis: list[tuple[str, str, str]] = []     # (direction, kpi, label) that the revision may have touched
    for g, theme in enumerate(rng.sample(THEMES, rng.randint(3, 5)), start=1):
        goal = f"{plan}/goal-{g}"
        facts.append(_provenance(Resource(ref(goal), "jpp:Goal", comment=f"基本目標{g}")
                                 .add("rdfs:label", text(rng.choice(theme.goals))).add("jpp:levelName", text("基本目標"))
                                 .add("jpp:localNumber", text(str(g), None)).add("jpp:sequence", str(g))
                                 .add("jpp:inPlan", ref(plan)).add("dcterms:description", text(theme.description)),
                                 source, lines))
        directions = [f"nd:{theme.direction}"]
        if rng.random() < 0.3:
            directions.append(f"nd:{rng.choice(('jobs', 'flow-of-people', 'marriage-childbirth-childrearing', 'attractive-communities'))}")
        classification.append(Resource(ref(goal), comment=f"基本目標{g}")
                              .add("jpp:policyDomain", *(f"pd:{d}" for d in _some(rng, theme.domains, 1, 3)))
                              .add("jpp:nationalDirection", *sorted(set(directions))))
        for j, measure in enumerate(_pick_measures(rng, theme), start=1):
            direction = f"{goal}/direction-{j}"
            cited = _cited(rng, by_theme.get(theme.key) or citable)
            cited_anywhere.update((c.iri, c) for c in cited)
            element = Resource(ref(direction), "jpp:Direction", comment=f"{direction_level}{g}-{CIRCLED[j - 1]}") \
                .add("rdfs:label", text(measure.label)).add("jpp:levelName", text(direction_level)) \
                .add("jpp:localNumber", text(CIRCLED[j - 1], None)).add("jpp:sequence", str(j)) \
                .add("jpp:partOf", ref(goal)).add("jpp:inPlan", ref(plan)) \
                .add("jpp:hasMeasureReference", *(ref(f"{direction}/ref-{r}") for r in range(1, len(cited) + 1)))
            if measure.evidence:
                element.add("dcterms:description", text(measure.evidence))
            facts.append(_provenance(element, source, lines))
            for r, target in enumerate(cited, start=1):
                facts.append(_provenance(
                    Resource(ref(f"{direction}/ref-{r}"), "jpp:MeasureReference")
                    .add("rdfs:label", text(f"{direction_level}{g}-{CIRCLED[j - 1]}の関連施策 {target.number} {target.title}（P{target.page}）"))
                    .add("jpp:referencedMeasure", ref(target.iri)).add("jpp:citedTitle", text(target.title))
                    .add("jpp:citedPage", str(target.page)).add("jpp:sequence", str(r)), source, lines))
            classification.append(Resource(ref(direction)).add("jpp:policyDomain", *(f"pd:{d}" for d in measure.domains)))
            _link(classification, direction, f"{direction_level}{g}-{CIRCLED[j - 1]}「{measure.label}」", measure, source, lines.line)
            kpis = _kpis(writing, direction, measure, baseline_year=rng.choice((2021, 2022)),
                         target_year=2027)
            files.kpis += [k for k, _ in kpis]
            revision_kpis += [(direction, k, label) for k, label in kpis]
    if revised and revision_kpis:
        _revise(facts, rng, revision_kpis, revision, source, lines)
    if restate_citations:
        _restate_cited(facts, m, comprehensive, sorted(cited_anywhere.values(), key=lambda c: c.iri), source, lines)
    return files


def _restate_cited(facts: list[Resource], m: Municipality, comprehensive: CitablePlan, cited: list[CitableMeasure],
                   source: str, lines: _Lines) -> None:
    """What the strategy itself says of the comprehensive plan and the measures it cites, as Ome's strategy does.

    The same IRIs as in the comprehensive plan's own file. Stated here too, the strategy's file validates on its own
    (its citations point at a jpp:Measure of a jpp:ComprehensivePlan), but the same triples then sit in two named
    graphs, and a union default graph that keeps duplicates (Oxigraph's, Virtuoso's) repeats answer rows.
    """
    facts.append(_provenance(Resource(ref(comprehensive.iri), "jpp:ComprehensivePlan",
                                      comment="cited: the comprehensive plan the strategy relies on")
                             .add("dcterms:title", text(comprehensive.title)).add("rdfs:label", text(comprehensive.title))
                             .add("dcterms:publisher", ref(f"municipality/{m.code}"))
                             .add("jpp:municipality", ref(f"municipality/{m.code}")), source, lines))
    for measure in cited:
        facts.append(_provenance(Resource(ref(measure.iri), "jpp:Measure", comment=f"cited: 施策 {measure.number}")
                                 .add("rdfs:label", text(measure.title)).add("jpp:localNumber", text(measure.number, None))
                                 .add("jpp:inPlan", ref(comprehensive.iri)), source, lines))


def _revise(facts: list[Resource], rng: random.Random, kpis: list[tuple[str, str, str]], revision: str, source: str,
            lines: _Lines) -> None:
    """Mark KPIs as changed in the revision: one new, one replacing a dropped KPI, one merged from two dropped ones."""
    by_iri = {r.subject: r for r in facts}
    dropped_per_direction: dict[str, int] = {}
    for (direction, kpi, label), status in zip(rng.sample(kpis, min(3, len(kpis))), ("rc:new", "rc:changed", "rc:merged"), strict=False):
        resource = by_iri[ref(kpi)]
        _record_change(facts, resource, kpi, status, revision, source, lines)
        resource.add("jpp:inVersion", ref(revision))  # new or merged: in the revised version only
        previous = []
        for n in range({"rc:new": 0, "rc:changed": 1, "rc:merged": 2}[status]):
            index = dropped_per_direction[direction] = dropped_per_direction.get(direction, 0) + 1
            before = ref(f"{direction}/kpi-before-{index}")
            previous.append(before)
            dropped = _provenance(Resource(before, "jpp:KPI")
                                  .add("rdfs:label", text(f"{label}（改定前の指標{n + 1}）"))
                                  .add("jpp:indicatorOf", ref(direction)).add("jpp:noValuesInSource", "true"),
                                  source, lines)
            facts.append(dropped)
            _record_change(facts, dropped, f"{direction}/kpi-before-{index}", "rc:removed", revision, source, lines)
        if status == "rc:changed":
            resource.add("jpp:replaces", *previous)
        elif status == "rc:merged":
            resource.add("jpp:mergedFrom", *previous)


def _record_change(facts: list[Resource], resource: Resource, iri: str, status: str, revision: str, source: str,
                   lines: _Lines) -> None:
    """The change record pairing what the revision did to `resource` with the revision (jpp:Change)."""
    record = f"{iri}/change-{revision.rsplit('/', 1)[-1].removeprefix('revision-')}"
    resource.add("jpp:hasChange", ref(record))
    facts.append(_provenance(Resource(ref(record), "jpp:Change").add("jpp:revisionStatus", status)
                             .add("jpp:inRevision", ref(revision)), source, lines))


def _kpis(writing: _PlanWriting, element: str, measure: MeasureTemplate, *, baseline_year: int,
          target_year: int) -> list[tuple[str, str]]:
    """Make 0 to 3 KPIs of the element with their values; return their IRIs and labels."""
    facts, rng, plan, source, lines = writing.facts, writing.rng, writing.plan, writing.source, writing.lines
    count = rng.choice(range(min(3, len(measure.kpis)) + 1))
    made = []
    for k, template in enumerate(rng.sample(measure.kpis, count), start=1):
        kpi = f"{element}/kpi-{k}"
        made.append((kpi, template.label))
        resource = Resource(ref(kpi), "jpp:KPI").add("rdfs:label", text(template.label)) \
            .add("jpp:indicatorOf", ref(element)).add("jpp:inPlan", ref(plan)).add("jpp:unit", f"u:{template.unit}")
        if rng.random() < 0.05:  # as in Atsugi's summary: the KPI is named, its values are not given
            facts.append(_provenance(resource.add("jpp:noValuesInSource", "true"), source, lines))
            continue
        parts = [(f"-{key}", f"bd:{key}", label) for key, label in SCHOOLS] if template.by_school else [("", None, None)]
        values = []
        for suffix, breakdown, school in parts:
            baseline = _round(rng.uniform(*template.baseline), template.decimals)
            target = max(_round(baseline * (1 + template.change * rng.uniform(0.5, 1.2)), template.decimals), 0)
            for kind, year, value in (("baseline", baseline_year, baseline), ("target", target_year, target)):
                values.append((kind, f"{kpi}/{kind}{suffix}", year, value, breakdown, school))
            values += _achieved(kpi, suffix, breakdown, school, baseline, target, baseline_year, target_year, template)
        resource.add("jpp:hasBaseline", *(ref(v[1]) for v in values if v[0] == "baseline"))
        resource.add("jpp:hasTarget", *(ref(v[1]) for v in values if v[0] == "target"))
        if any(v[0] == "achieved" for v in values):
            resource.add("jpp:hasAchievedValue", *(ref(v[1]) for v in values if v[0] == "achieved"))
        facts.append(_provenance(resource, source, lines))
        line = lines.next()
        for kind, iri, year, value, breakdown, school in values:
            year_label = fiscal_year_label(year, fiscal=not template.calendar_year)
            word, value_class = VALUE_KINDS[kind]
            shown = _shown(value, template)
            node = Resource(ref(iri), value_class) \
                .add("rdfs:label", text(f"{template.label} {word}{'・' + school if school else ''}（{year_label}）")) \
                .add("jpp:calendarYear" if template.calendar_year else "jpp:fiscalYear", str(year)) \
                .add("jpp:yearLabel", text(year_label)).add("jpp:numericValue", decimal(value, template.decimals)) \
                .add("jpp:unit", f"u:{template.unit}").add("jpp:valueLabel", text(f"{school}:{shown}" if school else shown))
            if template.qualifier:
                node.add("jpp:qualifier", f"q:{template.qualifier}")
            if breakdown:
                node.add("jpp:breakdown", breakdown)
            facts.append(node.add("prov:wasDerivedFrom", ref(source)).add("jpp:seedLine", str(line)))
    return made


VALUE_KINDS = {"baseline": ("現状値", "jpp:BaselineValue"), "target": ("目標値", "jpp:TargetValue"),
               "achieved": ("実績値", "jpp:AchievedValue")}


def _achieved(kpi: str, suffix: str, breakdown, school, baseline: float, target: float, baseline_year: int,
              target_year: int, template) -> list[tuple]:
    """Achieved values (実績値) of about four KPIs in ten, for the years after the baseline, moving towards the target
    with some noise. A generator of its own per KPI, so that the rest of the nation is what it was without them."""
    rng = random.Random(f"achieved {kpi}")
    if rng.random() >= 0.4:
        return []
    years = range(baseline_year + 1, min(baseline_year + 3, target_year) + 1)
    out = []
    for step, year in enumerate(years, start=1):
        share = step / max(target_year - baseline_year, 1) * rng.uniform(0.3, 1.4)
        value = max(_round(baseline + (target - baseline) * share, template.decimals), 0)
        out.append(("achieved", f"{kpi}/achieved{suffix}-{year}", year, value, breakdown, school))
    return out


def _viewpoints(writing: _PlanWriting, *, count: int) -> None:
    facts, classification, rng = writing.facts, writing.classification, writing.rng
    plan, source, lines = writing.plan, writing.source, writing.lines
    level = rng.choice(VIEWPOINT_LEVEL_NAMES)
    chosen: list[tuple[str, str | None, int, tuple[str, ...]]] = []
    pool = list(VIEWPOINTS)
    while len(chosen) < count and pool:
        pick = rng.choices(pool, weights=[w for _, _, w, _ in pool])[0]
        pool.remove(pick)
        chosen.append(pick)
    for n, (wording, concept, _weight, domains) in enumerate(chosen, start=1):
        node = f"{plan}/viewpoint-{n}"
        facts.append(_provenance(Resource(ref(node), "jpp:Viewpoint").add("rdfs:label", text(wording))
                                 .add("jpp:levelName", text(level)).add("jpp:localNumber", text(str(n), None))
                                 .add("jpp:sequence", str(n)).add("jpp:inPlan", ref(plan)), source, lines))
        mapping = Resource(ref(node), comment=wording)
        mapping = mapping.add("jpp:mapsToConcept", f"vp:{concept}") if concept else mapping.add("jpp:noSharedConcept", "true")
        for domain in domains:
            mapping = mapping.add("jpp:policyDomain", f"pd:{domain}")
        classification.append(mapping if domains else mapping.add("jpp:noPolicyDomain", "true"))


def _link(classification: list[Resource], element: str, name: str, measure: MeasureTemplate, source: str,
          line: int) -> None:
    if not measure.link:
        return
    classification.append(Resource(ref(f"{element}/link-{measure.link}"), "jpp:ThematicLink")
                          .add("rdfs:label", text(f"{name} → {CONCEPT_LABELS[measure.link]}"))
                          .add("jpp:linkedResource", ref(element)).add("jpp:linkedConcept", f"vp:{measure.link}")
                          .add("jpp:evidence", text(measure.evidence or measure.label))
                          .add("prov:wasAttributedTo", "jpp:ProjectEditors")
                          .add("prov:wasDerivedFrom", ref(source)).add("jpp:seedLine", str(line)))


def _source_document(m: Municipality, stem: str, title: str, *, seed: int) -> Resource:
    return Resource(ref(f"source/{stem}"), "jpp:SourceDocument") \
        .add("rdfs:label", text(title)).add("dcterms:title", text(title)) \
        .add("dcterms:publisher", ref(f"municipality/{m.code}")).add("jpp:municipality", ref(f"municipality/{m.code}")) \
        .add("dcterms:description", text(f"bench/generate が seed {seed} から生成した合成文書。実在の計画ではない。"),
             text(f"A synthetic document made by bench/generate from seed {seed}; not a real plan.", "en")) \
        .add("jpp:completeness", "cm:complete")


def _provenance(resource: Resource, source: str, lines: _Lines) -> Resource:
    return resource.add("prov:wasDerivedFrom", ref(source)).add("jpp:seedLine", str(lines.next()))


def _pick_measures(rng: random.Random, theme: Theme) -> list[MeasureTemplate]:
    return rng.sample(theme.measures, rng.randint(2, min(5, len(theme.measures))))


def _cited(rng: random.Random, measures: list[CitableMeasure]) -> list[CitableMeasure]:
    return rng.sample(measures, rng.randint(1, min(3, len(measures))))


def _some(rng: random.Random, items: tuple[str, ...], low: int, high: int) -> list[str]:
    return sorted(rng.sample(items, rng.randint(low, min(high, len(items)))))


def _round(value: float, decimals: int) -> float:
    return round(value, decimals)


def _shown(value: float, template: KpiTemplate) -> str:
    number = f"{value:,.{template.decimals}f}"
    return number + UNIT_NOTATION[template.unit]
