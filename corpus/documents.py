"""The raw documents of the corpus and their metadata (``data/documents.jsonl``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from corpus.paths import DOCUMENTS_FILE
from corpus.schema import CorpusError, iter_jsonl, read_text
from corpus.segment import SentenceSpan, segment

GENRES = (
    "news report", "open letter", "statement", "transcript", "commentary",
    "regulator notice", "police notice", "court ruling", "social media", "complaint", "announcement",
)


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: Path
    title: str
    genre: str
    date: str | None = None
    author: str | None = None

    def text(self) -> str:
        return read_text(self.path)

    def sentences(self) -> list[SentenceSpan]:
        return segment(self.text())

    def sentence_id(self, index: int) -> str:
        """Stable sentence ids: ``<doc_id>.s<index>``, zero-padded to three digits."""
        return f"{self.doc_id}.s{index:03d}"


def read_documents(path: str | os.PathLike = DOCUMENTS_FILE) -> dict[str, Document]:
    """Read the document table; relative paths are resolved against its folder."""
    documents: dict[str, Document] = {}
    for line, record in iter_jsonl(path):
        try:
            doc = Document(
                doc_id=record["doc_id"],
                path=Path(path).parent / record["path"],
                title=record["title"],
                genre=record["genre"],
                date=record.get("date"),
                author=record.get("author"),
            )
        except (KeyError, TypeError) as error:
            raise CorpusError(path, line, f"document record lacks {error}") from None
        if doc.genre not in GENRES:
            raise CorpusError(path, line, f"unknown genre {doc.genre!r}; use one of {GENRES}")
        if doc.doc_id in documents:
            raise CorpusError(path, line, f"duplicate doc_id {doc.doc_id!r}")
        documents[doc.doc_id] = doc
    return documents
