"""The team-written set, made the way the seeds were: written, labelled twice, adjudicated.

A batch lives in ``data/authored/work/<batch>/``:

- ``documents.jsonl``: one record per document (``doc_id``, ``path`` = ``raw/<doc_id>.txt``,
  ``title``, ``genre``, ``dispute``, ``script``, ``domain``, optional ``date``/``author``);
- ``raw/<doc_id>.txt``: the document as written; the spec's segmenter cuts it into sentences;
- ``quotes-a.jsonl`` / ``quotes-b.jsonl``: the two independent labelling passes, one line per
  sentence that holds spans, spans given by their text (``corpus.interchange.quoted_spans``);
  a sentence with no line is O;
- ``decisions.jsonl``: one decision, with its reason, per sentence where the passes differ.

``data/authored/<batch>.parties.json`` holds the batch's fictional parties, and the final,
adjudicated labels go to ``data/authored/<batch>.jsonl``, where training picks them up.
"""
from __future__ import annotations

import os
from pathlib import Path

from corpus.adjudicate import adjudicate
from corpus.documents import read_documents
from corpus.interchange import quoted_spans
from corpus.paths import AUTHORED_DIR
from corpus.schema import CorpusError, Sentence, iter_jsonl

WORK_DIR = AUTHORED_DIR / "work"
PASSES = ("a", "b")
_META_KEYS = ("genre", "dispute", "script", "domain")


def batch_dir(batch: str) -> Path:
    return WORK_DIR / batch


def batch_sentences(directory: str | os.PathLike) -> list[Sentence]:
    """Every sentence of every document of a batch, unlabelled, with the document's metadata."""
    directory = Path(directory)
    table = directory / "documents.jsonl"
    meta = {record.get("doc_id"): record for _, record in iter_jsonl(table)}
    sentences = []
    for doc_id, doc in read_documents(table).items():
        record = meta[doc_id]
        missing = [key for key in _META_KEYS if not record.get(key)]
        if missing:
            raise CorpusError(table, None, f"document {doc_id!r} lacks {', '.join(missing)}")
        extra = {"authored": True, **{key: record[key] for key in _META_KEYS}}
        for i, piece in enumerate(doc.sentences()):
            sentences.append(Sentence(doc.sentence_id(i), doc_id, piece.text, [], dict(extra)))
    return sentences


def labelled_pass(directory: str | os.PathLike, which: str) -> list[Sentence]:
    """One labelling pass of a batch: its quoted spans placed on the batch's sentences."""
    directory = Path(directory)
    quotes = directory / f"quotes-{which}.jsonl"
    base = batch_sentences(directory)
    by_id = {s.id: s for s in base}
    spans = {}
    for line, record in iter_jsonl(quotes):
        if not isinstance(record, dict) or record.get("id") not in by_id:
            raise CorpusError(quotes, line, f"unknown sentence id {record.get('id') if isinstance(record, dict) else record!r}")
        if record["id"] in spans:
            raise CorpusError(quotes, line, f"sentence {record['id']} is labelled twice in this pass")
        spans[record["id"]] = quoted_spans(by_id[record["id"]].text, record.get("spans", []), quotes, line)
    return [Sentence(s.id, s.doc_id, s.text, spans.get(s.id, []), dict(s.extra)) for s in base]


def final_labels(directory: str | os.PathLike) -> list[Sentence]:
    """The adjudicated batch: where the passes agree their labels, elsewhere the decision."""
    directory = Path(directory)
    first, second = (labelled_pass(directory, which) for which in PASSES)
    return adjudicate(first, second, directory / "decisions.jsonl")
