"""Plan data from spreadsheets: the template (kg template), intake with cell-precise errors (kg ingest) and the way
back from the built graph (kg export). `layout` defines the sheets and columns once for all three.

From the bottom up: `values` reads what clerks type (years by kg.eras), `municipality` which of Japan's
municipalities a cell names (kg.reference), `ids` writes IRIs short, `vocabulary` holds the drop-down words,
`context` what a blank cell means; `columns` and `kinds` are the columns (a class per kind of cell),
`shared_columns`, `plan_sheets` and `detail_sheets` the sheets, `layout` the workbook; `tables` reads a workbook or
CSV folder, `template` writes one; `ingest` (with `row_ids`, `statements`, `indicator_values`, `shapes` and
`shape_words`; its `result`) builds the graphs and names every problem of one run at its cell, `output` writes
them as Turtle; `export` goes back.
"""
