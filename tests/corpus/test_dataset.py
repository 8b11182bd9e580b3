from corpus.align import IGNORE_INDEX, IOB2_TAGS, token_tags_to_spans
from corpus.dataset import build_dataset_dict, encode_sentences
from corpus.load import load_splits


def test_dataset_dict_has_every_split_and_aligned_labels(char_tokenizer, corpus):
    dd = build_dataset_dict(load_splits(corpus), char_tokenizer)
    assert set(dd) == {"train", "dev", "test"}
    row = dd["train"][0]
    assert len(row["input_ids"]) == len(row["labels"]) == len(row["attention_mask"])
    assert row["labels"][0] == IGNORE_INDEX and row["labels"][-1] == IGNORE_INDEX


def test_long_sentences_become_overlapping_windows_that_keep_every_span(char_tokenizer, corpus):
    longest = max(corpus, key=lambda s: len(s.text))
    columns = encode_sentences([longest], char_tokenizer, max_length=32, stride=8)
    assert len(columns["input_ids"]) > 1 and set(columns["id"]) == {longest.id}
    encoded = char_tokenizer(longest.text, truncation=True, max_length=32, stride=8,
                             return_overflowing_tokens=True, return_offsets_mapping=True)
    found = set()
    for offsets, labels in zip(encoded["offset_mapping"], columns["labels"]):
        tags = [None if tag == IGNORE_INDEX else IOB2_TAGS[tag] for tag in labels]
        found |= {(s.start, s.end, s.label) for s in token_tags_to_spans(offsets, tags)}
    # Every character tagged in the sentence is tagged in some window with the same label.
    covered = {i: label for start, end, label in found for i in range(start, end)}
    assert all(covered.get(i) == sp.label for sp in longest.spans for i in range(sp.start, sp.end))
