"""The one hash volsite makes of whatever it compares, keys or names: BLAKE2b, 16 bytes
unless a name wants fewer. Not for secrets: for telling contents apart."""

from __future__ import annotations

import hashlib

SIZE = 16


def hasher(size: int = SIZE) -> hashlib.blake2b:
    """For a digest of many pieces, fed with update()."""
    return hashlib.blake2b(digest_size=size)


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=SIZE).digest()


def hex_digest(data: bytes, size: int = SIZE) -> str:
    return hashlib.blake2b(data, digest_size=size).hexdigest()


def text_digest(text: str, size: int = SIZE) -> str:
    """Of a text as it is, lone surrogates (from a file name or an odd byte) included."""
    return hex_digest(text.encode("utf-8", "surrogatepass"), size)
