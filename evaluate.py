"""Score a tagger on held-out sentences: ``python evaluate.py --model DIR [--split test | --data FILE]``.

Reports seqeval strict span P/R/F1 per label (micro, macro), lenient (overlap) span F1,
sentence-level F1 per label, speaker/target accuracy, a confusion picture and an error
file.  ``--baseline lexicon`` scores the cue-word baseline the same way.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from corpus.documents import read_documents
from corpus.load import authored_party_files, load_corpus, load_splits
from corpus.parties import load_registry
from corpus.schema import CorpusError, atomic_write_text, read_sentences, write_jsonl, write_sentences
from corpus.scoring import scoring_aliases
from corpus.split import SPLITS
from models.embedded import EmbeddedModelError
from models.evaluation import error_report, errors, evaluate_predictions, format_error_report, plot_confusion
from models.experiments import predict_sentences
from models.predictors import PredictorSpec
from models.tagger import PRECISIONS, ModelLoadError
from models.validation import check_labels
from pipeline.attribution import Attributor, attribute_sentences
from pipeline.discovery import discovered_registry
from pipeline.party_ranker import RANKERS, rankers


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    system = parser.add_mutually_exclusive_group(required=True)
    system.add_argument("--model", type=Path, help="a directory written by train.py")
    system.add_argument("--baseline", choices=["lexicon"])
    system.add_argument("--attribution", action="store_true",
                        help="score speaker/target attribution on the gold spans (no tagger involved)")
    parser.add_argument("--parties", action="append", default=[], help="extra party registry for attribution")
    parser.add_argument("--discover", action="store_true",
                        help="attribution: add the parties discovered in the evaluated documents' own text")
    parser.add_argument("--ranker", choices=sorted(RANKERS), default="learned",
                        help="attribution: choose speakers and targets by the learned rankers (default) or by the rules alone")
    parser.add_argument("--metadata", action="store_true",
                        help="attribution: use the curated title/author of data/documents.jsonl (a raw input has none)")
    parser.add_argument("--error-report", action="store_true",
                        help="sort every predicted span into exact / wrong label / start / end / both edges / spurious, "
                             "plus missed gold spans, with the span-level confusion matrix and examples")
    data = parser.add_mutually_exclusive_group()
    data.add_argument("--split", choices=SPLITS, default="test", help="a recorded split (default: test)")
    data.add_argument("--data", type=Path, help="any JSONL file in the annotation-spec format")
    parser.add_argument("--output", type=Path, help="write the full report here (JSON)")
    parser.add_argument("--predictions", type=Path, help="write predicted spans here (spec JSONL)")
    parser.add_argument("--errors", type=Path, help="write false positives/negatives here (JSONL)")
    parser.add_argument("--confusion", type=Path, help="write the span-type confusion matrix here (PNG)")
    parser.add_argument("--no-boundary-rules", action="store_true", help="score raw decoded spans")
    parser.add_argument("--precision", choices=PRECISIONS, default="fp32",
                        help="run the model in this precision (to measure what bf16 or int8 costs)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.data:
            check_labels(args.data)
        corpus = read_sentences(args.data) if args.data else load_corpus()
        gold = corpus if args.data else load_splits(corpus)[args.split]
        # Attribution needs whole documents: every sentence of the evaluated documents is tagged
        # and attributed, and only the evaluated sentences are scored.
        context = [s for s in corpus if s.doc_id in {g.doc_id for g in gold}]
        metadata = ({d.doc_id: {"title": d.title, "author": d.author} for d in read_documents().values()}
                    if args.metadata else {})
        registry = load_registry(*args.parties)
        if args.discover:
            registry = discovered_registry(context, registry)
        if args.attribution:
            spans = context  # gold spans: scores the attribution alone
        else:
            predictor = PredictorSpec(args.model, args.precision).build()
            spans = predict_sentences(predictor, context, boundary_rules=not args.no_boundary_rules)
        attributed = {s.id: s for s in attribute_sentences(spans, Attributor(registry, rankers(args.ranker)), metadata)}
        predicted = [attributed[s.id] for s in gold]
    except (CorpusError, ModelLoadError, EmbeddedModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    # Names of one organisation match: 华为 / 华为公司, or forms recorded in any registry we have.
    aliases = scoring_aliases(registry, load_registry(*authored_party_files(), *args.parties))
    report = evaluate_predictions(gold, predicted, aliases)
    report["system"] = "attribution" if args.attribution else str(args.model or f"baseline:{args.baseline}")
    report["precision"] = args.precision
    report["data"] = str(args.data or f"split:{args.split}")
    report["attribution_settings"] = {"discover": args.discover, "metadata": args.metadata, "parties": args.parties,
                                     "ranker": args.ranker}
    if args.error_report:
        report["errors"] = error_report(gold, predicted)
    if args.output:
        atomic_write_text(args.output, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    if args.predictions:
        write_sentences(args.predictions, predicted)
    if args.errors:
        write_jsonl(args.errors, errors(gold, predicted))
    if args.confusion:
        plot_confusion(report["confusion"], args.confusion, f"{report['system']} on {report['data']}")
    print(format_report(report))
    if args.error_report:
        print("\n" + format_error_report(report["errors"]))
    return 0


def format_report(report: dict) -> str:
    lines = [f"{report['system']} on {report['data']} ({report['sentences']} sentences)",
             f"{'':12} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}   lenient F1   sentence F1"]
    for label, row in report["strict"].items():
        lenient = report["lenient"].get("ALL" if label == "micro" else label, {}).get("f1")
        sentence = report["sentence"].get(label, {}).get("f1")
        extra = f"   {lenient:10.3f}" if lenient is not None else ""
        extra += f"   {sentence:11.3f}" if sentence is not None else ""
        lines.append(f"{label:12} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:4d}{extra}")
    parties = report["parties"]
    lines.append(f"speaker accuracy {parties['speaker']:.3f}, target accuracy {parties['target']:.3f} "
                 f"(on {parties['spans']} exactly matched spans)")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
