"""Compact storage of a set of case ids: sorted, delta-encoded (the first id, then the gaps) as
fixed-width little-endian unsigned integers and compressed with zlib. The gaps are small, so their
high bytes are zeros that zlib removes: about two bytes per case. Encoding and decoding run at C
speed (`array`, `itertools.accumulate`), a million ids in a fraction of a second.

Layout: one byte giving the width (`I` 4 bytes, `Q` 8 bytes), then the compressed integers."""

from __future__ import annotations

import sys
import zlib
from array import array
from collections.abc import Iterable
from itertools import accumulate

_WIDE = 0xFFFFFFFF


def encode(ids: Iterable[int]) -> bytes:
    values = sorted(ids)
    if values and values[0] < 0:
        raise ValueError("ids must not be negative")
    deltas = [b - a for a, b in zip([0, *values], values, strict=False)]
    if 0 in deltas[1:]:  # repeated ids: keep each once
        values = sorted(set(values))
        deltas = [b - a for a, b in zip([0, *values], values, strict=False)]
    code = "I" if not deltas or max(deltas) <= _WIDE else "Q"
    packed = array(code, deltas)
    if sys.byteorder == "big":
        packed.byteswap()
    return code.encode() + zlib.compress(packed.tobytes(), 6)


def decode(data: bytes | memoryview) -> list[int]:
    raw = bytes(data)
    code = raw[:1].decode()
    if code not in ("I", "Q"):
        raise ValueError("not an id set")
    packed = array(code)
    packed.frombytes(zlib.decompress(raw[1:]))
    if sys.byteorder == "big":
        packed.byteswap()
    return list(accumulate(packed))
