"""Token-budget batching: every item once, shortest first, within the budget."""
from hypothesis import given
from hypothesis import strategies as st

from models.batching import token_budget_batches


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
