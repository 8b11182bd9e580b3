"""Corpus statistics: what the corpus holds, per label, speaker and split."""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from typing import Sequence

from corpus.schema import LABELS, Sentence
from corpus.text import REPORTING_VERBS

FRAME_BEFORE = re.compile(r"(?:%s)[，,：:]?\s*[“「]?$" % "|".join(REPORTING_VERBS))


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


def realism_profile(sentences: Sequence[Sentence]) -> dict[str, float]:
    """Surface facts of a labelled set to set the team-written text beside real text: where the
    two drift apart (longer sentences, fewer frames, no Latin letters...) the tagger learns
    habits real documents do not have."""
    from corpus.script import traditional_share  # OpenCC: loaded only for this report

    spans = [(s, x) for s in sentences for x in s.spans]
    chars = "".join(s.text for s in sentences)
    n = max(len(chars), 1)
    framed = sum(bool(FRAME_BEFORE.search(s.text[max(0, x.start - 14):x.start])) for s, x in spans)
    return {
        "documents": len({s.doc_id for s in sentences}),
        "sentences": len(sentences),
        "sentence_chars_mean": round(statistics.fmean(len(s.text) for s in sentences), 1) if sentences else 0.0,
        "sentence_chars_median": statistics.median(len(s.text) for s in sentences) if sentences else 0,
        "span_chars_mean": round(statistics.fmean(x.end - x.start for _, x in spans), 1) if spans else 0.0,
        "spans_per_sentence": round(len(spans) / max(len(sentences), 1), 3),
        "share_o_sentences": round(sum(not s.spans for s in sentences) / max(len(sentences), 1), 3),
        **{f"share_{label}": round(sum(x.label == label for _, x in spans) / max(len(spans), 1), 3) for label in LABELS},
        "share_traditional_sentences": round(sum(traditional_share(s.text) > 0.05 for s in sentences)
                                             / max(len(sentences), 1), 3),
        "punctuation_per_100_chars": round(100 * sum(unicodedata.category(c)[0] == "P" for c in chars) / n, 2),
        "latin_digit_per_100_chars": round(100 * sum(c.isascii() and c.isalnum() for c in chars) / n, 2),
        "quotes_per_100_chars": round(100 * sum(c in "“”「」『』\"" for c in chars) / n, 2),
        "share_spans_after_frame": round(framed / max(len(spans), 1), 3),
    }


def format_comparison(profiles: dict[str, dict[str, float]]) -> str:
    """Profiles side by side, one row per measure."""
    names = list(profiles)
    rows = [f"{'':30}" + "".join(f"{name:>14}" for name in names)]
    for key in profiles[names[0]]:
        rows.append(f"{key:30}" + "".join(f"{profiles[name][key]:>14}" for name in names))
    return "\n".join(rows)
