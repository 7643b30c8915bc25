"""The sheets of what hangs on the plan's tree: KPI (indicators and their baselines and targets), 視点・理念
(viewpoints, guiding statements), 関連施策 (related measures), テーマ関連 (thematic links, editorial) and その他の記述
(statements no column says)."""

from __future__ import annotations

from ..namespaces import DCTERMS, JPP, PROV, RDFS, SKOS
from .columns import CLASSIFICATION, Column, Sheet
from .kinds import (
    BooleanColumn,
    ConceptColumn,
    EvaluationColumn,
    FiscalYearColumn,
    IntegerColumn,
    PageColumn,
    RefColumn,
    StatementColumn,
    TextColumn,
    ValueColumn,
    ValueLabelColumn,
    ValueLineColumn,
    ValueQualifierColumn,
    ValueYearColumn,
)
from .shared_columns import (
    CLASSIFICATION_NOTES,
    PLAN_COLUMN,
    PROVENANCE,
    id_column,
    kind_column,
)


def _value_columns(role: str, ja: str, en: str) -> tuple[Column, ...]:
    return (
        ValueYearColumn(f"{role}_year", f"{ja}の年度", f"{en} year", role=role, width=14,
               help_ja="令和5年度、R5、2023、平成30年度、2065年（年のみなら暦年）。(直近まで) も可。",
               help_en="令和5年度, R5, 2023, 平成30年度; 年 without 度 is a calendar year."),
        ValueColumn(f"{role}_value", ja, en, role=role, width=22,
               help_ja="14,070人、12.5%、延べ 759 人、小学校:76.5% 中学校:72.1% など、書かれたとおりに。",
               help_en="As written: 14,070人, 12.5%, 延べ 759 人, 小学校:76.5% 中学校:72.1%."),
        ValueQualifierColumn(f"{role}_qualifier", f"{ja}の修飾", f"{en} qualifier", role=role, scheme="qualifier",
               multi=True, width=12, help_ja="値の文字にない修飾（延べ、累計、直近まで）。"),
        ValueLabelColumn(f"{role}_label", f"{ja}の表示名", f"{en} label", role=role, multi=True, width=24,
               help_ja="空欄なら「指標名 現状値（年度）」。内訳ごとに改行。"),
        ValueLineColumn(f"{role}_line", f"{ja}の出典の行", f"{en} source line", role=role, multi=True, width=10,
               help_ja="空欄なら指標の出典の行。"),
    )


KPI_SHEET = Sheet(
    "kpis", "KPI", "指標（KPI・数値目標）", "Indicators (KPIs, numerical targets)",
    ("KPI", "NumericalTarget", "Indicator"),
    (
        id_column("空欄なら 対象/kpi-<順序>。", "Blank: <target>/kpi-<order>."),
        kind_column(required=False),
        RefColumn("target", "対象", "measured element", JPP + "indicatorOf", required=True, default="parent-path",
                  help_ja="指標が測る要素（または計画）のID。空欄なら、IDの最後の / より前。",
                  help_en="The element (or plan) measured. Blank: the ID up to its last /."),
        PLAN_COLUMN,
        TextColumn("local_number", "番号", "number", JPP + "localNumber", lang=None, width=8),
        IntegerColumn("sequence", "順序", "order", JPP + "sequence"),
        TextColumn("label", "指標名", "indicator", RDFS + "label", required=True, width=40),
        ConceptColumn("unit", "単位", "unit", JPP + "unit", scheme="unit", help_ja="値に単位が書かれていなければこの単位。"),
        ConceptColumn("qualifier", "修飾", "qualifier", JPP + "qualifier", scheme="qualifier", multi=True),
        TextColumn("definition_note", "定義（※）", "definition note", JPP + "definitionNote", multi=True),
        BooleanColumn("no_values", "出典に数値なし", "no values in source", JPP + "noValuesInSource", width=8,
               help_ja="出典に現状値・目標値がなければ TRUE。", help_en="TRUE if the source gives no values."),
        *_value_columns("baseline", "現状値", "baseline"),
        *_value_columns("target", "目標値", "target"),
        ConceptColumn("revision_status", "改定での扱い", "revision status", JPP + "revisionStatus", scheme="revision-change"),
        RefColumn("in_revision", "対象の改定", "in revision", JPP + "inRevision"),
        TextColumn("previous_label", "変更前の名称", "label before revision", JPP + "previousLabel"),
        RefColumn("merged_from", "統合元", "merged from", JPP + "mergedFrom", multi=True),
        *PROVENANCE,
    ),
    help_ja="1行が1指標。現状値・目標値は年度と値を書かれたとおりに。種類が空欄ならKPI。",
    help_en="One row per indicator; baseline and target as written. Kind blank: KPI.",
)

