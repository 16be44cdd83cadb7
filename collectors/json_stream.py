"""A pull parser for JSON documents too big to load: the structure is walked piece by piece and
each value (a message, a chat's name) is decoded whole by the C decoder, so memory stays flat
however long the arrays are.

Usage: `for key in js.object_keys(): ...` and `for _ in js.array_items(): ...` yield at each
member; the caller must then consume exactly one value (`js.value()`, or walk into it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any

_WHITESPACE = re.compile(r"[ \t\n\r]*")
CHUNK_CHARS = 1 << 20
MAX_VALUE_CHARS = 64 << 20  # one value bigger than this is broken or hostile


class JsonStreamError(ValueError):
    """The document is not valid JSON at `line`:`column` (1-based)."""

    def __init__(self, reason: str, line: int, column: int) -> None:
        self.reason, self.line, self.column = reason, line, column
        super().__init__(f"line {line}, column {column}: {reason}")


class JsonStream:
    def __init__(self, stream: IO[str], *, chunk_chars: int = CHUNK_CHARS,
                 max_value_chars: int = MAX_VALUE_CHARS) -> None:
        self._stream = stream
        self._chunk = chunk_chars
        self._max = max_value_chars
        self._decoder = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0  # newlines in the text already dropped from the buffer
        self._line_start = 0  # buffer index where the current line starts (may be negative)
        self._last_span = (0, 0)  # where the last decoded value was, until the next read

    # -- buffer ---------------------------------------------------------------------------

    def _fill(self) -> bool:
        """Read another chunk, dropping what was consumed; False at the end of the stream."""
        if self._eof:
            return False
        chunk = self._stream.read(self._chunk)
        if not chunk:
            self._eof = True
            return False
        if self._pos:
            consumed = self._buf[:self._pos]
            newlines = consumed.count("\n")
            if newlines:
                self._lines_before += newlines
                self._line_start = consumed.rfind("\n") + 1
            self._line_start -= self._pos
            self._buf = self._buf[self._pos:] + chunk
            self._pos = 0
        else:
            self._buf += chunk
        return True

    def _skip_whitespace(self) -> None:
        while True:
            match = _WHITESPACE.match(self._buf, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._buf) or not self._fill():
                return

    def error(self, reason: str, at: int | None = None) -> JsonStreamError:
        index = self._pos if at is None else at
        before = self._buf[:index]
        newlines = before.count("\n")
        line_start = before.rfind("\n") + 1 if newlines else self._line_start
        return JsonStreamError(reason, self._lines_before + newlines + 1, index - line_start + 1)

    # -- tokens ---------------------------------------------------------------------------

    def peek(self) -> str:
        """The next significant character, or '' at the end."""
        self._skip_whitespace()
        return self._buf[self._pos] if self._pos < len(self._buf) else ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"expected {char!r}, found {_describe(found)}")
        self._pos += 1

    def value(self) -> Any:
        """Decode the next complete value, reading more text as needed."""
        self._skip_whitespace()
        while True:
            try:
                decoded, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if len(self._buf) - self._pos > self._max:
                    raise self.error(f"a value is larger than {self._max} characters "
                                     "(or is malformed)") from None
                if self._fill():
                    continue
                raise self.error(f"invalid JSON: {exc.msg}", exc.pos) from None
            except RecursionError:
                raise self.error("invalid JSON: nested too deeply") from None
            if end == len(self._buf) and self._fill():
                continue  # a number may go on in the next chunk: decode again to be sure
            self._last_span = (self._pos, end)
            self._pos = end
            return decoded

    def last_value_matches(self, pattern: re.Pattern[str]) -> bool:
        """Whether the source text of the value just decoded matches `pattern` (call it
        right after `value()`)."""
        start, end = self._last_span
        return pattern.search(self._buf, start, end) is not None

    def object_keys(self) -> Iterator[str]:
        """Each key of the object that starts here; consume its value before the next."""
        self.expect("{")
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.error(f"an object key must be a string, found {_describe(str(key))}")
            self.expect(":")
            yield key
            following = self.peek()
            self._pos += 1
            if following == "}":
                return
            if following != ",":
                self._pos -= 1
                raise self.error(f"expected ',' or '}}', found {_describe(following)}")

    def array_items(self) -> Iterator[int]:
        """Yields the index of each element of the array that starts here; consume it."""
        self.expect("[")
        if self.peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            following = self.peek()
            self._pos += 1
            if following == "]":
                return
            if following != ",":
                self._pos -= 1
                raise self.error(f"expected ',' or ']', found {_describe(following)}")

    def skip(self) -> None:
        """Consume the next value without holding a big array in memory."""
        if self.peek() == "[":
            for _ in self.array_items():
                self.skip()
        else:
            self.value()

    def at_end(self) -> bool:
        return self.peek() == ""


def _describe(char: str) -> str:
    return "the end of the file" if not char else repr(char[:20])
