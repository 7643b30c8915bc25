"""Writing the workbook: the empty template (`kg template`) and a filled one (`kg export`) look the same.

Each data sheet has the Japanese header on row 1 and the English one on row 2 (frozen), drop-down lists for kinds
and for every column whose values come from a SKOS scheme (labels read from ontology/vocab/*.ttl), and a comment on
each header saying what to write. A hidden リスト sheet holds the lists; the 説明 sheet explains everything in both
languages.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..reference import Registry, national_registry
from .columns import CLASSIFICATION, Column, Sheet
from .kinds import MUNICIPALITY_LIST
from .layout import FIRST_DATA_ROW, INSTRUCTIONS_SHEET_NAME, LISTS_SHEET_NAME, SHEETS
from .messages import SCHEME_NAMES
from .municipality import list_entry
from .values import NONE_MARK
from .vocabulary import Vocabulary

VALIDATED_ROWS = 2000  # drop-downs reach this row; a plan has a few hundred rows at most
HEADER_FILL, REQUIRED_FILL, EDITORIAL_FILL = "DDEBF7", "FCE4D6", "E2EFDA"
BOOLEAN_WORDS = ["TRUE", "FALSE"]


def build_workbook(vocabulary: Vocabulary, rows: dict[str, list[dict]] | None = None, *, registry: Registry | None = None):
    """A workbook with every sheet of the layout; `rows` (sheet key → list of {column key: cell value}) fills it.
    `registry`: the national list the municipality drop-down offers (None: the bundled one)."""
    from openpyxl import Workbook

    book = Workbook()
    instructions = book.active
    instructions.title = INSTRUCTIONS_SHEET_NAME
    lists = _lists(book, vocabulary, registry or national_registry())
    breakdown_words = _breakdown_words(lists)
    for sheet in SHEETS:
        _data_sheet(book, sheet, lists, breakdown_words, (rows or {}).get(sheet.key, []))
    _instructions(instructions, vocabulary)
    book.move_sheet(lists.title, offset=len(book.sheetnames))
    lists.sheet_state = "hidden"
    return book


def save_workbook(book, path: Path) -> None:
    """Write next to the target and rename, so that a failure never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".kg-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_template(path: Path, vocabulary: Vocabulary, *, registry: Registry | None = None) -> None:
    save_workbook(build_workbook(vocabulary, registry=registry), path)


# --- lists ---------------------------------------------------------------------------------------------

def _lists(book, vocabulary: Vocabulary, registry: Registry):
    """One column per list; returns the sheet, with `.ranges` mapping a list name to its cell range."""
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(LISTS_SHEET_NAME)
    ranges = {}
    named = [(f"scheme:{key}", terms.labels()) for key, terms in sorted(vocabulary.schemes.items())]
    for data_sheet in SHEETS:
        if data_sheet.classes:
            named.append((f"kind:{data_sheet.key}", [vocabulary.class_label(c) for c in data_sheet.classes]))
    named.append(("boolean", BOOLEAN_WORDS))
    # Every municipality of Japan (東京都八王子市（132012）), in code order: prefectures stay together.
    named.append((MUNICIPALITY_LIST, [list_entry(g) for g in registry.municipalities()]))
    for index, (name, labels) in enumerate(named, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for offset, label in enumerate(labels, start=2):
            _set_text(sheet.cell(row=offset, column=index), label)
        ranges[name] = f"'{LISTS_SHEET_NAME}'!${letter}$2:${letter}${len(labels) + 1}"
    sheet.ranges = ranges
    return sheet


# --- data sheets ---------------------------------------------------------------------------------------

def _data_sheet(book, sheet: Sheet, lists, breakdown_words: str, rows: list[dict]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.name)
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        required = column.required or column.plan_row_required
        fill = REQUIRED_FILL if required else EDITORIAL_FILL if column.graph == CLASSIFICATION else HEADER_FILL
        for row, text in ((1, column.ja), (2, column.en)):
            cell = ws.cell(row=row, column=index, value=text)
            cell.font = Font(bold=row == 1)
            cell.fill = PatternFill("solid", fgColor=fill)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = _column_note(column)
        if note:
            ws.cell(row=1, column=index).comment = Comment(note, "kg template", width=320, height=160)
        ws.column_dimensions[letter].width = column.width
        _validation(ws, column, f"{letter}{FIRST_DATA_ROW}:{letter}{VALIDATED_ROWS}", sheet, lists, breakdown_words)
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=2)
    wrap = Alignment(wrap_text=True, vertical="top")
    for offset, row in enumerate(rows):
        for index, column in enumerate(sheet.columns, start=1):
            value = row.get(column.key)
            if value is None or value == "":
                continue
            cell = ws.cell(row=FIRST_DATA_ROW + offset, column=index)
            if isinstance(value, str):
                _set_text(cell, value)
                if "\n" in value:
                    cell.alignment = wrap
            else:
                cell.value = value
    for index, column in enumerate(sheet.columns, start=1):
        if column.text_format:
            # Text format keeps 022012 and 2-1 as typed instead of turning them into numbers or dates.
            ws.column_dimensions[get_column_letter(index)].number_format = "@"


