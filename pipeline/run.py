"""The batch run: read -> segment -> tag (length-sorted batches) -> attribute -> write,
then aggregate.  Streaming and resumable: each chunk of documents is committed to the work
store (pipeline/workstore.py), from which ``--resume`` carries on.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Sequence

from tqdm import tqdm

from corpus.parties import PartyRegistry, load_registry
from corpus.schema import Sentence, atomic_write_text
from corpus.script import is_traditional, to_simplified
from corpus.segment import segment
from models.predictors import Predictor, PredictorSpec
from models.tagger import Analysis
from pipeline.aggregate import aggregate, write_summary
from pipeline.attribution import Attributor
from pipeline.discovery import DISCOVERED_FILE, discover_into
from pipeline.party_ranker import rankers
from pipeline.readers import ReadOptions, count_inputs, read_inputs
from pipeline.records import InputDocument, InputError
from pipeline.workstore import PARTS, ItemResult, WorkDir, claim_doc_ids

EXIT_OK, EXIT_USAGE, EXIT_SOME_FAILED = 0, 2, 3
SENTENCES_PER_CALL = 256  # sentences per call to the tagger: progress moves within a long document


@dataclass
class Summary:
    documents: int = 0
    sentences: int = 0
    spans: int = 0
    errors: int = 0
    seconds: float = 0.0

    def add(self, results: Sequence[ItemResult]) -> None:
        for result in results:
            self.documents += result.doc_id is not None
            self.sentences += len(result.records["spans"])
            self.spans += sum(len(s["spans"]) for s in result.records["spans"])
            self.errors += len(result.records["errors"])

    def line(self) -> str:
        rate = self.documents / self.seconds if self.seconds else 0.0
        return (f"{self.documents} documents, {self.sentences} sentences, {self.spans} spans, "
                f"{self.errors} errors in {self.seconds:.1f} s ({rate:.1f} documents/s, "
                f"{self.sentences / self.seconds if self.seconds else 0.0:.1f} sentences/s)")


@dataclass
class Settings:
    batch_documents: int = 32
    max_sentence_chars: int = 5000
    actors: int = 2  # --engine ray: model-holding actors
    discover: bool = True  # find the batch's parties in its own text (parties.discovered.json)
    ranker: str = "learned"  # how speakers and targets are chosen: a name in pipeline.party_ranker.RANKERS
    ray_address: str | None = None  # --engine ray: None starts Ray on this machine (or uses RAY_ADDRESS)
    reading: ReadOptions = ReadOptions()  # --html, --text-field, --id-field


def with_discovered(inputs: Iterable[str], parties: Sequence[str], out_dir: Path, settings: Settings) -> list[str]:
    """The registry files to attribute with: the user's, then (unless turned off) the parties
    discovered in the batch, written to OUTDIR/parties.discovered.json; the user's win."""
    if not settings.discover:
        return list(parties)
    path = out_dir / DISCOVERED_FILE
    discover_into(read_inputs(inputs, out_dir, settings.reading), load_registry(*parties), path)
    return [str(path), *parties]


def analyse_in_parts(predictor: Predictor, texts: Sequence[str],
                     on_tagged: Callable[[int], None] | None = None) -> list[Analysis]:
    """The predictor's analyses of ``texts``, asked for SENTENCES_PER_CALL at a time (each part
    still length-sorted into batches by the tagger), telling ``on_tagged`` how many each part had."""
    analyses: list[Analysis] = []
    for start in range(0, len(texts), SENTENCES_PER_CALL):
        part = texts[start:start + SENTENCES_PER_CALL]
        analyses += predictor.analyse(part)
        if on_tagged:
            on_tagged(len(part))
    return analyses


