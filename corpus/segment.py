"""Sentence segmentation exactly as ANNOTATION_SPEC.md defines the unit.

A sentence ends after a run of terminators (。！？!? or the ellipsis ……) together with
any closing quotes or brackets that directly follow, and at every line break.  Leading
and trailing white space (U+3000 included) is not part of a sentence.  Offsets are kept
so that every sentence can be traced back to the original document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TERMINATORS = "。！？!?…"
CLOSERS = "”’」』）"
LINE_BREAKS = "\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85"

# A boundary is the end of: terminators followed by closers, or a line break.
_BOUNDARY = re.compile(
    f"[{re.escape(TERMINATORS)}]+[{re.escape(CLOSERS)}]*|\r\n|[{re.escape(LINE_BREAKS)}]"
)
_STRIP = " \t\u3000\u00a0\ufeff\u200b" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)


@dataclass(frozen=True)
class SentenceSpan:
    """One sentence: its text and its [start, end) offsets in the document."""

    start: int
    end: int
    text: str


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start] in _STRIP or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _STRIP or text[end - 1].isspace()):
        end -= 1
    return start, end


def segment(text: str) -> list[SentenceSpan]:
    """Split a document into sentences with character offsets into ``text``."""
    sentences: list[SentenceSpan] = []
    piece_start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.end() if match.group()[0] in TERMINATORS else match.start()
        _append(text, piece_start, cut, sentences)
        piece_start = match.end()
    _append(text, piece_start, len(text), sentences)
    return sentences


def _append(text: str, start: int, end: int, out: list[SentenceSpan]) -> None:
    start, end = _trim(text, start, end)
    if start < end:
        out.append(SentenceSpan(start, end, text[start:end]))


def sentences(text: str) -> list[str]:
    """The sentence strings of ``text`` (offsets dropped)."""
    return [s.text for s in segment(text)]
