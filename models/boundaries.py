"""The spec's boundary rules, applied to predicted spans.

A model trained on ~100 sentences gets span *types* right long before it gets span
*edges* right; these rules move an edge to where the annotation spec puts it: after an
attribution frame, off punctuation and white space, and onto a nearby clause boundary.
"""
from __future__ import annotations

import re

from corpus.schema import Span
from corpus.validate import is_edge_forbidden

REPORTING_VERBS = ("表示", "宣称", "声称", "认为", "指出", "强调", "透露", "披露", "坦言", "回应", "写道", "称", "说")
# A frame is a short subject followed by a reporting verb and the punctuation after it:
# "腾讯表示，" "刘畅说：“" (spec: the span starts after the frame).
FRAME = re.compile(r"^[^，。；！？]{0,12}?(?:%s)[，,：:]\s*[“\"「『]?" % "|".join(REPORTING_VERBS))
CLAUSE_MARKS = "，,；;：:。！？!?"


def drop_frame(text: str, span: Span) -> Span:
    match = FRAME.match(text, span.start, span.end)
    if match and match.end() < span.end:
        return Span(match.end(), span.end, span.label, span.speaker, span.target, span.score)
    return span


def trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and is_edge_forbidden(text[start]):
        start += 1
    while end > start and is_edge_forbidden(text[end - 1]):
        end -= 1
    return Span(start, end, span.label, span.speaker, span.target, span.score)


def _mark(text: str, lo: int, hi: int, last: bool) -> int | None:
    """Position of the first (or last) clause mark in text[lo:hi], if any."""
    positions = [i for i in range(max(lo, 0), min(hi, len(text))) if text[i] in CLAUSE_MARKS]
    return (positions[-1] if last else positions[0]) if positions else None


def snap(text: str, span: Span, reach: int = 2) -> Span:
    """Move an edge that lies within ``reach`` characters of a clause boundary onto it."""
    start, end = span.start, span.end
    inside = _mark(text, end - reach, end, last=False)
    if inside is not None and inside > start:
        end = inside  # the span runs a few characters into the next clause: cut it back
    else:
        ahead = _mark(text, end, end + reach + 1, last=False)
        end = ahead if ahead is not None else end  # stops just short: extend to the mark
    inside = _mark(text, start, start + reach, last=True)
    if inside is not None and inside + 1 < end:
        start = inside + 1
    else:
        behind = _mark(text, start - reach - 1, start, last=True)
        start = behind + 1 if behind is not None else start
    return Span(start, end, span.label, span.speaker, span.target, span.score)


def apply_boundary_rules(text: str, spans: list[Span]) -> list[Span]:
    """Frame, snap, trim; drop spans that vanish and resolve any overlap the snapping made."""
    out: list[Span] = []
    for span in spans:
        span = trim(text, snap(text, drop_frame(text, span)))
        if span.end <= span.start:
            continue
        if out and span.start < out[-1].end:
            span = Span(out[-1].end, span.end, span.label, span.speaker, span.target, span.score)
            span = trim(text, span)
            if span.end <= span.start:
                continue
        out.append(span)
    return out
