"""Fine-tune the span tagger: ``python train.py`` (defaults do the right thing).

Trains on the recorded train split, keeps the checkpoint with the best dev span F1,
scores it on the test split beside the cue-word baseline, and writes a directory that
``from_pretrained`` and ``transformers.pipeline("token-classification", ...)`` load.
``--cv K`` instead runs K-fold cross-validation over the recorded folds.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path

from corpus.schema import CorpusError
from models.embedded import EmbeddedModelError
from models.experiments import cross_validate, train_and_report
from models.tagger import ModelLoadError
from models.training import TrainConfig


def parse_args(argv: list[str] | None = None) -> tuple[TrainConfig, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, help="JSON file of training settings (flags override it)")
    defaults = TrainConfig()
    for f in fields(TrainConfig):
        flag, kind = f"--{f.name.replace('_', '-')}", type(getattr(defaults, f.name))
        if kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        else:
            parser.add_argument(flag, type=kind, default=None, help=f"default: {getattr(defaults, f.name)}")
    parser.add_argument("--cv", type=int, default=0, metavar="K",
                        help="K-fold cross-validation holding out whole seed documents and whole team-written disputes "
                             "(writes to --output-dir, default outputs/cv)")
    parser.add_argument("--cv-authored-limit", type=int, metavar="N",
                        help="--cv: train on at most N team-written sentences (whole documents): a learning-curve point")
    parser.add_argument("--overwrite-output-dir", action="store_true", help="replace a non-empty output directory")
    parser.add_argument("--extra-train", type=Path, action="append", default=[], help="extra training JSONL (never evaluated on)")
    args = parser.parse_args(argv)
    if args.cv == 1 or args.cv < 0:
        parser.error(f"--cv {args.cv}: cross-validation needs K >= 2 folds")
    settings = json.loads(args.config.read_text(encoding="utf-8")) if args.config else {}
    settings.update({f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name) is not None})
    if args.cv and args.output_dir is None and "output_dir" not in settings:
        settings["output_dir"] = "outputs/cv"  # never where the trained model lives
    return TrainConfig(**settings), args


def main(argv: list[str] | None = None) -> int:
    config, args = parse_args(argv)
    out = Path(config.output_dir)
    if out.exists() and any(out.iterdir()) and not args.overwrite_output_dir:
        print(f"error: {out} is not empty; pass --overwrite-output-dir to replace it, or choose --output-dir",
              file=sys.stderr)
        return 2
    try:
        if args.cv:
            report = cross_validate(config, args.cv, args.extra_train, args.cv_authored_limit)
        else:
            report = train_and_report(config, args.extra_train)
    except (CorpusError, ModelLoadError, EmbeddedModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report["summary"], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
