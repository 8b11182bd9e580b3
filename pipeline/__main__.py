"""``python -m pipeline tag INPUT... --model DIR --out OUTDIR``: tag a batch of documents.

Exit status: 0 when every input was processed; 3 when some inputs went to errors.jsonl
(the others are in the outputs); 2 for a usage problem (no model, bad registry).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from corpus.schema import CorpusError
from models.batching import DEFAULT_BATCH_TOKENS
from models.embedded import EmbeddedModelError
from models.tagger import PRECISIONS, ModelLoadError
from pipeline.party_ranker import RANKERS
from pipeline.readers import HTML_MODES, ReadOptions, discover
from pipeline.records import InputError
from pipeline.run import EXIT_USAGE, PredictorSpec, RunMismatch, Settings, run


class UsageError(RuntimeError):
    """A request this installation or this combination of options cannot serve."""


def _ray(*args, **kwargs):
    try:  # Ray is only needed, and imported, for --engine ray
        from pipeline.ray_engine import run_ray
    except ImportError:
        raise UsageError("--engine ray needs Ray Data: pip install 'zh-argmine[ray]'") from None
    return run_ray(*args, **kwargs)


ENGINES = {"local": run, "ray": _ray}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    tag = sub.add_parser("tag", help="tag documents and aggregate per-party argument structures")
    tag.add_argument("inputs", nargs="+", help="files, folders (recursive) or globs: .txt .jsonl .csv .tsv .html .md")
    tag.add_argument("--html", choices=HTML_MODES, default="article",
                     help="article: a page's main text, without menus, ads, comments and footers (its title, "
                          "author and date go to the metadata); raw: all visible text")
    tag.add_argument("--text-field", default="text", help="the JSONL field or CSV/TSV column holding the text")
    tag.add_argument("--id-field", default="id",
                     help="the JSONL field or CSV/TSV column holding the document id (default: id, else FILE-LINE)")
    system = tag.add_mutually_exclusive_group(required=True)
    system.add_argument("--model", type=Path, help="a model directory written by train.py")
    system.add_argument("--baseline", choices=["lexicon"], help="tag with the cue-word baseline instead")
    tag.add_argument("--out", type=Path, required=True, help="output folder")
    tag.add_argument("--parties", action="append", default=[], help="extra party registry (JSON), repeatable")
    tag.add_argument("--discover", action=argparse.BooleanOptionalAction, default=True,
                     help="find the batch's parties in its own text and write OUTDIR/parties.discovered.json "
                          "(default: on; --parties files win over it)")
    tag.add_argument("--ranker", choices=sorted(RANKERS), default="learned",
                     help="choose each act's speaker and target by the learned rankers (default) or by the rules alone")
    tag.add_argument("--resume", action="store_true", help="finish an interrupted run in OUTDIR")
    tag.add_argument("--overwrite", action="store_true", help="replace the results already in OUTDIR")
    tag.add_argument("--precision", choices=PRECISIONS, default="fp32",
                     help="bf16: faster, same labels (close calls are redone in fp32); int8: fastest, labels may change")
    tag.add_argument("--batch-tokens", type=int, default=DEFAULT_BATCH_TOKENS,
                     help="padded tokens per model batch (sentences are sorted by length)")
    tag.add_argument("--threads", type=int, help="torch threads (default: the CPUs this process may use)")
    tag.add_argument("--batch-documents", type=int, default=32, help="documents per committed chunk")
    tag.add_argument("--max-sentence-chars", type=int, default=5000,
                     help="longer stretches without punctuation are reported as errors")
    tag.add_argument("--engine", choices=ENGINES, default="local",
                     help="local: this machine (default); ray: a Ray cluster (RAY_ADDRESS or --ray-address)")
    tag.add_argument("--actors", type=int, default=2, help="--engine ray: model-holding actors")
    tag.add_argument("--ray-address", help="--engine ray: e.g. ray://head:10001 (default: RAY_ADDRESS, else start Ray here)")
    tag.add_argument("--quiet", action="store_true", help="no progress bar and no library logs")
    return parser


def quiet_libraries() -> None:
    """--quiet: no jieba dictionary messages, no model-loading bars or reports."""
    import logging

    import jieba
    from transformers.utils import logging as hf_logging

    jieba.setLogLevel(logging.WARNING)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def check_output_dir(out: Path, resume: bool, overwrite: bool) -> str | None:
    """Why OUTDIR cannot take this run, if it cannot: a file, or earlier results kept safe."""
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file; give a folder"
    if out.is_dir() and any(out.iterdir()) and not (resume or overwrite):
        return f"{out} already holds results; pass --resume to finish that run or --overwrite to replace it"
    return None


def check_inputs(inputs: list[str], out: Path) -> str | None:
    """An empty input set is a mistake worth a message, not a silent empty run."""
    if not any(not isinstance(found, InputError) for found in discover(inputs, out)):
        return f"no input files found in {' '.join(inputs)}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.engine == "ray" and args.resume:
        parser.error("--resume works with the local engine; a Ray run is rerun from the start")
    reading = ReadOptions(args.html, args.text_field, args.id_field)
    if args.quiet:
        quiet_libraries()
    problem = check_output_dir(args.out, args.resume, args.overwrite) or check_inputs(args.inputs, args.out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        spec = PredictorSpec(str(args.model) if args.model else None, args.precision, args.batch_tokens, args.threads)
        settings = Settings(batch_documents=args.batch_documents, max_sentence_chars=args.max_sentence_chars,
                            actors=args.actors, ray_address=args.ray_address, discover=args.discover,
                            ranker=args.ranker, reading=reading)
        engine = ENGINES[args.engine]
        status, summary = engine(args.inputs, spec, args.out, args.parties, args.resume, settings, not args.quiet)
    except (CorpusError, ModelLoadError, EmbeddedModelError, UsageError, RunMismatch) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{summary.line()}; outputs in {args.out}" + ("; see errors.jsonl" if status else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
