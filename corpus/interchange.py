"""Import and export for the tools annotators already use.

- doccano sequence-labelling JSONL: ``{"text", "label": [[start, end, LABEL]], ...}``;
  speaker and target ride along in ``parties``: ``[[speaker, target], ...]`` in span order.
- Label Studio JSON tasks: a ``labels`` region per span plus per-region ``speaker`` and
  ``target`` choices (see ``LABEL_STUDIO_CONFIG``); model spans export as ``predictions``.
- CoNLL: one character per line, ``char TAB IOB2 TAB speaker TAB target``; white space and
  backslash are written as ``\\uXXXX`` so every line has exactly four columns.
- quoted spans: ``{"id", "spans": [{"text", "label", "speaker", "target", "occurrence"?}]}``,
  the easiest format to label by hand; offsets are found by searching the sentence.
Every importer reports problems with file and line, and drops nothing silently.
"""
from __future__ import annotations

import json
import os
from typing import Any, Iterable, Sequence

from corpus.align import char_tags_to_spans, spans_to_char_tags
from corpus.schema import CorpusError, Sentence, Span, atomic_write_text, iter_jsonl, jsonl_text, read_text

LABEL_STUDIO_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="CLAIM" background="#4e79a7"/>
    <Label value="ACCUSATION" background="#e15759"/>
    <Label value="APOLOGY" background="#59a14f"/>
    <Label value="DENIAL" background="#f28e2b"/>
  </Labels>
  <Text name="text" value="$text"/>
  <TextArea name="speaker" toName="text" perRegion="true" maxSubmissions="1" placeholder="speaker party"/>
  <TextArea name="target" toName="text" perRegion="true" maxSubmissions="1" placeholder="target party (empty: none)"/>
