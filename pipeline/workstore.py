"""The work store of a batch run: what has been tagged so far, kept durably under ``OUTDIR/.work``.

Results are appended per chunk of documents to part files; after each chunk the state file
records which inputs are done, which doc ids they took and the byte size of every part file.
A resume truncates the part files to the last recorded sizes (dropping a chunk half-written by
a killed run) and skips finished inputs, so no document is lost or duplicated.  The final files
are copied into place atomically, so the part files survive a run killed while publishing.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from corpus.schema import Sentence, atomic_write_text, sentence_from_json

PARTS = ("spans", "errors", "documents")


@dataclass
class ItemResult:
    """What one input item yields: a tagged document's records, or an error record."""

    key: str
    doc_id: str | None
    records: dict[str, list[dict]]

    def rename(self, doc_id: str) -> None:
        """Give the document another id, in its own record and in every sentence id."""
        old, self.doc_id = self.doc_id, doc_id
        for record in self.records["documents"]:
            record["doc_id"] = doc_id
        for sentence in self.records["spans"]:
            sentence["doc_id"] = doc_id
            sentence["id"] = doc_id + sentence["id"][len(old):]

    def to_json(self) -> dict:
        return {"key": self.key, "doc_id": self.doc_id, "records": self.records}

    @classmethod
    def from_json(cls, record: dict) -> ItemResult:
        return cls(record["key"], record["doc_id"], record["records"])


def claim_doc_ids(results: Sequence[ItemResult], taken: set[str]) -> None:
    """Doc ids stay unique across a run: two inputs named x keep both, the second as x~2."""
    for result in results:
        if result.doc_id is None:
            continue
        unique = _unique(result.doc_id, taken)
        if unique != result.doc_id:
            result.rename(unique)
        taken.add(unique)


def _unique(doc_id: str, taken: set[str]) -> str:
    """Two inputs with one name (a/x.txt, b/x.txt) keep both: the second becomes x~2."""
    candidate, n = doc_id, 1
    while candidate in taken:
        n += 1
        candidate = f"{doc_id}~{n}"
    return candidate


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

    def commit(self, results: Sequence[ItemResult]) -> None:
        """Append one chunk's records durably, then record its inputs as done."""
        keys = [r.key for r in results]
        doc_ids = [r.doc_id for r in results if r.doc_id is not None]
        for name in PARTS:
            with open(self.part(name), "a", encoding="utf-8") as handle:
                handle.write("".join(json.dumps(record, ensure_ascii=False) + "\n"
                                     for r in results for record in r.records[name]))
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

    def sentences(self) -> Iterator[Sentence]:
        """The tagged sentences of the spans part, typed as the corpus types them (a damaged part
        file is an error naming its line, not a KeyError later on)."""
        for line, record in enumerate(self.records("spans"), start=1):
            yield sentence_from_json(record, self.part("spans"), line)

    def publish(self, name: str, target: Path) -> None:
        """Put a copy of one part file at ``target`` in one step: a reader never sees half a file,
        and the part file stays for a resume if the run is killed before it finishes."""
        staged = self.dir / f"{name}.final"
        shutil.copyfile(self.part(name), staged)
        os.replace(staged, target)
