"""Input checks shared by the entry scripts: fail with one line, before any model work."""
from __future__ import annotations

import os

from corpus.schema import LABELS, CorpusError, iter_jsonl


def check_labels(path: str | os.PathLike) -> None:
    """Every span label in a JSONL file must be one the tagger knows; errors name file and line."""
    for line, record in iter_jsonl(path):
        for span in record.get("spans", []) if isinstance(record, dict) else []:
            label = span.get("label") if isinstance(span, dict) else None
            if label not in LABELS:
                raise CorpusError(path, line, f"unknown label {label!r} (expected one of {', '.join(LABELS)})")
