"""What ingest says, in Japanese and English: each problem names its cell and says what to write instead."""

from __future__ import annotations

from dataclasses import dataclass, field

MESSAGES: dict[str, tuple[str, str]] = {
    # years
    "year.empty": ("年度が空です。令和5年度、R5、2023 のように書いてください。",
                   "The year is empty: write it as 令和5年度, R5 or 2023."),
    "year.unreadable": ("「{text}」は年度として読めません。令和5年度、R5、2023、平成30年度 のように年を数字で書いてください（年のみなら暦年）。",
                        "Cannot read 「{text}」 as a year: write the year with its number, e.g. 令和5年度, R5, 2023, 平成30年度 (年 without 度 is a calendar year)."),
    "year.era_out_of_range": ("「{text}」の元号の年がその元号にありません（平成は31年まで、昭和は64年まで）。",
                              "「{text}」: that era has no such year (平成 ends in 31, 昭和 in 64)."),
    "year.era_mismatch": ("「{text}」の元号の年（{era_year}年）と西暦（{western}年）が一致しません。どちらかを直してください。",
                          "「{text}」: the era year ({era_year}) and the western year ({western}) differ; correct one of them."),
    "year.out_of_range": ("「{text}」（{year}年）は1900〜2200年の範囲にありません。",
                          "「{text}」 ({year}) is outside 1900-2200."),
    "year.calendar_not_fiscal": ("「{text}」は暦年です。計画期間は年度で書いてください（例：{year}年度）。",
                                 "「{text}」 is a calendar year: write the plan period in fiscal years (e.g. {year}年度)."),
    "year_month.unreadable": ("「{text}」は年月として読めません。令和5年3月、2023-03 のように書いてください。日付が空欄の文書なら、このセルは空にして「日付（原文）」に書かれたとおりに書いてください。",
                              "Cannot read 「{text}」 as a year and month: write 令和5年3月 or 2023-03. If the document leaves it blank, leave this cell empty and copy the wording to 日付（原文）."),
    # values
    "value.empty": ("値が空です。", "The value is empty."),
    "value.no_number": ("「{text}」から数値を読めません。14,070人、12.5%、延べ 759 人 のように数字と単位で書いてください。",
                        "Cannot read a number in 「{text}」: write digits and a unit, e.g. 14,070人, 12.5%, 延べ 759 人."),
    "value.approximate": ("「{text}」は概数（約）です。数値だけを書き、概数であることは「注記」に書いてください。",
                          "「{text}」 is approximate (約): write the number only and say it is approximate in 注記 (note)."),
    "value.unknown_unit": ("「{text}」の単位「{unit}」は単位の一覧にありません。次のいずれかにしてください：{known}。",
                           "「{text}」: the unit 「{unit}」 is not in the unit list; use one of {known}."),
    "value.unit_differs": ("「{text}」の単位「{unit}」が指標の「単位」列と違います。どちらかを直してください。",
                           "「{text}」: the unit 「{unit}」 differs from the indicator's 単位 (unit) column; correct one of them."),
    "value.no_unit": ("「{text}」に単位がありません。値に単位を付ける（615人、12.5%）か、「単位」列で選んでください。",
                      "「{text}」 has no unit: write it with the value (615人, 12.5%) or pick one in the 単位 (unit) column."),
    "value.breakdown_twice": ("「{text}」で内訳「{breakdown}」が2回書かれています。",
                              "「{text}」 names the breakdown 「{breakdown}」 twice."),
    "value.text_before_breakdown": ("「{text}」の内訳の前に読めない文字があります。小学校:76.5% 中学校:72.1% のように書いてください。",
                                    "「{text}」 has text before its first breakdown: write e.g. 小学校:76.5% 中学校:72.1%."),
    "value.year_missing": ("値「{text}」の年度がありません。このセルに年度（令和5年度、2023 など）を書いてください。",
                           "The value 「{text}」 has no year: write its year here (令和5年度, 2023 …)."),
    "value.value_missing": ("年度「{text}」の値がありません。このセルに値を書くか、年度を消してください。",
                            "The year 「{text}」 has no value: write the value here or clear the year."),
    "value.target_before_baseline": ("警告：目標値の年度（{target}）が現状値の年度（{baseline}）より前です。年度を確かめてください。",
                                     "Warning: the target year ({target}) is before the baseline year ({baseline}): check the years."),
    "value.one_per_row": ("実績値は1行に1つです（内訳が{parts}つあります）。内訳ごとに行を分けてください（小学校:76.5% の行と 中学校:72.1% の行）。",
                          "One achieved value per row ({parts} breakdowns here): write each breakdown on its own row."),
    "value.no_indicator": ("実績値の指標がありません。「指標」の列に指標のIDを書いてください。",
                           "The achieved value has no indicator: write the indicator's ID in the indicator column."),
    "evaluation.meaning_differs": ("評価「{grade}」の意味が行によって違います（「{first}」と「{second}」）。同じ評価には同じ意味を書いてください。",
                                   "The grade 「{grade}」 means different things on different rows (「{first}」, 「{second}」): give it one meaning."),
    "evaluation.meaning_without_grade": ("評価の意味だけがあり、評価がありません。「評価」の列に評価（A など）を書いてください。",
                                         "A meaning without a grade: write the grade (A, ◎ …) in the evaluation column."),
    "value.lines_mismatch": ("行数（{lines}）が値の内訳の数（{parts}）と合いません。1行だけ書くか、内訳ごとに1行ずつ書いてください。",
                             "{lines} line(s) for {parts} breakdown(s): write one line, or one line per breakdown."),
    "value.direction_not_target": ("「{text}」は方向（増加・減少・現状維持）です。方向を書けるのは目標値だけです。現状値には数値と単位（14,070人 など）を書いてください。",
                                   "「{text}」 is a direction (増加/減少/現状維持), which only a target may be: give the baseline a number and unit (e.g. 14,070人)."),
    "value.year_contradicts": ("「{text}」に書かれた年度（{value_year}）が年度の列（{column_year}）と違います。どちらかを直すか、年度の列を空欄にしてください。",
                               "「{text}」 names the year {value_year}, but the year column says {column_year}: correct one of them, or leave the year column blank."),
    "kpi.no_values": ("現状値・目標値がありません。値を書くか、出典に数値がなければ「出典に数値なし」を TRUE にしてください。",
                      "No baseline or target: write the values, or set 出典に数値なし (no values in source) to TRUE."),
    # codes and plain cells
    "code.form": ("団体コード「{text}」は6桁の数字ではありません。総務省の全国地方公共団体コード（例：132055）を書いてください。",
                  "The local government code 「{text}」 is not 6 digits: write the code from the national list (e.g. 132055)."),
    "code.check_digit": ("団体コード「{text}」の検査数字（6桁目）が正しくありません（上5桁からは {expected} になります）。コードを確かめてください。",
                         "The check digit (6th digit) of the code 「{text}」 is wrong (the first five digits give {expected}): check the code."),
    "municipality.check_digit": ("団体コード「{text}」の検査数字（6桁目）が正しくありません（上5桁からは {expected} になります）。{expected} は{name}です。コードを確かめてください。",
                                 "The check digit (6th digit) of the code 「{text}」 is wrong (the first five digits give {expected}, which is {name}): check the code."),
    "municipality.unknown_code": ("団体コード「{text}」の団体は全国地方公共団体コードの一覧にありません。近いもの：{suggestions}。",
                                  "No municipality has the code 「{text}」 in the national list of local government codes; nearest: {suggestions}."),
    "municipality.unknown_name": ("「{text}」という市区町村は全国地方公共団体コードの一覧にありません。近いもの：{suggestions}。名前を一覧から選ぶか、6桁の団体コードを書いてください。",
                                  "No municipality is called 「{text}」 in the national list; nearest: {suggestions}. Pick the name from the list or write the 6-digit code."),
    "municipality.ambiguous_name": ("「{text}」という市区町村は複数あります：{options}。都道府県名を付けて（例：東京都府中市）書くか、団体コードを書いてください。",
                                    "Several municipalities are called 「{text}」: {options}. Write it with its prefecture (e.g. 東京都府中市) or write the code."),
    "municipality.ambiguous_number": ("「{text}」は数値として入力されたため（Excel は先頭の0を消します）、次のどちらとも読めます：{options}。セルの書式を文字列にして6桁の団体コードを書いてください。",
                                      "「{text}」 was entered as a number (Excel drops leading zeros) and can be read as either {options}: format the cell as Text and write the 6-digit code."),
    "municipality.is_prefecture": ("「{text}」は都道府県（{name}）です。市区町村の団体コードか名前を書いてください。",
                                   "「{text}」 is a prefecture ({name}): write a municipality's code or name."),
    "municipality.name_code_mismatch": ("「{text}」の団体コード {code_found} は{code_name}で、名前「{name}」と合いません。どちらかを直してください。",
                                        "「{text}」: the code {code_found} is {code_name}, which does not match the name 「{name}」; correct one of them."),
    "integer.unreadable": ("「{text}」は整数として読めません。数字だけを書いてください。",
                           "Cannot read 「{text}」 as a whole number: write digits only."),
    "integer.too_small": ("「{text}」は {minimum} 以上にしてください。", "「{text}」 must be {minimum} or more."),
    "page.unreadable": ("「{text}」は頁として読めません。42、P42 のように書いてください。",
                        "Cannot read 「{text}」 as a page: write 42 or P42."),
    "boolean.unreadable": ("「{text}」は TRUE か FALSE（はい・いいえ）で書いてください。",
                           "Write TRUE or FALSE (はい/いいえ) instead of 「{text}」."),
    "concept.unknown": ("「{text}」は{scheme}の一覧にありません。次のいずれかを選んでください：{known}。",
                        "「{text}」 is not in the list of {scheme_en}: pick one of {known}."),
    "kind.unknown": ("種類「{text}」はこのシートにありません。次のいずれかを選んでください：{known}。",
                     "The kind 「{text}」 does not belong on this sheet: pick one of {known}."),
    "cell.required": ("「{column}」は必須です。空欄にしないでください。", "「{column}」 is required: fill it in."),
    "cell.one_value": ("「{column}」には値を1つだけ書いてください（{count}行あります）。",
                       "「{column}」 takes one value only ({count} lines given)."),
    "cell.date": ("Excel がこのセルを日付（{text}）に変えています。列の書式を「文字列」にして、書かれたとおり（2-1 など）に入れ直してください。",
                  "Excel turned this cell into a date ({text}): format the column as Text and type the value again as written (e.g. 2-1)."),
    "cell.newline_in_text": ("改行は値の区切りです。この列は1つの値なので、改行を除いてください。",
                             "A line break separates values, and this column takes one value: remove the line break."),
    # IDs and references
    "id.form": ("ID「{text}」は使えません。半角英数字と - . / だけで goal-1/direction-2 のように書くか、https:// で始まるIRIにしてください。",
                "The ID 「{text}」 cannot be used: write letters, digits, - . / only (goal-1/direction-2), or a full https:// IRI."),
    "id.no_plan": ("「{text}」は計画の下のIDですが、計画シートの1行目の計画がありません。",
                   "「{text}」 is an ID under the plan, but the plan sheet has no plan on its first row."),
    "id.duplicate": ("ID「{text}」は {other} でも使われています。別のIDにしてください。",
                     "The ID 「{text}」 is also used at {other}: give one of them another ID."),
    "id.cannot_generate": ("IDを自動で作るには「{column}」が必要です。IDか「{column}」を書いてください。",
                           "To number this row, kg needs 「{column}」: write an ID or fill in 「{column}」."),
    "ref.unknown": ("「{text}」というIDの行がなく、プロジェクトのデータにもありません。IDの綴りを確かめるか、その行を追加してください。",
                    "No row has the ID 「{text}」 and the project's data does not have it either: check the spelling or add the row."),
    "plan.first_row": ("計画シートの1行目（3行目）は入力する計画にしてください（種類：{known}）。",
                       "The first data row of the plan sheet must be the plan you enter (kind: {known})."),
    "plan.missing": ("計画シートに計画がありません。3行目に計画を書いてください。",
                     "The plan sheet has no plan: write the plan on row 3."),
    "plan.cannot_name": ("計画のIDを作れません。IDを書くか、団体コードと種類を書いてください。",
                         "Cannot name the plan: write an ID, or fill in the code and kind."),
    # the shapes' verdict, in the workbook's words (kg.intake.shape_words)
    "shape.required": ("「{column}」が空です。{hint}", "「{column}」 ({column_en}) is empty. {hint_en}"),
    "shape.one_value": ("「{column}」には1つだけ書いてください。", "「{column}」 ({column_en}) takes one value only."),
    "shape.wrong_kind": ("「{column}」の「{text}」は{expected}ではありません。{expected}の行のIDを書いてください。",
                         "「{column}」 ({column_en}): 「{text}」 is not a {expected_en}; give the ID of a {expected_en} row."),
    "shape.bad_value": ("「{column}」の「{text}」は使えません。{hint}", "「{column}」 ({column_en}): 「{text}」 cannot be used. {hint_en}"),
    "source.missing": ("計画の「出典」が空です。出典文書のID（source/<団体コード>-<名前>、例 source/132012-hachioji-strategy）を書いてください。他の行の出典はこの値になります。",
                       "The plan's 出典 (source) is empty: write its source document's ID (source/<code>-<name>, e.g. "
                       "source/132012-hachioji-strategy). Every other row's source defaults to it."),
    "source.typo": ("出典文書「{text}」はありません。「{suggestion}」の書き間違いではありませんか？新しい文書なら、計画シートにその出典文書の行を追加してください。",
                    "There is no source document 「{text}」: did you mean 「{suggestion}」? For a new document, add its row to the plan sheet."),
    "source.created": ("出典文書 {text} は計画シートに行がないため、計画の行（名称・発行者・状態・網羅性）から作りました。",
                       "The source document {text} has no row on the plan sheet: it was made from the plan's row (title, publisher, status, completeness)."),
    # headers and sheets
    "header.unknown": ("列見出し「{text}」はテンプレートにありません。列を消すか、内容を「その他の記述」シートに移してください。",
                       "The column 「{text}」 is not in the template: delete it or move its contents to the その他の記述 (other statements) sheet."),
    "header.missing": ("必須の列「{column}」がありません。テンプレート（kg template）から列を戻してください。",
                       "The required column 「{column}」 is missing: restore it from the template (kg template)."),
    # other statements
    "other.property": ("プロパティ「{text}」を読めません。skos:note のような接頭辞付きの名前か <https://…> で書いてください。",
                       "Cannot read the property 「{text}」: write a prefixed name such as skos:note, or <https://…>."),
    "other.object_type": ("値の種類「{text}」を読めません。@ja、xsd:integer、ID のいずれかの形で書いてください。",
                          "Cannot read the value type 「{text}」: write @ja, xsd:integer or ID."),
    "other.graph": ("区分「{text}」を読めません。空欄（記述）か「分類」にしてください。",
                    "Cannot read the graph 「{text}」: leave it blank (facts) or write 分類 (classification)."),
    "other.literal": ("値「{text}」は {datatype} として正しくありません。", "The value 「{text}」 is not a valid {datatype}."),
    # files
    "file.not_found": ("{path} が見つかりません。", "{path} does not exist."),
    "file.unreadable": ("{path} を読めません（{reason}）。Excel ブック（.xlsx）か、シートごとのCSVを入れたフォルダを指定してください。",
                        "Cannot read {path} ({reason}): give an Excel workbook (.xlsx) or a folder of CSV files, one per sheet."),
    "file.no_plan_sheet": ("{path} に「計画」シート（CSVなら 計画.csv か plan.csv）がありません。kg template で作ったテンプレートに入力してください。",
                           "{path} has no 計画 (plan) sheet (for CSV: 計画.csv or plan.csv): fill in a template made by kg template."),
    "file.not_template": ("{where} の1行目が列見出しではありません。kg template で作ったテンプレートの見出し（1行目：日本語、2行目：英語）を残してください。",
                          "Row 1 of {where} holds no column headers: keep the template's headers (row 1 Japanese, row 2 English)."),
    "file.xls": ("{path} は古い Excel 形式（.xls）です。Excel で開き、「名前を付けて保存」で「Excel ブック（*.xlsx）」として保存してから、その .xlsx を指定してください。",
                 "{path} is in the old Excel format (.xls): open it in Excel, save it as an Excel Workbook (*.xlsx) and give that file."),
    "file.not_zip": ("Excel ブック（.xlsx）の形式ではありません", "not in the Excel workbook (.xlsx) format"),
    "file.too_large": ("{size:,} バイトを超えています", "over {size:,} bytes"),
    "file.csv_not_folder": ("CSVはシートごとのファイルを入れたフォルダを指定します", "CSV: give the folder that holds one CSV per sheet"),
    "out.folder_missing": ("出力先のフォルダ {folder} がありません。フォルダ名を確かめるか、先にフォルダを作ってください。何も書き出していません。",
                           "The output folder {folder} does not exist: check the name, or create the folder first. Nothing was written."),
    "out.not_a_folder": ("出力先 {folder} はフォルダではありません（同じ名前のファイルがあります）。--out を確かめてください。何も書き出していません。",
                         "The output location {folder} is not a folder (a file has that name): check --out. Nothing was written."),
    "out.no_space": ("{path} を書き込めません：ディスクの空きがありません。空きを作るか別の --out を指定してください。データファイルは変更していません。",
                     "Cannot write {path}: the disk is full. Free some space or choose another --out; no data file was changed."),
    "out.no_permission": ("{path} を書き込む権限がありません。書き込めるフォルダを --out に指定してください。データファイルは変更していません。",
                          "No permission to write {path}: give a folder you may write to in --out; no data file was changed."),
    "out.cannot_write": ("{path} を書き込めません（{reason}）。--out を確かめてください。データファイルは変更していません。",
                         "Cannot write {path} ({reason}): check --out; no data file was changed."),
    "out.not_ttl": ("{path}：出力は Turtle ファイル（.ttl）にしてください（例：data/ttl/132012-hachioji-strategy.ttl）。",
                    "{path}: the output must be a Turtle file (.ttl), e.g. data/ttl/132012-hachioji-strategy.ttl."),
    "out.not_xlsx": ("{path}：ブックの名前は .xlsx で終わるようにしてください（例：plan-template.xlsx）。",
                     "{path}: the workbook must be an .xlsx file (e.g. plan-template.xlsx)."),
    "file.csv_encoding": ("{path} の文字コードを読めません。UTF-8 か Shift_JIS で保存してください。",
                          "Cannot decode {path}: save it as UTF-8 or Shift_JIS."),
}

