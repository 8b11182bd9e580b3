"""Rules against the learned target ranker, on documents neither was fitted on.

Team-written batches are held out a group of batches at a time (batches hold disjoint disputes, so
each fold's disputes are unseen); the seeds' dev and test splits are scored by a ranker fitted on
every team-written batch and the seeds' train split.  Gold spans throughout, so only the target
choice is measured; speakers come from the rules in both systems.

    python benchmarks/target_ranker.py --folds 5 --output target_ranker.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Sequence

from corpus.load import load_corpus, load_splits
from corpus.parties import load_registry
from corpus.schema import LABELS, atomic_write_text
from pipeline.target_ranker import TargetChooser, fit
from pipeline.target_training import (
    REAL_TEXT_WEIGHT,
    LabelledCase,
    authored_batches,
    examples,
    labelled_cases,
)


def accuracy(cases: Sequence[LabelledCase], chooser: TargetChooser | None) -> dict[str, float]:
    """Target accuracy overall and per label; ``chooser`` None scores the rules' choice."""
    scores = {}
    for label in ("all", *LABELS):
        chosen = [c for c in cases if label in ("all", c.case.label)]
        right = [c.correct(chooser.choose(c.case) if chooser else c.case.rule) for c in chosen]
        scores[label] = round(sum(right) / len(right), 4) if right else 0.0
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="groups of team-written batches held out in turn")
    parser.add_argument("--output", type=Path, help="write the figures here (JSON)")
    args = parser.parse_args(argv)
    registry = load_registry()
    batches = {name: labelled_cases(sentences, registry) for name, sentences in authored_batches().items()}
    splits = load_splits(load_corpus())
    seeds = {name: labelled_cases(splits[name], registry) for name in ("train", "dev", "test")}
    names = sorted(batches, key=lambda n: (n[1:].isdigit(), int(n[1:]) if n[1:].isdigit() else 0, n))
    folds = []
    for k in range(args.folds):
        held = names[k::args.folds]
        train = [e for n in names if n not in held for e in examples(batches[n])]
        ranker = fit(train + examples(seeds["train"], REAL_TEXT_WEIGHT))
        cases = [c for n in held for c in batches[n]]
        folds.append({"held_out": held, "spans": len(cases), "rules": accuracy(cases, None),
                      "learned": accuracy(cases, ranker)})
        print(f"fold {k}: {len(cases)} spans, rules {folds[-1]['rules']['all']:.3f}, "
              f"learned {folds[-1]['learned']['all']:.3f}", flush=True)
    ranker = fit([e for n in names for e in examples(batches[n])] + examples(seeds["train"], REAL_TEXT_WEIGHT))
    report = {"folds": folds, "seeds": {name: {"spans": len(seeds[name]), "rules": accuracy(seeds[name], None),
                                                "learned": accuracy(seeds[name], ranker)} for name in ("dev", "test")}}
    print(f"\n{'held out':<22}{'label':<12}{'rules':>14}{'learned':>14}")
    for label in ("all", *LABELS):
        cells = [statistics.mean(f[system][label] for f in folds) for system in ("rules", "learned")]
        spread = [statistics.pstdev(f[system][label] for f in folds) for system in ("rules", "learned")]
        print(f"{'team-written, by fold':<22}{label:<12}" + "".join(f"{m:>8.3f} ± {s:.3f}" for m, s in zip(cells, spread)))
    for name, row in report["seeds"].items():
        for label in ("all", *LABELS):
            print(f"{'seeds ' + name + ' (' + str(row['spans']) + ')':<22}{label:<12}"
                  f"{row['rules'][label]:>14.3f}{row['learned'][label]:>14.3f}")
    if args.output:
        atomic_write_text(args.output, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
