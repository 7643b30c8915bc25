"""A set-based SHACL engine (see kg.validation.shacl.engine): the shapes read into objects (shapes), the data
indexed as written (data), XSD values checked and ordered (datatypes), their SHACL-SPARQL constraints parsed
(sparql) and run on Oxigraph, the rule such a constraint must keep to run with $this free (prebinding), the
links it follows backward (links), and the SHACL report graph (report)."""

from .engine import Result, conforms, validate_store
from .report import report_graph
from .shapes import ShapesModel, UnsupportedShapes, read_shapes

__all__ = ["Result", "ShapesModel", "UnsupportedShapes", "conforms", "read_shapes", "report_graph", "validate_store"]
