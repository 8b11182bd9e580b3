"""Fine-tuning: one readable path from corpus splits to ``Trainer`` to ``save_pretrained``."""
from __future__ import annotations

import json
import math
import os
import shutil
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    DataCollatorForTokenClassification,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    set_seed,
)

from corpus.align import IGNORE_INDEX, IOB2_TAGS
from corpus.dataset import build_dataset_dict
from corpus.schema import Sentence
from models.batching import ShuffledLengthBatches
from models.tagger import ModelLoadError, new_token_classifier, resolve_base_model


@dataclass
class TrainConfig:
    base_model: str = "embedded"
    layers: int = 0  # 0: every layer of the base model; else only its lowest ``layers``
    # Distillation: a trained tagger folder whose soft labels the model also learns from, or
    # "auto" to train a full-size teacher on the same data first; "" trains on gold labels only.
    teacher: str = ""
    distil_weight: float = 0.5  # share of the loss that follows the teacher
    distil_temperature: float = 2.0
    output_dir: str = "outputs/tagger"
    epochs: int = 0  # 0: auto_epochs(training sentences)
    learning_rate: float = 1e-4
    batch_size: int = 8
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    patience: int = 2
    max_length: int = 256
    stride: int = 32
    seed: int = 13
    class_weight_power: float = 0.5
    freeze_embeddings: bool = True
    random_init: bool = False
    authored: bool = True  # add the team-written set (data/authored) to the training data
    # How many team-written sentences train (whole documents, fixed shuffled order); 0: all.
    authored_limit: int = 0
    bf16: bool = True


def class_weights(labels: Sequence[Sequence[int]], power: float) -> torch.Tensor:
    """Inverse-frequency weights (to ``power``) so that rare B- tags and O do not drown each other."""
    counts = Counter(tag for row in labels for tag in row if tag != IGNORE_INDEX)
    total = sum(counts.values())
    weights = [(total / max(counts.get(i, 0), 1)) ** power for i in range(len(IOB2_TAGS))]
    mean = sum(weights) / len(weights)
    return torch.tensor([w / mean for w in weights], dtype=torch.float)


