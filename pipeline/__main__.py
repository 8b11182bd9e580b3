"""``python -m pipeline tag INPUT... --model DIR --out OUTDIR``: tag a batch of documents.

Exit status: 0 when every input was processed; 3 when some inputs went to errors.jsonl
(the others are in the outputs); 2 for a usage problem (no model, bad registry).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpus.schema import CorpusError
from models.baseline import LexiconBaseline
from models.embedded import EmbeddedModelError
from models.tagger import ModelLoadError, Tagger
from pipeline.run import EXIT_USAGE, Settings, run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    tag = sub.add_parser("tag", help="tag documents and aggregate per-party argument structures")
    tag.add_argument("inputs", nargs="+", help="files, folders (recursive) or globs: .txt .jsonl .html .md")
    system = tag.add_mutually_exclusive_group(required=True)
    system.add_argument("--model", type=Path, help="a model directory written by train.py")
    system.add_argument("--baseline", choices=["lexicon"], help="tag with the cue-word baseline instead")
    tag.add_argument("--out", type=Path, required=True, help="output folder")
    tag.add_argument("--parties", action="append", default=[], help="extra party registry (JSON), repeatable")
    tag.add_argument("--resume", action="store_true", help="finish an interrupted run in OUTDIR")
    tag.add_argument("--batch-size", type=int, default=32, help="sentences per model batch")
    tag.add_argument("--batch-documents", type=int, default=32, help="documents per committed chunk")
    tag.add_argument("--max-sentence-chars", type=int, default=5000,
                     help="longer stretches without punctuation are reported as errors")
    tag.add_argument("--quiet", action="store_true", help="no progress line")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        predictor = Tagger(args.model) if args.model else LexiconBaseline()
        settings = Settings(args.batch_documents, args.batch_size, args.max_sentence_chars)
        status, summary = run(args.inputs, predictor, args.out, args.parties, args.resume, settings, not args.quiet)
    except (CorpusError, ModelLoadError, EmbeddedModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{summary.line()}; outputs in {args.out}" + ("; see errors.jsonl" if status else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
