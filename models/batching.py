"""Length-sorted dynamic batching under a token budget.

A fixed number of sentences per batch either wastes compute on padding (one long sentence
pads 31 short ones) or leaves the matrix multiplies too small to keep the cores busy.
Sorting by length and filling each batch up to a budget of padded tokens does both jobs:
short sentences travel in large batches, long ones in small batches, and padding is rare.
Training groups by length too, but must still visit the batches in random order.
"""
from __future__ import annotations

from typing import Iterator, Sequence

import torch

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


class ShuffledLengthBatches(torch.utils.data.Sampler[int]):
    """Training order: batches of similar length (little padding) visited in random order.

    ``transformers``' ``group_by_length`` sorts each mega-batch of 50 batches longest first
    and visits them in that order, so every 50 steps the model sweeps from long narrative
    windows to short headings and bylines, which are nearly all O.  On the full team-written
    set (5,582 windows) that cycle kept the training loss oscillating around 1.8 for 1,400
    steps and the tagger never learned a span; shuffling the batches removes the cycle and
    keeps the padding saving.  Indices come out so that each run of ``batch_size`` is one batch.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, seed: int, mega_batches: int = 50) -> None:
        self.lengths, self.batch_size, self.seed, self.mega_batches = list(lengths), batch_size, seed, mega_batches
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        self.epoch += 1
        order = torch.randperm(len(self.lengths), generator=generator).tolist()
        size = self.batch_size * self.mega_batches
        batches = []
        for start in range(0, len(order), size):
            mega = sorted(order[start:start + size], key=lambda i: self.lengths[i], reverse=True)
            batches += [mega[i:i + self.batch_size] for i in range(0, len(mega), self.batch_size)]
        full = [b for b in batches if len(b) == self.batch_size]
        ragged = [b for b in batches if len(b) < self.batch_size]  # only the last mega-batch's tail
        shuffled = [full[i] for i in torch.randperm(len(full), generator=generator).tolist()]
        return iter([i for batch in [*shuffled, *ragged] for i in batch])
