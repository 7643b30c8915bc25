"""Leases on builds: a process that reads a build holds one, and no build is deleted while a lease on it is held.

A lease is a file in the build's `leases/` folder, locked shared (flock) by the process that holds it for as long
as it reads the build. The lock belongs to the open file: when the process ends, however it ends (SIGKILL, out of
memory), the kernel lets go of it, so a dead process never keeps a build alive. Its name and text say who holds
it (pid, command), for a person looking at the folder.

Taking a lease and deleting a build exclude each other through the `leases/` folder itself: a reader locks it
shared while it makes its lease, the pruner locks it exclusive while it looks for leases and deletes. A reader
that comes second finds the build gone (no manifest) and takes the new current build instead.

The same lock keeps an unfinished build folder (`*.partial`) from being removed while its build is still running:
the build holds a lease on it, so only the folders of builds that died are cleaned away.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

LEASES_DIR = "leases"
LEASE_SUFFIX = ".lease"


class BuildGone(Exception):
    """The build was deleted (or is being deleted) before the lease was taken: take the new current one."""


@dataclass(eq=False)
class Lease:
    root: Path  # the build folder (changed by the build that renames its folder when it finishes)
    name: str
    _fd: int | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return self.root / LEASES_DIR / self.name

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)  # lets go of the lock
        self._fd = None

    def __del__(self):  # a lease forgotten (its reader dropped) is let go, as at the process's end
        self.release()

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def take_lease(root: Path, *, holder: str, require: str | None = "manifest.json") -> Lease:
    """A lease on the build folder `root`. `require`: a file the build must still have (a finished build has its
    manifest), else BuildGone. Raises OSError when the folder cannot hold a lease (a read-only copy of a build,
    which no pruning can delete either: the caller may go on without one)."""
    folder = Path(root) / LEASES_DIR
    try:
        folder.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise BuildGone(str(root)) from None
    guard = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(guard, fcntl.LOCK_SH)  # waits while a pruner deletes: held only for that long
        if require is not None and not (Path(root) / require).exists():
            raise BuildGone(str(root))
        name = f"{os.getpid()}-{secrets.token_hex(4)}{LEASE_SUFFIX}"
        path = folder / name
        fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            os.write(fd, f"pid {os.getpid()}: {holder}\n{' '.join(sys.argv)[:500]}\n".encode())
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        return Lease(Path(root), name, fd)
    finally:
        os.close(guard)


def remove_unless_leased(root: Path, *, trash_suffix: str) -> list[str]:
    """Delete the build folder `root` unless a live process holds a lease on it; returns the holders when it was
    kept (["…"] when a reader was just taking a lease), [] when it was deleted. The folder is first renamed to
    `<name><trash_suffix>`, so that a deletion cut short leaves a folder the next build cleans away, never a
    build that looks whole."""
    kept = _look(Path(root), trash_suffix=trash_suffix)
    return ["(a reader taking a lease)"] if kept is None else kept


def _look(root: Path, *, trash_suffix: str) -> list[str] | None:
    folder = root / LEASES_DIR
    try:
        guard = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        guard = None  # a build made before leases (or a partial folder not yet leased)
    except OSError:
        return ["(leases unreadable)"]
    try:
        if guard is not None:
            try:
                fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None
        live = []
        for lease in sorted(folder.glob(f"*{LEASE_SUFFIX}")) if guard is not None else ():
            try:
                fd = os.open(lease, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                live.append(lease.read_text(encoding="utf-8", errors="replace").partition("\n")[0] or lease.name)
                continue
            finally:
                os.close(fd)
            lease.unlink(missing_ok=True)  # its process is gone
        if live:
            return live
        trash = root.with_name(root.name + trash_suffix) if not root.name.endswith(trash_suffix) else root
        if trash != root:
            os.rename(root, trash)
        shutil.rmtree(trash, ignore_errors=True)
        return []
    finally:
        if guard is not None:
            os.close(guard)
