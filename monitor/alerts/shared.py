"""What the rules of one alerts run share: each query whose answer does not depend on the
rule (the new rows since a watermark, the sources' health, a pair's adopters) runs once per
run, whatever the number of rules that ask for it. Rules evaluated in the same run move to
the same watermark, so in steady state they all ask the same questions."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Shared:
    """A memo for one run (never kept across runs: the next run reads what is new)."""

    def __init__(self) -> None:
        self._memo: dict[Hashable, Any] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

