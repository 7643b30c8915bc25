"""Where the project's files are: ontology, shapes, vocabularies, data, queries and the build folder.

A project is a folder holding `ontology/jp-plan.ttl` and `data/ttl/` (MARKER_FILE, MARKER_FOLDER): given by
`--root` / KG_ROOT, or found by walking up from the working directory, as git finds its repository. Nothing falls
back to the folder kg is installed in: installed from a wheel, that is site-packages, which holds no shapes, and a
validator without shapes passes everything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import KgError
from .namespaces import GRAPH as GRAPH_BASE

MARKER_FILE = Path("ontology") / "jp-plan.ttl"
MARKER_FOLDER = Path("data") / "ttl"

INFERRED_GRAPH = GRAPH_BASE + "inferred"  # what no single file entails (kg.build.reasoning.Closure.residual)


def inferred_graph_iri(graph_iri: str) -> str:
    """The graph holding what one file's graph entails (kg.build.reasoning)."""
    return INFERRED_GRAPH + "/" + graph_iri.removeprefix(GRAPH_BASE)


def is_inferred_graph(graph_iri: str) -> bool:
    return graph_iri == INFERRED_GRAPH or graph_iri.startswith(INFERRED_GRAPH + "/")


class NoProjectError(KgError):
    """A command that needs a project (a build, the data) run where there is none."""

    def __init__(self, *, start: Path, command: str | None = None, lang: str | None = None):
        what_ja = f"kg {command} は" if command else "kg は"
        what_en = f"kg {command}" if command else "kg"
        ja = (f"{what_ja}プロジェクトの中で実行してください: {start} とその上のフォルダに、{MARKER_FILE} と "
              f"{MARKER_FOLDER}/ を持つフォルダがありません。")
        en = (f"{what_en} needs a project: neither {start} nor any folder above it holds {MARKER_FILE} "
              f"and {MARKER_FOLDER}/.")
        hint_ja = "プロジェクトのフォルダに移動するか、--root DIR か環境変数 KG_ROOT で指定してください。"
        hint_en = "cd into the project's folder, or name it with --root DIR or KG_ROOT."
        message, hint = _in_language(lang, (ja, hint_ja), (en, hint_en))
        super().__init__(message, hint=hint)
        self.start = start


class ProjectIncomplete(KgError):
    """A project (or the bundle) missing a part that validation or a build cannot do without: never an empty pass."""

    def __init__(self, ja: str, en: str, *, lang: str | None = None,
                 hint_ja: str = "", hint_en: str = ""):
        message, hint = _in_language(lang, (ja, hint_ja), (en, hint_en))
        super().__init__(message, hint=hint)


def _in_language(lang: str | None, ja: tuple[str, str], en: tuple[str, str]) -> tuple[str, str | None]:
    """(message, hint) in the language asked for; both, Japanese first, where the command has no --lang."""
    chosen = [ja] if lang == "ja" else [en] if lang == "en" else [ja, en]
    message = "\n".join(m for m, _ in chosen)
    hint = "\n  → ".join(h for _, h in chosen if h) or None
    return message, hint


REFERENCE_FILES = ("municipalities.ttl", "sources.ttl", "external-plans.ttl")  # in data/ttl/
REFERENCE_FOLDER = "reference"  # data/ttl/reference/*.ttl
CLASSIFICATION_FOLDER = "classification"  # data/ttl/classification/<same name as the source facts' file>


def classification_file_for(facts: Path) -> Path:
    """data/ttl/<name>.ttl → data/ttl/classification/<name>.ttl: where the project keeps a plan's editorial
    classification (policy domains, viewpoint mappings, thematic links), beside the file of its source facts."""
    return Path(facts).parent / CLASSIFICATION_FOLDER / Path(facts).name


