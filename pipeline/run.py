"""The batch run: read -> segment -> tag (length-sorted batches) -> attribute -> write,
then aggregate.  Streaming and resumable.

Results are appended per chunk of documents to part files under ``OUTDIR/.work``; after
each chunk the state file records which inputs are done and the byte size of every part
file.  ``--resume`` truncates the part files to the last recorded sizes (dropping a chunk
half-written by a killed run) and skips finished inputs, so no document is lost or
duplicated.  The final files are moved into place atomically.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence

from corpus.parties import load_registry
from corpus.schema import atomic_write_text
from models.tagger import Analysis
from corpus.segment import segment
from pipeline.aggregate import aggregate
from pipeline.attribution import Attributor
from pipeline.documents import InputDocument, InputError, TaggedSentence
from pipeline.readers import read_inputs
from corpus.script import is_traditional, to_simplified

EXIT_OK, EXIT_USAGE, EXIT_SOME_FAILED = 0, 2, 3
PARTS = ("spans", "errors", "documents")


class Predictor(Protocol):
    def analyse(self, texts: Sequence[str], boundary_rules: bool = True, batch_size: int = 32) -> list[Analysis]: ...


@dataclass
class Summary:
    documents: int = 0
    sentences: int = 0
    spans: int = 0
    errors: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        return (f"{self.documents} documents, {self.sentences} sentences, {self.spans} spans, "
                f"{self.errors} errors in {self.seconds:.1f} s ({rate:.1f} documents/s, "
                f"{self.sentences / self.seconds if self.seconds else 0.0:.1f} sentences/s)")


class WorkDir:
    """Part files plus a state file that says how far they are valid."""

    def __init__(self, out_dir: Path, resume: bool) -> None:
        self.dir = out_dir / ".work"
        self.state = self.dir / "state.jsonl"
        if not resume:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.done: set[str] = set()
        self.doc_ids: set[str] = set()
        valid, sizes = [], {name: 0 for name in PARTS}
        if self.state.exists():
            for line in self.state.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    break  # a state line cut short by a kill: the chunk it describes is redone
                valid.append(line + "\n")
                self.done.update(record["keys"])
                self.doc_ids.update(record["doc_ids"])
                sizes = record["sizes"]
        atomic_write_text(self.state, "".join(valid))
        for name in PARTS:
            with open(self.part(name), "ab") as handle:
                handle.truncate(sizes[name])

    def part(self, name: str) -> Path:
        return self.dir / f"{name}.part.jsonl"

    def commit(self, keys: list[str], doc_ids: list[str], lines: dict[str, list[str]]) -> None:
        """Append one chunk's lines durably, then record it as done."""
        for name in PARTS:
            with open(self.part(name), "a", encoding="utf-8") as handle:
                handle.write("".join(lines[name]))
                handle.flush()
                os.fsync(handle.fileno())
        sizes = {name: self.part(name).stat().st_size for name in PARTS}
        with open(self.state, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"keys": keys, "doc_ids": doc_ids, "sizes": sizes}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.done.update(keys)
        self.doc_ids.update(doc_ids)

    def records(self, name: str) -> Iterator[dict]:
        with open(self.part(name), encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)

    def publish(self, name: str, target: Path) -> None:
        os.replace(self.part(name), target)


def _unique(doc_id: str, taken: set[str]) -> str:
    """Two inputs with one name (a/x.txt, b/x.txt) keep both: the second becomes x~2."""
    candidate, n = doc_id, 1
    while candidate in taken:
        n += 1
        candidate = f"{doc_id}~{n}"
    return candidate


@dataclass
class Settings:
    batch_documents: int = 32
    batch_size: int = 32
    max_sentence_chars: int = 5000