def process_chunk(
    items: Sequence[InputDocument | InputError], predictor: Predictor, attributor: Attributor, settings: Settings,
    on_tagged: Callable[[int], None] | None = None,
) -> list[ItemResult]:
    """Tag one chunk of documents: one result per item; ``on_tagged`` hears of every part of
    its sentences as it is tagged."""
    results: list[ItemResult] = []
    docs: list[tuple[InputDocument, list, str, ItemResult]] = []
    for item in items:
        result = ItemResult(item.key, None, {name: [] for name in PARTS})
        results.append(result)
        if isinstance(item, InputError):
            result.records["errors"].append(item.to_json())
            continue
        pieces = segment(item.text)
        too_long = next((p for p in pieces if len(p.text) > settings.max_sentence_chars), None)
        if not pieces or too_long:
            problem = ("no sentences" if not pieces else
                       f"a {len(too_long.text)}-character stretch without sentence punctuation or line breaks "
                       f"(at offset {too_long.start}; limit {settings.max_sentence_chars}): not prose")
            result.records["errors"].append(InputError(item.source, problem, item.line, item.doc_id).to_json())
            continue
        result.doc_id = item.doc_id
        model_text = to_simplified(item.text) if is_traditional(item.text) else item.text
        docs.append((item, pieces, model_text, result))
    texts = [doc.text[p.start:p.end] for doc, pieces, _, _ in docs for p in pieces]  # the tagger converts script itself
    predicted = iter(analyse_in_parts(predictor, texts, on_tagged))
    for doc, pieces, model_text, result in docs:
        analyses = [next(predicted) for _ in pieces]
        spans = [a.spans for a in analyses]
        attributor.attribute([model_text[p.start:p.end] for p in pieces], spans, doc.metadata)
        for i, (piece, analysis) in enumerate(zip(pieces, analyses)):
            # The corpus's own sentence record, so spans.jsonl reads back as annotation-spec data;
            # doc_start (offset in the document) and score (the model's confidence) ride in extra.
            sentence = Sentence(f"{doc.doc_id}.s{i:03d}", doc.doc_id, piece.text, analysis.spans,
                                {"doc_start": piece.start, "score": analysis.confidence})
            result.records["spans"].append(sentence.to_json())
        result.records["documents"].append(
            {"doc_id": doc.doc_id, "source": doc.source, "line": doc.line, "sentences": len(pieces),
             "spans": sum(map(len, spans)), "traditional": model_text != doc.text, "metadata": doc.metadata})
    return results


class RunMismatch(ValueError):
    """--resume on results made with another model or other settings."""


def run_settings(spec: PredictorSpec, settings: Settings, parties: Sequence[str]) -> dict:
    """What decides a run's results: the model (its folder and a fingerprint of its weights), the
    tagging settings and the registries; recorded in run.json so a resume can be checked."""
    model = None
    if spec.model is not None:
        folder = Path(spec.model).resolve()
        weights = folder / "model.safetensors"
        digest = hashlib.sha256((folder / "config.json").read_bytes() if (folder / "config.json").exists() else b"")
        digest.update(str(weights.stat().st_size if weights.exists() else 0).encode())
        model = {"path": str(folder), "fingerprint": digest.hexdigest()[:16]}
    return {"model": model, "precision": spec.precision, "batch_tokens": spec.batch_tokens,
            "discover": settings.discover, "ranker": settings.ranker, "max_sentence_chars": settings.max_sentence_chars,
            "parties": [str(Path(p).resolve()) for p in parties], "reading": asdict(settings.reading)}


