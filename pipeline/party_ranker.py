"""Learned choice of each act's speaker and target: linear scorers that rank candidate parties.

A span's candidates are the generic parties (用户, 媒体, 其他), each party the document names and
whoever the rules would pick, plus "no target" for targets.  Each candidate is described by sparse
binary features: where it is named relative to the span and its frame, its role in the document
(author, transcript turn, main subject, the latest speaker, the party that accused the speaker…),
what the rules would pick, and the character bigrams around the span crossed with the candidate's
type (so 我们认为 can point at the author and 向广大用户 at 用户).  One softmax over the candidates
per role is fitted on labelled documents (pipeline/ranker_training.py); the weights are plain JSON.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol, Sequence

import torch

from corpus.paths import DATA_DIR
from corpus.schema import atomic_write_text
from corpus.scoring import GENERIC_PARTIES

RANKER_FILE = DATA_DIR / "party_ranker.json"
FIRST_PERSON = ("我们", "我司", "本公司", "我公司", "本集团", "本人", "我們", "我局", "本局", "我院", "本院", "我会", "本会",
                "本刊", "本台", "本平台", "我行", "本行", "本店", "本所", "我")
OBJECT_MARKERS = "对向给与和跟同就替为把将對與給為將"  # a party after these is an object, not a speaker
WINDOW = 8


@dataclass
class Mention:
    start: int
    end: int
    party: str


@dataclass
class Document:
    """What every case of one document shares: each sentence's party mentions, the author the
    rules found, the party it names most, and the registry's kind of each party."""

    mentions: Sequence[Sequence[Mention]]
    author: str | None
    subject: str | None
    kinds: dict[str, str]

    @cached_property
    def ranks(self) -> dict[str, int]:
        """Each named party's place by how often the document names it (ties: first named first);
        computed once per document, not once per candidate."""
        counts = Counter(m.party for sentence in self.mentions for m in sentence if m.party not in GENERIC_PARTIES)
        return {party: rank for rank, (party, _) in enumerate(counts.most_common())}

    def named(self, *extra: str | None) -> list[str]:
        """Every party the document names, in order of first mention, then ``extra`` ones."""
        found = {party: None for party in self.mentions_order}
        found.update((party, None) for party in extra if party and party not in GENERIC_PARTIES)
        return list(found)

    @cached_property
    def mentions_order(self) -> list[str]:
        """The named parties in order of first mention, computed once per document."""
        return list(dict.fromkeys(m.party for sentence in self.mentions for m in sentence
                                  if m.party not in GENERIC_PARTIES))


@dataclass
class Act:
    """One act in its sentence: label, offsets, where its reporting frame starts, the sentence's place."""

    label: str
    text: str
    start: int
    end: int
    frame_start: int
    sentence: int


@dataclass
class SpeakerCase:
    """Who performs the act: the rules' pick and the document's voices so far are clues."""

    span: Act
    document: Document
    rule: str
    turn: str | None
    previous: str | None
    last_speaker: str | None

    def options(self) -> list[str | None]:
        voices = (self.rule, self.document.author, self.turn, self.previous, self.last_speaker)
        return [*GENERIC_PARTIES, *self.document.named(*voices)]

    def features(self, party: str | None) -> list[str]:
        span, kind = self.span, candidate_type(party)
        first_person = any(p in span.text for p in FIRST_PERSON)
        out = [f"type:{span.label}:{kind}", f"first-person:{first_person}:{kind}", *_bigrams(span, kind)]
        roles = {"rule": self.rule, "author": self.document.author, "turn": self.turn, "previous": self.previous,
                 "last-speaker": self.last_speaker, "subject": self.document.subject}
        for role, holder in roles.items():
            if holder == party:
                out += [f"{role}:{kind}", f"{role}:{kind}:{first_person}"]
        if kind == "named":
            out += _placement(self.span, self.document, party, "speaker")
        return out


@dataclass
class TargetCase:
    """Whom the act is about or addressed to, given its speaker and the accusations so far."""

    span: Act
    document: Document
    rule: str | None
    speaker: str
    context: dict[str, str | None]

    def options(self) -> list[str | None]:
        """No target, the generic parties, then the named ones; never the speaker itself."""
        named = self.document.named(self.rule, self.document.author)
        return [None, *GENERIC_PARTIES, *(p for p in named if p != self.speaker)]

    def features(self, party: str | None) -> list[str]:
        span, kind = self.span, candidate_type(party)
        out = [f"type:{span.label}:{kind}", *_bigrams(span, kind)]
        if self.context.get(f"accuser:{self.speaker}"):
            out.append(f"speaker-accused-by-a-party:{span.label}:{kind}")  # so 其他 can lose to a known accuser
        if party == self.rule:
            out.append(f"rule:{span.label}:{kind}")
        if kind == "named":
            out += _placement(span, self.document, party, "target", self.speaker)
            roles = {"speaker-accuser": self.context.get(f"accuser:{self.speaker}"),
                     "speaker-accused": self.context.get(f"accused:{self.speaker}"),
                     "latest-accuser": self.context.get("accuser")}
            out += [f"{role}:{span.label}" for role, holder in roles.items() if holder == party]
        elif party is not None and any(m.party == party and span.start <= m.start < span.end
                                       for m in self.document.mentions[span.sentence]):
            out.append(f"generic-inside:{span.label}:{kind}")
        return out


class Case(Protocol):
    def options(self) -> list[str | None]: ...

    def features(self, party: str | None) -> list[str]: ...


def candidate_type(party: str | None) -> str:
    return "none" if party is None else party if party in GENERIC_PARTIES else "named"


def _bigrams(span: Act, kind: str) -> list[str]:
    """The span's and the preceding window's character bigrams, crossed with the candidate's type."""
    inside = span.text[span.start:span.end]
    before = span.text[max(0, span.start - WINDOW):span.start]
    return [*(f"bigram:{inside[i:i + 2]}:{kind}" for i in range(len(inside) - 1)),
            *(f"frame:{before[i:i + 2]}:{kind}" for i in range(len(before) - 1))]


def _placement(span: Act, document: Document, party: str, role: str, other: str | None = None) -> list[str]:
    """Where a named candidate stands: in the span, its frame, before or after it, in the
    neighbouring sentences, the title or the closing lines; its kind and how often it is named.
    ``other``: a party that does not count as the first named inside the span (a target's speaker)."""
    label, i = span.label, span.sentence
    here = [m for m in document.mentions[i] if m.party == party]
    out = [f"{role}:kind:{label}:{document.kinds.get(party, 'unknown')}"]
    inside = [m for m in here if span.start <= m.start < span.end]
    if inside:
        out.append(f"{role}:inside:{label}")
        first = next(m for m in document.mentions[i] if span.start <= m.start < span.end
                     and m.party not in (other, *GENERIC_PARTIES))
        if first.party == party:
            out.append(f"{role}:first-inside:{label}")
    before = [m for m in here if m.end <= span.start]
    if before:
        distance = span.start - before[-1].end
        where = "frame" if before[-1].start >= span.frame_start else "before"
        out.append(f"{role}:{where}:{label}:{min(3, int(math.log2(distance + 1)))}")
        if before[-1].start and span.text[before[-1].start - 1] in OBJECT_MARKERS:
            out.append(f"{role}:object:{label}")
    if any(m.start >= span.end for m in here):
        out.append(f"{role}:after:{label}")
    if i and any(m.party == party for m in document.mentions[i - 1]):
        out.append(f"{role}:previous-sentence:{label}")
    if i + 1 < len(document.mentions) and any(m.party == party for m in document.mentions[i + 1]):
        out.append(f"{role}:next-sentence:{label}")
    if any(m.party == party for m in document.mentions[0]):
        out.append(f"{role}:title:{label}")
    if any(m.party == party for sentence in document.mentions[-4:] for m in sentence):
        out.append(f"{role}:closing:{label}")
    rank = document.ranks.get(party)
    if rank is not None:
        out.append(f"{role}:rank:{label}:{min(rank, 3)}")
    return out


