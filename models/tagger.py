"""The span tagger: a token-classification model plus the decoding that turns its
per-token scores into valid, spec-conforming character spans.

What is saved is a plain Hugging Face directory (config with id2label/label2id, weights,
tokenizer), so ``from_pretrained`` and ``transformers.pipeline`` load it unchanged.
"""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import numpy as np
import torch
from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

from corpus.align import IOB2_TAGS
from corpus.dataset import LABEL2ID
from corpus.schema import Sentence, Span
from corpus.script import to_simplified
from models.batching import DEFAULT_BATCH_TOKENS, token_budget_batches
from models.boundaries import apply_boundary_rules
from models.decoding import closest_call, decode_spans
from models.memory import pin_mmap_threshold
from models.threads import available_cpus

ID2LABEL = dict(enumerate(IOB2_TAGS))
EMBEDDED = "embedded"
PRECISIONS = ("fp32", "bf16", "int8")
# bf16 moved no probability by more than 0.041 on the 201 distinct seed sentences (fp32 as reference);
# texts whose closest call is under 0.1 are redone in fp32, so bf16 labels equal fp32 labels.
BF16_RECHECK_MARGIN = 0.1


class Analysis(NamedTuple):
    spans: list[Span]
    confidence: float | None


class ModelLoadError(RuntimeError):
    """A model directory or hub id that cannot be loaded, with what to do about it."""


def resolve_base_model(name: str) -> str:
    """``embedded`` means the project's offline encoder (built on first use); else a hub id or folder."""
    if name == EMBEDDED:
        from models.embedded import ensure_embedded_encoder

        return str(ensure_embedded_encoder())
    return name


def new_token_classifier(base_model: str, random_init: bool = False, layers: int = 0) -> tuple[torch.nn.Module, object]:
    """A fresh tagging head on a pretrained encoder, and its tokenizer.

    ``random_init`` keeps the architecture and tokenizer but not the weights: the ablation
    that shows what pretraining is worth.  ``layers`` (0: all) keeps only the encoder's lowest
    layers: a smaller, faster tagger whose layers still see the inputs they were trained on.
    """
    path = resolve_base_model(base_model)
    labels = {"num_labels": len(IOB2_TAGS), "id2label": ID2LABEL, "label2id": LABEL2ID}
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
        if random_init:
            model = AutoModelForTokenClassification.from_config(AutoConfig.from_pretrained(path, **labels))
        else:
            model = AutoModelForTokenClassification.from_pretrained(path, **labels)
    except (OSError, ValueError) as error:
        raise ModelLoadError(
            f"cannot load base model {base_model!r}: {str(error).splitlines()[0]} "
            "(offline? use --base-model embedded or a local directory)"
        ) from None
    if not tokenizer.is_fast:
        raise ModelLoadError(f"{base_model!r} has no fast tokenizer; span alignment needs offsets")
    if layers:
        _keep_lowest_layers(model, layers)
    return model, tokenizer


def _keep_lowest_layers(model: torch.nn.Module, layers: int) -> None:
    encoder = model.base_model.encoder
    if not 0 < layers <= len(encoder.layer):
        raise ValueError(f"layers must be between 1 and {len(encoder.layer)}, not {layers}")
    encoder.layer = torch.nn.ModuleList(list(encoder.layer)[:layers])
    model.config.num_hidden_layers = layers


def _train_settings(model_dir: Path) -> dict:
    path = model_dir / "train_config.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


