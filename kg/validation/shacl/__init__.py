"""A set-based SHACL engine on Oxigraph for the shapes this project uses (see kg.validation.shacl.engine)."""

from .engine import Result, validate_store
from .report import report_graph
from .shapes import ShapesModel, UnsupportedShapes, read_shapes

__all__ = ["Result", "ShapesModel", "UnsupportedShapes", "read_shapes", "report_graph", "validate_store"]
