"""Typed records passed between the pipeline's components."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class InputDocument:
    """One document to tag, with where it came from (file and, for JSONL, line)."""

    doc_id: str
    text: str
    source: str
    line: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identity of the input across runs (for --resume): its file, however it was named on the
        command line (relative, absolute, through a glob), and line."""
        real = os.path.realpath(self.source)
        return f"{real}:{self.line}" if self.line is not None else real


@dataclass
class InputError:
    """An input that yields no document; it goes to errors.jsonl."""

    source: str
    error: str
    line: int | None = None
    doc_id: str | None = None

    @property
    def key(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
