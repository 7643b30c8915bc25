"""The sheets of the plan and its tree: 計画 (plans, revisions, source documents), 目標・方向 (goals, pillars,
policies, directions) and 施策・取組 (measures and initiatives)."""

from __future__ import annotations

from dataclasses import replace

from ..namespaces import DCTERMS, JPP, PROV, RDFS, SCHEMA, SKOS
from .columns import CLASSIFICATION, Column, Sheet
from .kinds import (
    BooleanColumn,
    CodeColumn,
    ConceptColumn,
    FiscalYearColumn,
    IntegerColumn,
    PlanKindColumn,
    PublisherColumn,
    RefColumn,
    TextColumn,
    YearMonthColumn,
)
from .shared_columns import (
    CLASSIFICATION_NOTES,
    MULTI_EN,
    MULTI_JA,
    PLAN_COLUMN,
    PROVENANCE,
    id_column,
    kind_column,
)

# On the plan sheet the plan entered must name its source document: every other row's blank 出典 means it.
PLAN_PROVENANCE = tuple(
    replace(c, plan_row_required=True,
            help_ja="出典文書のID（source/<団体コード>-<名前>）。3行目の計画では必須：その行が計画シートになければ、計画の行から作る。"
                    "他の行で空欄なら3行目の計画の出典。",
            help_en="The source document's ID (source/<code>-<name>). Required on row 3 (the plan): when no row of the "
                    "plan sheet has that ID, it is made from the plan's row. Blank on other rows: the plan's source.")
    if c.key == "source" else c for c in PROVENANCE)