ACHIEVED_SHEET = Sheet(
    "achieved", "実績値", "実績値（進捗管理・評価）", "Achieved values (monitoring, evaluation)",
    ("AchievedValue",),
    (
        id_column("空欄なら 指標/achieved-<年度>。", "Blank: <indicator>/achieved-<year>."),
        RefColumn("indicator", "指標", "indicator", JPP + "hasAchievedValue", required=True, default="parent-path",
                  inverse=True, help_ja="実績値の指標のID（KPIシートの行、またはグラフにある指標）。空欄なら、IDの最後の / より前。",
                  help_en="The indicator's ID (a row of the KPI sheet, or one in the graph). Blank: the ID up to its last /."),
        *_value_columns("achieved", "実績値", "achieved value"),
        FiscalYearColumn("period_start", "期間の初年度", "period start", JPP + "periodStartYear", width=12,
                         help_ja="複数年の累計・合計の実績なら期間の初年度（令和5～9年度なら 令和5年度）。年度は期間の最終年度。",
                         help_en="For a total over several years: the first year; the year column is the last."),
        EvaluationColumn("evaluation", "評価", "evaluation", width=8,
                         help_ja="報告書の評価を書かれたとおりに（A、◎、達成 など）。",
                         help_en="The report's grade as written (A, ◎, 達成)."),
        EvaluationColumn("evaluation_meaning", "評価の意味", "meaning of the evaluation", width=20,
                         help_ja="評価の区分の意味（A：目標を達成 など）。同じ評価には同じ意味を。",
                         help_en="What the grade means (A: target reached); the same for every row with that grade."),
        EvaluationColumn("evaluation_meaning_en", "評価の意味（英語）", "meaning of the evaluation (English)", width=20,
                         help_ja="評価の区分の意味の英語（A：Target reached など）。公開ページの英語表示に使います。",
                         help_en="The grade's meaning in English (A: Target reached), for the English pages."),
        *PROVENANCE,
    ),
    help_ja="1行が1つの実績値（年度ごと）。出典は進捗・評価の報告書や次期計画（計画シートに出典文書の行を加える）。",
    help_en="One row per achieved value (per year); the source is the progress or evaluation report, or the next edition.",
)

VIEWPOINTS_SHEET = Sheet(
    "viewpoints", "視点・理念", "視点・将来像・基本姿勢・課題・策定工程", "Viewpoints, guiding statements, challenges, drafting steps",
    ("Viewpoint", "GuidingStatement", "FutureImage", "CoreConcept", "Challenge", "DraftingStep"),
    (
        id_column("空欄なら viewpoint-<順序> など。", "Blank: viewpoint-<order> etc."),
        kind_column(required=False),
        PLAN_COLUMN,
        TextColumn("level_name", "階層名", "level name", JPP + "levelName", width=14),
        TextColumn("local_number", "番号", "number", JPP + "localNumber", lang=None, width=8),
        IntegerColumn("sequence", "順序", "order", JPP + "sequence"),
        TextColumn("label", "名称", "name", RDFS + "label", required=True, width=40),
        TextColumn("alt_label", "別名", "alternative name", SKOS + "altLabel", multi=True),
        TextColumn("description", "説明", "description", DCTERMS + "description", multi=True, width=40),
        TextColumn("definition", "定義", "definition", SKOS + "definition", multi=True),
        BooleanColumn("provisional", "仮", "provisional", JPP + "isProvisional", width=6),
        TextColumn("date_label", "日付（原文）", "date as written", JPP + "dateLabel", width=14),
        ConceptColumn("revision_status", "改定での扱い", "revision status", JPP + "revisionStatus", scheme="revision-change"),
        RefColumn("in_revision", "対象の改定", "in revision", JPP + "inRevision"),
        RefColumn("merged_from", "統合元", "merged from", JPP + "mergedFrom", multi=True),
        *PROVENANCE,
        ConceptColumn("shared_viewpoint", "共通視点", "shared viewpoint", JPP + "mapsToConcept", scheme="viewpoint", multi=True,
                      graph=CLASSIFICATION, help_ja="視点の行に。一覧から選ぶ（分類）。", help_en="On viewpoint rows; pick from the list."),
        BooleanColumn("no_shared_viewpoint", "共通視点なし", "no shared viewpoint", JPP + "noSharedConcept",
               graph=CLASSIFICATION, width=8, help_ja="どの共通視点にも当たらないと判断したら TRUE。"),
        ConceptColumn("policy_domain", "政策分野", "policy domain", JPP + "policyDomain", scheme="policy-domain", multi=True,
                      graph=CLASSIFICATION, help_ja="視点・将来像・基本姿勢・課題の行に。扱う政策分野を一覧から選ぶ（分類）。",
                      help_en="On viewpoint, guiding-statement and challenge rows: the policy domains it addresses."),
        BooleanColumn("no_policy_domain", "政策分野なし", "no policy domain", JPP + "noPolicyDomain",
               graph=CLASSIFICATION, width=8, help_ja="本文がどの政策分野も示さないと判断したら TRUE（理由は分類の注記に）。"),
        *CLASSIFICATION_NOTES,
    ),
    help_ja="計画が掲げる視点（共通する視点・重要な視点など）、将来像・基本姿勢、課題、策定工程。種類が空欄なら視点。",
    help_en="The plan's viewpoints, guiding statements, challenges, drafting steps. Kind blank: viewpoint.",
)

