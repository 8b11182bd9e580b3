"""Aggregation across a batch: each party's argument structure, the party graph, and
rebuttal links from every DENIAL to the ACCUSATION(s) it answers.

Works from the sentences of ``spans.jsonl`` (typed ``Sentence`` records, one pass, streaming),
so a batch of any size is aggregated with memory proportional to its spans, not its text.
"""
from __future__ import annotations

import json
import os
from bisect import insort
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from itertools import islice
from typing import Any, Iterable

from corpus.parties import PartyRegistry
from corpus.schema import LABELS, Sentence, atomic_file

RELATIONS = {"ACCUSATION": "accuses", "DENIAL": "denies", "APOLOGY": "apologises_to", "CLAIM": "claims_about"}


@dataclass(frozen=True, slots=True)
class Act:
    """One tagged span with everything an analyst needs to find it again (slots: a batch's acts
    are held once, for rebuttal linking and parties.json, so each one is kept small)."""

    label: str
    speaker: str
    target: str | None
    text: str
    doc_id: str
    sentence_id: str
    start: int
    end: int
    doc_start: int
    score: float | None

    @property
    def ref(self) -> str:
        return f"{self.sentence_id}:{self.start}-{self.end}"

    def to_json(self) -> dict[str, Any]:
        """The act as parties.json lists it under its speaker (so without the speaker)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "speaker"}


def write_summary(path: str | os.PathLike, summary: dict[str, Any]) -> None:
    """parties.json, streamed to disk atomically: the acts are turned into JSON one at a time, so a
    large batch's summary never sits in memory a second time as one string."""
    with atomic_file(path, "w", encoding="utf-8") as out:
        json.dump(summary, out, ensure_ascii=False, indent=1, default=Act.to_json)
        out.write("\n")


def acts_from_sentences(sentences: Iterable[Sentence]) -> Iterable[Act]:
    """Every span of the sentences as an act; an act nobody was found to perform is 其他's."""
    for sentence in sentences:
        for span in sentence.spans:
            yield Act(span.label, span.speaker or "其他", span.target, sentence.span_text(span), sentence.doc_id,
                      sentence.id, span.start, span.end, sentence.extra.get("doc_start", 0) + span.start, span.score)


def _bigrams(text: str) -> frozenset[str]:
    chars = [c for c in text if c.isalnum()]
    return frozenset(a + b for a, b in zip(chars, chars[1:]))


def dice(x: frozenset[str], y: frozenset[str]) -> float:
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def similarity(a: str, b: str) -> float:
    """Dice overlap of character bigrams: robust for Chinese without a tokenizer."""
    return dice(_bigrams(a), _bigrams(b))


# Pruning keeps a candidate whose score bound is within this of the bar: far above float error and
# the 4-decimal rounding of scores, so a pruned candidate can never tie with a kept one.
PRUNE_SLACK = 1e-3


@dataclass
class _Block:
    """The accusations that share one feature (a party pair, a target, a speaker, or none):
    their indices in act order, and which of their wordings hold each bigram."""

    members: list[int] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


class _Accusations:
    """Accusations blocked by party pair, target, speaker and document, each block with an
    inverted index of bigrams, so a denial reaches its candidates without a full scan.

    Accusations with one speaker, target and bigram set share a *wording*, indexed once:
    a batch that repeats a statement a thousand times costs no more than one that makes it once.
    """

    def __init__(self, accusations: list[Act]) -> None:
        self.acts = accusations
        self.wording: list[int] = []  # per accusation
        self.grams: list[frozenset[str]] = []  # per wording
        self.members: list[list[int]] = []  # per wording: its accusations in act order
        self.everyone = _Block()
        self.by_pair: dict[tuple[str, str | None], _Block] = defaultdict(_Block)
        self.by_target: dict[str | None, _Block] = defaultdict(_Block)
        self.by_speaker: dict[str, _Block] = defaultdict(_Block)
        self.by_doc: dict[str, list[int]] = defaultdict(list)
        known: dict[tuple[frozenset[str], str, str | None], int] = {}
        for i, act in enumerate(accusations):
            grams = _bigrams(act.text)
            w = known.setdefault((grams, act.speaker, act.target), len(self.grams))
            if w == len(self.grams):
                self.grams.append(grams)
                self.members.append([])
            self.wording.append(w)
            blocks = (self.everyone, self.by_pair[act.speaker, act.target], self.by_target[act.target],
                      self.by_speaker[act.speaker])
            for block in blocks:
                block.members.append(i)
                for gram in grams if not self.members[w] else ():
                    block.postings[gram].append(w)
            self.members[w].append(i)
            self.by_doc[act.doc_id].append(i)
        self.sizes = [len(grams) for grams in self.grams]
        self.frequency = Counter(gram for grams in self.grams for gram in grams)

    def score(self, denial: Act, grams: frozenset[str], i: int) -> float:
        accusation = self.acts[i]
        return (dice(grams, self.grams[self.wording[i]])
                + 0.3 * (accusation.target == denial.speaker)
                + 0.3 * (denial.target == accusation.speaker)
                + 0.1 * (denial.doc_id == accusation.doc_id))

    def blocks(self, denial: Act) -> list[tuple[_Block, float]]:
        """The blocks a denial searches, each with the most its members outside the denial's
        document can score besides wording (a pair member of the target block is bounded by
        the pair block, searched first)."""
        found = [(self.by_pair.get((denial.target, denial.speaker)), 0.6),
                 (self.by_target.get(denial.speaker), 0.3), (self.by_speaker.get(denial.target), 0.3),
                 (self.everyone, 0.0)]
        return [(block, bonus) for block, bonus in found if block is not None]


