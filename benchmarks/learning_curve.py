"""Learning curve of the team-written set: grouped cross-validation with 0, 664, ~2,000 and all
team-written sentences in training, scored on held-out seed documents and on held-out
team-written disputes.

    python benchmarks/learning_curve.py --folds 3 --points 0 664 2000 all --output outputs/learning_curve.json

Each point trains with ``train.py``'s defaults, so smaller training sets get more epochs
(``models.training.auto_epochs``); every point uses the same folds.
"""
from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

from models.experiments import cross_validate
from models.training import TrainConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--points", nargs="+", default=["0", "664", "2000", "all"])
    parser.add_argument("--output", type=Path, default=Path("outputs/learning_curve.json"))
    parser.add_argument("--only-folds", type=int, nargs="+", help="run just these folds (same assignment)")
    args = parser.parse_args()
    results = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
    for point in args.points:
        if point in results:
            continue  # resumable: a finished point is kept
        limit = None if point == "all" else int(point)
        config = replace(TrainConfig(), output_dir=f"outputs/cv-curve-{point}")
        began = time.perf_counter()
        report = cross_validate(config, args.folds, authored_limit=limit, only=args.only_folds)
        results[point] = {"seconds": round(time.perf_counter() - began), "folds": [f["fold"] for f in report["folds"]],
                          "per_fold": [{part: f[part]["model"]["strict"]["micro"]["f1"] if f[part] else None
                                        for part in ("seeds", "authored")} for f in report["folds"]],
                          "train_sentences": [f["train_sentences"] for f in report["folds"]],
                          "mean_std": report["mean_std"]}
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(point, json.dumps(results[point], ensure_ascii=False))


if __name__ == "__main__":
    main()
