"""Plan data from spreadsheets: the template (kg template), intake with cell-precise errors (kg ingest) and the way
back from the built graph (kg export). `layout` defines the sheets and columns once for all three."""