class _Best:
    """The ``size`` best candidates so far, ranked as the report ranks links: rounded score
    down, then act order."""

    def __init__(self, size: int, min_score: float) -> None:
        self.size, self.min_score = size, min_score
        self.ranked: list[tuple[float, int]] = []  # (-rounded score, accusation index)
        self.scored: set[int] = set()  # accusations
        self.searched: set[int] = set()  # wordings

    def offer(self, i: int, score: float) -> None:
        self.scored.add(i)
        if score >= self.min_score:
            insort(self.ranked, (-round(min(score, 1.0), 4), i))
            del self.ranked[self.size:]

    def bar(self) -> float:
        """What a new candidate must reach to matter."""
        return -self.ranked[-1][0] if len(self.ranked) == self.size else self.min_score


def _answered(denial: Act, index: _Accusations, best: _Best) -> None:
    """Fill ``best`` with the accusations ``denial`` answers.

    Exact: every accusation of the denial's document is scored; in each block, the first
    ``best.size`` eligible members are scored (a member sharing no bigram scores no more than
    they do and comes later); then shared bigrams are counted per wording, rarest bigram first,
    until even a wording holding every bigram not counted yet could not reach the bar; the
    wordings whose count leaves them a chance are scored, likeliest first, on their first
    ``best.size`` accusations not scored yet (the others score the same and come later).
    """
    grams = _bigrams(denial.text)
    order = sorted(grams, key=lambda g: (index.frequency[g], g))

    def eligible(i: int) -> bool:
        return i not in best.scored and index.acts[i].speaker != denial.speaker

    def offer(accusations: Iterable[int]) -> None:
        for i in list(islice(filter(eligible, accusations), best.size)):
            best.offer(i, index.score(denial, grams, i))

    for i in filter(eligible, index.by_doc.get(denial.doc_id, ())):
        best.offer(i, index.score(denial, grams, i))
    for block, bonus in index.blocks(denial):
        offer(block.members)
        probe = [g for g in order if g in block.postings]
        shared: Counter = Counter()
        left = len(probe)  # a wording not met yet shares at most these bigrams
        while left and bonus + 2 * left / (len(grams) + left) >= best.bar() - PRUNE_SLACK:
            shared.update(block.postings[probe[len(probe) - left]])
            left -= 1
        n, sizes = len(grams), index.sizes
        bounds = sorted(((2 * min(count + left, n, sizes[w]) / (n + sizes[w]), w)
                         for w, count in shared.items()), reverse=True)
        for bound, w in bounds:
            if bonus + bound < best.bar() - PRUNE_SLACK:
                break
            if w not in best.searched:
                best.searched.add(w)
                offer(index.members[w])


def rebuttal_links(acts: list[Act], min_score: float = 0.35, per_denial: int = 3) -> list[dict[str, Any]]:
    """Link each DENIAL to the ACCUSATIONs it answers: at most ``per_denial``, best first.

    A candidate is an accusation by another party; it scores by wording (bigram overlap)
    plus evidence that the two face each other: the accusation aims at the denier, the
    denial aims at the accuser, both stand in one document.  Candidates come from blocks
    (party pair, target, speaker, document) and bigram indices, so linking takes about
    linear time, with the same links as scoring every pair.
    """
    if per_denial < 1:
        return []
    index = _Accusations([a for a in acts if a.label == "ACCUSATION"])
    links = []
    for denial in (a for a in acts if a.label == "DENIAL"):
        best = _Best(per_denial, min_score)
        _answered(denial, index, best)
        for rounded, i in best.ranked:
            accusation = index.acts[i]
            links.append({"denial": denial.ref, "denial_text": denial.text, "denier": denial.speaker,
                          "accusation": accusation.ref, "accusation_text": accusation.text,
                          "accuser": accusation.speaker, "score": -rounded})
    return links


def _names(registry: PartyRegistry | None, name: str) -> dict[str, list[str]]:
    party = registry.parties.get(name) if registry else None
    if party is None:
        return {"aliases": [], "people": [], "products": []}
    return {"aliases": list(party.aliases), "people": list(party.people), "products": list(party.products)}


def aggregate(sentences: Iterable[Sentence], registry: PartyRegistry | None = None) -> dict[str, Any]:
    """The content of ``parties.json`` (each party's acts as ``Act`` objects; ``write_summary``
    writes them); with ``registry``, each party lists the names the batch knows it by (aliases,
    people, products: discovered or given)."""
    acts = list(acts_from_sentences(sentences))
    parties: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"counts": Counter(), "targets": defaultdict(Counter), "acts": []})
    edges: Counter = Counter()
    for act in acts:
        entry = parties[act.speaker]
        entry["counts"][act.label] += 1
        entry["targets"][act.label][act.target or "(none)"] += 1
        entry["acts"].append(act)  # written by write_summary as Act.to_json
        if act.target and act.target != act.speaker:
            edges[(act.speaker, act.target, RELATIONS[act.label])] += 1
    return {
        "documents": len({a.doc_id for a in acts}),
        "acts": len(acts),
        "parties": {
            name: {"names": _names(registry, name),
                   "counts": {label: entry["counts"][label] for label in LABELS},
                   "targets": {label: dict(entry["targets"][label])
                               for label in LABELS if entry["targets"][label]},
                   "acts": entry["acts"]}
            for name, entry in sorted(parties.items(), key=lambda kv: -sum(kv[1]["counts"].values()))
        },
        "edges": [{"source": s, "target": t, "relation": r, "count": n}
                  for (s, t, r), n in edges.most_common()],
        "rebuttals": rebuttal_links(acts),
    }