REFERENCES_SHEET = Sheet(
    "references", "関連施策", "関連施策（総合計画の施策への参照）", "Related measures (cross-references)",
    ("MeasureReference",),
    (
        id_column("空欄なら 引用元/ref-<順序>。", "Blank: <citing element>/ref-<order>."),
        RefColumn("cited_by", "引用元", "cited by", JPP + "hasMeasureReference", required=True, default="parent-path",
                  inverse=True, help_ja="関連施策を示す要素（基本方向など）のID。",
                  help_en="The element that names the related measure."),
        RefColumn("measure", "施策", "measure", JPP + "referencedMeasure", required=True,
                  help_ja="引用される施策のID（施策・取組シートの行、例 plan/132055/comprehensive-plan-7/measure-2-1）。",
                  help_en="The cited measure's ID (a row of the measures sheet)."),
        TextColumn("cited_title", "引用された施策名", "cited title", JPP + "citedTitle", required=True, width=30),
        PageColumn("cited_page", "掲載頁", "page", JPP + "citedPage", width=8,
               help_ja="42、P42、P.42 など。", help_en="42, P42, P.42."),
        IntegerColumn("sequence", "順序", "order", JPP + "sequence"),
        TextColumn("label", "表示名", "label", RDFS + "label", width=30),
        *PROVENANCE,
    ),
    help_ja="総合戦略の要素が示す関連施策（番号・名称・頁）。1行が1参照。",
    help_en="Related measures named by a strategy's elements (code, title, page). One row per citation.",
)

LINKS_SHEET = Sheet(
    "links", "テーマ関連", "テーマとの関連（分類）", "Thematic links (editorial)",
    ("ThematicLink",),
    (
        id_column("空欄なら 対象/link-<概念>。", "Blank: <resource>/link-<concept>."),
        RefColumn("resource", "対象", "resource", JPP + "linkedResource", required=True, default="parent-path", graph=CLASSIFICATION),
        ConceptColumn("concept", "共通視点", "concept", JPP + "linkedConcept", scheme="viewpoint", required=True, graph=CLASSIFICATION),
        TextColumn("evidence", "根拠となる文言", "evidence", JPP + "evidence", multi=True, required=True, graph=CLASSIFICATION, width=40),
        TextColumn("label", "表示名", "label", RDFS + "label", graph=CLASSIFICATION, width=30),
        RefColumn("attributed_to", "判断した者", "attributed to", PROV + "wasAttributedTo", multi=True, default="editors",
                  graph=CLASSIFICATION, help_ja="空欄なら jpp:ProjectEditors。"),
        RefColumn("source", "出典", "source", PROV + "wasDerivedFrom", multi=True, default="source", graph=CLASSIFICATION),
        IntegerColumn("seed_line", "出典の行", "source line", JPP + "seedLine", graph=CLASSIFICATION),
    ),
    graph=CLASSIFICATION,
    help_ja="視点として掲げずに共通視点に取り組む記述（本プロジェクトの分類）。根拠の文言を引用する。",
    help_en="Statements that address a shared viewpoint without naming it (editorial), with the quoted evidence.",
)

OTHER_SHEET = Sheet(
    "other", "その他の記述", "その他の記述", "Other statements",
    (),
    (
        StatementColumn("subject", "対象", "subject", required=True, width=36, help_ja="記述する資源のID。"),
        StatementColumn("property", "プロパティ", "property", required=True, width=24,
               help_ja="skos:note のような接頭辞付きの名前、または <IRI>。"),
        StatementColumn("object", "値", "value", width=40, help_ja="文字列、またはID。"),
        StatementColumn("object_type", "値の種類", "value type", width=14,
               help_ja="@ja（言語）、xsd:integer（データ型）、ID（資源）。空欄なら言語なしの文字列。",
               help_en="@ja (language), xsd:integer (datatype), ID (a resource). Blank: a plain string."),
        StatementColumn("graph", "区分", "graph", width=10, help_ja="記述（空欄）または 分類。",
               help_en="facts (blank) or classification."),
    ),
    help_ja="どの列にも当てはまらない記述を1行に1つ。書き出しでは、列に入らない記述がすべてここに並ぶ。",
    help_en="Statements that fit no column, one per row. Export puts everything that has no column here.",
)
