"""Growing the corpus by active learning.

``select``: from a batch run's ``spans.jsonl``, the sentences most worth a human's time:
the ones the model is least sure of, and the ones where it found nothing although cue
words of an act are there.  They are exported with the model's spans as pre-annotations.
``add``: a labelled export comes back, is validated, and its new sentences (never one the
corpus already holds) become a new annotation file with provenance, assigned to training.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from corpus.interchange import READERS, to_doccano, to_label_studio
from corpus.load import load_corpus
from corpus.parties import PartyRegistry
from corpus.paths import ANNOTATIONS_DIR, SPLITS_FILE
from corpus.schema import CorpusError, Sentence, Span, atomic_write_text, jsonl_text, write_sentences
from corpus.split import group_key
from corpus.text import CUES
from corpus.validate import validate


def _cue_strength(text: str) -> int:
    return sum(cue in text for cues in CUES.values() for cue in cues if len(cue) > 1)


def uncertainty(record: dict[str, Any]) -> float:
    """Higher is more worth labelling: low confidence in a found span or in the sentence."""
    scores = [s["score"] for s in record["spans"] if s.get("score") is not None]
    if scores:
        return 1.0 - min(scores)
    return 1.0 - record["score"] if record.get("score") is not None else 0.0


def select(records: Iterable[dict[str, Any]], n: int, cue_share: float = 0.25,
           annotations_dir: str | os.PathLike = ANNOTATIONS_DIR) -> list[Sentence]:
    """The ``n`` least certain sentences not in the corpus yet, a ``cue_share`` of them
    spanless-but-cued ones."""
    known = {group_key(s.text) for s in load_corpus(annotations_dir)}
    pool, seen = [], set()
    for record in records:
        key = group_key(record["text"])
        if key in known or key in seen:
            continue
        seen.add(key)
        pool.append(record)
    cued = sorted((r for r in pool if not r["spans"] and _cue_strength(r["text"]) >= 2),
                  key=lambda r: -_cue_strength(r["text"]))[: int(n * cue_share)]
    chosen_ids = {r["id"] for r in cued}
    rest = sorted((r for r in pool if r["id"] not in chosen_ids), key=uncertainty, reverse=True)
    chosen = cued + rest[: n - len(cued)]
    return [Sentence(r["id"], r["doc_id"], r["text"], [Span(**span) for span in r["spans"]],
                     {"uncertainty": round(uncertainty(r), 4)}) for r in chosen]


def export(sentences: Sequence[Sentence], fmt: str, path: str | os.PathLike, model_version: str = "") -> None:
    """Pre-annotated tasks: Label Studio predictions, or doccano JSONL with the spans as labels."""
    if fmt == "label-studio":
        atomic_write_text(path, json.dumps(to_label_studio(sentences, as_predictions=True, model_version=model_version),
                                           ensure_ascii=False, indent=1))
    elif fmt == "doccano":
        atomic_write_text(path, jsonl_text(to_doccano(sentences)))
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def add(path: str | os.PathLike, fmt: str, name: str, registry: PartyRegistry,
        annotations_dir: str | os.PathLike = ANNOTATIONS_DIR, splits_file: str | os.PathLike = SPLITS_FILE) -> Path:
    """Validate a labelled export and add its new sentences as ``data/annotations/<name>.jsonl``."""
    target = Path(annotations_dir) / f"{name}.jsonl"
    if target.exists():
        raise CorpusError(target, None, "an annotation file of that name exists already")
    labelled = READERS[fmt](path)
    known = {group_key(s.text) for s in load_corpus(annotations_dir)}
    today = dt.date.today().isoformat()
    new = []
    for s in labelled:
        if group_key(s.text) in known:
            continue
        known.add(group_key(s.text))
        extra = {**s.extra, "provenance": {"source": str(path), "format": fmt, "added": today, "method": "active learning"}}
        new.append(Sentence(s.id, s.doc_id, s.text, s.spans, extra))
    staging = target.with_name(f".{target.name}.staging")
    write_sentences(staging, new)
    errors = validate([staging], registry)
    if errors:
        staging.unlink()
        raise CorpusError(path, None, f"{len(errors)} problems, first: {errors[0].message}")
    os.replace(staging, target)
    _assign_to_training(new, Path(splits_file))
    return target


def _assign_to_training(sentences: Sequence[Sentence], splits_file: Path) -> None:
    """New sentences train only: split "train", folds spread round-robin (evaluation stays on the seeds)."""
    payload = json.loads(splits_file.read_text(encoding="utf-8"))
    folds = max(a["fold"] for a in payload["assignments"].values()) + 1
    for i, s in enumerate(sentences):
        payload["assignments"][s.id] = {"split": "train", "fold": i % folds, "train_only": True}
    atomic_write_text(splits_file, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
