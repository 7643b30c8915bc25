"""Ships the ontology, shapes, vocabularies, queries and reference data inside the wheel, as kg/bundled/.

The checkout keeps them where people edit them (ontology/, queries/, data/ttl/); a non-editable build copies them
into the package so that an installed `kg` (no checkout) validates against the real shapes (kg.bundled_project).
The copy is made in the build folder only: nothing generated lands in the source tree. Metadata: pyproject.toml.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

# Laid out as a project (kg.project): the marker ontology/jp-plan.ttl and data/ttl/ with only the reference data
# that submitted plans link to (never the plans themselves).
BUNDLED = (
    "ontology/*.ttl",
    "ontology/vocab/*.ttl",
    "ontology/shapes/*.ttl",
    "queries/*.rq",
    "queries/checks/*",
    "data/ttl/municipalities.ttl",
    "data/ttl/sources.ttl",
    "data/ttl/external-plans.ttl",
    "data/ttl/reference/*.ttl",
)
REQUIRED = ("ontology/jp-plan.ttl", "ontology/shapes/*.ttl", "ontology/vocab/*.ttl", "queries/*.rq")


class BuildWithBundle(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself (kg.bundled_project)
        for pattern in REQUIRED:  # a wheel without shapes would validate nothing: refuse to build one
            if not any(HERE.glob(pattern)):
                raise SystemExit(f"setup.py: nothing matches {pattern} in {HERE}: the wheel would have no {pattern}")
        target = Path(self.build_lib) / "kg" / "bundled"
        for pattern in BUNDLED:
            for source in sorted(HERE.glob(pattern)):
                if source.is_file():
                    self.copy_file(str(source), str(target / source.relative_to(HERE)), preserve_mode=False)

    def copy_file(self, infile, outfile, **kwargs):
        Path(outfile).parent.mkdir(parents=True, exist_ok=True)
        return super().copy_file(infile, outfile, **kwargs)


# setuptools' scratch space apart from kg's builds (build/builds, build/current), which share the folder.
setup(cmdclass={"build_py": BuildWithBundle}, options={"build": {"build_base": "build/setuptools"}})
