"""Span-level scores between two labellings of the same sentences.

Used both for inter-annotator agreement (pass A against pass B) and, beside seqeval's
strict scores, for a model's lenient scores: the same arithmetic for both, so a model
score and the human ceiling are read on one scale.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from corpus.parties import PartyRegistry
from corpus.schema import LABELS, Sentence, Span
from corpus.script import to_simplified

ALL = "ALL"


@dataclass
class Tally:
    """Matched counts in both directions: precision and recall may match differently."""

    predicted: int = 0
    gold: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0

    def scores(self) -> dict[str, float]:
        p = self.matched_predicted / self.predicted if self.predicted else 0.0
        r = self.matched_gold / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": self.gold}


def exact(a: Span, b: Span) -> bool:
    return (a.start, a.end, a.label) == (b.start, b.end, b.label)


def overlapping(a: Span, b: Span) -> bool:
    return a.label == b.label and a.start < b.end and b.start < a.end


def pair_sentences(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> list[tuple[Sentence, Sentence]]:
    """Pair sentences by id; both sides must hold the same ids."""
    by_id = {s.id: s for s in predicted}
    missing = [s.id for s in gold if s.id not in by_id]
    if missing or len(by_id) != len(gold):
        raise ValueError(f"the two labellings hold different sentences (e.g. {missing[:3]})")
    return [(g, by_id[g.id]) for g in gold]


def span_scores(
    gold: Sequence[Sentence], predicted: Sequence[Sentence], match: Callable[[Span, Span], bool] = exact
) -> dict[str, dict[str, float]]:
    """P/R/F1 per label and over all labels (micro), under a span-matching rule.

    Each span counts as matched if it matches *any* span on the other side, so under
    ``overlapping`` one long predicted span can match several gold spans (one-to-many);
    ``one_to_one_scores`` is the stricter reading."""
    tallies = {key: Tally() for key in (ALL, *LABELS)}
    for g, p in pair_sentences(gold, predicted):
        for key in tallies:
            gs = [s for s in g.spans if key in (ALL, s.label)]
            ps = [s for s in p.spans if key in (ALL, s.label)]
            t = tallies[key]
            t.gold += len(gs)
            t.predicted += len(ps)
            t.matched_predicted += sum(any(match(s, x) for x in gs) for s in ps)
            t.matched_gold += sum(any(match(s, x) for x in ps) for s in gs)
    return {key: t.scores() for key, t in tallies.items()}


def one_to_one_scores(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> dict[str, dict[str, float]]:
    """Lenient P/R/F1 where each gold span pairs with at most one predicted span of its label
    (greedily, largest overlap first): one long prediction covering two acts scores once."""
    tallies = {key: Tally() for key in (ALL, *LABELS)}
    for g, p in pair_sentences(gold, predicted):
        pairs = sorted(((min(a.end, b.end) - max(a.start, b.start), i, j)
                        for i, a in enumerate(g.spans) for j, b in enumerate(p.spans) if overlapping(a, b)), reverse=True)
        used_gold, used_pred = set(), set()
        for _, i, j in pairs:
            if i not in used_gold and j not in used_pred:
                used_gold.add(i)
                used_pred.add(j)
        for key, t in tallies.items():
            t.gold += sum(key in (ALL, s.label) for s in g.spans)
            t.predicted += sum(key in (ALL, s.label) for s in p.spans)
            matched = sum(key in (ALL, g.spans[i].label) for i in used_gold)
            t.matched_gold += matched
            t.matched_predicted += matched
    return {key: t.scores() for key, t in tallies.items()}


def sentence_scores(gold: Sequence[Sentence], predicted: Sequence[Sentence]) -> dict[str, dict[str, float]]:
    """Per label: does the sentence hold a span of that type at all?"""
    tallies = {label: Tally() for label in LABELS}
    for g, p in pair_sentences(gold, predicted):
        for label, t in tallies.items():
            in_gold = any(s.label == label for s in g.spans)
            in_pred = any(s.label == label for s in p.spans)
            t.gold += in_gold
            t.predicted += in_pred
            t.matched_gold += in_gold and in_pred
            t.matched_predicted += in_gold and in_pred
    return {label: t.scores() for label, t in tallies.items()}


GENERIC_PARTIES = ("用户", "媒体", "其他")


def scoring_aliases(found: PartyRegistry, annotated: PartyRegistry) -> dict[str, str]:
    """Surface form -> party for scoring attribution: the annotators' registries decide which names
    are one party, so a party that discovery names by a recorded alias (澹浦农村商业银行 for the
    annotated 澹浦农商行) is that party; forms only ``found`` knows keep its names."""
    return {**found.mentions(), **annotated.mentions()}


def same_party(gold: str | None, predicted: str | None, aliases: dict[str, str] | None = None) -> bool:
    """One organisation under two names: equal, one name inside the other (华为 / 华为公司), both
    recorded forms of one party in ``aliases`` (surface form -> canonical name), or any of these
    once both are in Simplified script (皓貝口腔 / 皓贝)."""
    if gold == predicted:
        return True
    if not gold or not predicted or gold in GENERIC_PARTIES or predicted in GENERIC_PARTIES:
        return False
    aliases = aliases or {}
    if aliases.get(gold, gold) == aliases.get(predicted, predicted):
        return True
    if gold in predicted or predicted in gold:
        return True
    simple_gold, simple_predicted = to_simplified(gold), to_simplified(predicted)
    return (simple_gold, simple_predicted) != (gold, predicted) and same_party(simple_gold, simple_predicted, aliases)


def party_accuracy(gold: Sequence[Sentence], predicted: Sequence[Sentence],
                   aliases: dict[str, str] | None = None) -> dict[str, float | int]:
    """Speaker and target accuracy over the spans both sides share exactly; with ``aliases``,
    names of one organisation match (``same_party``), else names must be equal."""
    pairs = [
        (g_span, p_span)
        for g, p in pair_sentences(gold, predicted)
        for g_span in g.spans
        for p_span in p.spans
        if exact(g_span, p_span)
    ]
    n = len(pairs)
    return {
        "spans": n,
        "speaker": round(sum(_match(a.speaker, b.speaker, aliases) for a, b in pairs) / n, 4) if n else 0.0,
        "target": round(sum(_match(a.target, b.target, aliases) for a, b in pairs) / n, 4) if n else 0.0,
    }


def _match(gold: str | None, predicted: str | None, aliases: dict[str, str] | None) -> bool:
    return same_party(gold, predicted, aliases) if aliases is not None else gold == predicted


def agreement(first: Sequence[Sentence], second: Sequence[Sentence]) -> dict[str, object]:
    """Inter-annotator agreement: strict and overlap span F1 (symmetric), per label, plus parties."""
    return {
        "strict": span_scores(first, second, exact),
        "overlap": span_scores(first, second, overlapping),
        "sentence": sentence_scores(first, second),
        "parties": party_accuracy(first, second),
    }


def disagreements(first: Sequence[Sentence], second: Sequence[Sentence]) -> list[dict[str, object]]:
    """Sentences where the two labellings differ, with the spans only one side has."""
    def key(s: Sentence, x: Span) -> tuple:
        return (x.start, x.end, x.label, x.speaker, x.target, s.text[x.start:x.end])

    rows = []
    for a, b in pair_sentences(first, second):
        only_a = sorted({key(a, x) for x in a.spans} - {key(b, x) for x in b.spans})
        only_b = sorted({key(b, x) for x in b.spans} - {key(a, x) for x in a.spans})
        if only_a or only_b:
            rows.append({"id": a.id, "text": a.text, "only_first": only_a, "only_second": only_b})
    return rows
