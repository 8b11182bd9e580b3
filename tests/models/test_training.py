"""Training options beyond the plain path: a smaller encoder and distillation from a teacher."""
import copy

import pytest
import torch
from transformers import AutoModelForTokenClassification

from corpus.load import load_splits
from models.tagger import ModelLoadError, Tagger, new_token_classifier
from models.training import TrainConfig, WeightedTrainer, auto_epochs, class_weights, train


def test_layers_keeps_the_lowest_layers_of_the_encoder(tiny_base):
    full, _ = new_token_classifier(tiny_base)
    small, _ = new_token_classifier(tiny_base, layers=1)
    assert small.config.num_hidden_layers == 1 and len(small.bert.encoder.layer) == 1
    assert torch.equal(small.bert.encoder.layer[0].output.dense.weight, full.bert.encoder.layer[0].output.dense.weight)
    with pytest.raises(ValueError, match="between 1 and 2"):
        new_token_classifier(tiny_base, layers=3)


def test_distilled_student_is_a_standard_smaller_tagger(tiny_base, tmp_path):
    splits = load_splits()
    config = TrainConfig(base_model=tiny_base, output_dir=str(tmp_path / "student"), epochs=1, layers=1,
                         teacher="auto", max_length=64, stride=16, bf16=False)
    out = train(splits["train"][:24], splits["dev"][:6], config)
    reloaded = AutoModelForTokenClassification.from_pretrained(out)
    assert reloaded.config.num_hidden_layers == 1
    assert not any(p.name.endswith(".teacher") for p in tmp_path.iterdir())  # the teacher is not left behind
    assert len(Tagger(out).predict(["腾讯公司发表声明。"])) == 1


def test_distillation_loss_follows_the_teacher(tiny_base):
    """With all the weight on the teacher, the loss is zero when student and teacher agree."""
    model, _ = new_token_classifier(tiny_base)
    inputs = {"input_ids": torch.tensor([[2, 5, 6, 3]]), "attention_mask": torch.ones(1, 4, dtype=torch.long),
              "labels": torch.tensor([[-100, 0, 0, -100]])}
    weights = class_weights([[0, 1]], 0.5)
    trainer = WeightedTrainer.__new__(WeightedTrainer)  # only compute_loss is exercised
    teacher = copy.deepcopy(model).eval()
    trainer.loss_weights, trainer.teacher, trainer.distil_weight, trainer.temperature = weights, teacher, 1.0, 2.0
    model.train()
    for module in model.modules():  # same weights; without dropout the student equals the teacher
        if isinstance(module, torch.nn.Dropout):
            module.p = 0.0
    assert trainer.compute_loss(model, dict(inputs)).item() == pytest.approx(0.0, abs=1e-5)
    trainer.distil_weight = 0.0
    assert trainer.compute_loss(model, dict(inputs)).item() > 0.1


def test_a_teacher_with_another_vocabulary_is_refused(tiny_base, tmp_path):
    other = tmp_path / "other"
    model, tokenizer = new_token_classifier(tiny_base)
    model.save_pretrained(other)
    tokenizer.add_tokens(["新词"])
    tokenizer.save_pretrained(other)
    splits = load_splits()
    config = TrainConfig(base_model=tiny_base, output_dir=str(tmp_path / "s"), epochs=1, teacher=str(other), bf16=False)
    with pytest.raises(ModelLoadError, match="another vocabulary"):
        train(splits["train"][:4], splits["dev"][:2], config)


def test_auto_epochs_bounds():
    assert auto_epochs(100) == 16 and auto_epochs(6000) == 2 and auto_epochs(1500) == 8
