"""Token-budget batching (inference) and length-grouped shuffled batches (training)."""
from hypothesis import given
from hypothesis import strategies as st

from models.batching import ShuffledLengthBatches, token_budget_batches


@given(st.lists(st.integers(1, 300), max_size=200), st.integers(1, 4096), st.integers(1, 64))
def test_every_item_once_within_budget(lengths, budget, max_batch):
    batches = token_budget_batches(lengths, budget, max_batch)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= max_batch
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= budget
    order = [lengths[i] for b in batches for i in b]
    assert order == sorted(order)


def test_short_sentences_share_a_batch_long_ones_do_not():
    batches = token_budget_batches([10, 500, 12, 11, 600], batch_tokens=512)
    assert batches == [[0, 3, 2], [1], [4]]


@given(st.lists(st.integers(1, 300), min_size=1, max_size=300), st.integers(1, 16), st.integers(1, 5))
def test_training_batches_cover_every_item_once(lengths, batch_size, mega_batches):
    order = list(ShuffledLengthBatches(lengths, batch_size, seed=3, mega_batches=mega_batches))
    assert sorted(order) == list(range(len(lengths)))


def test_training_batches_are_not_visited_longest_first():
    """The cycle that stopped training on the full team-written set: long windows first, then short."""
    lengths = [n % 97 + 1 for n in range(4000)]
    sampler = ShuffledLengthBatches(lengths, batch_size=8, seed=13)
    order = list(sampler)
    firsts = [max(lengths[i] for i in order[b:b + 8]) for b in range(0, 400, 8)]  # the first 50 batches
    assert firsts != sorted(firsts, reverse=True)
    for b in range(0, len(order), 8):  # yet each batch is of similar length
        batch = [lengths[i] for i in order[b:b + 8]]
        assert max(batch) - min(batch) <= 10
    assert list(sampler) != order  # another epoch, another order
