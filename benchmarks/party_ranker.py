"""Rules against the learned party rankers, on documents neither was fitted on.

Team-written batches are held out a group of batches at a time (batches hold disjoint disputes, so
each fold's disputes are unseen); the seeds' dev and test splits are scored by rankers fitted on
every team-written batch and the seeds' train split.  Gold spans throughout, so only the choice of
speaker and target is measured; each role is scored with the rules' choice of the other.

    python benchmarks/party_ranker.py --folds 5 --output party_ranker.json
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
from pipeline.party_ranker import Chooser, Rankers
from pipeline.ranker_training import ROLES, LabelledCase, authored_batches, fit_rankers, labelled_cases

SYSTEMS = ("rules", "learned")


def accuracy(cases: Sequence[LabelledCase], chooser: Chooser | None) -> dict[str, float]:
    """Accuracy overall and per label; ``chooser`` None scores the rules' choice."""
    scores = {}
    for label in ("all", *LABELS):
        chosen = [c for c in cases if label in ("all", c.case.span.label)]
        right = [c.correct(chooser.choose(c.case) if chooser else c.case.rule) for c in chosen]
        scores[label] = round(sum(right) / len(right), 4) if right else 0.0
    return scores


def compare(cases: dict[str, list[LabelledCase]], rankers: Rankers) -> dict[str, dict]:
    """Rules and learned accuracy for each role on the same cases."""
    return {role: {"spans": len(cases[role]), "rules": accuracy(cases[role], None),
                   "learned": accuracy(cases[role], getattr(rankers, role))} for role in ROLES}


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
        rankers = fit_rankers([batches[n] for n in names if n not in held], seeds["train"])
        cases = {role: [c for n in held for c in batches[n][role]] for role in ROLES}
        folds.append({"held_out": held, **compare(cases, rankers)})
        print(f"fold {k}: " + "; ".join(f"{role} {folds[-1][role]['rules']['all']:.3f} -> "
                                       f"{folds[-1][role]['learned']['all']:.3f}" for role in ROLES), flush=True)
    rankers = fit_rankers([batches[n] for n in names], seeds["train"])
    report = {"folds": folds, "seeds": {name: compare(seeds[name], rankers) for name in ("dev", "test")}}
    print(f"\n{'held out':<24}{'role':<9}{'label':<12}{'rules':>16}{'learned':>16}")
    for role in ROLES:
        for label in ("all", *LABELS):
            cells = "".join(f"{statistics.mean(f[role][s][label] for f in folds):>8.3f} ± "
                            f"{statistics.pstdev(f[role][s][label] for f in folds):.3f}" for s in SYSTEMS)
            print(f"{'team-written, by fold':<24}{role:<9}{label:<12}{cells}")
    for name, row in report["seeds"].items():
        for role in ROLES:
            print(f"{'seeds ' + name + ' (' + str(row[role]['spans']) + ')':<24}{role:<9}{'all':<12}"
                  + "".join(f"{row[role][s]['all']:>16.3f}" for s in SYSTEMS))
    if args.output:
        atomic_write_text(args.output, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