def _set_text(cell, value: str) -> None:
    cell.value = value
    cell.data_type = "s"  # never a formula, even when the text starts with "="


def _column_note(column: Column) -> str:
    parts = []
    if column.required:
        parts.append("必須 / required")
    elif column.plan_row_required:
        parts.append("3行目の計画では必須 / required on row 3 (the plan)")
    if column.help_ja:
        parts.append(column.help_ja)
    if column.help_en:
        parts.append(column.help_en)
    if column.default:
        parts.append(f"「{NONE_MARK}」= なし / none")
    return "\n".join(parts)


def _validation(ws, column: Column, cells: str, sheet: Sheet, lists, breakdown_words: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    pick_list = column.pick_list(sheet.key)
    source = lists.ranges.get(pick_list.name) if pick_list else None
    prompt = column.prompt(breakdown_words)
    if source:
        validation = DataValidation(
            type="list", formula1=f"={source}", allow_blank=True,
            # A list allows one value per cell; columns that take several (one per line) offer the list but accept more.
            # The municipality list accepts a code or a name typed in, too.
            showErrorMessage=not column.multi and column.closed_list, errorStyle="stop",
            errorTitle="一覧にない値 / not in the list",
            error=f"{pick_list.ja}の一覧から選んでください。Pick one of the {pick_list.en}.",
            promptTitle=column.ja[:32], prompt=_list_prompt(column)[:255],
            showInputMessage=True)
    elif prompt:
        validation = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=column.ja[:32], prompt=prompt[:255])
    else:
        return
    validation.add(cells)
    ws.add_data_validation(validation)


def _list_prompt(column: Column) -> str:
    if not column.closed_list:
        return "一覧から選ぶか、団体コード（6桁、5桁）か名前（八王子市、東京都府中市）を書く。" + (
            "複数なら改行で区切る。" if column.multi else "")
    return "一覧から選ぶ。" + ("複数なら改行で区切る。" if column.multi else "")


def _breakdown_words(lists) -> str:
    source = lists.ranges.get("scheme:breakdown", "")
    if not source:
        return ""
    letter = source.split("!$")[1].split("$")[0]
    words = []
    for row in range(2, 200):
        value = lists[f"{letter}{row}"].value
        if value is None:
            break
        words.append(str(value))
    return "、".join(words)


# --- instructions --------------------------------------------------------------------------------------

