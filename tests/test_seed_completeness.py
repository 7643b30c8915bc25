"""Completeness per seed: what a person counted in each seed text, against what the graph holds.

Each expected count cites the seed lines it was read from (shared/seeds/, numbered as `cat -n` shows).
"""

from __future__ import annotations

import pytest

from kg.query.local import run_local

ID = "https://w3id.org/jp-plan-kg/id/"
OME, AOMORI, ATSUGI = ID + "plan/132055/strategy-2", ID + "plan/022012/comprehensive-plan", ID + "plan/142123/strategy-2"
KIYOSE, NISHITOKYO = ID + "plan/132217/comprehensive-plan", ID + "plan/132292/digital-strategy"

# (plan, class, expected, where it was read)
ELEMENT_COUNTS = [
    (OME, "Goal", 3, "000:23,27,31 基本目標1-3"),
    (OME, "Direction", 7, "000:61,76,103,120,134,158,177 基本方向 ①② ①②③ ①②"),
    (OME, "Viewpoint", 3, "000:43-47 共通する視点"),
    (AOMORI, "Pillar", 3, "001:18 1 仕事をつくる 2 人をまもり・そだてる 3 まちをデザインする"),
    (AOMORI, "Policy", 17, "001:20 政策17 (5+6+6 at 42,74,102)"),
    (AOMORI, "Measure", 52, "001:20 施策52 (14+21+17 at 43,75,103)"),
    (AOMORI, "Enabler", 5, "001:121-137 (1)-(5)"),
    (AOMORI, "Initiative", 0, "001:110,116 施策および主な取組 still to be drafted for the basic plan"),
    (AOMORI, "EnablerItem", 13, "001:122-138 items under 政策を実現するために (1)-(5): 3+5+2+2+1"),
    (AOMORI, "Challenge", 6, "001:8 諸課題"),
    (AOMORI, "Viewpoint", 4, "001:14 基本視点 (charter and three declarations)"),
    (ATSUGI, "Goal", 4, "002:179-205 基本目標1-4"),
    (ATSUGI, "Measure", 13, "002:216-240 具体的な施策 3+3+3+4"),
    (ATSUGI, "Initiative", 10, "002:155-167, 275 主な取組 listed in the summary"),
    (ATSUGI, "Viewpoint", 6, "002:136-141 重要な視点 before (4) and after (4), 1 and 3 unchanged"),
    (ATSUGI, "Challenge", 3, "002:90-106 ア イ ウ"),
    (KIYOSE, "Goal", 1, "003:3-11 将来像4"),
    (KIYOSE, "Policy", 4, "003:19,70/119,164/203,244/280 ● headings"),
    (KIYOSE, "Measure", 7, "003:23,74,123,166,207,246,284 施策 4-411 … 4-442"),
    (KIYOSE, "Direction", 22, "003 施策推進の方向性 4+5+4+3+2+2+2"),
    (KIYOSE, "MissingIndicators", 7, "003:52,109,154,193,232,269,306 目標指標 headings, one per measure, tables were images"),
    (NISHITOKYO, "Goal", 5, "004:60,88,99,118,149 基本目標1-5"),
    (NISHITOKYO, "Direction", 13, "004 基本的方向 4+2+3+3+1"),
    (NISHITOKYO, "Viewpoint", 5, "004:38-54 推進のための共通の視点 ①-⑤"),
    (NISHITOKYO, "Programme", 1, "004:118 【健康都市プログラム（まちの健康）】 (three set up, 7; only this one named)"),
]

# (plan, property, its value, or None for any, expected number of the plan's resources stating it, where it was read)
STATEMENT_COUNTS = [
    (KIYOSE, "definitionNote", None, 4, "003:88,131,221+224,236 ※ notes: コンパクトシティ, シビックプライド, 高度専門人材 and "
                                        "DX推進リーダー (one direction), the note below 4-432's missing table"),
    (ATSUGI, "sourceLocator", "【P.122～140】", 9, "002:147 over 155-157,160-161,164-167 主な取組 in the revised list"),
    (ATSUGI, "sourceLocator", "【P.124~140】", 18, "002:254 over 262-277: 17 KPIs before and after, and 275's 主な取組"),
    (NISHITOKYO, "programme", None, 1, "004:118 基本目標4 tagged 【健康都市プログラム（まちの健康）】"),
]

# (plan, expected KPIs, numerical targets, measure references, distinct cited measures, baseline values, target values)
INDICATOR_COUNTS = [
    (OME, 7, 0, 33, 29, 8, 8, "000:70-192 one KPI per direction, school KPI split in two (91); refs 65-186"),
    (AOMORI, 0, 0, 0, 0, 0, 0, "001:115-117 indicators left to the basic plan"),
    (ATSUGI, 17, 9, 0, 0, 0, 1, "002:262-277 8 before, 14 after; 184-209 eight 数値目標 + 39 目標人口 (2065)"),
    (KIYOSE, 0, 0, 0, 0, 0, 0, "003 目標指標 tables were images"),
    (NISHITOKYO, 0, 0, 56, 27, 0, 0, "004:66-156 related measures 20+3+11+21+1"),
]