def process_chunk(
    items: list[InputDocument | InputError], predictor: Predictor, attributor: Attributor,
    settings: Settings, taken: set[str],
) -> tuple[dict[str, list[str]], list[str], Summary]:
    """Tag one chunk of documents; returns the lines for each part file, the doc ids used and counts."""
    lines: dict[str, list[str]] = {name: [] for name in PARTS}
    counts = Summary()
    docs: list[tuple[InputDocument, list, str]] = []
    used: list[str] = []
    for item in items:
        if isinstance(item, InputError):
            lines["errors"].append(json.dumps(item.to_json(), ensure_ascii=False) + "\n")
            continue
        pieces = segment(item.text)
        too_long = next((p for p in pieces if len(p.text) > settings.max_sentence_chars), None)
        if not pieces or too_long:
            problem = ("no sentences" if not pieces else
                       f"a {len(too_long.text)}-character stretch without sentence punctuation or line breaks "
                       f"(at offset {too_long.start}; limit {settings.max_sentence_chars}): not prose")
            lines["errors"].append(json.dumps(InputError(item.source, problem, item.line, item.doc_id).to_json(), ensure_ascii=False) + "\n")
            continue
        item.doc_id = _unique(item.doc_id, taken)
        taken.add(item.doc_id)
        used.append(item.doc_id)
        model_text = to_simplified(item.text) if is_traditional(item.text) else item.text
        docs.append((item, pieces, model_text))
    texts = [doc.text[p.start:p.end] for doc, pieces, _ in docs for p in pieces]  # the tagger converts script itself
    predicted = iter(predictor.analyse(texts, batch_size=settings.batch_size) if texts else [])
    for doc, pieces, model_text in docs:
        analyses = [next(predicted) for _ in pieces]
        spans = [a.spans for a in analyses]
        attributor.attribute([model_text[p.start:p.end] for p in pieces], spans, doc.metadata)
        for i, (piece, analysis) in enumerate(zip(pieces, analyses)):
            sentence = TaggedSentence(f"{doc.doc_id}.s{i:03d}", doc.doc_id, piece.text, piece.start,
                                      analysis.spans, analysis.confidence)
            lines["spans"].append(json.dumps(sentence.to_json(), ensure_ascii=False) + "\n")
        record = {"doc_id": doc.doc_id, "source": doc.source, "line": doc.line, "sentences": len(pieces),
                  "spans": sum(map(len, spans)), "traditional": model_text != doc.text, **doc.metadata}
        lines["documents"].append(json.dumps(record, ensure_ascii=False) + "\n")
        counts.documents += 1
        counts.sentences += len(pieces)
        counts.spans += sum(map(len, spans))
    counts.errors = len(lines["errors"])
    return lines, used, counts


def run(
    inputs: Iterable[str], predictor: Predictor, out_dir: Path, parties: Sequence[str] = (),
    resume: bool = False, settings: Settings | None = None, progress: bool = True,
) -> tuple[int, Summary]:
    """Tag every input into ``out_dir``; returns the exit status and the summary."""
    settings = settings or Settings()
    out_dir.mkdir(parents=True, exist_ok=True)
    work = WorkDir(out_dir, resume)
    attributor = Attributor(load_registry(*parties))
    total, began = Summary(), time.perf_counter()
    pending = (item for item in read_inputs(inputs) if item.key not in work.done)
    while chunk := list(islice(pending, settings.batch_documents)):
        lines, used, counts = process_chunk(chunk, predictor, attributor, settings, work.doc_ids)
        work.commit([item.key for item in chunk], used, lines)
        for field in ("documents", "sentences", "spans", "errors"):
            setattr(total, field, getattr(total, field) + getattr(counts, field))
        total.seconds = time.perf_counter() - began
        if progress:
            print(f"\r{total.line()}", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    finish(work, out_dir)
    total.seconds = time.perf_counter() - began
    errors = sum(1 for _ in work.records("errors")) if work.part("errors").exists() else 0
    total.errors = errors
    return (EXIT_SOME_FAILED if errors else EXIT_OK), total


def finish(work: WorkDir, out_dir: Path) -> None:
    """Aggregate and publish: parties.json and report.html from the complete part files."""
    from pipeline.report import write_report

    summary = aggregate(work.records("spans"))
    metadata = {r["doc_id"]: r for r in work.records("documents")}
    atomic_write_text(out_dir / "parties.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    write_report(out_dir / "report.html", work.records("spans"), summary, metadata)
    for name in PARTS:
        shutil.copyfile(work.part(name), work.dir / f"{name}.final")
        os.replace(work.dir / f"{name}.final", out_dir / f"{name}.jsonl")
