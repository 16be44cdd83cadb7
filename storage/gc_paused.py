"""Python's cyclic garbage collector held off while a large result is built.

Building a report or a graph makes tens of thousands of small dicts and lists that all
survive it; the collector would scan them, and everything else alive, again and again as
they pile up (half the 30-day forward graph's time at 9,000 edges, bench/network.py). The
code that builds them makes no reference cycles, so collection can wait until the result is
built; it runs as usual afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