PREFIX = "PREFIX jpp: <https://w3id.org/jp-plan-kg/ontology#>\n"


def count(store, query: str) -> int:
    return int(run_local(store, PREFIX + query).rows[0]["n"].value)


@pytest.mark.parametrize("plan,cls,expected,cite", ELEMENT_COUNTS, ids=[f"{p.rsplit('/', 2)[-2]}-{c}" for p, c, _, _ in ELEMENT_COUNTS])
def test_element_counts(store, plan, cls, expected, cite):
    got = count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a jpp:{cls} ; jpp:inPlan <{plan}> }}")
    assert got == expected, f"{cls} in {plan}: {got}, seed says {expected} ({cite})"


@pytest.mark.parametrize("plan,kpis,targets,refs,cited,baselines,target_values,cite", INDICATOR_COUNTS,
                         ids=[p.rsplit("/", 2)[-2] for p, *_ in INDICATOR_COUNTS])
def test_indicator_and_reference_counts(store, plan, kpis, targets, refs, cited, baselines, target_values, cite):
    in_plan = f"{{ ?e jpp:inPlan <{plan}> }} UNION {{ BIND(<{plan}> AS ?e) }}"
    got = {
        "kpis": count(store, f"SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE {{ ?k a jpp:KPI ; jpp:indicatorOf ?e . {in_plan} }}"),
        "targets": count(store, f"SELECT (COUNT(DISTINCT ?k) AS ?n) WHERE {{ ?k a jpp:NumericalTarget ; jpp:indicatorOf ?e . {in_plan} }}"),
        "refs": count(store, f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?e jpp:inPlan <{plan}> ; jpp:hasMeasureReference ?r }}"),
        "cited": count(store, f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?e jpp:inPlan <{plan}> ; jpp:hasMeasureReference/jpp:referencedMeasure ?m }}"),
        "baselines": count(store, f"SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE {{ ?k jpp:indicatorOf ?e ; jpp:hasBaseline ?v . {in_plan} }}"),
        "target_values": count(store, f"SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE {{ ?k jpp:indicatorOf ?e ; jpp:hasTarget ?v . {in_plan} }}"),
    }
    expected = {"kpis": kpis, "targets": targets, "refs": refs, "cited": cited, "baselines": baselines, "target_values": target_values}
    assert got == expected, f"{plan} ({cite})"


@pytest.mark.parametrize("plan,prop,value,expected,cite", STATEMENT_COUNTS,
                         ids=[f"{p.rsplit('/', 2)[-2]}-{prop}-{value or 'any'}" for p, prop, value, _, _ in STATEMENT_COUNTS])
def test_statement_counts(store, plan, prop, value, expected, cite):
    """Notes, page ranges and programme links that locate or explain what the seed says, counted per plan."""
    literal = "?v" if value is None else '"' + value + '"'
    # An indicator is the plan's through the element it measures, whether or not it states jpp:inPlan itself.
    got = count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x jpp:{prop} {literal} . "
                       f"{{ ?x jpp:inPlan <{plan}> }} UNION {{ ?x jpp:indicatorOf/jpp:inPlan <{plan}> }} }}")
    assert got == expected, f"resources of {plan} with jpp:{prop} {value or ''}: {got}, seed says {expected} ({cite})"


def test_every_kpi_figure(store):
    """Every baseline and target figure of the seeds, read off the text (Ome is the only seed with values)."""
    expected = {
        # KPI, breakdown: (baseline FY, baseline, target FY, target)       seed 000 lines
        ("出生数", None): (2021, "615", 2027, "526"),                                              # 73-74
        ("「自分の考えを深めたり、広げたりすることができた」と感じた児童生徒の割合", "小学校"): (2022, "76.5", 2027, "80"),  # 90-91
        ("「自分の考えを深めたり、広げたりすることができた」と感じた児童生徒の割合", "中学校"): (2022, "72.1", 2027, "80"),  # 90-91
        ("創業支援を受け市内で創業した創業者数", None): (2021, "49", 2027, "60"),                        # 117-118
        ("延べ宿泊者数", None): (2020, "14070", 2027, "18000"),                                     # 131-132
        ("移住相談や移住者に対する補助制度等を通じて移住してきた世帯数", None): (2022, "10", 2027, "40"),  # 145-146
        ("マイナンバーカードを活用したサービス利用率", None): (2021, "12.5", 2027, "50"),               # 172-173
        ("介護予防教室の受講人数", None): (2021, "759", 2023, "1200"),                               # 191-192
    }
    result = run_local(store, (ROOT_QUERIES / "05-kpi-values.rq").read_text(encoding="utf-8"))
    from decimal import Decimal
    got = {(r["kpi"].value, r["breakdown"].value if "breakdown" in r else None):
           (int(r["baselineYear"].value), Decimal(r["baselineValue"].value), int(r["targetYear"].value), Decimal(r["targetValue"].value))
           for r in result.rows}
    assert got == {k: (by, Decimal(bv), ty, Decimal(tv)) for k, (by, bv, ty, tv) in expected.items()}


from pathlib import Path  # noqa: E402

ROOT_QUERIES = Path(__file__).resolve().parent.parent / "queries"
