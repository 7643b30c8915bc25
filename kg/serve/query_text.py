"""The query page's words in Japanese and English: its labels, and the headers of the answers' columns (the
queries' variables) and of the questions' parameters."""

from __future__ import annotations

# variable -> (Japanese, English)
COLUMN_NAMES: dict[str, tuple[str, str]] = {
    "municipality": ("自治体", "Municipality"), "publisher": ("策定主体", "Publisher"),
    "plan": ("計画", "Plan"), "number": ("番号", "No."), "viewpoint": ("視点", "Viewpoint"),
    "revision": ("改定", "Revision"), "version": ("版", "Version"), "kind": ("種類", "Kind"), "item": ("項目", "Item"),
    "evidence": ("根拠の記述", "Evidence"), "how": ("関わり方", "How"), "goal": ("目標", "Goal"),
    "sdgGoals": ("SDGsの目標数", "SDG goals"),
    "no1": ("番号1", "No. 1"), "level1": ("第1階層", "Level 1"), "no2": ("番号2", "No. 2"),
    "level2": ("第2階層", "Level 2"), "no3": ("番号3", "No. 3"), "level3": ("第3階層", "Level 3"),
    "no4": ("番号4", "No. 4"), "level4": ("第4階層", "Level 4"), "kpi": ("指標（KPI）", "KPI"),
    "breakdown": ("内訳", "Breakdown"), "baselineYear": ("現状値の年度", "Baseline year"),
    "baselineValue": ("現状値", "Baseline"), "targetYear": ("目標年度", "Target year"),
    "targetValue": ("目標値", "Target"), "unit": ("単位", "Unit"), "yearKind": ("年の種類", "Year kind"),
    "targetDirection": ("目標の方向", "Target direction"), "targetBound": ("目標の範囲", "Target bound"),
    "years": ("年数", "Years"), "changePerYear": ("1年あたりの変化", "Change per year"),
    "goals": ("目標数", "Goals"), "policies": ("政策数", "Policies"), "directions": ("方向性数", "Directions"),
    "measures": ("施策数", "Measures"), "initiatives": ("取組数", "Initiatives"),
    "enablerItems": ("推進項目数", "Enabler items"), "kpis": ("指標数", "KPIs"),
    "kpisDropped": ("削除された指標数", "KPIs dropped"), "citedMeasures": ("引用された施策数", "Cited measures"),
    "completeness": ("網羅性", "Completeness"), "completenessNote": ("網羅性の注記", "Completeness note"),
    "matched": ("一致した語", "Matched"), "notation": ("記号", "Notation"), "direction": ("方向性", "Direction"),
    "covered": ("対応あり", "Covered"), "classifiedBy": ("分類した者", "Classified by"),
    "element": ("計画要素", "Element"), "change": ("変更", "Change"), "previous": ("以前の指標", "Previous"),
    "goalNo": ("目標番号", "Goal no."), "directionNo": ("方向性番号", "Direction no."), "code": ("コード", "Code"),
    "measure": ("施策", "Measure"), "page": ("ページ", "Page"), "citedBy": ("引用元", "Cited by"),
    "start": ("開始年度", "Start"), "end": ("終了年度", "End"), "startStated": ("開始年度（記載）", "Start (stated)"),
    "endStated": ("終了年度（記載）", "End (stated)"), "status": ("状態", "Status"),
    "domain": ("政策分野", "Policy domain"), "elements": ("計画要素数", "Elements"),
    "statement": ("記述", "Statement"), "statements": ("記述数", "Statements"), "graph": ("グラフ", "Graph"),
    "source": ("出典", "Source"), "seedFile": ("抽出テキスト", "Seed file"), "seedLine": ("行", "Line"),
    "concept": ("共通視点", "Shared concept"), "noSharedConcept": ("対応なし", "No shared concept"),
    # parameters
    "year": ("年度", "Year"), "keyword": ("キーワード", "Keyword"), "resource": ("資源のIRI", "Resource IRI"),
}


def column_name(variable: str, lang: str) -> str:
    names = COLUMN_NAMES.get(variable)
    if names is None:
        return variable
    return names[0] if lang == "ja" else names[1]


