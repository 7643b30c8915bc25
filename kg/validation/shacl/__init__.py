"""A set-based SHACL engine on Oxigraph for the shapes this project uses (see kg.validation.shacl.engine): the
shapes read into objects (shapes), their SHACL-SPARQL constraints parsed (sparql), the rule such a constraint
must keep to run with $this free (prebinding), and the links it follows backward (links)."""

from .engine import Result, conforms, validate_store
from .report import report_graph
from .shapes import ShapesModel, UnsupportedShapes, read_shapes

__all__ = ["Result", "ShapesModel", "UnsupportedShapes", "conforms", "read_shapes", "report_graph", "validate_store"]
