"""Choosing the decoding settings: strict F1 and the error mix for each split margin (and gap /
minimum length) on labelled sentences the model never trained on.

    python benchmarks/decoding.py --model outputs/tagger --data data/authored/w9.jsonl \
        [--margins 0 0.2 0.4 0.6] [--label-weights 1,1,1,1 1.4,1,0.6,0.6] [--output outputs/decoding.json]

The model runs once; every setting decodes the same per-character probabilities, so the
comparison isolates the decoding.  Choose on team-written or dev data, never on the test split.
"""
from __future__ import annotations

import argparse
import json
from itertools import product
from pathlib import Path

from corpus.schema import LABELS, Sentence, read_sentences
from corpus.script import to_simplified
from models.boundaries import apply_boundary_rules
from models.decoding import LABEL_WEIGHTS, decode_spans
from models.evaluation import error_report, evaluate_predictions
from models.tagger import Tagger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, nargs="+", required=True, help="spec JSONL files (held out from the model)")
    parser.add_argument("--margins", type=float, nargs="+", default=[0.0, 0.2, 0.4, 0.6])
    parser.add_argument("--gaps", type=int, nargs="+", default=[4])
    parser.add_argument("--min-lengths", type=int, nargs="+", default=[6])
    parser.add_argument("--label-weights", type=_weights, nargs="+", default=[LABEL_WEIGHTS],
                        help=f"vote weights of {','.join(LABELS)}, comma-separated (default: the shipped ones)")
    parser.add_argument("--output", type=Path, help="write the table as JSON")
    args = parser.parse_args()
    gold = [s for path in args.data for s in read_sentences(path)]
    tagger = Tagger(args.model)
    texts = [to_simplified(s.text) for s in gold]
    probabilities = tagger.char_probabilities(texts)
    rows = []
    for margin, gap, shortest, weights in product(args.margins, args.gaps, args.min_lengths, args.label_weights):
        predicted = [Sentence(s.id, s.doc_id, s.text, apply_boundary_rules(
            text, decode_spans(text, probs, tagger.labels, gap, shortest, margin, weights)))
            for s, text, probs in zip(gold, texts, probabilities)]
        scores = evaluate_predictions(gold, predicted, attributed=False)
        shares = error_report(gold, predicted)["shares"]
        sentence = {label: scores["sentence"][label]["f1"] for label in LABELS}
        rows.append({"split_margin": margin, "max_gap": gap, "min_length": shortest,
                     "label_weights": ",".join(str(weights[label]) for label in LABELS),
                     "strict_micro_f1": scores["strict"]["micro"]["f1"],
                     "sentence_macro_f1": round(sum(sentence.values()) / len(LABELS), 4),
                     **{k: shares[k] for k in ("exact", "wrong_label", "wrong_start", "wrong_end", "spurious")}})
        print(json.dumps(rows[-1]))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


def _weights(text: str) -> dict[str, float]:
    values = [float(v) for v in text.split(",")]
    if len(values) != len(LABELS):
        raise argparse.ArgumentTypeError(f"{text!r}: give {len(LABELS)} weights, for {','.join(LABELS)}")
    return dict(zip(LABELS, values))


if __name__ == "__main__":
    main()
