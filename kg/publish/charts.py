"""Baseline-to-target charts of indicators (KPIs, numerical targets), drawn as static SVG when the site is built.

One chart per indicator: a row per value (baseline, value stated as context, achieved values year by year, target)
in the order of their years, with the value as the source writes it — so a monitored KPI reads baseline →
achieved values → target, each achieved value with its progress towards the target and its report's grade — bars on one scale per indicator (units differ between indicators, so they never share a
scale), and one group per breakdown (小学校 / 中学校) where the source splits the values.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox
from markupsafe import Markup

from ..namespaces import JPP, SKOS, sparql_prefixes
from ..rdf.terms import natural_key
from .graphview import GraphView
from .templating import environment

ROLES = (  # (property, role name in Japanese, in English, colour)
    (JPP + "hasBaseline", "現状値", "baseline", "#8a9bb0"),
    (JPP + "hasStatedValue", "記載値", "stated value", "#b9a77a"),
    (JPP + "hasAchievedValue", "実績値", "achieved", "#b8602a"),
    (JPP + "hasTarget", "目標値", "target", "#1f6f8b"),
)
INDICATOR_CLASSES = (JPP + "Indicator", JPP + "KPI", JPP + "NumericalTarget")
FONT = "'Noto Sans CJK JP','Hiragino Sans','Yu Gothic',Meiryo,sans-serif"


@dataclass(frozen=True)
class ValueRow:
    role: str            # 現状値 / 実績値 / 目標値
    role_en: str
    colour: str
    year: int | None
    year_label: str      # as written: 令和3年度
    number: float | None
    text: str            # as written: 615人, or the number with its unit
    qualifier: str       # 累計, 延べ …
    iri: str
    evaluation: str = ""  # an achieved value's grade in its report (A, ◎ …)


@dataclass
class Series:
    breakdown: str       # "" when the values are not split
    rows: list[ValueRow] = field(default_factory=list)


@dataclass
class IndicatorChart:
    iri: str
    label: str
    unit: str
    series: list[Series]

    @property
    def has_numbers(self) -> bool:
        return any(r.number is not None for s in self.series for r in s.rows)

    def summary(self) -> str:
        """What the chart shows, in words (the SVG's accessible name)."""
        parts = []
        for s in self.series:
            rows = " → ".join(f"{r.role} {r.year_label} {r.text}".strip() for r in s.rows)
            parts.append(f"{s.breakdown}: {rows}" if s.breakdown else rows)
        return f"{self.label}: " + "; ".join(parts)


def is_indicator(view: GraphView, iri: str) -> bool:
    return bool(view.types(iri) & set(INDICATOR_CLASSES))


def indicator_chart(view: GraphView, iri: str) -> IndicatorChart | None:
    """The chart data of one indicator, or None when the source states no values for it."""
    series: dict[str, Series] = {}
    for predicate, role, role_en, colour in ROLES:
        for value_iri in sorted(view.iris(iri, predicate), key=natural_key):
            row = _value_row(view, value_iri, role, role_en, colour)
            breakdown = _concept_label(view, view.iris(value_iri, JPP + "breakdown"))
            series.setdefault(breakdown, Series(breakdown)).rows.append(row)
    if not series:
        return None
    role_order = {r[1]: i for i, r in enumerate(ROLES)}
    for s in series.values():
        s.rows.sort(key=lambda r: (r.year if r.year is not None else 10**6, role_order[r.role]))
    unit = _concept_label(view, view.iris(iri, JPP + "unit"), notation=True)
    return IndicatorChart(iri=iri, label=view.label(iri) or iri, unit=unit, series=list(series.values()))


def _value_row(view: GraphView, iri: str, role: str, role_en: str, colour: str) -> ValueRow:
    number_text = view.first_literal(iri, JPP + "numericValue")
    try:
        number = float(number_text) if number_text is not None else None
    except ValueError:
        number = None
    year_text = view.first_literal(iri, JPP + "fiscalYear") or view.first_literal(iri, JPP + "calendarYear")
    year = int(year_text) if year_text and year_text.lstrip("-").isdigit() else None
    year_label = view.first_literal(iri, JPP + "yearLabel") or (f"{year}" if year is not None else "")
    unit = _concept_label(view, view.iris(iri, JPP + "unit"), notation=True)
    text = view.first_literal(iri, JPP + "valueLabel") or (f"{format_number(number)}{unit}" if number is not None else "")
    qualifier = _concept_label(view, view.iris(iri, JPP + "qualifier"))
    evaluation = _concept_label(view, view.iris(iri, JPP + "evaluation"), notation=True)
    return ValueRow(role, role_en, colour, year, year_label, number, text, qualifier, iri, evaluation)


def _concept_label(view: GraphView, iris: list[str], *, notation: bool = False) -> str:
    labels = []
    for iri in iris:
        label = (view.first_literal(iri, SKOS + "notation") if notation else None) or view.label(iri) or ""
        labels.append(label)
    return "・".join(sorted(labels))


def format_number(number: float) -> str:
    return f"{number:,.0f}" if number == int(number) else f"{number:,.2f}".rstrip("0").rstrip(".")


def plain_number(number: float) -> str:
    """A machine-readable decimal (for data attributes): 1200, 76.5."""
    return f"{number:.0f}" if number == int(number) else f"{number:.6f}".rstrip("0").rstrip(".")


def text_width(text: str, size: float = 13) -> float:
    """An estimate of rendered width: full-width characters are about 1 em, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WFA" else size * 0.6 for c in text)


# -- drawing ----------------------------------------------------------------------------------------------

ROW_HEIGHT = 30
BAR_HEIGHT = 18
HEADING_HEIGHT = 24
BAR_WIDTH = 340
PAD = 8


def render_svg(chart: IndicatorChart) -> Markup:
    """The chart as an SVG element (usable inline in HTML and as a standalone .svg file)."""
    numbers = [r.number for s in chart.series for r in s.rows if r.number is not None]
    low, high = min([0.0] + numbers), max([0.0] + numbers)
    span = (high - low) or 1.0
    label_width = max([text_width(_row_caption(r)) for s in chart.series for r in s.rows] + [60]) + 2 * PAD
    zero_x = label_width + (0 - low) / span * BAR_WIDTH

    rows, headings, y = [], [], PAD
    for s in chart.series:
        if s.breakdown:
            headings.append({"y": y + 16, "text": s.breakdown})
            y += HEADING_HEIGHT
        baseline = next((r.number for r in s.rows if r.role_en == "baseline" and r.number is not None), None)
        target = next((r.number for r in s.rows if r.role_en == "target" and r.number is not None), None)
        for r in s.rows:
            if r.number is not None:
                x_end = label_width + (r.number - low) / span * BAR_WIDTH
                bar_x, bar_w = min(zero_x, x_end), max(abs(x_end - zero_x), 1.5)
                value_x = max(zero_x, x_end) + 6
            else:
                bar_x = bar_w = None
                value_x = zero_x + 6
            change = ""
            if r.role_en == "target" and baseline is not None and r.number is not None:
                change = _change(baseline, r.number, percent=chart.unit == "%")
            elif r.role_en == "achieved" and baseline is not None and target is not None and r.number is not None \
                    and target != baseline:
                change = f"（進捗 {(r.number - baseline) / (target - baseline) * 100:.0f}%）".replace("-", "−")
            value_text = r.text if r.number is not None else f"{r.text}（数値なし）".lstrip()
            rows.append({"y": y, "caption": _row_caption(r), "bar_x": bar_x, "bar_w": bar_w, "colour": r.colour,
                         "value_x": value_x, "value": value_text, "change": change, "role": r.role_en,
                         "number": "" if r.number is None else plain_number(r.number)})
            y += ROW_HEIGHT
    value_width = max([text_width(r["value"] + r["change"], 13) for r in rows] + [40])
    width = int(label_width + BAR_WIDTH + value_width + 3 * PAD)
    height = int(y + PAD)
    svg = environment().get_template("kpi-chart.svg").render(
        chart=chart, rows=rows, headings=headings, width=width, height=height, zero_x=zero_x,
        top=PAD, bottom=y, row_height=ROW_HEIGHT, bar_height=BAR_HEIGHT, font=FONT, label_width=label_width)
    return Markup(svg)


def _change(baseline: float, target: float, *, percent: bool) -> str:
    """The planned change: in points for percentages (a rate going 72% → 80% is +8 points), else relative."""
    if percent:
        return f"（現状値比 {target - baseline:+.1f}ポイント）".replace("-", "−")
    if baseline == 0:
        return ""
    return f"（現状値比 {(target - baseline) / abs(baseline) * 100:+.1f}%）".replace("-", "−")


def _row_caption(row: ValueRow) -> str:
    caption = f"{row.role} {row.year_label}".strip()
    notes = [n for n in (row.qualifier, f"評価 {row.evaluation}" if row.evaluation else "") if n]
    return f"{caption}（{'・'.join(notes)}）" if notes else caption


def plan_indicators(view: GraphView, plan_iri: str) -> list[str]:
    """The indicators of a plan: stated in the plan or attached to one of its elements, in the plan's order."""
    query = sparql_prefixes("jpp", "rdfs") + """SELECT DISTINCT ?indicator WHERE {
          { ?indicator jpp:inPlan ?plan } UNION { ?indicator jpp:indicatorOf/jpp:inPlan ?plan }
          ?indicator a/rdfs:subClassOf* jpp:Indicator .
        }"""
    answer = view.query(query, bindings={"plan": ox.NamedNode(plan_iri)})
    found = [s["indicator"].value for s in answer if isinstance(s["indicator"], ox.NamedNode)]
    return sorted(found, key=natural_key)
