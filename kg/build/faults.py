"""A build that cannot finish writing (a full disk, no permission, a read-only file system, a signal to stop):
one sentence in the reader's language, exit 2, no unfinished folder left behind, the previous build current.

Oxigraph reports the failures of RocksDB as OSError without an errno ("IO error: While appending to file: …:
No space left on device"), so the kind is read from the message where the errno is missing.
"""

from __future__ import annotations

import contextlib
import errno
import signal
from collections.abc import Iterator
from pathlib import Path

from ..errors import KgError
from ..project import Project
from .store import UNFINISHED, discard

NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
NO_PERMISSION = (errno.EACCES, errno.EPERM, errno.EROFS)
NO_SPACE_WORDS = ("no space left", "file too large", "disk quota")
NO_PERMISSION_WORDS = ("permission denied", "read-only file system", "operation not permitted")


class BuildFault(KgError):
    """The build could not be written; nothing was published (exit 2)."""

    def __init__(self, ja: str, en: str, *, lang: str | None):
        super().__init__(ja if lang == "ja" else en if lang == "en" else f"{ja}\n{en}")


def fault_kind(exc: OSError) -> str:
    """"space", "permission" or "other"."""
    text = str(exc).lower()
    if exc.errno in NO_SPACE or any(word in text for word in NO_SPACE_WORDS):
        return "space"
    if exc.errno in NO_PERMISSION or any(word in text for word in NO_PERMISSION_WORDS):
        return "permission"
    return "other"


def build_fault(exc: OSError, project: Project, *, lang: str | None) -> BuildFault:
    where = exc.filename or project.build_dir
    if exc.filename and not _inside(exc.filename, project.build_dir):  # a source file that cannot be read
        reason = exc.strerror or str(exc)
        return BuildFault(f"{where} を読めません（{reason}）。ビルドはしていません。前のビルドはそのまま使われています。",
                          f"cannot read {where} ({reason}); nothing was built, the previous build is unchanged and "
                          "still current.", lang=lang)
    kept = ("前のビルドはそのまま使われています。", "the previous build is unchanged and still current.")
    kind = fault_kind(exc)
    if kind == "space":
        return BuildFault(f"ビルドを書き込めません：{where} のディスクに空きがありません。書きかけのビルドは消しました。"
                          f"空きを作ってからもう一度 kg build を実行してください。{kept[0]}",
                          f"the build could not be written: the disk of {where} is full. The unfinished build was "
                          f"removed; free some space and run kg build again; {kept[1]}", lang=lang)
    if kind == "permission":
        return BuildFault(f"ビルドを書き込めません：{where} に書き込む権限がありません。書きかけのビルドは消しました。"
                          f"書き込めるフォルダを --build-dir（または KG_BUILD_DIR）で指定してください。{kept[0]}",
                          f"the build could not be written: no permission to write {where}. The unfinished build was "
                          f"removed; give a folder you may write to with --build-dir (or KG_BUILD_DIR); {kept[1]}",
                          lang=lang)
    reason = exc.strerror or str(exc)
    return BuildFault(f"ビルドを書き込めません（{where}：{reason}）。書きかけのビルドは消しました。{kept[0]}",
                      f"the build could not be written ({where}: {reason}). The unfinished build was removed; "
                      f"{kept[1]}", lang=lang)


def _inside(path, folder: Path) -> bool:
    try:
        return Path(path).resolve().is_relative_to(Path(folder).resolve())
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def unfinished_builds_removed(project: Project, *, lang: str | None) -> Iterator[None]:
    """Around a build: on any failure or interruption the folders it was writing are removed; a write that
    failed becomes a BuildFault. SIGTERM is turned into KeyboardInterrupt meanwhile, so that a build stopped
    politely cleans up as one stopped with Ctrl-C (SIGKILL cannot be caught: the next build removes its folder)."""
    try:
        with sigterm_as_interrupt():
            yield
    except BaseException as exc:
        for paths in list(UNFINISHED.values()):
            with contextlib.suppress(OSError):
                discard(paths)
        if isinstance(exc, OSError):
            raise build_fault(exc, project, lang=lang) from None
        raise


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile: what a write cleans up after Ctrl-C, it cleans up after a
    polite stop too. (Outside the main thread signals are left alone.)"""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt
