"""A learned alternative to the target rules: a linear scorer that ranks a span's candidate targets.

For every span the candidates are "no target", the generic parties (用户, 媒体, 其他) and each party
the document names; each candidate is described by sparse binary features (where it is named
relative to the span, whether it is the document's subject or author, whether it accused the
speaker, what the rules would pick, and the span's character bigrams crossed with the candidate's
type, so that 向广大用户 or 对方 can speak for a target the span does not name). A softmax over the
candidates is fitted on labelled documents; the weights are a plain JSON file.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import torch

from corpus.paths import DATA_DIR
from corpus.schema import atomic_write_text

TARGET_RANKER_FILE = DATA_DIR / "target_ranker.json"
GENERIC_TARGETS = ("用户", "媒体", "其他")
FRAME_WINDOW = 8


@dataclass
class Mention:
    start: int
    end: int
    party: str


@dataclass
class TargetCase:
    """Everything the ranker may look at for one span: its sentence and neighbours' party
    mentions, the document's author and subject, the attribution state so far, and the rules' pick."""

    label: str
    text: str
    start: int
    end: int
    speaker: str
    rule: str | None
    sentence_index: int
    mentions: Sequence[Sequence[Mention]]
    author: str | None
    subject: str | None
    context: dict[str, str | None]
    kinds: dict[str, str]

    def candidates(self) -> list[str | None]:
        """No target, the generic parties, then every party the document names, in order of first mention."""
        named: dict[str, None] = {}
        for found in self.mentions:
            for m in found:
                if m.party not in GENERIC_TARGETS:
                    named.setdefault(m.party)
        if self.rule is not None and self.rule not in GENERIC_TARGETS:
            named.setdefault(self.rule)
        return [None, *GENERIC_TARGETS, *named]


@dataclass
class Example:
    """A case to learn from: ``answer`` indexes the gold target in ``case.candidates()``."""

    case: TargetCase
    answer: int
    weight: float = 1.0


class TargetChooser(Protocol):
    def choose(self, case: TargetCase) -> str | None: ...


def candidate_type(party: str | None) -> str:
    return "none" if party is None else party if party in GENERIC_TARGETS else "named"


def features(case: TargetCase, party: str | None) -> list[str]:
    """Sparse binary features of one candidate target of one span."""
    label, kind = case.label, candidate_type(party)
    span = case.text[case.start:case.end]
    frame = case.text[max(0, case.start - FRAME_WINDOW):case.start]
    out = [f"type:{label}:{kind}", *(f"bigram:{span[i:i + 2]}:{kind}" for i in range(len(span) - 1)),
           *(f"frame:{frame[i:i + 2]}:{kind}" for i in range(len(frame) - 1))]
    if party == case.rule:
        out.append(f"rule:{label}:{kind}")
    if kind == "named":
        out.extend(_named_features(case, party))
    elif party is not None and any(m.party == party and case.start <= m.start < case.end
                                   for m in case.mentions[case.sentence_index]):
        out.append(f"generic-inside:{label}:{kind}")
    return out


def _named_features(case: TargetCase, party: str) -> list[str]:
    label, i = case.label, case.sentence_index
    here = [m for m in case.mentions[i] if m.party == party]
    out = [f"kind:{label}:{case.kinds.get(party, 'unknown')}"]
    inside = [m for m in here if case.start <= m.start < case.end]
    if inside:
        first_other = next((m for m in case.mentions[i] if case.start <= m.start < case.end
                            and m.party not in (case.speaker, *GENERIC_TARGETS)), None)
        out.append(f"inside:{label}")
        if first_other is not None and first_other.party == party:
            out.append(f"first-inside:{label}")
    before = [m for m in here if m.end <= case.start]
    if before:
        distance = case.start - before[-1].end
        out.append(f"before:{label}:{min(3, int(math.log2(distance + 1)))}")
        if before[-1].start and case.text[before[-1].start - 1] in "对向给与和跟同就替为把将對與給為將":
            out.append(f"object:{label}")
    if any(m.start >= case.end for m in here):
        out.append(f"after:{label}")
    if i and any(m.party == party for m in case.mentions[i - 1]):
        out.append(f"previous-sentence:{label}")
    if i + 1 < len(case.mentions) and any(m.party == party for m in case.mentions[i + 1]):
        out.append(f"next-sentence:{label}")
    if any(m.party == party for m in case.mentions[0]):
        out.append(f"title:{label}")
    roles = {"speaker": case.speaker, "author": case.author, "subject": case.subject,
             "accuser-of-speaker": case.context.get(f"accuser:{case.speaker}"),
             "accused-by-speaker": case.context.get(f"accused:{case.speaker}"),
             "latest-accuser": case.context.get("accuser")}
    out.extend(f"{role}:{label}" for role, holder in roles.items() if holder == party)
    return out


@dataclass
class TargetRanker:
    """Feature weights; a candidate's score is the sum of its features' weights."""

    weights: dict[str, float]

    def score(self, case: TargetCase, party: str | None) -> float:
        return sum(self.weights.get(f, 0.0) for f in features(case, party))

    def choose(self, case: TargetCase) -> str | None:
        """The best-scoring candidate other than the speaker; ties go to the earlier candidate."""
        options = [c for c in case.candidates() if c is None or c != case.speaker]
        return max(options, key=lambda c: self.score(case, c))

    def save(self, path: str | os.PathLike) -> None:
        kept = {f: round(w, 5) for f, w in sorted(self.weights.items()) if abs(w) >= 1e-4}
        atomic_write_text(path, json.dumps({"weights": kept}, ensure_ascii=False, indent=0) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "TargetRanker":
        return cls(json.loads(Path(path).read_text(encoding="utf-8"))["weights"])


def fit(examples: Sequence[Example], iterations: int = 200, l2: float = 1e-3, min_count: int = 10) -> TargetRanker:
    """Fit the weights by a weighted softmax over each case's candidates (other than its speaker).
    Features seen in fewer than ``min_count`` cases get no weight (rare bigrams would learn one
    dispute's names); ``l2`` and ``min_count`` were chosen on held-out team-written batches."""
    described: list[tuple[list[list[str]], int, float]] = []
    for example in examples:
        options = example.case.candidates()
        kept = [j for j, c in enumerate(options) if c is None or c != example.case.speaker]
        if example.answer in kept:
            described.append(([features(example.case, options[j]) for j in kept], kept.index(example.answer),
                              example.weight))
    counts = Counter(f for rows, _, _ in described for f in set().union(*rows))
    index = {f: i + 1 for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows = [[[index[f] for f in feats if f in index] for feats in options] for options, _, _ in described]
    gold = [answer for _, answer, _ in described]
    importance = torch.tensor([weight for _, _, weight in described])
    width = max(1, max(len(f) for row in rows for f in row))
    depth = max(len(row) for row in rows)
    ids = torch.zeros(len(rows), depth, width, dtype=torch.long)  # index 0: padding, weight fixed at 0
    mask = torch.zeros(len(rows), depth, dtype=torch.bool)
    for r, row in enumerate(rows):
        for c, feats in enumerate(row):
            ids[r, c, :len(feats)] = torch.tensor(feats)
            mask[r, c] = True
    weights = torch.zeros(len(index) + 1, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights], max_iter=iterations, line_search_fn="strong_wolfe")
    target = torch.tensor(gold)

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        scores = (weights[ids] * (ids > 0)).sum(-1).masked_fill(~mask, -1e9)
        losses = torch.nn.functional.cross_entropy(scores, target, reduction="none")
        value = (losses * importance).sum() / importance.sum() + l2 * (weights[1:] ** 2).sum()
        value.backward()
        return value

    optimiser.step(loss)
    learned = weights.detach().tolist()
    return TargetRanker({f: learned[i] for f, i in index.items()})


TARGET_CHOOSERS = {
    "rules": lambda: None,
    "learned": lambda: TargetRanker.load(TARGET_RANKER_FILE),
}


def target_chooser(name: str) -> TargetChooser | None:
    """The target chooser a run asks for by name (``TARGET_CHOOSERS``); None: the rules alone."""
    return TARGET_CHOOSERS[name]()
