"""Wall time, CPU time and peak resident memory of a command and every process it starts.

The process tree is sampled every 20 ms: CPU time is the last user + system time seen for each
process (processes in a sandbox are not reaped by the command, so the operating system's
accounting of children would miss them); memory is the largest sum of resident sizes seen, with
what each kind of process held at that moment.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass

import psutil

SAMPLE_S = 0.02


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds
    cpu: float  # seconds, all processes
    peak_rss: int  # bytes, summed over processes at the worst moment
    stdout: str
    peak_parts: dict[str, int]  # bytes per kind of process at that moment (see ``kind``)


def kind(command_line: list[str]) -> str:
    """What a process of the grading tree is: the student's kernel, the sandbox, or the judge."""
    text = " ".join(command_line)
    if "ipykernel" in text:
        return "student kernel"
    if "bwrap" in text or "setpriv" in text:
        return "sandbox"
    return "judge"


def measure(argv: list[str], **popen) -> Measured:
    """Run ``argv`` (with ``subprocess.Popen`` keywords) to the end, sampling its tree."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, **popen)
    top = psutil.Process(child.pid)
    cpu_seen: dict[tuple[int, float], float] = {}
    peak, peak_parts = 0, {}
    while child.poll() is None:
        parts: dict[str, int] = {}
        try:
            tree = [top, *top.children(recursive=True)]
        except psutil.Error:
            tree = []
        for member in tree:
            try:
                with member.oneshot():
                    times = member.cpu_times()
                    cpu_seen[(member.pid, member.create_time())] = times.user + times.system
                    name = kind(member.cmdline())
                    parts[name] = parts.get(name, 0) + member.memory_info().rss
            except psutil.Error:
                pass
        if sum(parts.values()) > peak:
            peak, peak_parts = sum(parts.values()), parts
        time.sleep(SAMPLE_S)
    stdout = child.stdout.read()
    child.wait()
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, argv)
    return Measured(time.perf_counter() - started, sum(cpu_seen.values()), peak, stdout,
                    peak_parts)
