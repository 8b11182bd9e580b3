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
from models.tagger import ModelLoadError
from models.training import TrainConfig
from models.workflow import cross_validate, train_and_report


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
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold cross-validation over the recorded folds")
    parser.add_argument("--extra-train", type=Path, action="append", default=[], help="extra training JSONL (never evaluated on)")
    args = parser.parse_args(argv)
    settings = json.loads(args.config.read_text(encoding="utf-8")) if args.config else {}
    settings.update({f.name: getattr(args, f.name) for f in fields(TrainConfig) if getattr(args, f.name) is not None})
    return TrainConfig(**settings), args


def main(argv: list[str] | None = None) -> int:
    config, args = parse_args(argv)
    try:
        if args.cv:
            report = cross_validate(config, args.cv, args.extra_train)
        else:
            report = train_and_report(config, args.extra_train)
    except (CorpusError, ModelLoadError, EmbeddedModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report["summary"], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
