"""The workbook's sheets and columns: one definition that the template, ingest and export all read.

Row 1 holds the Japanese header, row 2 the English one, data starts on row 3. Columns are found by their header
(either language), so a clerk may reorder or hide them. Each column says which property it fills, how its cell is
read (its class, kg.intake.kinds), whether it may hold several values (one per line), and what a blank cell means
(`default`). Statements that fit no column go to the その他の記述 (other statements) sheet, one per row, so that
nothing is lost. The sheets themselves are defined in kg.intake.plan_sheets and kg.intake.detail_sheets.
"""

from __future__ import annotations

from .columns import CLASSIFICATION, FACTS, Sheet
from .detail_sheets import (
    ACHIEVED_SHEET,
    KPI_SHEET,
    LINKS_SHEET,
    OTHER_SHEET,
    REFERENCES_SHEET,
    VIEWPOINTS_SHEET,
)
from .plan_sheets import GOALS_SHEET, MEASURES_SHEET, PLAN_SHEET

HEADER_ROWS = 2
FIRST_DATA_ROW = HEADER_ROWS + 1

DATA_SHEETS = (PLAN_SHEET, GOALS_SHEET, MEASURES_SHEET, KPI_SHEET, ACHIEVED_SHEET, VIEWPOINTS_SHEET, REFERENCES_SHEET,
               LINKS_SHEET)
SHEETS = DATA_SHEETS + (OTHER_SHEET,)
INSTRUCTIONS_SHEET_NAME = "説明"
LISTS_SHEET_NAME = "リスト"

# The last segment of a generated ID, per class (data/README.md, "IRIs").
ID_SLUGS = {
    "Goal": "goal", "Pillar": "pillar", "Policy": "policy", "Direction": "direction", "Enabler": "enabler",
    "Measure": "measure", "Initiative": "initiative", "KPI": "kpi", "NumericalTarget": "numerical-target",
    "Indicator": "indicator", "Viewpoint": "viewpoint", "GuidingStatement": "statement", "FutureImage": "future-image",
    "CoreConcept": "core-concept", "Challenge": "challenge", "DraftingStep": "step", "Revision": "revision", "PlanVersion": "version",
    "MeasureReference": "ref", "ComprehensivePlan": "comprehensive-plan", "RevitalisationStrategy": "strategy",
    "DigitalGardenCityStrategy": "strategy", "Plan": "plan", "AchievedValue": "achieved",
}
PLAN_CLASSES = ("Plan", "ComprehensivePlan", "RevitalisationStrategy", "DigitalGardenCityStrategy")
ELEMENT_SHEETS = ("goals", "measures")
VALUE_ROLES = {"baseline": ("BaselineValue", "hasBaseline", "現状値"), "target": ("TargetValue", "hasTarget", "目標値")}
# An achieved value (実績値) is a row of its own sheet, one per year: not a role of the KPI's row.
ACHIEVED_ROLE = ("AchievedValue", "hasAchievedValue", "実績値")
ALL_VALUE_ROLES = {**VALUE_ROLES, "achieved": ACHIEVED_ROLE}

GRAPH_WORDS = {FACTS: ("", "記述", "facts"), CLASSIFICATION: ("分類", "classification")}


def sheet_for_class(local_name: str) -> Sheet | None:
    return next((s for s in DATA_SHEETS if local_name in s.classes), None)


def sheet_by_name(name: str) -> Sheet | None:
    """A sheet by its Excel name, key or English title (CSV files may use any of them)."""
    wanted = name.strip().casefold()
    return next((s for s in SHEETS if wanted in (s.name.casefold(), s.key, s.title_en.casefold())), None)