SCHEME_NAMES = {
    "viewpoint": ("共通視点", "shared viewpoints"), "policy-domain": ("政策分野", "policy domains"),
    "national-direction": ("国の総合戦略の方向", "national directions"), "unit": ("単位", "units"),
    "qualifier": ("値の修飾", "value qualifiers"), "breakdown": ("内訳", "breakdowns"),
    "revision-change": ("改定での扱い", "revision changes"), "plan-status": ("計画の状態", "plan statuses"),
    "completeness": ("網羅性", "completeness values"), "sdg": ("SDGs", "SDGs"),
}


def message(code: str, lang: str, **params) -> str:
    ja, en = MESSAGES[code]
    template = ja if lang == "ja" else en
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


@dataclass(frozen=True)
class Problem:
    """One thing to fix, at a cell (sheet, row, column letter) when it has one."""
    code: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None            # the column letter
    header: tuple[str, str] | None = None  # (ja, en) header of the column
    params: dict = field(default_factory=dict, compare=False, hash=False)
    text: str | None = None              # a ready message in Japanese (its English in params["en"])

    @property
    def address(self) -> str | None:
        if self.sheet is None:
            return None
        if self.row is None:
            return self.sheet
        return f"{self.sheet}!{self.column or 'A'}{self.row}"

    def render(self, lang: str = "ja") -> str:
        if self.text is not None:  # a ready message: Japanese, and English in params["en"]
            body = self.text if lang == "ja" else self.params.get("en", self.text)
        else:
            body = message(self.code, lang, **self.params)
        where = self.address
        if where and self.header:
            name = self.header[0] if lang == "ja" else self.header[1]
            where += f"〔{name}〕" if lang == "ja" else f" [{name}]"
        return f"{where}: {body}" if where else body


def render_problems(problems: list[Problem], *, lang: str, source: str) -> str:
    count = len(problems)
    head = (f"{source}: {count} 件の問題があります。何も書き出していません。" if lang == "ja"
            else f"{source}: {count} problem(s); nothing was written.")
    return "\n".join([head, *(f"  {p.render(lang)}" for p in problems)])
