"""The workbook's sheets and columns: one definition that the template, ingest and export all read.

Row 1 holds the Japanese header, row 2 the English one, data starts on row 3. Columns are found by their header
(either language), so a clerk may reorder or hide them. Each column says which property it fills, how its cell is
read (`reads`), whether it may hold several values (one per line), and what a blank cell means (`default`).
Statements that fit no column go to the その他の記述 (other statements) sheet, one per row, so that nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ids import PREFIXES

JPP = PREFIXES["jpp"]
RDF, RDFS, SKOS = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["skos"]
DCT, PROV, SCHEMA = PREFIXES["dcterms"], PREFIXES["prov"], PREFIXES["schema"]

FACTS = "facts"                    # the seed's own file: what the document says
CLASSIFICATION = "classification"  # data/ttl/classification/: this project's judgement

HEADER_ROWS = 2
FIRST_DATA_ROW = HEADER_ROWS + 1
NONE_MARK = "-"  # written in a column with a default: "none", not "the default"


@dataclass(frozen=True)
class Column:
    key: str
    ja: str
    en: str
    reads: str                  # id, kind, text, integer, page, boolean, fiscal-year, year-month, ref, concept, code,
                                # publisher; value-year, value, value-qualifier, value-label, value-line (KPI values);
                                # subject, property, object, object-type, graph (other statements)
    predicate: str | None = None
    lang: str | None = "ja"     # for text columns; None = a plain string
    multi: bool = False         # several values, one per line
    required: bool = False
    scheme: str | None = None   # the SKOS scheme (ontology/vocab/<scheme>.ttl) of a concept column
    graph: str = FACTS
    default: str | None = None  # plan, source, parent-path, editors (see ingest.default_for)
    inverse: bool = False       # the triple is <cell> predicate <row>, e.g. 引用元 jpp:hasMeasureReference
    role: str | None = None     # baseline or target, for KPI value columns
    help_ja: str = ""
    help_en: str = ""
    width: int = 18


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str                    # the Excel sheet name (also the CSV file name)
    title_ja: str
    title_en: str
    classes: tuple[str, ...]     # local names of jpp: classes whose resources are rows here
    columns: tuple[Column, ...]
    graph: str = FACTS           # where the row's type and plain columns go
    help_ja: str = ""
    help_en: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)


def _id(help_ja: str, help_en: str) -> Column:
    return Column("id", "ID", "ID", "id", help_ja=help_ja, help_en=help_en, width=30)


def _kind(required: bool = True) -> Column:
    return Column("kind", "種類", "kind", "kind", predicate=RDF + "type", required=required, width=16,
                  help_ja="一覧から選ぶ。", help_en="Pick from the list.")


def _text(key, ja, en, predicate, *, lang="ja", multi=False, required=False, graph=FACTS, width=30,
          help_ja="", help_en="") -> Column:
    return Column(key, ja, en, "text", predicate=predicate, lang=lang, multi=multi, required=required, graph=graph,
                  width=width, help_ja=help_ja, help_en=help_en)


def _ref(key, ja, en, predicate, *, multi=False, required=False, default=None, inverse=False, graph=FACTS,
         help_ja="", help_en="") -> Column:
    return Column(key, ja, en, "ref", predicate=predicate, multi=multi, required=required, default=default,
                  inverse=inverse, graph=graph, width=28, help_ja=help_ja, help_en=help_en)


def _concept(key, ja, en, predicate, scheme, *, multi=False, required=False, graph=FACTS, help_ja="", help_en="") -> Column:
    return Column(key, ja, en, "concept", predicate=predicate, scheme=scheme, multi=multi, required=required,
                  graph=graph, width=22, help_ja=help_ja, help_en=help_en)


def _integer(key, ja, en, predicate, *, reads="integer", graph=FACTS, help_ja="", help_en="") -> Column:
    return Column(key, ja, en, reads, predicate=predicate, graph=graph, width=10, help_ja=help_ja, help_en=help_en)


MULTI_JA, MULTI_EN = "複数あれば改行で区切る。", "Several: one per line."

PLAN_COLUMN = _ref("plan", "計画", "plan", JPP + "inPlan", default="plan",
                   help_ja="属する計画のID。空欄なら、IDがその下にある計画（なければ1行目の計画）。",
                   help_en="The plan's ID. Blank: the plan the ID lies under (else the workbook's plan).")

PROVENANCE = (
    _text("note", "注記", "note", SKOS + "note", multi=True, help_ja="文書にある注記。" + MULTI_JA,
          help_en="Notes the document makes. " + MULTI_EN),
    _text("editorial_note", "編集注記", "editorial note", SKOS + "editorialNote", multi=True,
          help_ja="入力者による注記（原文の補正など）。" + MULTI_JA, help_en="Your note, e.g. a corrected garble. " + MULTI_EN),
    _text("editorial_note_en", "編集注記（英語）", "editorial note (English)", SKOS + "editorialNote", lang="en", multi=True),
    _ref("source", "出典", "source", PROV + "wasDerivedFrom", multi=True, default="source",
         help_ja="出典文書のID（source/…）。空欄なら1行目の計画の出典。",
         help_en="The source document's ID (source/…). Blank: the source of the workbook's plan."),
    _integer("seed_line", "出典の行", "source line", JPP + "seedLine",
             help_ja="出典テキストの行番号（1から）。", help_en="Line of the source text (from 1)."),
    _text("source_locator", "出典の箇所", "location in source", JPP + "sourceLocator", lang=None,
          help_ja="頁や節（【P.120】など）。", help_en="Page or section, e.g. 【P.120】."),
)

CLASSIFICATION_NOTES = (
    _text("classification_note", "分類の注記", "classification note", SKOS + "editorialNote", multi=True,
          graph=CLASSIFICATION, help_ja="分類（政策分野・共通視点など）の判断理由。", help_en="Why it is classified so."),
    _text("classification_note_en", "分類の注記（英語）", "classification note (English)", SKOS + "editorialNote",
          lang="en", multi=True, graph=CLASSIFICATION),
)

PLAN_SHEET = Sheet(
    "plan", "計画", "計画・改訂・出典文書", "Plans, revisions and source documents",
    ("Plan", "ComprehensivePlan", "RevitalisationStrategy", "DigitalGardenCityStrategy", "Revision", "SourceDocument"),
    (
        _id("1行目は入力する計画。空欄なら plan/<団体コード>/<種類>-<期・次> を作る。2行目以降は関連する計画・改訂・出典文書。",
            "Row 3 is the plan you enter (blank ID: plan/<code>/<kind>-<edition>). Further rows: related plans, revisions, sources."),
        _kind(),
        _text("title", "名称", "title", DCT + "title", help_ja="文書どおりの計画名。", help_en="The title as the document writes it."),
        _text("label", "表示名", "label", RDFS + "label", required=True, help_ja="一覧に表示する名前（通常は名称と同じ）。",
              help_en="The name shown in lists (usually the title)."),
        _text("label_en", "表示名（英語）", "label (English)", RDFS + "label", lang="en"),
        _text("alt_label", "別名", "alternative label", SKOS + "altLabel", multi=True),
        _text("alternate_name", "通称", "alternate name", SCHEMA + "alternateName", multi=True),
        _text("subtitle", "副題", "subtitle", DCT + "alternative", multi=True),
        Column("municipality", "団体コード", "local government code", "code", predicate=JPP + "municipality", width=12,
               help_ja="6桁の全国地方公共団体コード（検査数字を含む。5桁なら検査数字を補う）。",
               help_en="The 6-digit local government code, check digit included (5 digits: the check digit is added)."),
        Column("publisher", "発行者", "publisher", "publisher", predicate=DCT + "publisher", multi=True, width=14,
               help_ja="発行した団体の団体コード、またはID。", help_en="The publisher's code or ID."),
        _text("edition", "期・次", "edition", JPP + "edition", width=10, help_ja="第2期、第7次など。", help_en="e.g. 第2期."),
        _integer("edition_number", "期・次（数値）", "edition number", JPP + "editionNumber"),
        _concept("status", "状態", "status", JPP + "planStatus", "plan-status"),
        Column("start_year", "計画期間（初年度）", "first fiscal year", "fiscal-year", predicate=JPP + "startFiscalYear",
               width=12, help_ja="令和6年度、R6、2024 など。", help_en="e.g. 令和6年度, R6, 2024."),
        Column("end_year", "計画期間（最終年度）", "last fiscal year", "fiscal-year", predicate=JPP + "endFiscalYear", width=12),
        _text("period_label", "計画期間（原文）", "period as written", JPP + "periodLabel"),
        _text("date_label", "日付（原文）", "date as written", JPP + "dateLabel", width=16),
        Column("issued", "公表年月", "issued", "year-month", predicate=DCT + "issued", width=10,
               help_ja="令和5年3月、2023-03 など。", help_en="e.g. 令和5年3月, 2023-03."),
        Column("revision_date", "改訂年月", "revision date", "year-month", predicate=JPP + "revisionDate", width=10,
               help_ja="改訂の行に。令和5年3月、2023-03 など（空欄の文書なら空欄）。", help_en="On revision rows."),
        _ref("has_revision", "改訂", "revisions", JPP + "hasRevision", multi=True, help_ja="改訂の行のID。"),
        _ref("takes_into_account", "勘案する計画", "takes into account", JPP + "takesIntoAccount", multi=True),
        _ref("integrated_with", "一体的に策定", "integrated with", JPP + "integratedWith", multi=True),
        _ref("relies_on", "関連施策の属する計画", "relies on plan", JPP + "reliesOnPlan", multi=True),
        _ref("previous_edition", "前の期・次", "previous edition", JPP + "previousEdition", multi=True),
        _ref("subordinate_to", "上位計画", "individual plan of", JPP + "subordinateTo", multi=True),
        _ref("references", "参照する計画", "references", DCT + "references", multi=True),
        _concept("completeness", "網羅性", "completeness", JPP + "completeness", "completeness"),
        _text("completeness_note", "網羅性の注記", "completeness note", JPP + "completenessNote", multi=True),
        _text("completeness_note_en", "網羅性の注記（英語）", "completeness note (English)", JPP + "completenessNote", lang="en", multi=True),
        _integer("policy_count", "記載された政策数", "stated policies", JPP + "statedPolicyCount"),
        _integer("measure_count", "記載された施策数", "stated measures", JPP + "statedMeasureCount"),
        _text("description", "説明", "description", DCT + "description", multi=True, width=40),
        _text("seed_file", "抽出テキスト", "seed file", JPP + "seedFile", lang=None),
        _text("document_part", "文書の範囲", "part of the document", JPP + "documentPart"),
        *PROVENANCE,
    ),
    help_ja="3行目に入力する計画。4行目以降に、その計画が引用・勘案する計画（関連施策の総合計画など）、改訂、新しい出典文書。",
    help_en="Row 3: the plan you enter. Further rows: plans it cites or builds on, its revisions, new source documents.",
)


def _element_columns(*, national_direction: bool) -> tuple[Column, ...]:
    columns = [
        _id("計画の下の位置（goal-1、goal-1/direction-2 など）。空欄なら上位の下に番号を振る。",
            "Its place under the plan (goal-1, goal-1/direction-2). Blank: numbered under its parent."),
        _kind(),
        PLAN_COLUMN,
        _ref("parent", "上位", "parent", JPP + "partOf", default="parent-path",
             help_ja="上位の要素のID。空欄なら、IDの最後の / より前（その行があれば）。",
             help_en="The parent's ID. Blank: the ID up to its last / (if that is a row)."),
        _text("level_name", "階層名", "level name", JPP + "levelName", width=12, help_ja="文書での呼び方（基本目標、施策など）。",
              help_en="The document's name for the level."),
        _text("local_number", "番号", "number", JPP + "localNumber", lang=None, width=8, help_ja="文書どおりの番号（1、①、4-411）。",
              help_en="The numbering as written."),
        _integer("sequence", "順序", "order", JPP + "sequence", help_ja="同じ上位の中での掲載順（1から）。",
                 help_en="Order among its siblings (from 1)."),
        _text("label", "名称", "name", RDFS + "label", required=True, width=40),
        _text("short_label", "略称", "short name", JPP + "shortLabel"),
        _text("alt_label", "別名", "alternative name", SKOS + "altLabel", multi=True),
        _text("description", "説明", "description", DCT + "description", multi=True, width=40),
        _text("vision", "目指す姿", "vision", JPP + "vision", multi=True),
        _text("collaboration", "協働方針", "collaboration policy", JPP + "collaborationPolicy", multi=True),
        _text("citizen_role", "市民の役割", "citizens' role", JPP + "citizenRole", multi=True),
        _text("government_role", "行政の役割", "administration's role", JPP + "governmentRole", multi=True),
        _integer("policy_count", "記載された政策数", "stated policies", JPP + "statedPolicyCount"),
        _integer("measure_count", "記載された施策数", "stated measures", JPP + "statedMeasureCount"),
        Column("provisional", "仮", "provisional", "boolean", predicate=JPP + "isProvisional", width=6,
               help_ja="（仮）と書かれていれば TRUE。", help_en="TRUE if marked (仮)."),
        _concept("revision_status", "改定での扱い", "revision status", JPP + "revisionStatus", "revision-change"),
        _ref("in_revision", "対象の改定", "in revision", JPP + "inRevision"),
        _text("previous_label", "変更前の名称", "label before revision", JPP + "previousLabel"),
        _ref("merged_from", "統合元", "merged from", JPP + "mergedFrom", multi=True),
        _concept("sdg", "SDGs", "SDGs", JPP + "sdgGoal", "sdg", multi=True, help_ja="文書がSDGsに触れる場合のみ。" + MULTI_JA),
        _ref("references", "参照", "references", DCT + "references", multi=True),
        *PROVENANCE,
        _concept("policy_domain", "政策分野", "policy domain", JPP + "policyDomain", "policy-domain", multi=True,
                 graph=CLASSIFICATION, help_ja="分類（本プロジェクトの判断）。" + MULTI_JA,
                 help_en="Classification (editorial). " + MULTI_EN),
    ]
    if national_direction:
        columns.append(_concept("national_direction", "国の総合戦略の方向", "national direction", JPP + "nationalDirection",
                                "national-direction", multi=True, graph=CLASSIFICATION, help_ja="分類。" + MULTI_JA))
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


def _value_columns(role: str, ja: str, en: str) -> tuple[Column, ...]:
    return (
        Column(f"{role}_year", f"{ja}の年度", f"{en} year", "value-year", role=role, width=14,
               help_ja="令和5年度、R5、2023、平成30年度、2065年（年のみなら暦年）。(直近まで) も可。",
               help_en="令和5年度, R5, 2023, 平成30年度; 年 without 度 is a calendar year."),
        Column(f"{role}_value", ja, en, "value", role=role, width=22,
               help_ja="14,070人、12.5%、延べ 759 人、小学校:76.5% 中学校:72.1% など、書かれたとおりに。",
               help_en="As written: 14,070人, 12.5%, 延べ 759 人, 小学校:76.5% 中学校:72.1%."),
        Column(f"{role}_qualifier", f"{ja}の修飾", f"{en} qualifier", "value-qualifier", role=role, scheme="qualifier",
               multi=True, width=12, help_ja="値の文字にない修飾（延べ、累計、直近まで）。"),
        Column(f"{role}_label", f"{ja}の表示名", f"{en} label", "value-label", role=role, multi=True, width=24,
               help_ja="空欄なら「指標名 現状値（年度）」。内訳ごとに改行。"),
        Column(f"{role}_line", f"{ja}の出典の行", f"{en} source line", "value-line", role=role, multi=True, width=10,
               help_ja="空欄なら指標の出典の行。"),
    )


KPI_SHEET = Sheet(
    "kpis", "KPI", "指標（KPI・数値目標）", "Indicators (KPIs, numerical targets)",
    ("KPI", "NumericalTarget", "Indicator"),
    (
        _id("空欄なら 対象/kpi-<順序>。", "Blank: <target>/kpi-<order>."),
        _kind(required=False),
        _ref("target", "対象", "measured element", JPP + "indicatorOf", required=True, default="parent-path",
             help_ja="指標が測る要素（または計画）のID。空欄なら、IDの最後の / より前。",
             help_en="The element (or plan) measured. Blank: the ID up to its last /."),
        PLAN_COLUMN,
        _text("local_number", "番号", "number", JPP + "localNumber", lang=None, width=8),
        _integer("sequence", "順序", "order", JPP + "sequence"),
        _text("label", "指標名", "indicator", RDFS + "label", required=True, width=40),
        _concept("unit", "単位", "unit", JPP + "unit", "unit", help_ja="値に単位が書かれていなければこの単位。"),
        _concept("qualifier", "修飾", "qualifier", JPP + "qualifier", "qualifier", multi=True),
        _text("definition_note", "定義（※）", "definition note", JPP + "definitionNote", multi=True),
        Column("no_values", "出典に数値なし", "no values in source", "boolean", predicate=JPP + "noValuesInSource", width=8,
               help_ja="出典に現状値・目標値がなければ TRUE。", help_en="TRUE if the source gives no values."),
        *_value_columns("baseline", "現状値", "baseline"),
        *_value_columns("target", "目標値", "target"),
        _concept("revision_status", "改定での扱い", "revision status", JPP + "revisionStatus", "revision-change"),
        _ref("in_revision", "対象の改定", "in revision", JPP + "inRevision"),
        _text("previous_label", "変更前の名称", "label before revision", JPP + "previousLabel"),
        _ref("merged_from", "統合元", "merged from", JPP + "mergedFrom", multi=True),
        *PROVENANCE,
    ),
    help_ja="1行が1指標。現状値・目標値は年度と値を書かれたとおりに。種類が空欄ならKPI。",
    help_en="One row per indicator; baseline and target as written. Kind blank: KPI.",
)

VIEWPOINTS_SHEET = Sheet(
    "viewpoints", "視点・理念", "視点・将来像・基本姿勢・課題・策定工程", "Viewpoints, guiding statements, challenges, drafting steps",
    ("Viewpoint", "GuidingStatement", "FutureImage", "CoreConcept", "Challenge", "DraftingStep"),
    (
        _id("空欄なら viewpoint-<順序> など。", "Blank: viewpoint-<order> etc."),
        _kind(required=False),
        PLAN_COLUMN,
        _text("level_name", "階層名", "level name", JPP + "levelName", width=14),
        _text("local_number", "番号", "number", JPP + "localNumber", lang=None, width=8),
        _integer("sequence", "順序", "order", JPP + "sequence"),
        _text("label", "名称", "name", RDFS + "label", required=True, width=40),
        _text("alt_label", "別名", "alternative name", SKOS + "altLabel", multi=True),
        _text("description", "説明", "description", DCT + "description", multi=True, width=40),
        _text("definition", "定義", "definition", SKOS + "definition", multi=True),
        Column("provisional", "仮", "provisional", "boolean", predicate=JPP + "isProvisional", width=6),
        _text("date_label", "日付（原文）", "date as written", JPP + "dateLabel", width=14),
        _concept("revision_status", "改定での扱い", "revision status", JPP + "revisionStatus", "revision-change"),
        _ref("in_revision", "対象の改定", "in revision", JPP + "inRevision"),
        _ref("merged_from", "統合元", "merged from", JPP + "mergedFrom", multi=True),
        *PROVENANCE,
        _concept("shared_viewpoint", "共通視点", "shared viewpoint", JPP + "mapsToConcept", "viewpoint", multi=True,
                 graph=CLASSIFICATION, help_ja="視点の行に。一覧から選ぶ（分類）。", help_en="On viewpoint rows; pick from the list."),
        Column("no_shared_viewpoint", "共通視点なし", "no shared viewpoint", "boolean", predicate=JPP + "noSharedConcept",
               graph=CLASSIFICATION, width=8, help_ja="どの共通視点にも当たらないと判断したら TRUE。"),
        *CLASSIFICATION_NOTES,
    ),
    help_ja="計画が掲げる視点（共通する視点・重要な視点など）、将来像・基本姿勢、課題、策定工程。種類が空欄なら視点。",
    help_en="The plan's viewpoints, guiding statements, challenges, drafting steps. Kind blank: viewpoint.",
)

REFERENCES_SHEET = Sheet(
    "references", "関連施策", "関連施策（総合計画の施策への参照）", "Related measures (cross-references)",
    ("MeasureReference",),
    (
        _id("空欄なら 引用元/ref-<順序>。", "Blank: <citing element>/ref-<order>."),
        _ref("cited_by", "引用元", "cited by", JPP + "hasMeasureReference", required=True, default="parent-path",
             inverse=True, help_ja="関連施策を示す要素（基本方向など）のID。",
             help_en="The element that names the related measure."),
        _ref("measure", "施策", "measure", JPP + "referencedMeasure", required=True,
             help_ja="引用される施策のID（施策・取組シートの行、例 plan/132055/comprehensive-plan-7/measure-2-1）。",
             help_en="The cited measure's ID (a row of the measures sheet)."),
        _text("cited_title", "引用された施策名", "cited title", JPP + "citedTitle", required=True, width=30),
        Column("cited_page", "掲載頁", "page", "page", predicate=JPP + "citedPage", width=8,
               help_ja="42、P42、P.42 など。", help_en="42, P42, P.42."),
        _integer("sequence", "順序", "order", JPP + "sequence"),
        _text("label", "表示名", "label", RDFS + "label", width=30),
        *PROVENANCE,
    ),
    help_ja="総合戦略の要素が示す関連施策（番号・名称・頁）。1行が1参照。",
    help_en="Related measures named by a strategy's elements (code, title, page). One row per citation.",
)

LINKS_SHEET = Sheet(
    "links", "テーマ関連", "テーマとの関連（分類）", "Thematic links (editorial)",
    ("ThematicLink",),
    (
        _id("空欄なら 対象/link-<概念>。", "Blank: <resource>/link-<concept>."),
        _ref("resource", "対象", "resource", JPP + "linkedResource", required=True, default="parent-path", graph=CLASSIFICATION),
        _concept("concept", "共通視点", "concept", JPP + "linkedConcept", "viewpoint", required=True, graph=CLASSIFICATION),
        _text("evidence", "根拠となる文言", "evidence", JPP + "evidence", multi=True, required=True, graph=CLASSIFICATION, width=40),
        _text("label", "表示名", "label", RDFS + "label", graph=CLASSIFICATION, width=30),
        _ref("attributed_to", "判断した者", "attributed to", PROV + "wasAttributedTo", multi=True, default="editors",
             graph=CLASSIFICATION, help_ja="空欄なら jpp:ProjectEditors。"),
        _ref("source", "出典", "source", PROV + "wasDerivedFrom", multi=True, default="source", graph=CLASSIFICATION),
        _integer("seed_line", "出典の行", "source line", JPP + "seedLine", graph=CLASSIFICATION),
    ),
    graph=CLASSIFICATION,
    help_ja="視点として掲げずに共通視点に取り組む記述（本プロジェクトの分類）。根拠の文言を引用する。",
    help_en="Statements that address a shared viewpoint without naming it (editorial), with the quoted evidence.",
)

OTHER_SHEET = Sheet(
    "other", "その他の記述", "その他の記述", "Other statements",
    (),
    (
        Column("subject", "対象", "subject", "subject", required=True, width=36, help_ja="記述する資源のID。"),
        Column("property", "プロパティ", "property", "property", required=True, width=24,
               help_ja="skos:note のような接頭辞付きの名前、または <IRI>。"),
        Column("object", "値", "value", "object", width=40, help_ja="文字列、またはID。"),
        Column("object_type", "値の種類", "value type", "object-type", width=14,
               help_ja="@ja（言語）、xsd:integer（データ型）、ID（資源）。空欄なら言語なしの文字列。",
               help_en="@ja (language), xsd:integer (datatype), ID (a resource). Blank: a plain string."),
        Column("graph", "区分", "graph", "graph", width=10, help_ja="記述（空欄）または 分類。",
               help_en="facts (blank) or classification."),
    ),
    help_ja="どの列にも当てはまらない記述を1行に1つ。書き出しでは、列に入らない記述がすべてここに並ぶ。",
    help_en="Statements that fit no column, one per row. Export puts everything that has no column here.",
)

DATA_SHEETS = (PLAN_SHEET, GOALS_SHEET, MEASURES_SHEET, KPI_SHEET, VIEWPOINTS_SHEET, REFERENCES_SHEET, LINKS_SHEET)
SHEETS = DATA_SHEETS + (OTHER_SHEET,)
INSTRUCTIONS_SHEET_NAME = "説明"
LISTS_SHEET_NAME = "リスト"

# The last segment of a generated ID, per class (data/README.md, "IRIs").
ID_SLUGS = {
    "Goal": "goal", "Pillar": "pillar", "Policy": "policy", "Direction": "direction", "Enabler": "enabler",
    "Measure": "measure", "Initiative": "initiative", "KPI": "kpi", "NumericalTarget": "numerical-target",
    "Indicator": "indicator", "Viewpoint": "viewpoint", "GuidingStatement": "statement", "FutureImage": "future-image",
    "CoreConcept": "core-concept", "Challenge": "challenge", "DraftingStep": "step", "Revision": "revision",
    "MeasureReference": "ref", "ComprehensivePlan": "comprehensive-plan", "RevitalisationStrategy": "strategy",
    "DigitalGardenCityStrategy": "strategy", "Plan": "plan",
}
PLAN_CLASSES = ("Plan", "ComprehensivePlan", "RevitalisationStrategy", "DigitalGardenCityStrategy")
ELEMENT_SHEETS = ("goals", "measures")
VALUE_ROLES = {"baseline": ("BaselineValue", "hasBaseline", "現状値"), "target": ("TargetValue", "hasTarget", "目標値")}

GRAPH_WORDS = {FACTS: ("", "記述", "facts"), CLASSIFICATION: ("分類", "classification")}


def sheet_for_class(local_name: str) -> Sheet | None:
    return next((s for s in DATA_SHEETS if local_name in s.classes), None)


def sheet_by_name(name: str) -> Sheet | None:
    """A sheet by its Excel name, key or English title (CSV files may use any of them)."""
    wanted = name.strip().casefold()
    return next((s for s in SHEETS if wanted in (s.name.casefold(), s.key, s.title_en.casefold())), None)
