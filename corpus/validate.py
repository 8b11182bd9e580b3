"""The validator: every rule of the annotation spec that a machine can check.

It collects all problems instead of stopping at the first, so an annotator can fix a
file in one go; each problem names the file, the line and the span.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import Iterable, Sequence

from corpus.documents import Document, read_documents
from corpus.parties import PartyRegistry, load_registry
from corpus.schema import LABELS, CorpusError, Sentence, read_text, sentence_from_json
from corpus.segment import segment
from corpus.split import group_key
from corpus.text import forbidden_end, forbidden_start


def check_sentence(sentence: Sentence, registry: PartyRegistry) -> list[str]:
    """Problems of one sentence's spans, each prefixed with the span it concerns."""
    problems = []
    previous_end = 0
    for k, span in enumerate(sorted(sentence.spans, key=lambda s: (s.start, s.end))):
        where = f"span {k} [{span.start}:{span.end}]"
        if not 0 <= span.start < span.end <= len(sentence.text):
            problems.append(f"{where}: offsets outside the sentence (length {len(sentence.text)}) or empty")
            continue
        where += f" {sentence.span_text(span)!r}"
        if span.start < previous_end:
            problems.append(f"{where}: overlaps the previous span")
        previous_end = max(previous_end, span.end)
        if forbidden_start(sentence.text, span.start, span.end) or forbidden_end(sentence.text, span.start, span.end):
            problems.append(f"{where}: starts or ends on white space or punctuation")
        if span.label not in LABELS:
            problems.append(f"{where}: unknown label {span.label!r} (expected one of {', '.join(LABELS)})")
        if span.speaker is None:
            problems.append(f"{where}: no speaker (use 其他 when it is unknown)")
        for role in ("speaker", "target"):
            party = getattr(span, role)
            if party is not None and party not in registry.names:
                problems.append(f"{where}: unknown {role} {party!r}: add it to the party registry")
    if sorted(sentence.spans, key=lambda s: (s.start, s.end)) != sentence.spans:
        problems.append("spans are not in left-to-right order")
    return problems


def validate_file(
    path: str | os.PathLike,
    registry: PartyRegistry,
    documents: dict[str, Document],
) -> tuple[list[CorpusError], list[Sentence]]:
    """Check one annotation file; returns its problems and the sentences that parsed."""
    errors: list[CorpusError] = []
    sentences: list[tuple[int, Sentence]] = []
    try:
        lines = read_text(path).split("\n")  # JSON Lines end at \n only
    except (CorpusError, OSError) as error:
        return [error if isinstance(error, CorpusError) else CorpusError(path, None, str(error))], []
    seen_ids: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            sentence = sentence_from_json(json.loads(line), path, number)
        except json.JSONDecodeError as error:
            errors.append(CorpusError(path, number, f"malformed JSON: {error.msg} (column {error.colno})"))
            continue
        except CorpusError as error:
            errors.append(error)
            continue
        if sentence.id in seen_ids:
            errors.append(CorpusError(path, number, f"duplicate sentence id {sentence.id!r} (first on line {seen_ids[sentence.id]})"))
        seen_ids[sentence.id] = number
        errors += [CorpusError(path, number, f"{sentence.id}: {p}") for p in check_sentence(sentence, registry)]
        sentences.append((number, sentence))
    errors += _check_documents(path, sentences, documents)
    return errors, [s for _, s in sentences]


def _check_documents(
    path: str | os.PathLike, sentences: Sequence[tuple[int, Sentence]], documents: dict[str, Document]
) -> list[CorpusError]:
    """Documents of the corpus are complete and in order; other sentences are single sentences."""
    errors = []
    by_doc: dict[str, list[tuple[int, Sentence]]] = defaultdict(list)
    for number, sentence in sentences:
        by_doc[sentence.doc_id].append((number, sentence))
    for doc_id, rows in by_doc.items():
        if doc_id not in documents:
            for number, sentence in rows:
                if [s.text for s in segment(sentence.text)] != [sentence.text]:
                    errors.append(CorpusError(path, number, f"{sentence.id}: text is not exactly one sentence by the segmenter"))
            continue
        doc = documents[doc_id]
        expected = [(doc.sentence_id(i), s.text) for i, s in enumerate(doc.sentences())]
        found = [(s.id, s.text) for _, s in rows]
        for i, (want_id, want_text) in enumerate(expected):
            if i >= len(found):
                errors.append(CorpusError(path, rows[-1][0], f"document {doc_id}: sentence {want_id} missing: {want_text!r}"))
            elif found[i] != (want_id, want_text):
                errors.append(CorpusError(
                    path, rows[i][0],
                    f"document {doc_id}: expected sentence {want_id} {want_text!r}, found {found[i][0]} {found[i][1]!r}",
                ))
                break
        for number, sentence in rows[len(expected):]:
            errors.append(CorpusError(path, number, f"document {doc_id}: extra sentence {sentence.id} beyond the document's end"))
    return errors


def check_consistency(files: dict[str, list[Sentence]]) -> list[CorpusError]:
    """Identical sentences must carry identical spans and labels (GUIDELINES G1); their parties
    may differ, since who speaks depends on the document (两份判决书里的“驳回原告的其他诉讼请求”)."""
    first: dict[str, tuple[str, Sentence]] = {}
    errors = []
    for path, sentences in files.items():
        for s in sentences:
            key = group_key(s.text)
            if key not in first:
                first[key] = (path, s)
                continue
            other_path, other = first[key]
            if s.text == other.text and _labels(s) != _labels(other):
                errors.append(CorpusError(path, None, f"{s.id}: labelled differently from the identical sentence {other.id} in {other_path}"))
    return errors


def _labels(s: Sentence) -> list[tuple]:
    return [(x.start, x.end, x.label) for x in s.spans]


def validate(
    paths: Iterable[str | os.PathLike],
    registry: PartyRegistry | None = None,
    documents: dict[str, Document] | None = None,
) -> list[CorpusError]:
    """All problems of a set of annotation files."""
    registry = registry or load_registry()
    documents = read_documents() if documents is None else documents
    errors: list[CorpusError] = []
    parsed: dict[str, list[Sentence]] = {}
    for path in paths:
        file_errors, sentences = validate_file(path, registry, documents)
        errors += file_errors
        parsed[str(path)] = sentences
    return errors + check_consistency(parsed)
