"""JP Plan KG: Japanese municipal plans as a linked-data knowledge graph."""

__version__ = "0.1.0"
