"""Loading the labelled corpus and its recorded splits."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from corpus.paths import ANNOTATIONS_DIR, AUTHORED_DIR, SPLITS_FILE
from corpus.schema import Sentence, read_sentences
from corpus.split import SPLITS, read_splits, select


def annotation_files(directory: str | os.PathLike = ANNOTATIONS_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.jsonl"))


def load_corpus(directory: str | os.PathLike = ANNOTATIONS_DIR) -> list[Sentence]:
    """Every annotated sentence, file by file in name order."""
    return [s for path in annotation_files(directory) for s in read_sentences(path)]


def load_authored() -> list[Sentence]:
    """The team-written set: every adjudicated batch, in file-name order."""
    return load_corpus(AUTHORED_DIR)


def authored_party_files() -> list[Path]:
    """The fictional parties of the team-written set, one file per batch."""
    return sorted(AUTHORED_DIR.glob("*.parties.json"))


def load_splits(
    sentences: Sequence[Sentence] | None = None, splits_file: str | os.PathLike = SPLITS_FILE
) -> dict[str, list[Sentence]]:
    """``{"train": [...], "dev": [...], "test": [...]}`` from the recorded split file."""
    sentences = load_corpus() if sentences is None else sentences
    assignments = read_splits(splits_file)
    return {name: select(sentences, assignments, name) for name in SPLITS}