class WeightedTrainer(Trainer):
    """A Trainer whose token loss is weighted per class, optionally mixed with a teacher's soft
    labels (distillation), and whose batches group sentences of similar length in random order
    (``ShuffledLengthBatches``)."""

    def __init__(self, *args: Any, loss_weights: torch.Tensor, teacher: torch.nn.Module | None = None,
                 distil_weight: float = 0.5, temperature: float = 2.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loss_weights, self.teacher = loss_weights, teacher
        self.distil_weight, self.temperature = distil_weight, temperature

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits.view(-1, outputs.logits.size(-1))
        loss = torch.nn.functional.cross_entropy(
            logits, labels.view(-1), weight=self.loss_weights.to(logits.device), ignore_index=IGNORE_INDEX,
        )
        if self.teacher is not None and model.training:
            with torch.no_grad():
                taught = self.teacher(**inputs).logits.view(-1, logits.size(-1)).float()
            keep = inputs["attention_mask"].view(-1).bool()
            t = self.temperature
            soft = torch.nn.functional.kl_div(torch.log_softmax(logits[keep].float() / t, -1),
                                              torch.log_softmax(taught[keep] / t, -1), log_target=True,
                                              reduction="batchmean") * t * t
            loss = (1 - self.distil_weight) * loss + self.distil_weight * soft
        return (loss, outputs) if return_outputs else loss

    def _get_train_sampler(self, train_dataset=None):
        dataset = train_dataset if train_dataset is not None else self.train_dataset
        lengths = [len(ids) for ids in dataset["input_ids"]]
        return ShuffledLengthBatches(lengths, self.args.train_batch_size, self.args.seed)


class KeepBest(TrainerCallback):
    """Early stopping on dev F1 that keeps the best weights in memory.

    Only trainable tensors are copied (the frozen embedding table never changes), so no
    multi-hundred-megabyte checkpoint is written per epoch.
    """

    def __init__(self, model: torch.nn.Module, patience: int) -> None:
        self.model, self.patience = model, patience
        self.best_f1, self.best_epoch, self.best_state, self.waited = -1.0, 0.0, None, 0
        self.best_loss = float("inf")

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        # Strict span F1 stays 0 for the first epochs; dev loss breaks ties so that
        # patience does not run out before the model has learnt to close a span.
        f1, loss = (metrics or {}).get("eval_f1", -1.0), (metrics or {}).get("eval_loss", float("inf"))
        if f1 > self.best_f1 or (f1 == self.best_f1 and loss < self.best_loss):
            self.best_f1, self.best_loss, self.best_epoch, self.waited = f1, loss, state.epoch, 0
            self.best_state = {k: v.detach().clone() for k, v in self.model.named_parameters() if v.requires_grad}
        else:
            self.waited += 1
            control.should_training_stop = self.waited >= self.patience

    def on_train_end(self, args, state, control, **kwargs):
        if self.best_state is not None:
            self.model.load_state_dict(self.best_state, strict=False)


def token_f1(eval_prediction) -> dict[str, float]:
    """Strict IOB2 span F1 over tokens (seqeval), for model selection on dev."""
    logits, labels = eval_prediction
    predictions = np.argmax(logits, axis=-1)
    y_true, y_pred = [], []
    for p_row, l_row in zip(predictions, labels):
        keep = l_row != IGNORE_INDEX
        y_true.append([IOB2_TAGS[tag] for tag in l_row[keep]])
        y_pred.append([IOB2_TAGS[p] for p in p_row[keep]])
    return {"f1": f1_score(y_true, y_pred, mode="strict", scheme=IOB2, zero_division=0)}


def auto_epochs(sentences: int, passes: int = 12000) -> int:
    """Epochs for a training set: about ``passes`` sentence-passes, between 2 and 16 epochs, so
    that the seeds alone get many passes and a few hundred team-written sentences about as many
    as the grouped-CV folds that trained well (early stopping ends most runs sooner)."""
    return max(2, min(16, round(passes / max(sentences, 1))))


def staging_dir(output_dir: str | Path) -> Path:
    """Where a model is written before ``publish`` moves it into place in one step."""
    out = Path(output_dir)
    return out.parent / f".{out.name}.partial"


def publish(staging: Path, output_dir: str | Path) -> Path:
    """Replace ``output_dir`` by the finished ``staging`` folder: a reader never sees half a model."""
    out = Path(output_dir)
    if out.exists():
        shutil.rmtree(out)
    os.replace(staging, out)
    return out


def train(train_rows: Sequence[Sentence], dev_rows: Sequence[Sentence], config: TrainConfig) -> Path:
    """Fine-tune, keep the best checkpoint by dev span F1, save a loadable directory in the
    staging folder (``staging_dir``) and return it; ``publish`` moves it into place."""
    teacher = _teacher(train_rows, dev_rows, config)
    set_seed(config.seed)
    model, tokenizer = new_token_classifier(config.base_model, config.random_init, config.layers)
    if config.freeze_embeddings and not config.random_init:
        # ~100 sentences cannot move a 100k-row embedding table usefully; freezing it keeps the
        # pretrained character meanings and takes most parameters out of the optimiser.
        model.get_input_embeddings().weight.requires_grad_(False)
    data = build_dataset_dict({"train": train_rows, "dev": dev_rows}, tokenizer, config.max_length, config.stride)
    config = replace(config, epochs=config.epochs or auto_epochs(len(train_rows)))
    steps_per_epoch = math.ceil(len(data["train"]) / config.batch_size)
    shutil.rmtree(staging_dir(config.output_dir), ignore_errors=True)
    args = TrainingArguments(
        output_dir=str(staging_dir(config.output_dir) / "checkpoints"),
        num_train_epochs=config.epochs,
        learning_rate=config.learning_rate,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=32,
        weight_decay=config.weight_decay,
        warmup_steps=int(config.warmup_ratio * steps_per_epoch * config.epochs),
        eval_strategy="epoch",
        save_strategy="no",
        logging_strategy="epoch",
        report_to=[],
        seed=config.seed,
        data_seed=config.seed,
        disable_tqdm=not os.isatty(2),
        dataloader_num_workers=0,
        bf16=config.bf16 and _cpu_bf16(),
        use_cpu=not torch.cuda.is_available(),
    )
    keep_best = KeepBest(model, config.patience)
    trainer = WeightedTrainer(
        model=model,
        args=args,
        train_dataset=data["train"].remove_columns(["id"]),
        eval_dataset=data["dev"].remove_columns(["id"]),
        data_collator=DataCollatorForTokenClassification(tokenizer),
        compute_metrics=token_f1,
        callbacks=[keep_best],
        loss_weights=class_weights(data["train"]["labels"], config.class_weight_power),
        teacher=teacher, distil_weight=config.distil_weight, temperature=config.distil_temperature,
    )
    trainer.train()
    out = staging_dir(config.output_dir)
    trainer.save_model(str(out))
    tokenizer.save_pretrained(str(out))
    settings = {**asdict(config), "best_epoch": keep_best.best_epoch, "best_dev_token_f1": round(keep_best.best_f1, 4)}
    (out / "train_config.json").write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out / "checkpoints", ignore_errors=True)
    return out


def _teacher(train_rows: Sequence[Sentence], dev_rows: Sequence[Sentence], config: TrainConfig) -> torch.nn.Module | None:
    """The frozen teacher for distillation: ``config.teacher``'s folder, or with "auto" a
    full-size tagger trained here first on the same rows (so cross-validation never lets a
    teacher see a held-out fold)."""
    if not config.teacher:
        return None
    folder = config.teacher
    if folder == "auto":
        out = Path(config.output_dir)
        full = replace(config, layers=0, teacher="", output_dir=str(out.with_name(f".{out.name}.teacher")))
        folder = str(train(train_rows, dev_rows, full))
    teacher = AutoModelForTokenClassification.from_pretrained(folder).eval()
    base = AutoTokenizer.from_pretrained(resolve_base_model(config.base_model))
    same_vocabulary = AutoTokenizer.from_pretrained(folder).get_vocab() == base.get_vocab()
    if config.teacher == "auto":
        shutil.rmtree(folder, ignore_errors=True)  # held in memory; the student is what is kept
    if not same_vocabulary:
        raise ModelLoadError(f"teacher {folder} uses another vocabulary than {config.base_model!r}")
    for parameter in teacher.parameters():
        parameter.requires_grad_(False)
    return teacher


def _cpu_bf16() -> bool:
    """bf16 autocast where it is fast: a GPU that has it, or a CPU with AVX-512 BF16 / AMX."""
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags
