"""Command line for the corpus: ``python -m corpus {segment,validate,stats,split,agreement,...}``."""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from corpus.active_learning import add, export, select
from corpus.adjudicate import adjudicate
from corpus.authoring import PASSES, batch_dir, batch_sentences, final_labels, labelled_pass
from corpus.documents import read_documents
from corpus.interchange import READERS, read_quoted, write_format
from corpus.load import annotation_files, authored_party_files, load_authored, load_corpus
from corpus.parties import load_registry
from corpus.paths import AUTHORED_DIR, SPLITS_FILE
from corpus.schema import CorpusError, Sentence, iter_jsonl, read_sentences, read_text, write_sentences
from corpus.scoring import agreement, disagreements
from corpus.segment import segment
from corpus.split import make_splits, read_splits, write_splits
from corpus.stats import corpus_stats, format_comparison, format_stats, realism_profile
from corpus.validate import check_sentence, validate


def cmd_segment(args: argparse.Namespace) -> int:
    for i, s in enumerate(segment(read_text(args.file))):
        print(json.dumps({"index": i, "start": s.start, "end": s.end, "text": s.text}, ensure_ascii=False))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    files = args.files or [*annotation_files(), *annotation_files(AUTHORED_DIR)]
    errors = validate(files, load_registry(*authored_party_files(), *args.parties))
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(files)} files, {len(errors)} problems")
    return 1 if errors else 0


def cmd_stats(args: argparse.Namespace) -> int:
    sentences = load_corpus()
    stats = corpus_stats(sentences, read_splits() if SPLITS_FILE.exists() else None)
    print(json.dumps(stats, ensure_ascii=False, indent=1) if args.json else format_stats(stats))
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    params = {"test_fraction": args.test, "dev_fraction": args.dev, "folds": args.folds, "seed": args.seed}
    write_splits(make_splits(load_corpus(), **params), SPLITS_FILE, **params)
    print(f"wrote {SPLITS_FILE}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """The team-written set beside the seeds (and any other labelled files), measure by measure."""
    groups = {"seeds": load_corpus(), "authored": load_authored()}
    groups.update({path.stem: read_sentences(path) for path in args.files})
    profiles = {name: realism_profile(rows) for name, rows in groups.items() if rows}
    print(json.dumps(profiles, ensure_ascii=False, indent=1) if args.json else format_comparison(profiles))
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    first, second = load_corpus(args.first), load_corpus(args.second)
    if args.diff:
        for row in disagreements(first, second):
            print(json.dumps(row, ensure_ascii=False))
        return 0
    report = agreement(first, second)
    text = json.dumps(report, ensure_ascii=False, indent=1)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def cmd_from_quotes(args: argparse.Namespace) -> int:
    doc = read_documents()[args.doc]
    base = [Sentence(doc.sentence_id(i), doc.doc_id, s.text) for i, s in enumerate(doc.sentences())]
    write_sentences(args.out, read_quoted(args.file, base))
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:
    final = adjudicate(load_corpus(args.first), load_corpus(args.second), args.decisions)
    by_doc: dict[str, list[Sentence]] = {}
    for s in final:
        by_doc.setdefault(s.doc_id, []).append(s)
    for doc_id, rows in by_doc.items():
        write_sentences(args.out / f"{doc_id}.jsonl", rows)
    print(f"wrote {len(final)} sentences in {len(by_doc)} files to {args.out}")
    return 0


def _authored_registry(extra: list[Path]):
    return load_registry(*authored_party_files(), *extra)


def cmd_authored(args: argparse.Namespace) -> int:
    directory = batch_dir(args.batch)
    if args.action == "sentences":
        for s in batch_sentences(directory):
            print(f"{s.id}\t{s.text}")
        return 0
    if args.action == "check":
        sentences = labelled_pass(directory, args.which)
        problems = [f"{s.id}: {p}" for s in sentences for p in check_sentence(s, _authored_registry(args.parties))]
        for problem in problems:
            print(problem, file=sys.stderr)
        labels = Counter(x.label for s in sentences for x in s.spans)
        print(f"pass {args.which}: {len(sentences)} sentences in {len({s.doc_id for s in sentences})} documents, "
              f"{sum(not s.spans for s in sentences)} without a span, spans {dict(labels)}; {len(problems)} problems")
        return 1 if problems else 0
    first, second = (labelled_pass(directory, which) for which in PASSES)
    if args.action == "agreement":
        rows = disagreements(first, second) if args.diff else [agreement(first, second)]
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, indent=None if args.diff else 1))
        return 0
    final = final_labels(directory)
    target = AUTHORED_DIR / f"{args.batch}.jsonl"
    write_sentences(target, final)
    print(f"wrote {len(final)} sentences to {target}")
    return 0


def cmd_select(args: argparse.Namespace) -> int:
    records = [record for _, record in iter_jsonl(args.spans)]
    chosen = select(records, args.n)
    export(chosen, args.to, args.out, model_version=str(args.spans))
    print(f"exported {len(chosen)} sentences to {args.out} ({args.to}, with the model's spans as pre-annotations)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    target = add(args.file, args.format, args.name, load_registry(*args.parties))
    print(f"added {target}; run `python -m corpus validate` and `python train.py`")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    write_sentences(args.out, READERS[args.format](args.file))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    files = args.files or annotation_files()
    write_format(args.format, args.out, [s for f in files for s in read_sentences(f)])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m corpus", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("segment", help="print a document's sentences with offsets (JSONL)")
    p.add_argument("file", type=Path)
    p.set_defaults(run=cmd_segment)
    p = sub.add_parser("validate", help="check annotation files against the spec")
    p.add_argument("files", nargs="*", type=Path)
    p.add_argument("--parties", action="append", default=[], help="extra party registry file")
    p.set_defaults(run=cmd_validate)
    p = sub.add_parser("stats", help="sentences and spans per label, speaker and split")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_stats)
    p = sub.add_parser("compare", help="realism check: the team-written set beside the seeds, measure by measure")
    p.add_argument("files", nargs="*", type=Path, help="more labelled files to profile")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_compare)
    p = sub.add_parser("split", help="(re)make data/splits.json: train/dev/test and k folds")
    p.add_argument("--test", type=float, default=0.3)
    p.add_argument("--dev", type=float, default=0.15)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--seed", type=int, default=13)
    p.set_defaults(run=cmd_split)
    p = sub.add_parser("agreement", help="span agreement between two folders of annotation files")
    p.add_argument("first", type=Path)
    p.add_argument("second", type=Path)
    p.add_argument("--output", type=Path)
    p.add_argument("--diff", action="store_true", help="list the disagreements instead (JSONL)")
    p.set_defaults(run=cmd_agreement)
    p = sub.add_parser("from-quotes", help="turn spans written as quoted text into spec JSONL")
    p.add_argument("file", type=Path)
    p.add_argument("--doc", required=True, help="doc_id in data/documents.jsonl")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=cmd_from_quotes)
    p = sub.add_parser("adjudicate", help="final labels from two passes and a decisions file")
    p.add_argument("first", type=Path)
    p.add_argument("second", type=Path)
    p.add_argument("decisions", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=cmd_adjudicate)
    p = sub.add_parser("authored", help="team-written batches: sentences, check a pass, agreement, adjudicate")
    p.add_argument("action", choices=["sentences", "check", "agreement", "adjudicate"])
    p.add_argument("batch", help="folder name under data/authored/work/")
    p.add_argument("--pass", dest="which", choices=PASSES, default="a")
    p.add_argument("--diff", action="store_true", help="agreement: list the disagreements (JSONL)")
    p.add_argument("--parties", action="append", default=[], type=Path, help="extra party registry")
    p.set_defaults(run=cmd_authored)
    p = sub.add_parser("select", help="active learning: export the sentences most worth labelling")
    p.add_argument("spans", type=Path, help="spans.jsonl of a batch run")
    p.add_argument("-n", type=int, default=50)
    p.add_argument("--to", choices=["label-studio", "doccano"], default="label-studio")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=cmd_select)
    p = sub.add_parser("add", help="validate a labelled export and add its new sentences to the corpus")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=sorted(READERS), required=True)
    p.add_argument("--name", required=True, help="name of the new file in data/annotations/")
    p.add_argument("--parties", action="append", default=[], help="extra party registry")
    p.set_defaults(run=cmd_add)
    p = sub.add_parser("import", help="convert doccano / Label Studio / CoNLL to spec JSONL")
    p.add_argument("format", choices=sorted(READERS))
    p.add_argument("file", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=cmd_import)
    p = sub.add_parser("export", help="convert spec JSONL to doccano / Label Studio / CoNLL")
    p.add_argument("format", choices=sorted(READERS))
    p.add_argument("files", nargs="*", type=Path)
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (CorpusError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
