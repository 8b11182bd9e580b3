import pytest

from corpus.align import char_tags_to_spans, spans_to_char_tags, token_tags, token_tags_to_spans


def _key(spans):
    return [(s.start, s.end, s.label) for s in spans]


def test_char_round_trip_is_exact_for_every_corpus_span(corpus):
    for s in corpus:
        assert _key(char_tags_to_spans(spans_to_char_tags(s.text, s.spans))) == _key(s.spans)


@pytest.mark.parametrize("tokenizer_name", ["char_tokenizer", "wordpiece_tokenizer"])
def test_token_round_trip_is_exact_for_every_corpus_span(corpus, tokenizer_name, request):
    tokenizer = request.getfixturevalue(tokenizer_name)
    for s in corpus:
        offsets = tokenizer(s.text, return_offsets_mapping=True)["offset_mapping"]
        tags = token_tags(offsets, spans_to_char_tags(s.text, s.spans))
        assert _key(token_tags_to_spans(offsets, tags)) == _key(s.spans), s.id


def test_wordpiece_tokens_cover_several_characters(wordpiece_tokenizer):
    encoded = wordpiece_tokenizer("360表示QQ", return_offsets_mapping=True)
    assert (0, 3) in [tuple(o) for o in encoded["offset_mapping"]] or (0, 2) in [tuple(o) for o in encoded["offset_mapping"]]


def test_invalid_sequences_decode_to_valid_spans():
    # An I- without B-, and a type switch inside a run, each open a new span.
    assert _key(char_tags_to_spans(["I-CLAIM", "I-CLAIM", "I-DENIAL", "O", "B-APOLOGY"])) == [
        (0, 2, "CLAIM"), (2, 3, "DENIAL"), (4, 5, "APOLOGY")]


def test_special_tokens_get_no_tag():
    assert token_tags([(0, 0), (0, 1), (0, 0)], ["B-CLAIM"]) == [None, "B-CLAIM", None]


def test_bare_prefix_piece_carries_no_label():
    # SentencePiece gives "▁" and "腾" the same start offset: only the character token is labelled.
    assert token_tags([(0, 0), (0, 1), (0, 1), (1, 2), (0, 0)], ["B-CLAIM", "I-CLAIM"]) == [
        None, None, "B-CLAIM", "I-CLAIM", None]
