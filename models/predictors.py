"""What tags text: the trained tagger or the cue-word baseline, behind one interface and one
factory, used alike by ``evaluate.py``, ``train.py``'s scoring, the batch pipeline and its Ray
workers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from corpus.schema import Span
from models.baseline import LexiconBaseline
from models.batching import DEFAULT_BATCH_TOKENS
from models.tagger import Analysis, Tagger


class Predictor(Protocol):
    def analyse(self, texts: Sequence[str], boundary_rules: bool = True) -> list[Analysis]: ...

    def predict(self, texts: Sequence[str], boundary_rules: bool = True) -> list[list[Span]]: ...


@dataclass(frozen=True)
class PredictorSpec:
    """What to tag with, in a form that can travel to other processes and machines."""

    model: str | None = None  # a directory written by train.py; None: the lexicon baseline
    precision: str = "fp32"
    batch_tokens: int = DEFAULT_BATCH_TOKENS
    threads: int | None = None  # torch threads; None: the CPUs this process may use

    def build(self) -> Predictor:
        if self.model is None:
            return LexiconBaseline()
        return Tagger(self.model, precision=self.precision, batch_tokens=self.batch_tokens, threads=self.threads)
