"""IOB2 tags: character spans <-> tags <-> subword tokens of any fast tokenizer.

Alignment goes through the tokenizer's ``offset_mapping``, so the same code serves
per-character Chinese vocabularies (one token per character) and word-piece or
SentencePiece vocabularies (a token covering several characters).
"""
from __future__ import annotations

from typing import Sequence

from corpus.schema import LABELS, Span

IOB2_TAGS: list[str] = ["O"] + [f"{prefix}-{label}" for label in LABELS for prefix in "BI"]
IGNORE_INDEX = -100  # positions the loss skips: special tokens and continuation pieces


class SpanError(ValueError):
    """Spans that IOB2 cannot represent: empty, outside the text, or overlapping."""


def spans_to_char_tags(text: str, spans: Sequence[Span]) -> list[str]:
    """One IOB2 tag per character of ``text``; refuses spans it would have to rewrite, so that a
    score is never computed on silently repaired input."""
    tags = ["O"] * len(text)
    previous_end = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if not 0 <= span.start < span.end <= len(text):
            raise SpanError(f"span [{span.start}:{span.end}] is empty or outside a text of {len(text)} characters")
        if span.start < previous_end:
            raise SpanError(f"span [{span.start}:{span.end}] overlaps the span before it (ending at {previous_end})")
        previous_end = span.end
        tags[span.start] = f"B-{span.label}"
        for i in range(span.start + 1, span.end):
            tags[i] = f"I-{span.label}"
    return tags


def char_tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Character spans from IOB2 tags; an I- without its B- opens a span (as seqeval does)."""
    return _spans_from_runs([(i, i + 1, tag) for i, tag in enumerate(tags)])


def labelled_tokens(offsets: Sequence[tuple[int, int]]) -> list[bool]:
    """Which tokens carry a label: not special tokens (empty offsets), and not a bare prefix
    piece (SentencePiece's "▁") that starts at the same character as the token after it."""
    keep = [end > start for start, end in offsets]
    for i in range(len(offsets) - 1):
        if keep[i] and keep[i + 1] and offsets[i][0] == offsets[i + 1][0]:
            keep[i] = False
    return keep


def token_tags(offsets: Sequence[tuple[int, int]], char_tags: Sequence[str]) -> list[str | None]:
    """The IOB2 tag of each labelled token: that of its first character; None for the others."""
    return [char_tags[start] if keep else None for (start, _), keep in zip(offsets, labelled_tokens(offsets))]


def token_tags_to_spans(offsets: Sequence[tuple[int, int]], tags: Sequence[str | None]) -> list[Span]:
    """Character spans from per-token tags, using each token's character offsets."""
    return _spans_from_runs(
        [(start, end, tag) for (start, end), tag in zip(offsets, tags) if end > start and tag is not None]
    )


def _spans_from_runs(pieces: Sequence[tuple[int, int, str]]) -> list[Span]:
    spans: list[Span] = []
    current: Span | None = None
    for start, end, tag in pieces:
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current.label == label:
            current.end = end
            continue
        if current is not None:
            spans.append(current)
            current = None
        if prefix in ("B", "I"):
            current = Span(start, end, label)
    if current is not None:
        spans.append(current)
    return spans