@dataclass(frozen=True)
class Project:
    root: Path
    build_dir: Path
    bundled: bool = False  # the resources shipped inside the package (kg.bundled_project), not a checkout

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.ontology_dir / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data" / "ttl"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    def ontology_files(self) -> list[Path]:
        """The ontology and its SKOS vocabularies (shapes are kept apart: they validate, they are not data)."""
        if not self.ontology_dir.is_dir():
            raise ProjectIncomplete(f"オントロジーのフォルダがありません: {self.ontology_dir}",
                                    f"no ontology folder: {self.ontology_dir}",
                                    hint_ja="プロジェクトのフォルダを --root で指定してください。",
                                    hint_en="name the project's folder with --root.")
        files = sorted(self.ontology_dir.glob("*.ttl")) + sorted((self.ontology_dir / "vocab").glob("*.ttl"))
        return files

    def shape_files(self, *, lang: str | None = None) -> list[Path]:
        """The SHACL shapes; none is an error, never an empty set: validating against no shapes passes anything."""
        files = sorted(self.shapes_dir.glob("*.ttl"))
        if not files:
            raise ProjectIncomplete(f"SHACL シェイプがありません: {self.shapes_dir} に .ttl ファイルがありません。",
                                    f"no SHACL shapes: {self.shapes_dir} holds no .ttl file.",
                                    hint_ja="プロジェクトのフォルダを --root で指定するか、kg を入れ直してください。",
                                    hint_en="name the project's folder with --root, or reinstall kg.", lang=lang)
        return files

    def data_files(self) -> list[Path]:
        return sorted(self.data_dir.rglob("*.ttl"))

    def reference_files(self) -> list[Path]:
        """What new plan data may link to without restating it: municipalities, sources, named external plans,
        and the national reference data (reference/: every local government of Japan)."""
        files = [self.data_dir / n for n in REFERENCE_FILES if (self.data_dir / n).exists()]
        return files + sorted((self.data_dir / REFERENCE_FOLDER).glob("*.ttl"))

    def relative(self, path: Path) -> str:
        """The file's name as the manifest records it: relative to the project root."""
        return str(path.relative_to(self.root))

    def graph_iri(self, path: Path) -> str:
        """One named graph per file, named after its place in the project (stable, independent of the checkout)."""
        # As listed (cheap), else resolved: resolving costs a system call per path component, and a national
        # build names 7,000 graphs.
        for resolve in (False, True):
            if not resolve and (not path.is_absolute() or ".." in path.parts):
                continue
            candidate = path.resolve() if resolve else path
            for top, prefix in ((self.data_dir, ""), (self.ontology_dir, "ontology/")):
                try:
                    rel = candidate.relative_to(top.resolve() if resolve else top)
                except ValueError:
                    continue
                return GRAPH_BASE + prefix + rel.with_suffix("").as_posix()
        return GRAPH_BASE + "external/" + path.stem


def is_project_root(folder: Path) -> bool:
    """The marker of a project: ontology/jp-plan.ttl and data/ttl/ (see README, "Installed as a tool")."""
    return (folder / MARKER_FILE).is_file() and (folder / MARKER_FOLDER).is_dir()


def find_project_root(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest folder at or above `start` (default: the working directory) that is a project, as git finds
    its repository; None when there is none."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project_root(folder):
            return folder
    return None


def default_project(*, root: str | os.PathLike | None = None, build_dir: str | os.PathLike | None = None,
                    command: str | None = None, lang: str | None = None) -> Project:
    """The project named by `root` or KG_ROOT, else the one found from the working directory; NoProjectError
    (exit 2) when there is none. The build folder: `build_dir`, KG_BUILD_DIR, else ROOT/build. `command` and
    `lang` only shape the error message."""
    given = root or os.environ.get("KG_ROOT")
    if given:
        root_path = Path(given)
        if not root_path.is_dir():
            raise ProjectIncomplete(f"プロジェクトのフォルダがありません: {root_path}（--root または KG_ROOT）",
                                    f"no such project folder: {root_path} (--root or KG_ROOT)", lang=lang)
    else:
        found = find_project_root()
        if found is None:
            raise NoProjectError(start=Path.cwd(), command=command, lang=lang)
        root_path = found
    build_path = Path(build_dir or os.environ.get("KG_BUILD_DIR") or root_path / "build")
    return Project(root=root_path.resolve(), build_dir=build_path.resolve())
