"""Length-sorted dynamic batching under a token budget.

A fixed number of sentences per batch either wastes compute on padding (one long sentence
pads 31 short ones) or leaves the matrix multiplies too small to keep the cores busy.
Sorting by length and filling each batch up to a budget of padded tokens does both jobs:
short sentences travel in large batches, long ones in small batches, and padding is rare.
"""
from __future__ import annotations

from typing import Sequence

DEFAULT_BATCH_TOKENS = 2048


def token_budget_batches(lengths: Sequence[int], batch_tokens: int = DEFAULT_BATCH_TOKENS,
                         max_batch: int = 256) -> list[list[int]]:
    """Indices into ``lengths`` grouped into batches, shortest first, such that
    (sentences in the batch) x (longest length in it) stays within ``batch_tokens``.
    A single item longer than the budget still gets a batch of its own."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[index]  # sorted: the newcomer is the longest so far
        if current and ((len(current) + 1) * longest > batch_tokens or len(current) == max_batch):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