UI: dict[str, dict[str, str]] = {
    "ja": {
        "title": "質問とSPARQLクエリ", "title_other": "Questions and SPARQL",
        "intro": "質問を選び、条件を入れて「答えを表示」を押すと、答えが表（数値はグラフも）で表示されます。",
        "question": "質問", "choose": "— 質問を選んでください —", "show_question": "この質問を開く",
        "parameters": "条件", "run": "答えを表示", "answer": "答え", "rows": "件",
        "hint_municipality": "自治体名（例: 青梅市）または6桁の団体コード。名前の一部でも候補を示します。",
        "hint_year": "西暦（2026）または和暦（令和8、令和8年度、平成30）",
        "hint_keyword": "名前や説明に含まれる語（例: 子育て）",
        "hint_iri": "このデータの資源のIRI（資源のページに示されています）",
        "hint_integer": "整数", "hint_decimal": "数", "hint_date": "日付（YYYY-MM-DD）", "hint_boolean": "true か false",
        "required": "必須",
        "not_found": "その名前の自治体は見つかりません。次の候補から選んでください:",
        "no_candidates": "その名前を含む自治体は見つかりません。自治体名（〇〇市・〇〇町・〇〇村）か6桁の団体コードを入れてください。",
        "unknown_question": "その名前の質問はありません",
        "empty": "該当する行はありません。",
        "sparql": "このクエリのSPARQL", "edit": "エディターで編集する",
        "download": "答えのダウンロード", "chart": "グラフ", "chart_of": "グラフにする列",
        "chart_more": "最初の{n}行を表示しています（全{total}行）。",
        "editor": "SPARQLを書いて実行する", "editor_note": "接頭辞を省いたクエリには、本プロジェクトの接頭辞を追加できます。",
        "add_prefixes": "接頭辞を追加", "run_editor": "実行", "link_query": "このクエリへのリンク",
        "error": "答えを出せませんでした", "seconds": "秒", "yes": "はい", "no": "いいえ",
        "limits": "1クエリ {timeout} 秒まで、{rows} 行、{bytes} バイトまで。既定グラフはすべてのグラフの和です。",
    },
    "en": {
        "title": "Questions and SPARQL", "title_other": "質問とSPARQLクエリ",
        "intro": "Pick a question, fill in its conditions and press “Show the answer”: the answer is shown as a table "
                 "(and numbers as a chart).",
        "question": "Question", "choose": "— pick a question —", "show_question": "Open this question",
        "parameters": "Conditions", "run": "Show the answer", "answer": "Answer", "rows": "rows",
        "hint_municipality": "A municipality's name (e.g. 青梅市) or its 6-digit code; part of a name offers candidates.",
        "hint_year": "A year (2026) or a Japanese era year (令和8, 令和8年度, 平成30)",
        "hint_keyword": "A word in the names or descriptions (e.g. 子育て)",
        "hint_iri": "the IRI of a resource of this data (its page shows it)",
        "hint_integer": "a whole number", "hint_decimal": "a number", "hint_date": "a date (YYYY-MM-DD)",
        "hint_boolean": "true or false", "required": "required",
        "not_found": "No municipality has that name. Pick one of these:",
        "no_candidates": "No municipality's name contains that. Give a municipality's name (…市, …町, …村) or its "
                         "6-digit code.",
        "unknown_question": "There is no question of that name",
        "empty": "No rows match.",
        "sparql": "The SPARQL of this question", "edit": "Edit it in the editor",
        "download": "Download the answer", "chart": "Chart", "chart_of": "Column to draw",
        "chart_more": "The first {n} rows are drawn ({total} in all).",
        "editor": "Write and run SPARQL", "editor_note": "A query without PREFIX lines can have the project's prefixes added.",
        "add_prefixes": "Add prefixes", "run_editor": "Run", "link_query": "Link to this query",
        "error": "The answer could not be given", "seconds": "s", "yes": "yes", "no": "no",
        "limits": "At most {timeout} s, {rows} rows and {bytes} bytes per query. The default graph is the union of "
                  "all graphs.",
    },
}
