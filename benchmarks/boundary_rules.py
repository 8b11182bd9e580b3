"""Which boundary rules earn their place: strict span F1 and the error mix of a trained tagger
on labelled sentences it never trained on, with each combination of rules.

    python benchmarks/boundary_rules.py --model outputs/tagger --data data/authored/w1.jsonl ...

The model runs once (raw spans, no rules); every rule set is then applied to the same raw
spans, so the comparison isolates the rules.  Choose the defaults here, on team-written or dev
data, never on the test split.
"""
from __future__ import annotations

import argparse
import json
from itertools import combinations
from pathlib import Path

from corpus.schema import Sentence, read_sentences
from models.boundaries import RULES, apply_boundary_rules
from models.evaluation import error_report, strict_scores
from models.tagger import Tagger

OPTIONAL = [name for name in RULES if name != "trim"]  # trim always runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, nargs="+", required=True, help="spec JSONL files (held out from the model)")
    parser.add_argument("--output", type=Path, help="write the table as JSON")
    args = parser.parse_args()
    gold = [s for path in args.data for s in read_sentences(path)]
    raw = Tagger(args.model).predict([s.text for s in gold], boundary_rules=False)
    rows = []
    for k in range(len(OPTIONAL) + 1):
        for rules in combinations(OPTIONAL, k):
            predicted = [Sentence(s.id, s.doc_id, s.text, apply_boundary_rules(s.text, [*spans], rules))
                         for s, spans in zip(gold, raw)]
            shares = error_report(gold, predicted)["shares"]
            rows.append({"rules": list(rules), "strict_micro_f1": strict_scores(gold, predicted)["micro"]["f1"],
                         **{k: shares[k] for k in ("exact", "wrong_label", "wrong_start", "wrong_end", "wrong_edges", "spurious")}})
    rows.sort(key=lambda r: -r["strict_micro_f1"])
    print(f"{len(gold)} sentences, {sum(len(s.spans) for s in gold)} gold spans")
    print(f"{'rules':38} {'strict F1':>9} {'exact':>6} {'label':>6} {'start':>6} {'end':>6} {'edges':>6} {'spur':>6}")
    for r in rows:
        print(f"{'+'.join(r['rules']) or '(none)':38} {r['strict_micro_f1']:9.3f} {r['exact']:6.1%} {r['wrong_label']:6.1%} "
              f"{r['wrong_start']:6.1%} {r['wrong_end']:6.1%} {r['wrong_edges']:6.1%} {r['spurious']:6.1%}")
    if args.output:
        args.output.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
