"""Train a tiny model for real (2 epochs, CPU) and check what train.py promises of its output."""
import json

import numpy as np
import pytest
from transformers import pipeline

from corpus.load import load_splits
from corpus.schema import Sentence
from models.tagger import ModelLoadError, Tagger, new_token_classifier
from models.training import TrainConfig, train


@pytest.fixture(scope="module")
def trained(tiny_base, tmp_path_factory):
    splits = load_splits()
    config = TrainConfig(base_model=tiny_base, output_dir=str(tmp_path_factory.mktemp("out")),
                         epochs=2, max_length=64, stride=16, bf16=False)
    return train(splits["train"][:40], splits["dev"][:10], config)


def test_output_loads_with_from_pretrained_and_pipeline(trained):
    config = json.loads((trained / "config.json").read_text())
    assert config["id2label"]["1"] == "B-CLAIM" and config["label2id"]["O"] == 0
    assert (trained / "train_config.json").is_file() and not (trained / "checkpoints").exists()
    tag = pipeline("token-classification", model=str(trained), aggregation_strategy="simple")
    assert isinstance(tag("腾讯表示，360的说法不实。"), list)


def test_long_sentence_is_tagged_in_windows_without_losing_characters(trained):
    tagger = Tagger(trained)
    assert tagger.max_length == 64
    text = "腾讯表示，" + "360恶意攻击同行，" * 40 + "不实。"
    probs = tagger.char_probabilities([text])[0]
    visible = [i for i, c in enumerate(text) if not c.isspace()]
    assert probs.shape[0] == len(text) and all(probs[i].sum() > 0.99 for i in visible)
    [spans] = tagger.predict([text])
    assert all(0 <= s.start < s.end <= len(text) and s.score is not None for s in spans)


def test_tag_sentences_keeps_ids(trained):
    [out] = Tagger(trained).tag_sentences([Sentence("x.s000", "x", "我们深表歉意。")])
    assert out.id == "x.s000" and out.text == "我们深表歉意。"


def test_missing_model_dir_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match="not a trained model directory"):
        Tagger(tmp_path)
    with pytest.raises(ModelLoadError, match="cannot load base model"):
        new_token_classifier(str(tmp_path / "nowhere"))


TEXTS = ["腾讯表示，360的说法不实。", "我们对此深表歉意。", "360公司昨日发表声明，指责腾讯恶意竞争，并否认存在后门程序。" * 3, "好"]


def test_batching_does_not_change_probabilities(trained):
    tagger = Tagger(trained)
    together = tagger.char_probabilities(TEXTS)
    tagger.batch_tokens = 1  # every text in a batch of its own
    for text, alone, joint in zip(TEXTS, tagger.char_probabilities(TEXTS), together):
        assert alone.shape == (len(text), len(tagger.labels))
        assert np.allclose(alone, joint, atol=1e-5)


def test_bf16_gives_the_fp32_spans_and_int8_valid_ones(trained):
    def keys(predicted):
        return [[(s.start, s.end, s.label) for s in spans] for spans in predicted]

    reference = keys(Tagger(trained).predict(TEXTS))
    assert keys(Tagger(trained, precision="bf16").predict(TEXTS)) == reference
    for text, spans in zip(TEXTS, Tagger(trained, precision="int8").predict(TEXTS)):
        assert all(0 <= s.start < s.end <= len(text) for s in spans)


def test_unknown_precision_is_refused(trained):
    with pytest.raises(ValueError, match="precision must be one of"):
        Tagger(trained, precision="fp8")