INTRODUCTION = [
    ("自治体計画ナレッジグラフ　計画データ入力テンプレート", "JP Plan KG — plan data template"),
    ("", ""),
    ("使い方", "How to use it"),
    ("1. 「計画」シートの3行目に、入力する計画（総合計画・総合戦略など）を書く。",
     "1. On the 計画 (plan) sheet, row 3: the plan you enter."),
    ("2. 体系は「目標・方向」「施策・取組」に、指標は「KPI」に、視点は「視点・理念」に、関連施策は「関連施策」に1行ずつ書く。",
     "2. One row per item: the plan tree on 目標・方向 and 施策・取組, indicators on KPI, viewpoints on 視点・理念, related measures on 関連施策."),
    ("3. 各行のIDは計画の下の位置（goal-1、goal-1/direction-2）。空欄なら上位の下に番号を振る。他の行はIDで指す。",
     "3. A row's ID is its place under the plan (goal-1, goal-1/direction-2); blank IDs are numbered under their parent. Rows refer to each other by ID."),
    ("4. 年度と値は書かれたとおりに：令和5年度、R5、2023、平成30年度（年のみなら暦年）；14,070人、12.5%、延べ 759 人、小学校:76.5% 中学校:72.1%。",
     "4. Years and values as written: 令和5年度, R5, 2023, 平成30年度 (年 without 度 = calendar year); 14,070人, 12.5%, 延べ 759 人, 小学校:76.5% 中学校:72.1%."),
    ("5. 一覧のある列は一覧から選ぶ（一覧は ontology/vocab の語彙から作られる）。複数書ける列は改行で区切る。",
     "5. Columns with a list: pick from it (the lists come from ontology/vocab). Columns that take several values: one per line."),
    ("6. 既定値のある列（計画、上位、出典など）で「なし」としたいときは - を書く。",
     "6. In a column with a default (plan, parent, source …), write - for “none”."),
    ("7. kg ingest このファイル.xlsx --out data/ttl/<コード>-<名前>.ttl で Turtle に変換し、シェイプで検査する。問題があればシート・行・列（KPI!D7 など）と直し方を示し、何も書き出さない。",
     "7. kg ingest FILE.xlsx --out data/ttl/<code>-<name>.ttl turns it into Turtle and checks it against the shapes; problems are reported by cell (KPI!D7) with what to fix, and nothing is written."),
    ("8. 緑の見出しの列（政策分野・共通視点など）と「テーマ関連」シートは本プロジェクトの分類で、data/ttl/classification/ の同名ファイルに書き出される。",
     "8. Green columns (policy domain, shared viewpoint …) and the テーマ関連 sheet are editorial classification, written to data/ttl/classification/ under the same name."),
    ("9. どの列にも当てはまらない記述は「その他の記述」シートに1行ずつ書く（kg export もそこへ書く）。",
     "9. Anything without a column goes on その他の記述 (other statements), one statement per row (kg export puts such statements there)."),
    ("10. CSVで入力する場合は、シートごとに「シート名.csv」（UTF-8 か Shift_JIS、1行目と2行目は見出し）を1つのフォルダに入れ、そのフォルダを kg ingest に渡す。",
     "10. CSV: one file per sheet named after it (UTF-8 or Shift_JIS, two header rows) in one folder; pass the folder to kg ingest."),
    ("", ""),
    ("団体コードの列は、全国の市区町村の一覧から選ぶか、6桁の団体コード（5桁なら検査数字を補う）か名前（八王子市、東京都府中市）を書く。",
     "The code column: pick any municipality of Japan from the list, or write its 6-digit code (5 digits: the check digit is added) or its name (八王子市, 東京都府中市)."),
    ("見出しが桃色の列は必須（「3行目の計画では必須」の列は計画の行で）、緑の列は分類。計画の出典文書の行がなければ、計画の行から作る。",
     "Pink headers are required (those marked “required on row 3” on the plan's row); green ones are classification. "
     "When the plan's source document has no row, it is made from the plan's row."),
]


def _instructions(ws, vocabulary: Vocabulary) -> None:
    from openpyxl.styles import Alignment, Font

    row = 1
    for ja, en in INTRODUCTION:
        ws.cell(row=row, column=1, value=ja)
        ws.cell(row=row, column=2, value=en)
        if row == 1 or ja in ("使い方",):
            ws.cell(row=row, column=1).font = Font(bold=True, size=13 if row == 1 else 11)
            ws.cell(row=row, column=2).font = Font(bold=True, size=13 if row == 1 else 11)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="シート / sheet").font = Font(bold=True)
    row += 1
    for sheet in SHEETS:
        ws.cell(row=row, column=1, value=f"{sheet.name}：{sheet.help_ja}")
        ws.cell(row=row, column=2, value=f"{sheet.name} ({sheet.title_en}): {sheet.help_en}")
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="一覧 / lists (ontology/vocab)").font = Font(bold=True)
    row += 1
    for key, terms in sorted(vocabulary.schemes.items()):
        names = SCHEME_NAMES.get(key, (key, key))
        ws.cell(row=row, column=1, value=f"{names[0]}：" + "、".join(terms.labels()))
        ws.cell(row=row, column=2, value=f"{names[1]}: " + ", ".join(t.label_en for t in terms.terms))
        row += 1
    row += 1
    headers = ["シート / sheet", "列 / column", "column", "必須 / required", "書き方", "what to write"]
    for index, text in enumerate(headers, start=1):
        ws.cell(row=row, column=index, value=text).font = Font(bold=True)
    for sheet in SHEETS:
        for column in sheet.columns:
            row += 1
            values = [sheet.name, column.ja, column.en, "○" if column.required else "○（3行目）" if column.plan_row_required else "", column.help_ja, column.help_en]
            for index, text in enumerate(values, start=1):
                ws.cell(row=row, column=index, value=text)
    for letter, width in zip("ABCDEF", (60, 60, 24, 10, 50, 50), strict=True):
        ws.column_dimensions[letter].width = width
    for line in ws.iter_rows():
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
