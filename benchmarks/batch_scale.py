"""How the batch outputs scale: aggregation, rebuttal linking and the report at N documents.

    nice -n 10 python benchmarks/batch_scale.py --documents 1000 [10000] [--copies 10] [--output FILE]

For each N, writes N plain-text documents of 20 sentences each (the team-written sentences,
``corpus.load.load_authored()``, repeated in order as needed) to a temp folder and runs
``python -m pipeline tag DIR --out OUT --baseline lexicon --quiet`` as a child process: its wall
time and peak RSS.  The lexicon baseline keeps tagging cheap, so the batch-wide steps show.
Then, in this process, the ``finish`` step is timed on the written spans.jsonl: aggregation
(which includes rebuttal linking), rebuttal linking alone, and the report (report.html plus
its per-document pages); report.html's size and the pages' total size are measured.
``--copies K`` also times those steps on the last run's outputs repeated K times (documents
renamed per copy): a K-times larger batch's aggregation and report, without tagging it.

Not a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from whole_process import timed  # the sibling benchmark: sys.path, and a child's wall time and peak RSS

from corpus.load import load_authored
from corpus.schema import Sentence, read_sentences
from pipeline.aggregate import acts_from_sentences, aggregate, rebuttal_links
from pipeline.report import write_report

SENTENCES_PER_DOCUMENT = 20


def write_documents(texts: list[str], documents: int, folder: Path) -> None:
    """Document d holds sentences 20d .. 20d+19 of the (cycled) team-written set, one per line."""
    folder.mkdir(parents=True)
    for d in range(documents):
        chosen = (texts[(d * SENTENCES_PER_DOCUMENT + i) % len(texts)] for i in range(SENTENCES_PER_DOCUMENT))
        (folder / f"doc{d:05d}.txt").write_text("\n".join(chosen) + "\n", encoding="utf-8")


def seconds(step: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = step()
    return round(time.perf_counter() - began, 2), result


def load_outputs(out: Path) -> tuple[list[Sentence], dict[str, dict]]:
    sentences = read_sentences(out / "spans.jsonl")
    metadata = {r["doc_id"]: r for r in map(json.loads, (out / "documents.jsonl").open(encoding="utf-8"))}
    return sentences, metadata


def scaled(sentences: list[Sentence], metadata: dict[str, dict], copies: int) -> tuple[list[Sentence], dict[str, dict]]:
    """The batch ``copies`` times over, each copy's documents under new ids (doc~2, ...)."""
    def renamed(doc_id: str, k: int) -> str:
        return doc_id if k == 0 else f"{doc_id}~c{k}"

    return ([replace(s, doc_id=renamed(s.doc_id, k), id=renamed(s.doc_id, k) + s.id[len(s.doc_id):])
             for k in range(copies) for s in sentences],
            {renamed(d, k): dict(m, doc_id=renamed(d, k))
             for k in range(copies) for d, m in metadata.items()})


def time_finish(sentences: list[Sentence], metadata: dict[str, dict], report_dir: Path) -> dict[str, Any]:
    """Redo the batch-wide steps of ``finish`` on a run's outputs, each timed."""
    acts = list(acts_from_sentences(sentences))
    aggregate_s, summary = seconds(lambda: aggregate(sentences))
    linking_s, _ = seconds(lambda: rebuttal_links(acts))
    report_s, _ = seconds(lambda: write_report(report_dir / "report.html", sentences, summary, metadata))
    pages = list((report_dir / "report").glob("*.html"))
    return {"sentences": len(sentences), "acts": len(acts), "denials": sum(a.label == "DENIAL" for a in acts),
            "accusations": sum(a.label == "ACCUSATION" for a in acts),
            "rebuttal_links": len(summary["rebuttals"]),
            "aggregate_s": aggregate_s, "of_which_linking_s": linking_s, "report_s": report_s,
            "report_html_mb": round((report_dir / "report.html").stat().st_size / 1e6, 2),
            "document_pages": len(pages),
            "document_pages_mb": round(sum(p.stat().st_size for p in pages) / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, nargs="+", default=[1000])
    parser.add_argument("--copies", type=int, nargs="*", default=[],
                        help="also time finish on the last run's outputs repeated this many times "
                             "(a batch of copies x documents, without tagging it)")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    texts = [s.text for s in load_authored()]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.documents:
            folder = Path(tmp) / str(n)
            write_documents(texts, n, folder / "in")
            run = timed([sys.executable, "-m", "pipeline", "tag", str(folder / "in"),
                               "--baseline", "lexicon", "--out", str(folder / "out"), "--quiet"])
            sentences, metadata = load_outputs(folder / "out")
            rows.append({"documents": n, "tag_seconds": run["seconds"], "tag_peak_rss_mb": run["peak_rss_mb"],
                         "child_report_html_mb": round((folder / "out" / "report.html").stat().st_size / 1e6,
                                                       2),
                         **time_finish(sentences, metadata, folder / "again")})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        for copies in args.copies:
            folder = Path(tmp) / f"x{copies}"
            rows.append({"documents": copies * len(metadata), "copies_of": len(metadata),
                         **time_finish(*scaled(sentences, metadata, copies), folder)})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    report = {"cpus": os.cpu_count(), "sentences_per_document": SENTENCES_PER_DOCUMENT, "rows": rows}
    text = json.dumps(report, indent=1) + "\n"
    sys.stdout.write(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
