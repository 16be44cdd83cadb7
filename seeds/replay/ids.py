"""Native ids the way the platforms hand them out.

X ids are snowflakes: milliseconds since the X epoch in the top bits, so an id tells its
own posting time. Telegram channel message ids count up per channel, with gaps where
service messages, albums and deletions used numbers.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

TWITTER_EPOCH_MS = 1288834974657


def snowflake(at: datetime, worker: int, sequence: int) -> int:
    """An X id minted at `at` by `worker` (0-1023) with `sequence` (0-4095)."""
    millis = int(at.timestamp() * 1000) - TWITTER_EPOCH_MS
    return (millis << 22) | ((worker & 0x3FF) << 12) | (sequence & 0xFFF)


def snowflake_time(native_id: int) -> datetime:
    return datetime.fromtimestamp(((native_id >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)


def channel_ids(
    count: int, anchors: dict[int, int], start: int, rng: random.Random
) -> list[int]:
    """Increasing ids for `count` messages in posting order.

    `anchors` pins some positions to ids the seed report cites; the other ids are
    spread with gaps of 1-3 around them. `start` is the first id when nothing is
    pinned before it.
    """
    ids = [0] * count  # every position is filled below
    for position, pinned in anchors.items():
        ids[position] = pinned
    pinned_positions = sorted(anchors)
    for left, right in zip(pinned_positions, pinned_positions[1:], strict=False):
        room = anchors[right] - anchors[left]
        between = right - left
        if room < between:
            raise ValueError(
                f"ids {anchors[left]}..{anchors[right]} cannot hold {between - 1} messages"
            )
        for offset in range(1, between):
            ids[left + offset] = anchors[left] + (room * offset) // between
    if not pinned_positions:
        ids[0] = start
    first = pinned_positions[0] if pinned_positions else 0
    last = pinned_positions[-1] if pinned_positions else 0
    for position in range(first - 1, -1, -1):
        ids[position] = ids[position + 1] - rng.randint(1, 3)
    for position in range(last + 1, count):
        ids[position] = ids[position - 1] + rng.randint(1, 3)
    return ids