</View>
"""


def _meta(sentence: Sentence) -> dict[str, Any]:
    return {"id": sentence.id, "doc_id": sentence.doc_id, **sentence.extra}


def _sentence(record: dict[str, Any], text: str, spans: list[Span], path: str | os.PathLike, line: int) -> Sentence:
    if not isinstance(record.get("id"), str) or not isinstance(record.get("doc_id"), str):
        raise CorpusError(path, line, "record needs string fields 'id' and 'doc_id'")
    extra = {k: v for k, v in record.items() if k not in {"id", "doc_id", "text", "label", "parties", "spans"}}
    return Sentence(record["id"], record["doc_id"], text, spans, extra)


# --- doccano -------------------------------------------------------------------------------

def to_doccano(sentences: Iterable[Sentence]) -> Iterable[dict[str, Any]]:
    for s in sentences:
        yield {**_meta(s), "text": s.text,
               "label": [[x.start, x.end, x.label] for x in s.spans],
               "parties": [[x.speaker, x.target] for x in s.spans]}


def read_doccano(path: str | os.PathLike) -> list[Sentence]:
    sentences = []
    for line, record in iter_jsonl(path):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise CorpusError(path, line, "a doccano record is an object with a 'text' string")
        labels = record.get("label", [])
        parties = record["parties"] if "parties" in record else [[None, None]] * len(labels)
        if len(parties) != len(labels):
            raise CorpusError(path, line, f"{len(labels)} labels but {len(parties)} parties entries")
        try:
            spans = [Span(int(s), int(e), str(lab), sp, tg) for (s, e, lab), (sp, tg) in zip(labels, parties)]
        except (TypeError, ValueError) as error:
            raise CorpusError(path, line, f"bad label entry: {error}") from None
        spans.sort(key=lambda x: (x.start, x.end))
        sentences.append(_sentence(record, record["text"], spans, path, line))
    return sentences


# --- Label Studio ----------------------------------------------------------------------------

def to_label_studio(sentences: Iterable[Sentence], as_predictions: bool = False, model_version: str = "") -> list[dict[str, Any]]:
    """Label Studio tasks; ``as_predictions`` puts spans under ``predictions`` as pre-annotations."""
    tasks = []
    for s in sentences:
        result = []
        for k, x in enumerate(s.spans):
            region = f"{s.id}-{k}"
            where = {"start": x.start, "end": x.end, "text": s.text[x.start:x.end]}
            result.append({"id": region, "from_name": "label", "to_name": "text", "type": "labels",
                           "value": {**where, "labels": [x.label]}})
            for role in ("speaker", "target"):
                value = getattr(x, role)
                if value is not None:
                    result.append({"id": region, "from_name": role, "to_name": "text", "type": "textarea",
                                   "value": {**where, "text": [value]}})
        entry: dict[str, Any] = {"result": result}
        if as_predictions:
            scores = [x.score for x in s.spans if x.score is not None]
            entry.update(model_version=model_version, score=min(scores) if scores else None)
        tasks.append({"data": {**_meta(s), "text": s.text}, ("predictions" if as_predictions else "annotations"): [entry]})
    return tasks


def read_label_studio(path: str | os.PathLike) -> list[Sentence]:
    """Read a Label Studio JSON export; the latest annotation of each task wins, else its prediction."""
    try:
        tasks = json.loads(read_text(path))
    except json.JSONDecodeError as error:
        raise CorpusError(path, error.lineno, f"malformed JSON: {error.msg}") from None
    if not isinstance(tasks, list):
        raise CorpusError(path, 1, "a Label Studio export is a JSON list of tasks")
    sentences = []
    for number, task in enumerate(tasks, start=1):
        data = task.get("data", {}) if isinstance(task, dict) else {}
        if not isinstance(data.get("text"), str):
            raise CorpusError(path, None, f"task {number}: no data.text")
        entries = task.get("annotations") or task.get("predictions") or [{"result": []}]
        regions: dict[str, dict[str, Any]] = {}
        for item in entries[-1].get("result", []):
            region = regions.setdefault(item["id"], {})
            value = item.get("value", {})
            if item.get("type") == "labels":
                if len(value.get("labels", [])) != 1:
                    raise CorpusError(path, None, f"task {number}: region {item['id']} needs exactly one label")
                region.update(start=value["start"], end=value["end"], label=value["labels"][0])
            elif item.get("from_name") in ("speaker", "target"):
                texts = value.get("text") or value.get("choices") or [None]
                region[item["from_name"]] = texts[0]
        for region_id, region in regions.items():
            if "label" not in region:
                raise CorpusError(path, None, f"task {number}: region {region_id} has a party but no label")
        spans = sorted((Span(r["start"], r["end"], r["label"], r.get("speaker"), r.get("target")) for r in regions.values()),
                       key=lambda x: (x.start, x.end))
        sentences.append(_sentence(data, data["text"], spans, path, number))
    return sentences


# --- CoNLL ----------------------------------------------------------------------------------

def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if char.isspace() or char == "\\" else char


def _unescape(field: str) -> str:
    return chr(int(field[2:], 16)) if field.startswith("\\u") and len(field) == 6 else field


def to_conll(sentences: Iterable[Sentence]) -> str:
    blocks = []
    for s in sentences:
        lines = [f"# id = {s.id}", f"# doc_id = {s.doc_id}"]
        tags = spans_to_char_tags(s.text, s.spans)
        owner = {i: x for x in s.spans for i in range(x.start, x.end)}
        for i, (char, tag) in enumerate(zip(s.text, tags)):
            span = owner.get(i)
            speaker = (span.speaker or "_") if span else "_"
            target = (span.target or "_") if span else "_"
            lines.append(f"{_escape(char)}\t{tag}\t{speaker}\t{target}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def read_conll(path: str | os.PathLike) -> list[Sentence]:
    sentences: list[Sentence] = []
    meta: dict[str, str] = {}
    rows: list[tuple[int, list[str]]] = []

    def flush() -> None:
        if not rows:
            return
        text = "".join(_unescape(fields[0]) for _, fields in rows)
        tags = [fields[1] for _, fields in rows]
        spans = char_tags_to_spans(tags)
        for span in spans:
            _, fields = rows[span.start]
            span.speaker = None if fields[2] == "_" else fields[2]
            span.target = None if fields[3] == "_" else fields[3]
        first = rows[0][0]
        if "id" not in meta or "doc_id" not in meta:
            raise CorpusError(path, first, "sentence block lacks '# id = ' and '# doc_id = ' comments")
        sentences.append(Sentence(meta["id"], meta["doc_id"], text, spans))
        rows.clear()
        meta.clear()

    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            flush()
        elif line.startswith("# ") and " = " in line:
            key, _, value = line[2:].partition(" = ")
            meta[key.strip()] = value
        else:
            fields = line.split("\t")
            if len(fields) != 4 or len(_unescape(fields[0])) != 1:
                raise CorpusError(path, number, "expected 4 tab-separated columns: char, IOB2 tag, speaker, target")
            if fields[1] != "O" and fields[1][:2] not in ("B-", "I-"):
                raise CorpusError(path, number, f"not an IOB2 tag: {fields[1]!r}")
            if fields[1].startswith("I-") and (not rows or rows[-1][1][1][2:] != fields[1][2:] or rows[-1][1][1] == "O"):
                raise CorpusError(path, number, f"{fields[1]} does not continue a {fields[1][2:]} span (strict IOB2: "
                                                f"a span opens with B-)")
            rows.append((number, fields))
    flush()
    return sentences


# --- quoted spans ---------------------------------------------------------------------------

def quoted_spans(text: str, quoted: Sequence[dict[str, Any]], path: str | os.PathLike, line: int) -> list[Span]:
    """Spans given by their text (and, if repeated, 1-based occurrence) located in ``text``."""
    spans = []
    for k, item in enumerate(quoted):
        needle, occurrence = item.get("text", ""), int(item.get("occurrence", 1))
        start = -1
        for _ in range(occurrence):
            start = text.find(needle, start + 1)
        if not needle or start < 0:
            raise CorpusError(path, line, f"span {k}: {needle!r} (occurrence {occurrence}) not found in the sentence")
        spans.append(Span(start, start + len(needle), item.get("label"), item.get("speaker"), item.get("target")))
    return sorted(spans, key=lambda x: (x.start, x.end))


def read_quoted(path: str | os.PathLike, sentences: Sequence[Sentence]) -> list[Sentence]:
    """Attach spans written as quoted text to ``sentences`` (matched by id)."""
    by_id = {s.id: s for s in sentences}
    out: list[Sentence] = []
    for line, record in iter_jsonl(path):
        sentence = by_id.get(record.get("id")) if isinstance(record, dict) else None
        if sentence is None:
            raise CorpusError(path, line, f"unknown sentence id {record.get('id') if isinstance(record, dict) else record!r}")
        spans = quoted_spans(sentence.text, record.get("spans", []), path, line)
        out.append(Sentence(sentence.id, sentence.doc_id, sentence.text, spans, dict(sentence.extra)))
    return out


def _doccano_text(sentences: Sequence[Sentence]) -> str:
    return jsonl_text(to_doccano(sentences))


def _label_studio_text(sentences: Sequence[Sentence]) -> str:
    return json.dumps(to_label_studio(sentences), ensure_ascii=False, indent=1)


READERS = {"doccano": read_doccano, "label-studio": read_label_studio, "conll": read_conll}
WRITERS = {"doccano": _doccano_text, "label-studio": _label_studio_text, "conll": to_conll}


def write_format(fmt: str, path: str | os.PathLike, sentences: Sequence[Sentence]) -> None:
    """Write sentences in one of the interchange formats (atomically)."""
    atomic_write_text(path, WRITERS[fmt](sentences))
