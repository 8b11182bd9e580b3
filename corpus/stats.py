"""Corpus statistics: what the corpus holds, per label, speaker and split."""
from __future__ import annotations

import statistics
from collections import Counter
from typing import Sequence

from corpus.schema import LABELS, Sentence


def corpus_stats(sentences: Sequence[Sentence], assignments: dict[str, dict[str, object]] | None = None) -> dict:
    spans = [(s, x) for s in sentences for x in s.spans]
    lengths = [x.end - x.start for _, x in spans]
    split_of = {s.id: (assignments or {}).get(s.id, {}).get("split", "unassigned") for s in sentences}
    by_split: dict[str, Counter] = {}
    for s, x in spans:
        by_split.setdefault(split_of[s.id], Counter())[x.label] += 1
    return {
        "documents": len({s.doc_id for s in sentences}),
        "sentences": len(sentences),
        "sentences_with_spans": sum(bool(s.spans) for s in sentences),
        "sentences_per_split": dict(Counter(split_of.values())),
        "spans": len(spans),
        "spans_per_label": {label: sum(x.label == label for _, x in spans) for label in LABELS},
        "spans_per_speaker": dict(Counter(x.speaker for _, x in spans).most_common()),
        "spans_per_target": dict(Counter(x.target or "(none)" for _, x in spans).most_common()),
        "spans_per_split_label": {k: dict(v) for k, v in sorted(by_split.items())},
        "span_length_chars": {
            "min": min(lengths, default=0),
            "median": statistics.median(lengths) if lengths else 0,
            "mean": round(statistics.fmean(lengths), 1) if lengths else 0,
            "max": max(lengths, default=0),
        },
    }


def format_stats(stats: dict) -> str:
    """A plain-text table for the terminal."""
    lines = [
        f"documents {stats['documents']}  sentences {stats['sentences']}  "
        f"with spans {stats['sentences_with_spans']}  spans {stats['spans']}",
        "sentences per split: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["sentences_per_split"].items())),
        "spans per label:     " + ", ".join(f"{k} {v}" for k, v in stats["spans_per_label"].items()),
        "spans per speaker:   " + ", ".join(f"{k} {v}" for k, v in stats["spans_per_speaker"].items()),
        "spans per target:    " + ", ".join(f"{k} {v}" for k, v in stats["spans_per_target"].items()),
    ]
    for split, counts in stats["spans_per_split_label"].items():
        lines.append(f"spans in {split:<6}:     " + ", ".join(f"{label} {counts.get(label, 0)}" for label in LABELS))
    length = stats["span_length_chars"]
    lines.append(f"span length (chars): min {length['min']}, median {length['median']}, mean {length['mean']}, max {length['max']}")
    return "\n".join(lines)
