"""Running one child process and measuring it: wall time, peak memory, output, and when each stderr line came.

Peak memory is the child's own maximum resident set size as the kernel reports it when the child is reaped
(os.wait4), which counts the largest single process of its tree; a sampler also adds up the resident memory of
the whole process tree every second, which catches worker pools (the larger of the two is reported).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Once a second: reading a process's Pss walks its page tables, and five times a second over a publish's GB-sized
# workers it took a quarter of a core from the two being measured.
SAMPLE_SECONDS = 1.0
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class ChildRun:
    command: list[str]
    returncode: int | None
    seconds: float
    peak_rss: int                       # bytes
    stdout: str
    stderr: str
    timed_out: bool = False
    stderr_lines: list[tuple[float, str]] = field(default_factory=list)   # (seconds since start, line)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def failure(self) -> str:
        if self.timed_out:
            return f"stopped after {self.seconds:.0f} s (time limit)"
        tail = "\n".join(self.stderr.strip().splitlines()[-6:])
        return f"exit {self.returncode}: {tail}"


def run_child(command: list[str], *, cwd: Path | None = None, env: dict | None = None, timeout: float | None = None,
              on_stderr_line=None) -> ChildRun:
    """Run `command` to the end (or until `timeout`, then stop its whole process group) and measure it."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    out_chunks: list[bytes] = []
    err_lines: list[tuple[float, str]] = []

    def read_stdout():
        out_chunks.append(process.stdout.read())

    def read_stderr():
        for raw in process.stderr:
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            at = time.perf_counter() - started
            err_lines.append((at, line))
            if on_stderr_line:
                on_stderr_line(at, line)

    readers = [threading.Thread(target=read_stdout, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
    for reader in readers:
        reader.start()
    sampler = TreeSampler(process.pid)
    sampler.start()
    reaped: dict = {}
    finished = threading.Event()

    def reap():
        # wait4 gives the child's peak RSS; Popen.wait cannot.
        _pid, status, usage = os.wait4(process.pid, 0)
        reaped.update(status=status, usage=usage, at=time.perf_counter())
        finished.set()

    threading.Thread(target=reap, daemon=True).start()
    timed_out = not finished.wait(timeout)
    if timed_out:
        _kill_group(process.pid)
        finished.wait()
    process.returncode = os.waitstatus_to_exitcode(reaped["status"])   # reaped here, so Popen must not wait again
    sampler.stop()
    for reader in readers:
        reader.join(timeout=10)
    seconds = reaped["at"] - started
    peak = max(reaped["usage"].ru_maxrss * 1024, sampler.peak)
    return ChildRun(command=command, returncode=process.returncode, seconds=seconds, peak_rss=peak,
                    stdout=b"".join(out_chunks).decode("utf-8", errors="replace"),
                    stderr="\n".join(line for _, line in err_lines), timed_out=timed_out, stderr_lines=err_lines)


def _kill_group(pid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        time.sleep(2)


class TreeSampler:
    """The peak of the summed resident memory of a process and its descendants, sampled."""

    def __init__(self, pid: int):
        self.pid, self.peak = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, tree_rss(self.pid))


def _proportional(pid: int) -> int | None:
    """Proportional set size (Pss): a page shared by n processes counts 1/n in each, so that forked workers
    sharing their parent's memory are not counted twice. None where the kernel does not say."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def tree_rss(root: int) -> int:
    """Memory of `root` and every process below it, from /proc: summed Pss where the kernel gives it (counts a
    page shared by forked processes once), resident set size otherwise."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        # Pss of the tree's processes only, not of every process on the machine.
        pss = _proportional(pid)
        total += pss if pss is not None else rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def peak_rss_of(pid: int) -> int | None:
    """A running process's own peak resident memory so far (VmHWM), for servers this process did not start."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