def write_manifest(out_dir: Path, recorded: dict, resume: bool, summary: Summary | None = None) -> None:
    """run.json: settings, versions and (at the end) counts and time; a resume with different
    settings is refused instead of mixing two models' results in one folder."""
    path = out_dir / "run.json"
    if resume and summary is None and path.exists():
        before = json.loads(path.read_text(encoding="utf-8")).get("settings")
        if before != recorded:
            raise RunMismatch(f"{out_dir} was tagged with other settings ({path}); rerun with --overwrite instead "
                              "of --resume")
    from importlib.metadata import PackageNotFoundError, version

    def _version(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    manifest = {"settings": recorded, "versions": {n: _version(n) for n in ("zh-argmine", "torch", "transformers")}}
    if summary is not None:
        manifest["summary"] = {"documents": summary.documents, "sentences": summary.sentences, "spans": summary.spans,
                               "errors": summary.errors, "seconds": round(summary.seconds, 1)}
    atomic_write_text(path, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")


class Progress:
    """The progress bar on stderr: input items (documents and error records) done of the total,
    with rate and ETA, and the sentences tagged, which move within a long document too."""

    def __init__(self, total: int | None, done: int, enabled: bool) -> None:
        self.bar = tqdm(total=total, initial=done, unit="doc", file=sys.stderr, disable=not enabled,
                        dynamic_ncols=True)
        self.sentences, self.errors = 0, 0
        self.shown = time.monotonic()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bar.close()

    def tagged(self, sentences: int) -> None:
        """Redraw (at most twice a second) while a chunk is tagged: the bar itself only moves
        when a chunk is committed, which a long document can take minutes to reach."""
        self.sentences += sentences
        self.bar.set_postfix_str(self._postfix(), refresh=False)
        if time.monotonic() - self.shown >= 0.5:
            self.bar.refresh()
            self.shown = time.monotonic()

    def committed(self, items: int, errors: int) -> None:
        self.errors = errors
        self.bar.set_postfix_str(self._postfix(), refresh=False)
        self.bar.update(items)

    def _postfix(self) -> str:
        return f"{self.sentences} sentences, {self.errors} errors"


def run(
    inputs: Iterable[str], spec: PredictorSpec, out_dir: Path, parties: Sequence[str] = (),
    resume: bool = False, settings: Settings | None = None, progress: bool = True,
) -> tuple[int, Summary]:
    """Tag every input into ``out_dir`` on this machine; returns the exit status and the summary."""
    settings = settings or Settings()
    inputs = list(inputs)  # read twice: party discovery, then tagging
    predictor = spec.build()
    out_dir.mkdir(parents=True, exist_ok=True)
    recorded = run_settings(spec, settings, parties)
    write_manifest(out_dir, recorded, resume)
    work = WorkDir(out_dir, resume)
    registry = load_registry(*with_discovered(inputs, parties, out_dir, settings))
    attributor = Attributor(registry, rankers(settings.ranker))
    total, began = Summary(), time.perf_counter()
    pending = (item for item in read_inputs(inputs, out_dir, settings.reading) if item.key not in work.done)
    with Progress(count_inputs(inputs, out_dir), len(work.done), progress) as bar:
        while chunk := list(islice(pending, settings.batch_documents)):
            results = process_chunk(chunk, predictor, attributor, settings, bar.tagged)
            claim_doc_ids(results, work.doc_ids)
            work.commit(results)
            total.add(results)
            bar.committed(len(results), total.errors)
    status, total = conclude(work, out_dir, total, began, registry)
    write_manifest(out_dir, recorded, resume, total)
    return status, total


def conclude(work: WorkDir, out_dir: Path, total: Summary, began: float,
             registry: PartyRegistry | None = None) -> tuple[int, Summary]:
    """Publish the outputs; the exit status counts errors from earlier, resumed runs too."""
    finish(work, out_dir, registry)
    total.seconds = time.perf_counter() - began
    total.errors = sum(1 for _ in work.records("errors"))
    return (EXIT_SOME_FAILED if total.errors else EXIT_OK), total


def finish(work: WorkDir, out_dir: Path, registry: PartyRegistry | None = None) -> None:
    """Aggregate and publish: parties.json (with each party's names from ``registry``),
    report.html and the analyst exports (pipeline/export.py) from the complete part files."""
    from pipeline.export import write_exports
    from pipeline.report import write_report

    summary = aggregate(work.sentences(), registry)
    metadata = {r["doc_id"]: r for r in work.records("documents")}
    write_summary(out_dir / "parties.json", summary)
    write_report(out_dir / "report.html", work.sentences(), summary, metadata)
    write_exports(out_dir, work.sentences(), summary, metadata)
    for name in PARTS:
        work.publish(name, out_dir / f"{name}.jsonl")