PLAN_SHEET = Sheet(
    "plan", "計画", "計画・版・改訂・出典文書", "Plans, versions, revisions and source documents",
    ("Plan", "ComprehensivePlan", "RevitalisationStrategy", "DigitalGardenCityStrategy", "PlanVersion", "Revision",
     "SourceDocument"),
    (
        id_column("1行目は入力する計画。空欄なら plan/<団体コード>/<種類>-<期・次> を作る。2行目以降は関連する計画・改訂・出典文書。",
                  "Row 3 is the plan you enter (blank ID: plan/<code>/<kind>-<edition>). Further rows: related plans, revisions, sources."),
        kind_column(),
        TextColumn("title", "名称", "title", DCTERMS + "title", help_ja="文書どおりの計画名。", help_en="The title as the document writes it."),
        TextColumn("label", "表示名", "label", RDFS + "label", required=True, help_ja="一覧に表示する名前（通常は名称と同じ）。",
                   help_en="The name shown in lists (usually the title)."),
        TextColumn("label_en", "表示名（英語）", "label (English)", RDFS + "label", lang="en"),
        TextColumn("alt_label", "別名", "alternative label", SKOS + "altLabel", multi=True),
        TextColumn("alternate_name", "通称", "alternate name", SCHEMA + "alternateName", multi=True),
        TextColumn("subtitle", "副題", "subtitle", DCTERMS + "alternative", multi=True),
        CodeColumn("municipality", "団体コード", "local government code", JPP + "municipality", width=16,
               plan_row_required=True,
               help_ja="市区町村を一覧から選ぶか、6桁の全国地方公共団体コード（5桁なら検査数字を補う）か名前（八王子市、東京都府中市）を書く。",
               help_en="Pick the municipality from the list, or write its 6-digit local government code (5 digits: the "
                       "check digit is added) or its name (八王子市, 東京都府中市)."),
        PublisherColumn("publisher", "発行者", "publisher", DCTERMS + "publisher", multi=True, width=14,
               help_ja="発行した団体の団体コード、またはID。", help_en="The publisher's code or ID."),
        TextColumn("edition", "期・次", "edition", JPP + "edition", width=10, help_ja="第2期、第7次など。", help_en="e.g. 第2期."),
        IntegerColumn("edition_number", "期・次（数値）", "edition number", JPP + "editionNumber"),
        ConceptColumn("status", "状態", "status", JPP + "planStatus", scheme="plan-status"),
        FiscalYearColumn("start_year", "計画期間（初年度）", "first fiscal year", JPP + "startFiscalYear",
               width=12, help_ja="令和6年度、R6、2024 など。", help_en="e.g. 令和6年度, R6, 2024."),
        FiscalYearColumn("end_year", "計画期間（最終年度）", "last fiscal year", JPP + "endFiscalYear", width=12),
        TextColumn("period_label", "計画期間（原文）", "period as written", JPP + "periodLabel"),
        TextColumn("date_label", "日付（原文）", "date as written", JPP + "dateLabel", width=16),
        YearMonthColumn("issued", "公表年月", "issued", DCTERMS + "issued", width=10,
               help_ja="令和5年3月、2023-03 など。", help_en="e.g. 令和5年3月, 2023-03."),
        YearMonthColumn("revision_date", "改訂年月", "revision date", JPP + "revisionDate", width=10,
               help_ja="改訂の行に。令和5年3月、2023-03 など（空欄の文書なら空欄）。", help_en="On revision rows."),
        RefColumn("has_revision", "改訂", "revisions", JPP + "hasRevision", multi=True, help_ja="改訂の行のID。"),
        RefColumn("has_version", "版", "versions", JPP + "hasVersion", multi=True,
                  help_ja="改訂でない版（改定前の現行版など）の行のID。", help_en="IDs of versions that are not revisions."),
        RefColumn("revision_of", "改めた版", "version revised", PROV + "wasRevisionOf",
                  help_ja="改訂の行に。改訂が改めた版の行のID。", help_en="On revision rows: the version revised."),
        PlanKindColumn("version_kind", "版での種類", "kind in this version", DCTERMS + "type", width=16,
                       help_ja="版・改訂の行に。その版での計画の種類（改訂でデジタル田園都市国家構想総合戦略になった場合など）。",
                       help_en="On version rows: the kind of plan in that version."),
        RefColumn("takes_into_account", "勘案する計画", "takes into account", JPP + "takesIntoAccount", multi=True),
        RefColumn("integrated_with", "一体的に策定", "integrated with", JPP + "integratedWith", multi=True),
        RefColumn("relies_on", "関連施策の属する計画", "relies on plan", JPP + "reliesOnPlan", multi=True),
        RefColumn("previous_edition", "前の期・次", "previous edition", JPP + "previousEdition", multi=True),
        RefColumn("subordinate_to", "上位計画", "individual plan of", JPP + "subordinateTo", multi=True),
        RefColumn("references", "参照する計画", "references", DCTERMS + "references", multi=True),
        ConceptColumn("completeness", "網羅性", "completeness", JPP + "completeness", scheme="completeness"),
        TextColumn("completeness_note", "網羅性の注記", "completeness note", JPP + "completenessNote", multi=True),
        TextColumn("completeness_note_en", "網羅性の注記（英語）", "completeness note (English)", JPP + "completenessNote", lang="en", multi=True),
        IntegerColumn("policy_count", "記載された政策数", "stated policies", JPP + "statedPolicyCount"),
        IntegerColumn("measure_count", "記載された施策数", "stated measures", JPP + "statedMeasureCount"),
        TextColumn("description", "説明", "description", DCTERMS + "description", multi=True, width=40),
        TextColumn("seed_file", "抽出テキスト", "seed file", JPP + "seedFile", lang=None),
        TextColumn("document_part", "文書の範囲", "part of the document", JPP + "documentPart"),
        *PLAN_PROVENANCE,
    ),
    help_ja="3行目に入力する計画。4行目以降に、その計画が引用・勘案する計画（関連施策の総合計画など）、改訂、新しい出典文書。",
    help_en="Row 3: the plan you enter. Further rows: plans it cites or builds on, its revisions, new source documents.",
)


