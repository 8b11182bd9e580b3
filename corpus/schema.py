"""The annotation format of ANNOTATION_SPEC.md: typed records and strict JSON Lines I/O.

Every reading error names the file and the line, and nothing is silently repaired:
a corpus that trains and evaluates models must fail loudly rather than drift.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

LABELS: tuple[str, ...] = ("CLAIM", "ACCUSATION", "APOLOGY", "DENIAL")
# Which type wins where one stretch could be two (spec: DENIAL > APOLOGY > ACCUSATION > CLAIM).
PRIORITY: dict[str, int] = {"DENIAL": 4, "APOLOGY": 3, "ACCUSATION": 2, "CLAIM": 1}


class CorpusError(ValueError):
    """A problem in a corpus file, located by file and (1-based) line."""

    def __init__(self, path: str | os.PathLike, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class Span:
    """One argument act: a character range of its sentence with type and parties."""

    start: int
    end: int
    label: str
    speaker: str | None = None
    target: str | None = None
    score: float | None = None

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        if self.score is None:
            del record["score"]
        return record


@dataclass
class Sentence:
    """One annotated sentence; ``extra`` keeps any further fields of the record untouched."""

    id: str
    doc_id: str
    text: str
    spans: list[Span] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def to_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id, "doc_id": self.doc_id, "text": self.text}
        record["spans"] = [s.to_json() for s in self.spans]
        record.update(self.extra)
        return record


_SPAN_KEYS = {"start", "end", "label", "speaker", "target", "score"}


def sentence_from_json(record: Any, path: str | os.PathLike, line: int) -> Sentence:
    """Build a Sentence from one decoded JSON record, checking types (not semantics)."""
    if not isinstance(record, dict):
        raise CorpusError(path, line, f"expected a JSON object, got {type(record).__name__}")
    for key, kind in (("id", str), ("doc_id", str), ("text", str), ("spans", list)):
        if key not in record:
            raise CorpusError(path, line, f"missing field {key!r}")
        if not isinstance(record[key], kind):
            raise CorpusError(path, line, f"field {key!r} must be a {kind.__name__}")
    spans = []
    for k, raw in enumerate(record["spans"]):
        if not isinstance(raw, dict):
            raise CorpusError(path, line, f"span {k} is not an object")
        unknown = set(raw) - _SPAN_KEYS
        if unknown:
            raise CorpusError(path, line, f"span {k} has unknown fields {sorted(unknown)}")
        for key in ("start", "end"):
            if not isinstance(raw.get(key), int) or isinstance(raw.get(key), bool):
                raise CorpusError(path, line, f"span {k}: {key!r} must be an integer")
        if not isinstance(raw.get("label"), str):
            raise CorpusError(path, line, f"span {k}: 'label' must be a string")
        for key in ("speaker", "target"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                raise CorpusError(path, line, f"span {k}: {key!r} must be a string or null")
        spans.append(Span(**{key: raw[key] for key in raw}))
    extra = {k: v for k, v in record.items() if k not in ("id", "doc_id", "text", "spans")}
    return Sentence(record["id"], record["doc_id"], record["text"], spans, extra)


def read_text(path: str | os.PathLike) -> str:
    """Read a UTF-8 text file (BOM allowed) or fail naming the file and the line of the bad byte."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CorpusError(
            path, line, f"not UTF-8 (byte {data[error.start]:#04x} at offset {error.start}); "
            "convert the file to UTF-8 first (e.g. iconv -f GBK -t UTF-8)"
        ) from None


def iter_jsonl(path: str | os.PathLike) -> Iterator[tuple[int, Any]]:
    """Yield (line number, decoded JSON) for each non-blank line of a UTF-8 JSONL file."""
    for number, line in enumerate(read_text(path).split("\n"), start=1):  # not splitlines(): U+2028 is text
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise CorpusError(path, number, f"malformed JSON: {error.msg} (column {error.colno})") from None


def read_sentences(path: str | os.PathLike) -> list[Sentence]:
    """Read an annotation file in the spec's JSONL format."""
    return [sentence_from_json(record, path, line) for line, record in iter_jsonl(path)]


@contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "wb", **open_args: Any) -> Iterator[IO]:
    """An open file that becomes ``path`` only when the block ends without an error, so a large
    output can be streamed and still never be seen half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **open_args) as out:
            yield out
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write a file atomically: a reader never sees a half-written file."""
    with atomic_file(path) as out:
        out.write(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """UTF-8 text with ``\n`` line ends, written atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def jsonl_text(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_jsonl(path: str | os.PathLike, records: Iterable[dict[str, Any]]) -> None:
    """Write JSON Lines atomically."""
    atomic_write_text(path, jsonl_text(records))


def write_sentences(path: str | os.PathLike, sentences: Iterable[Sentence]) -> None:
    write_jsonl(path, (s.to_json() for s in sentences))
