"""The W3C Bitstring Status List: one bit per credential, set when it is revoked.

The list is the specification's minimum length (131,072 bits, 16 KiB), GZIP-compressed and written as
multibase base64url (a leading ``u``). Each credential's position is drawn at random, so the list reveals
neither how many credentials were issued nor which one was revoked.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

LENGTH = 131_072


def encode(revoked: Iterable[int], length: int = LENGTH) -> str:
    bits = bytearray(length // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)  # bit 0 is the first byte's most significant bit
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