class Tagger:
    """Loads a trained model directory and tags sentences with character spans."""

    def __init__(self, model_dir: str | os.PathLike, device: str | None = None,
                 max_length: int | None = None, stride: int | None = None,
                 precision: str = "fp32", batch_tokens: int = DEFAULT_BATCH_TOKENS, threads: int | None = None) -> None:
        """``precision``: ``fp32``; ``bf16`` (faster on CPUs with bf16 instructions, labels
        checked against fp32 wherever a decision is close); or ``int8`` (dynamic quantization
        of the linear layers: fastest, labels may change, see the README).  ``threads`` sets
        torch's (process-wide) thread count; by default, the CPUs this process may use."""
        model_dir = Path(model_dir)
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        if not (model_dir / "config.json").is_file():
            raise ModelLoadError(f"{model_dir} is not a trained model directory (no config.json); run `python train.py --output-dir {model_dir}`")
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
            self.model = AutoModelForTokenClassification.from_pretrained(model_dir)
        except (OSError, ValueError) as error:
            raise ModelLoadError(f"cannot load the model in {model_dir}: {str(error).splitlines()[0]}") from None
        self.labels = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        torch.set_num_threads(threads or available_cpus())
        pin_mmap_threshold()  # flat memory however many batches follow
        self.precision = precision
        self.batch_tokens = batch_tokens
        self.model.to(self.device).eval()
        if precision == "int8":
            self.model = _quantized(self.model, self.device)
        # Windows as in training (train_config.json), never beyond the encoder's position table.
        trained_with = _train_settings(model_dir)
        max_length = max_length or trained_with.get("max_length", 256)
        self.max_length = min(max_length, self.model.config.max_position_embeddings)
        self.stride = min(stride or trained_with.get("stride", 32), self.max_length // 4)

    def char_probabilities(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per-character label probabilities; texts are batched by length under a token budget
        (little padding) and windows of long texts are averaged where they overlap."""
        return self._checked_probabilities([to_simplified(t) for t in texts])

    def _checked_probabilities(self, texts: Sequence[str]) -> list[np.ndarray]:
        """In bf16, every text with a close call is recomputed in fp32."""
        if self.precision != "bf16":
            return self._probabilities(texts)
        fast = self._probabilities(texts, autocast=True)
        unsure = [i for i, (t, p) in enumerate(zip(texts, fast)) if closest_call(t, p, self.labels) < BF16_RECHECK_MARGIN]
        for i, probs in zip(unsure, self._probabilities([texts[i] for i in unsure])):
            fast[i] = probs
        return fast

    @torch.inference_mode()
    def _probabilities(self, texts: Sequence[str], autocast: bool = False) -> list[np.ndarray]:
        """``char_probabilities`` for texts already in Simplified script (as in training)."""
        out = [np.zeros((len(t), len(self.labels)), dtype=np.float32) for t in texts]
        counts = [np.zeros(len(t), dtype=np.float32) for t in texts]
        device_type = torch.device(self.device).type
        lengths = [min(len(t) + 2, self.max_length) for t in texts]  # tokens, about one per character
        for chunk in token_budget_batches(lengths, self.batch_tokens):
            enc = self.tokenizer([texts[i] for i in chunk], truncation=True, max_length=self.max_length,
                                 stride=self.stride, return_overflowing_tokens=True,
                                 return_offsets_mapping=True, padding=True, return_tensors="pt")
            with torch.autocast(device_type, dtype=torch.bfloat16, enabled=autocast):
                logits = self.model(input_ids=enc["input_ids"].to(self.device),
                                    attention_mask=enc["attention_mask"].to(self.device)).logits
            probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
            offsets = enc["offset_mapping"].numpy()
            for window, index in enumerate(enc["overflow_to_sample_mapping"].tolist()):
                starts, ends = offsets[window, :, 0], offsets[window, :, 1]
                real = ends > starts
                real[:-1] &= ~(real[1:] & (starts[:-1] == starts[1:]))  # bare "▁" pieces: see labelled_tokens
                target = chunk[index]
                np.add.at(out[target], starts[real], probs[window, real])
                np.add.at(counts[target], starts[real], 1.0)
        return [p / np.maximum(c, 1.0)[:, None] for p, c in zip(out, counts)]

    def analyse(self, texts: Sequence[str], boundary_rules: bool = True) -> list[Analysis]:
        """Spans with a confidence each (mean top probability over the span's characters), and
        the sentence's confidence (mean top probability over all its characters)."""
        results = []
        texts = [to_simplified(t) for t in texts]  # Traditional input, same offsets
        for text, probs in zip(texts, self._checked_probabilities(texts)):
            spans = decode_spans(text, probs, self.labels)
            top = probs.max(axis=1)
            for span in spans:
                scored = top[span.start : span.end]
                scored = scored[scored > 0]
                span.score = round(float(scored.mean()), 4) if scored.size else None
            seen = top[top > 0]
            confidence = round(float(seen.mean()), 4) if seen.size else None
            results.append(Analysis(apply_boundary_rules(text, spans) if boundary_rules else spans, confidence))
        return results

    def predict(self, texts: Sequence[str], boundary_rules: bool = True) -> list[list[Span]]:
        return [a.spans for a in self.analyse(texts, boundary_rules)]

    def tag_sentences(self, sentences: Iterable[Sentence], boundary_rules: bool = True) -> list[Sentence]:
        sentences = list(sentences)
        predicted = self.predict([s.text for s in sentences], boundary_rules)
        return [Sentence(s.id, s.doc_id, s.text, spans, dict(s.extra)) for s, spans in zip(sentences, predicted)]


def _quantized(model: torch.nn.Module, device: str) -> torch.nn.Module:
    """Dynamic int8 quantization of every linear layer (weights int8, activations quantized on the fly)."""
    if torch.device(device).type != "cpu":
        raise ValueError("int8 precision runs on CPU only")
    with warnings.catch_warnings():  # torch marks eager-mode quantization as deprecated in favour of torchao
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