@dataclass
class Example:
    """A case to learn from: ``answer`` indexes the gold party in ``case.options()``."""

    case: Case
    answer: int
    weight: float = 1.0


@dataclass
class PartyRanker:
    """Feature weights; a candidate's score is the sum of its features' weights."""

    weights: dict[str, float]

    def score(self, case: Case, party: str | None) -> float:
        return sum(self.weights.get(f, 0.0) for f in case.features(party))

    def choose(self, case: Case) -> str | None:
        """The best-scoring candidate; ties go to the earlier one, so runs are reproducible."""
        return max(case.options(), key=lambda party: self.score(case, party))


class Chooser(Protocol):
    def choose(self, case: Case) -> str | None: ...


@dataclass
class Rankers:
    """The two choosers the attribution asks: one for speakers, one for targets."""

    speaker: Chooser
    target: Chooser

    def save(self, path: str | os.PathLike) -> None:
        def kept(ranker: PartyRanker) -> dict[str, float]:
            return {f: round(w, 5) for f, w in sorted(ranker.weights.items()) if abs(w) >= 1e-4}

        weights = {"speaker": kept(self.speaker), "target": kept(self.target)}
        atomic_write_text(path, json.dumps(weights, ensure_ascii=False, indent=0) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Rankers":
        weights = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(PartyRanker(weights["speaker"]), PartyRanker(weights["target"]))


def fit(examples: Sequence[Example], iterations: int = 200, l2: float = 1e-3, min_count: int = 10) -> PartyRanker:
    """Fit the weights by a weighted softmax over each case's options.  Features seen in fewer than
    ``min_count`` cases get no weight (rare bigrams would learn one dispute's names); ``l2`` and
    ``min_count`` were chosen on held-out team-written batches."""
    described = [([example.case.features(p) for p in example.case.options()], example.answer, example.weight)
                 for example in examples]
    counts = Counter(f for rows, _, _ in described for f in set().union(*rows))
    index = {f: i + 1 for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows = [[[index[f] for f in feats if f in index] for feats in options] for options, _, _ in described]
    width = max(1, max(len(f) for row in rows for f in row))
    depth = max(len(row) for row in rows)
    ids = torch.zeros(len(rows), depth, width, dtype=torch.long)  # index 0: padding, weight fixed at 0
    mask = torch.zeros(len(rows), depth, dtype=torch.bool)
    for r, row in enumerate(rows):
        for c, feats in enumerate(row):
            ids[r, c, :len(feats)] = torch.tensor(feats, dtype=torch.long)
            mask[r, c] = True
    target = torch.tensor([answer for _, answer, _ in described])
    importance = torch.tensor([weight for _, _, weight in described])
    weights = torch.zeros(len(index) + 1, requires_grad=True)
    optimiser = torch.optim.LBFGS([weights], max_iter=iterations, line_search_fn="strong_wolfe")

    def loss() -> torch.Tensor:
        optimiser.zero_grad()
        scores = (weights[ids] * (ids > 0)).sum(-1).masked_fill(~mask, -1e9)
        losses = torch.nn.functional.cross_entropy(scores, target, reduction="none")
        value = (losses * importance).sum() / importance.sum() + l2 * (weights[1:] ** 2).sum()
        value.backward()
        return value

    optimiser.step(loss)
    learned = weights.detach().tolist()
    return PartyRanker({f: learned[i] for f, i in index.items()})


RANKERS = {
    "rules": lambda: None,
    "learned": lambda: Rankers.load(RANKER_FILE),
}


def rankers(name: str) -> Rankers | None:
    """The rankers a run asks for by name (``RANKERS``); None: the rules alone."""
    return RANKERS[name]()
