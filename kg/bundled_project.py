"""The ontology, vocabularies, shapes, queries and reference data shipped inside the package, as a Project.

A clerk with no checkout (`pip install jp-plan-kg`) runs `kg template`, `kg ingest` and `kg validate` against
these. The wheel carries them in kg/bundled/, laid out as a project (ontology/, queries/, data/ttl/ with only the
reference data), copied there from the checkout when the wheel is built (setup.py); nothing generated is committed.
An editable install has no copy: there the checkout the package lives in is the bundle.
"""

from __future__ import annotations

import os
from pathlib import Path

from .project import Project, ProjectIncomplete, default_project, find_project_root, is_project_root

BUNDLE_DIR = Path(__file__).resolve().parent / "bundled"
_CHECKOUT = Path(__file__).resolve().parent.parent  # an editable install's checkout


def bundled_project(*, build_dir: str | os.PathLike | None = None) -> Project:
    """The package's own resources as a read-only project. Its build folder (`build_dir`, KG_BUILD_DIR, else
    ./build) is never the package's folder; the commands that use the bundle write no build."""
    build_path = Path(build_dir or os.environ.get("KG_BUILD_DIR") or Path.cwd() / "build").resolve()
    for root in (BUNDLE_DIR, _CHECKOUT):
        if is_project_root(root):
            return Project(root=root, build_dir=build_path, bundled=True)
    raise ProjectIncomplete(
        f"この kg には同梱のオントロジーとシェイプがありません（{BUNDLE_DIR}）。",
        f"this kg was installed without its ontology and shapes ({BUNDLE_DIR}).",
        hint_ja="wheel から入れ直すか（pip install jp-plan-kg）、プロジェクトのフォルダを --root で指定してください。",
        hint_en="reinstall it from a wheel (pip install jp-plan-kg), or name a project's folder with --root.")


def project_or_bundle(*, root: str | os.PathLike | None = None, build_dir: str | os.PathLike | None = None,
                      lang: str | None = None) -> Project:
    """The project (given by `root` / KG_ROOT, or found from the working directory) when there is one, so that
    a checkout validates against its own shapes as they are being edited; else the bundled resources. For the
    commands that need the ontology, shapes and reference data but no build."""
    if root or os.environ.get("KG_ROOT") or find_project_root() is not None:
        return default_project(root=root, build_dir=build_dir, lang=lang)
    return bundled_project(build_dir=build_dir)
