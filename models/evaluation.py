"""Scores of predicted spans against gold spans, on any JSONL in the spec format.

Strict scores come from seqeval (IOB2, strict mode) over character tags; lenient,
sentence-level and party scores from ``corpus.scoring``, the same arithmetic as the
inter-annotator agreement, so model and human ceiling are on one scale.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from corpus.align import spans_to_char_tags
from corpus.schema import LABELS, Sentence
from corpus.scoring import overlapping, pair_sentences, party_accuracy, sentence_scores, span_scores

NONE = "O"


def strict_scores(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> dict[str, dict[str, float]]:
    """seqeval strict IOB2 span P/R/F1 per label, micro and macro."""
    pairs = pair_sentences(gold, predicted)
    y_true = [spans_to_char_tags(g.text, g.spans) for g, _ in pairs]
    y_pred = [spans_to_char_tags(g.text, p.spans) for g, p in pairs]
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    rows = {}
    for key, name in [*((l, l) for l in LABELS), ("micro avg", "micro"), ("macro avg", "macro")]:
        row = report.get(key, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
        rows[name] = {"precision": round(float(row["precision"]), 4), "recall": round(float(row["recall"]), 4),
                      "f1": round(float(row["f1-score"]), 4), "support": int(row["support"])}
    return rows


def confusion(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> dict[str, dict[str, int]]:
    """Span-type confusion: each gold span against the predicted span overlapping it most
    (``O``: none); each predicted span that overlaps no gold span counts in row ``O``."""
    kinds = [*LABELS, NONE]
    matrix = {g: {p: 0 for p in kinds} for g in kinds}
    for g, p in pair_sentences(gold, predicted):
        for span in g.spans:
            best = max(p.spans, key=lambda x: min(x.end, span.end) - max(x.start, span.start), default=None)
            hit = best is not None and min(best.end, span.end) > max(best.start, span.start)
            matrix[span.label][best.label if hit else NONE] += 1
        for span in p.spans:
            if not any(min(x.end, span.end) > max(x.start, span.start) for x in g.spans):
                matrix[NONE][span.label] += 1
    return matrix


def errors(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> list[dict[str, object]]:
    """Every false positive and false negative (strict), with its sentence."""
    rows = []
    for g, p in pair_sentences(gold, predicted):
        gold_keys = {(x.start, x.end, x.label) for x in g.spans}
        pred_keys = {(x.start, x.end, x.label) for x in p.spans}
        for kind, keys in (("false_negative", gold_keys - pred_keys), ("false_positive", pred_keys - gold_keys)):
            for start, end, label in sorted(keys):
                rows.append({"id": g.id, "type": kind, "label": label, "start": start, "end": end,
                             "span": g.text[start:end], "text": g.text})
    return rows


def evaluate_predictions(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> dict[str, object]:
    return {
        "sentences": len(gold),
        "strict": strict_scores(gold, predicted),
        "lenient": span_scores(gold, predicted, overlapping),
        "sentence": sentence_scores(gold, predicted),
        "parties": party_accuracy(gold, predicted),
        "confusion": confusion(gold, predicted),
    }


def plot_confusion(matrix: dict[str, dict[str, int]], path: str | Path, title: str) -> None:
    """The span-type confusion matrix as a PNG picture."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(matrix)
    values = [[matrix[g][p] for p in kinds] for g in kinds]
    fig, ax = plt.subplots(figsize=(5.5, 4.8), dpi=120)
    ax.imshow(values, cmap="Blues")
    ax.set_xticks(range(len(kinds)), kinds, rotation=30, ha="right")
    ax.set_yticks(range(len(kinds)), kinds)
    ax.set_xlabel("predicted (O: no overlapping span)")
    ax.set_ylabel("gold (O: spurious prediction)")
    top = max(max(row) for row in values) or 1
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            ax.text(j, i, str(v), ha="center", va="center", color="white" if v > top / 2 else "black")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