def _element_columns(*, national_direction: bool) -> tuple[Column, ...]:
    columns = [
        id_column("計画の下の位置（goal-1、goal-1/direction-2 など）。空欄なら上位の下に番号を振る。",
                  "Its place under the plan (goal-1, goal-1/direction-2). Blank: numbered under its parent."),
        kind_column(),
        PLAN_COLUMN,
        RefColumn("parent", "上位", "parent", JPP + "partOf", default="parent-path",
                  help_ja="上位の要素のID。空欄なら、IDの最後の / より前（その行があれば）。",
                  help_en="The parent's ID. Blank: the ID up to its last / (if that is a row)."),
        TextColumn("level_name", "階層名", "level name", JPP + "levelName", width=12, help_ja="文書での呼び方（基本目標、施策など）。",
                   help_en="The document's name for the level."),
        TextColumn("local_number", "番号", "number", JPP + "localNumber", lang=None, width=8, help_ja="文書どおりの番号（1、①、4-411）。",
                   help_en="The numbering as written."),
        IntegerColumn("sequence", "順序", "order", JPP + "sequence", help_ja="同じ上位の中での掲載順（1から）。",
                      help_en="Order among its siblings (from 1)."),
        TextColumn("label", "名称", "name", RDFS + "label", required=True, width=40),
        TextColumn("short_label", "略称", "short name", JPP + "shortLabel"),
        TextColumn("alt_label", "別名", "alternative name", SKOS + "altLabel", multi=True),
        TextColumn("description", "説明", "description", DCTERMS + "description", multi=True, width=40),
        TextColumn("vision", "目指す姿", "vision", JPP + "vision", multi=True),
        TextColumn("collaboration", "協働方針", "collaboration policy", JPP + "collaborationPolicy", multi=True),
        TextColumn("citizen_role", "市民の役割", "citizens' role", JPP + "citizenRole", multi=True),
        TextColumn("government_role", "行政の役割", "administration's role", JPP + "governmentRole", multi=True),
        IntegerColumn("policy_count", "記載された政策数", "stated policies", JPP + "statedPolicyCount"),
        IntegerColumn("measure_count", "記載された施策数", "stated measures", JPP + "statedMeasureCount"),
        BooleanColumn("provisional", "仮", "provisional", JPP + "isProvisional", width=6,
               help_ja="（仮）と書かれていれば TRUE。", help_en="TRUE if marked (仮)."),
        ConceptColumn("revision_status", "改定での扱い", "revision status", JPP + "revisionStatus", scheme="revision-change"),
        RefColumn("in_revision", "対象の改定", "in revision", JPP + "inRevision"),
        TextColumn("previous_label", "変更前の名称", "label before revision", JPP + "previousLabel"),
        RefColumn("merged_from", "統合元", "merged from", JPP + "mergedFrom", multi=True),
        ConceptColumn("sdg", "SDGs", "SDGs", JPP + "sdgGoal", scheme="sdg", multi=True, help_ja="文書がSDGsに触れる場合のみ。" + MULTI_JA),
        RefColumn("references", "参照", "references", DCTERMS + "references", multi=True),
        *PROVENANCE,
        ConceptColumn("policy_domain", "政策分野", "policy domain", JPP + "policyDomain", scheme="policy-domain", multi=True,
                      graph=CLASSIFICATION, help_ja="分類（本プロジェクトの判断）。" + MULTI_JA,
                      help_en="Classification (editorial). " + MULTI_EN),
    ]
    if national_direction:
        columns.append(ConceptColumn("national_direction", "国の総合戦略の方向", "national direction", JPP + "nationalDirection",
                                     scheme="national-direction", multi=True, graph=CLASSIFICATION, help_ja="分類。" + MULTI_JA))
    columns += CLASSIFICATION_NOTES
    return tuple(columns)


GOALS_SHEET = Sheet(
    "goals", "目標・方向", "目標・柱・政策・方向性・推進方策", "Goals, pillars, policies, directions, enablers",
    ("Goal", "Pillar", "Policy", "Direction", "Enabler"),
    _element_columns(national_direction=True),
    help_ja="計画の体系の上位（基本目標、柱、政策、基本方向など）。1行が1要素。",
    help_en="The upper levels of the plan tree. One row per element.",
)

MEASURES_SHEET = Sheet(
    "measures", "施策・取組", "施策・取組", "Measures and initiatives",
    ("Measure", "Initiative"),
    _element_columns(national_direction=False),
    help_ja="施策・主な取組。関連施策として引用される他計画の施策もここに（計画の列にその計画のID）。",
    help_en="Measures and initiatives; also the measures of other plans that are cited (their plan in the 計画 column).",
)

