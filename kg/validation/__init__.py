"""Validating plan data against the SHACL shapes: the report a clerk reads (kg.validation.report), the literal checks
that run before the shapes (kg.validation.literals), the choice of engine (kg.validation.validate) between kg's own
set-based SHACL engine (kg.validation.shacl, kg.validation.set_engine) and pySHACL (kg.validation.pyshacl_engine),
and validation file by file with a cache (kg.validation.per_file, kg.validation.dependencies). May import kg.rdf."""
