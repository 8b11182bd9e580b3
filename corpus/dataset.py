"""Hugging Face ``datasets`` views of the corpus, labels aligned to a fast tokenizer.

A sentence longer than the encoder's window becomes several overlapping windows, so
that training sees every span; each window remembers its sentence id.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from datasets import Dataset, DatasetDict

from corpus.align import IGNORE_INDEX, IOB2_TAGS, spans_to_char_tags, token_tags
from corpus.schema import Sentence
from corpus.script import to_simplified

LABEL2ID: dict[str, int] = {tag: i for i, tag in enumerate(IOB2_TAGS)}


def encode_sentences(
    sentences: Sequence[Sentence], tokenizer: Any, max_length: int = 256, stride: int = 32
) -> dict[str, list]:
    """Tokenise sentences into windows with one label id per token (-100 for special tokens)."""
    if not getattr(tokenizer, "is_fast", False):
        raise TypeError("label alignment needs a fast tokenizer (offset mapping)")
    encoded = tokenizer(
        [to_simplified(s.text) for s in sentences],  # same length: labels stay aligned
        truncation=True,
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    columns: dict[str, list] = {"id": [], "input_ids": [], "attention_mask": [], "labels": []}
    for window, sentence_index in enumerate(encoded["overflow_to_sample_mapping"]):
        sentence = sentences[sentence_index]
        tags = token_tags(encoded["offset_mapping"][window], spans_to_char_tags(sentence.text, sentence.spans))
        columns["id"].append(sentence.id)
        columns["input_ids"].append(encoded["input_ids"][window])
        columns["attention_mask"].append(encoded["attention_mask"][window])
        columns["labels"].append([IGNORE_INDEX if t is None else LABEL2ID[t] for t in tags])
    return columns


def build_dataset_dict(
    splits: Mapping[str, Sequence[Sentence]], tokenizer: Any, max_length: int = 256, stride: int = 32
) -> DatasetDict:
    """One tokenised ``Dataset`` per split, ready for ``DataCollatorForTokenClassification``."""
    return DatasetDict(
        {name: Dataset.from_dict(encode_sentences(list(rows), tokenizer, max_length, stride))
         for name, rows in splits.items()}
    )
