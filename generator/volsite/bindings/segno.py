"""segno, with its choice of a QR code's mask made some ten times faster.

ISO/IEC 18004 has an encoder try the eight mask patterns on a code and keep the one with the
lowest penalty (7.8.3). segno does it module by module in Python: a mask function called for
each module of each pattern, and four penalties counted in loops; 3-4 ms of the 4 ms a code
takes. A city's 50,000 statements of service each carry a code, so that was minutes of a
build. Here the same choice is made on whole rows: each row a number, each pattern's bits made
once for a size and XORed in, and the penalties counted with string and bit operations, exactly
as segno counts them (its N3 rule included), so the code is the one segno makes, bit for bit.

A private part: segno.encoder.find_and_apply_best_mask, its arguments and the helpers that
lay out a code's function patterns. Pinned in pyproject.toml (segno <2); tests/unit/
test_bindings.py fails, naming segno, if an upgrade makes a code differ from segno's own.
Anything this does not expect (a Micro QR code, a module of another value) is left to segno.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import segno
from segno import encoder

_ORIGINAL = encoder.find_and_apply_best_mask
_ORIGINAL_PLACEMENT = encoder.add_codewords
_N3 = "1011101"
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_MODULES = bytes.maketrans(b"01", b"\x00\x01")
# Every row and then every column of a code is written out in one text of 0s and 1s (and read
# as one number), each line followed by GAP 0s: no run, pattern or pair of modules crosses from
# one line into the next, and what segno looks for within four modules of a 1:1:3:1:1 pattern
# is found in the gap as at a line's end.
GAP = 4


@dataclass(frozen=True)
class _Layout:
    """What a code `width` modules wide is looked at with, made once for each size."""

    width: int
    line: int  # a line and its gap
    rows: tuple[int, ...]  # each mask pattern's bits in the data modules, rows then columns, packed
    pairs: int  # where a module and the next in the same line are
    row_pairs: int  # the same in the rows alone, but the first (the rows that have one above)
    rows_bits: int  # how many bits the rows take, and so the columns below them


@lru_cache(maxsize=64)
def _layout(width: int) -> _Layout:
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1  # the dark module (as segno marks it)
    masks = []
    for pattern in encoder.get_data_mask_functions(False):
        grid = [["1" if function[i][j] > 0x1 and pattern(i, j) else "0" for j in range(width)] for i in range(width)]
        masks.append(_packed(["".join(row) for row in grid] + ["".join(column) for column in zip(*grid)]))
    pair_block = "0" + "1" * (width - 1) + "0" * GAP
    pairs = int(pair_block * (2 * width), 2)
    row_pairs = int("0" * len(pair_block) + pair_block * (width - 1), 2)
    return _Layout(width, width + GAP, tuple(masks), pairs, row_pairs, (width + GAP) * width)


def _packed(lines: list[str]) -> int:
    return int(("0" * GAP).join(lines) + "0" * GAP, 2)


def _n3(text: str, size: int, line: int) -> int:
    """segno's count of 1:1:3:1:1 patterns in each row and column (encoder.mask_scores), in
    the text of them all."""
    count = 0
    at = text.find(_N3)
    while at != -1:
        offset = at + 7
        if at % line in (0, size - 7) or "1" not in text[max(at - 4, 0) : at] or "1" not in text[offset : offset + 4]:
            count += 40
        else:
            offset = at + 4
        at = text.find(_N3, offset)
    return count


def _ones(number: int) -> int:
    return bin(number).count("1")


def _penalty(code: int, layout: _Layout) -> int:
    """The penalty of a masked code (its rows and columns packed), N1 + N2 + N3 + N4 as segno's
    mask_scores counts them."""
    width, line = layout.width, layout.line
    # N1: each run of five or more modules alike scores its length less two. A run of L is
    # L - 1 pairs alike; k >= 4 of them score k - 1: the windows of four in them (k - 3), and
    # two more for each run.
    alike = ~(code ^ (code >> 1)) & layout.pairs
    fours = alike & (alike >> 1) & (alike >> 2) & (alike >> 3)
    n1 = _ones(fours) + 2 * _ones(fours & ~(fours >> 1))
    # N2: each 2 x 2 block alike, 3 (the rows: a row and the one above it, a line further up)
    rows = code >> layout.rows_bits  # the columns come below the rows: the rows alone
    row_alike = alike >> layout.rows_bits
    n2 = 3 * _ones(row_alike & (row_alike >> line) & ~(rows ^ (rows >> line)) & layout.row_pairs)
    # N3: the finder-like patterns; N4: how far the dark modules are from half
    n3 = _n3(format(code, f"0{2 * width * line}b"), width, line)
    percent = float(_ones(rows)) / (width**2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def find_and_apply_best_mask(matrix: Any, width: int, height: int, proposed_mask: int | None = None) -> Any:
    """segno's encoder.find_and_apply_best_mask, on whole rows (same arguments, same result)."""
    if width != height or width < 21 or max(map(max, matrix)) > 0x1:
        return _ORIGINAL(matrix, width, height, proposed_mask)
    layout = _layout(width)
    lines = [bytes(row).translate(_DIGITS).decode() for row in matrix]
    code = _packed(lines + ["".join(column) for column in zip(*lines)])
    if proposed_mask is not None:
        best = proposed_mask
    else:
        scores = [_penalty(code ^ mask, layout) for mask in layout.rows]
        best = scores.index(min(scores))  # the first of the lowest, as segno keeps it
    text = format(code ^ layout.rows[best], f"0{2 * width * layout.line}b")
    made = tuple(
        bytearray(text[i * layout.line : i * layout.line + width].encode().translate(_MODULES)) for i in range(width)
    )
    if proposed_mask is not None:  # segno masks the matrix it was given in place, and returns it
        for row, new in zip(matrix, made):
            row[:] = new
        return proposed_mask, matrix
    return best, made


@lru_cache(maxsize=64)
def _placement(version: int, size: int) -> tuple[tuple[int, int], ...] | None:
    """Where each bit of a code's message goes, in order (7.7.3): learnt once for a version from
    segno's own add_codewords, run on a matrix of lists with the bits' numbers for bits."""
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    rows = tuple(list(row) for row in matrix)
    free = sum(row.count(0x2) for row in rows)
    try:
        _ORIGINAL_PLACEMENT(rows, list(range(3, free + 3)), version)  # 0-2 are the modules' own values
    except (ValueError, TypeError):
        return None
    places = sorted((value - 3, i, j) for i, row in enumerate(rows) for j, value in enumerate(row) if value >= 3)
    return tuple((i, j) for _, i, j in places)


def add_codewords(matrix: Any, codewords: Any, version: int) -> None:
    """segno's encoder.add_codewords (7.7.3: the message's bits into the free modules), along
    the places learnt for the version."""
    places = _placement(version, len(matrix)) if version >= 1 else None
    if places is None or len(places) != len(codewords):
        _ORIGINAL_PLACEMENT(matrix, codewords, version)
        return
    for (i, j), bit in zip(places, codewords):
        matrix[i][j] = bit


def installed() -> bool:
    """Whether segno makes its codes the faster way (done on import of this module)."""
    return encoder.find_and_apply_best_mask is find_and_apply_best_mask and encoder.add_codewords is add_codewords


encoder.find_and_apply_best_mask = find_and_apply_best_mask
encoder.add_codewords = add_codewords
make_qr = segno.make_qr
