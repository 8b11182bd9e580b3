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
from corpus.schema import LABELS, Sentence, Span
from corpus.scoring import one_to_one_scores, overlapping, pair_sentences, party_accuracy, sentence_scores, span_scores

NONE = "O"


def strict_scores(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> dict[str, dict[str, float]]:
    """seqeval strict IOB2 span P/R/F1 per label, micro and macro."""
    pairs = pair_sentences(gold, predicted)
    y_true = [spans_to_char_tags(g.text, g.spans) for g, _ in pairs]
    y_pred = [spans_to_char_tags(g.text, p.spans) for g, p in pairs]
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    rows = {}
    for key, name in [*((lab, lab) for lab in LABELS), ("micro avg", "micro"), ("macro avg", "macro")]:
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


PREDICTION_KINDS = ("exact", "wrong_label", "wrong_start", "wrong_end", "wrong_edges", "spurious")


def _overlap(a: Span, b: Span) -> int:
    return min(a.end, b.end) - max(a.start, b.start)


def classify_prediction(span: Span, gold_spans: Sequence[Span]) -> str:
    """What went wrong with one predicted span, judged against the gold span it overlaps most:
    the label first (a wrong label is a wrong label whatever the edges), then the edges."""
    best = max(gold_spans, key=lambda g: _overlap(span, g), default=None)
    if best is None or _overlap(span, best) <= 0:
        return "spurious"
    if best.label != span.label:
        return "wrong_label"
    start_ok, end_ok = span.start == best.start, span.end == best.end
    return {(True, True): "exact", (False, True): "wrong_start", (True, False): "wrong_end"}.get((start_ok, end_ok), "wrong_edges")


def error_report(gold: Sequence[Sentence], predicted: Sequence[Sentence], examples: int = 5) -> dict[str, object]:
    """Every predicted span sorted into exact / wrong label / wrong start / wrong end / both edges /
    spurious, plus the gold spans no prediction overlaps (missed), with shares and examples."""
    counts = {kind: 0 for kind in (*PREDICTION_KINDS, "missed")}
    shown: dict[str, list[dict[str, object]]] = {kind: [] for kind in counts}
    for g, p in pair_sentences(gold, predicted):
        rows = [(classify_prediction(x, g.spans), x) for x in p.spans]
        rows += [("missed", x) for x in g.spans if not any(_overlap(x, y) > 0 for y in p.spans)]
        for kind, span in rows:
            counts[kind] += 1
            if len(shown[kind]) < examples:
                near = max(g.spans, key=lambda y: _overlap(span, y), default=None)
                shown[kind].append({"id": g.id, "label": span.label, "span": g.text[span.start:span.end],
                                    "gold": f"{near.label} {g.text[near.start:near.end]}" if near and kind != "missed" else None,
                                    "text": g.text})
    predictions = sum(counts[k] for k in PREDICTION_KINDS)
    shares = {k: round(counts[k] / predictions, 4) if predictions else 0.0 for k in PREDICTION_KINDS}
    gold_total = sum(len(g.spans) for g in gold)
    shares["missed"] = round(counts["missed"] / gold_total, 4) if gold_total else 0.0
    return {"counts": counts, "shares": shares, "predicted_spans": predictions, "gold_spans": gold_total,
            "confusion": confusion(gold, predicted), "examples": shown}


def format_error_report(report: dict) -> str:
    """The error table as text: kinds with count and share (missed: share of gold spans)."""
    lines = [f"{'kind':12} {'n':>5} {'share':>6}   (of {report['predicted_spans']} predicted; missed: of {report['gold_spans']} gold)"]
    for kind, n in report["counts"].items():
        lines.append(f"{kind:12} {n:5d} {report['shares'][kind]:6.1%}")
    kinds = list(report["confusion"])
    lines += ["", "span-level confusion (rows gold, columns predicted; O = none)", " " * 11 + "".join(f"{k[:6]:>8}" for k in kinds)]
    lines += [f"{g[:10]:10} " + "".join(f"{report['confusion'][g][p]:8d}" for p in kinds) for g in kinds]
    for kind, rows in report["examples"].items():
        if kind != "exact" and rows:
            lines += ["", f"{kind}:"] + [f"  {r['id']} {r['label']} «{r['span']}»" + (f"  gold: {r['gold']}" if r["gold"] else "")
                                        for r in rows]
    return "\n".join(lines)


def evaluate_predictions(gold: Sequence[Sentence], predicted: Sequence[Sentence],
                         aliases: dict[str, str] | None = None, attributed: bool = True) -> dict[str, object]:
    """All scores of one system.  Party accuracy only where speakers and targets were
    attributed (``attributed``): unattributed spans would score a meaningless 0."""
    report = {
        "sentences": len(gold),
        "strict": strict_scores(gold, predicted),
        "lenient": span_scores(gold, predicted, overlapping),  # one-to-many: any overlap matches
        "lenient_one_to_one": one_to_one_scores(gold, predicted),
        "sentence": sentence_scores(gold, predicted),
        "confusion": confusion(gold, predicted),
    }
    if attributed:
        report["parties"] = party_accuracy(gold, predicted, aliases)
    return report


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
