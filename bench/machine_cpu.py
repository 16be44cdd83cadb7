"""Machine-wide CPU use over a stretch of time, from /proc/stat (Linux).

An import keeps a Python process and PostgreSQL backends busy at once; their CPU time added
up, per post, shows how close a run is to what the machine's cores can give.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class CpuSample:
    busy_s: float
    total_s: float

    @staticmethod
    def now() -> CpuSample:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        tick = os.sysconf("SC_CLK_TCK")
        idle = fields[3] + fields[4]  # idle + iowait
        return CpuSample((sum(fields) - idle) / tick, sum(fields) / tick)


def describe(before: CpuSample, after: CpuSample, items: int, what: str) -> str:
    busy = after.busy_s - before.busy_s
    share = busy / max(after.total_s - before.total_s, 1e-9)
    cores = os.cpu_count() or 1
    return (f"machine CPU {busy / items * 1e6:.0f} us per {what} "
            f"({share * cores:.1f} of {cores} cores busy; at most "
            f"{items / busy * cores:,.0f} {what}s/s if every core did this work)")
