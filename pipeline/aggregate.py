"""Aggregation across a batch: each party's argument structure, the party graph, and
rebuttal links from every DENIAL to the ACCUSATION(s) it answers.

Works from the sentence records of ``spans.jsonl`` (one pass, streaming), so a batch
of any size is aggregated with memory proportional to its spans, not its text.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from corpus.parties import PartyRegistry
from corpus.schema import LABELS

RELATIONS = {"ACCUSATION": "accuses", "DENIAL": "denies", "APOLOGY": "apologises_to", "CLAIM": "claims_about"}


@dataclass(frozen=True)
class Act:
    """One tagged span with everything an analyst needs to find it again."""

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


def acts_from_records(records: Iterable[dict[str, Any]]) -> Iterable[Act]:
    for record in records:
        for span in record["spans"]:
            yield Act(span["label"], span.get("speaker") or "其他", span.get("target"),
                      record["text"][span["start"]:span["end"]], record["doc_id"], record["id"],
                      span["start"], span["end"], record.get("doc_start", 0) + span["start"], span.get("score"))


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:])}


def similarity(a: str, b: str) -> float:
    """Dice overlap of character bigrams: robust for Chinese without a tokenizer."""
    x, y = _bigrams(a), _bigrams(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def rebuttal_links(acts: list[Act], min_score: float = 0.35, per_denial: int = 3) -> list[dict[str, Any]]:
    """Link each DENIAL to the ACCUSATIONs it answers.

    A candidate is an accusation by another party; it scores by wording (bigram overlap)
    plus evidence that the two face each other: the accusation aims at the denier, the
    denial aims at the accuser, both stand in one document.
    """
    accusations = [a for a in acts if a.label == "ACCUSATION"]
    links = []
    for denial in (a for a in acts if a.label == "DENIAL"):
        scored = []
        for accusation in accusations:
            if accusation.speaker == denial.speaker:
                continue
            score = (similarity(denial.text, accusation.text)
                     + 0.3 * (accusation.target == denial.speaker)
                     + 0.3 * (denial.target == accusation.speaker)
                     + 0.1 * (denial.doc_id == accusation.doc_id))
            if score >= min_score:
                scored.append((round(min(score, 1.0), 4), accusation))
        for score, accusation in sorted(scored, key=lambda x: -x[0])[:per_denial]:
            links.append({"denial": denial.ref, "denial_text": denial.text, "denier": denial.speaker,
                          "accusation": accusation.ref, "accusation_text": accusation.text,
                          "accuser": accusation.speaker, "score": score})
    return links


def _names(registry: PartyRegistry | None, name: str) -> dict[str, list[str]]:
    party = registry.parties.get(name) if registry else None
    if party is None:
        return {"aliases": [], "people": [], "products": []}
    return {"aliases": list(party.aliases), "people": list(party.people), "products": list(party.products)}


def aggregate(records: Iterable[dict[str, Any]], registry: PartyRegistry | None = None) -> dict[str, Any]:
    """The content of ``parties.json``; with ``registry``, each party lists the names the batch
    knows it by (aliases, people, products: discovered or given)."""
    acts = list(acts_from_records(records))
    parties: dict[str, dict[str, Any]] = defaultdict(lambda: {"counts": Counter(), "targets": defaultdict(Counter), "acts": []})
    edges: Counter = Counter()
    for act in acts:
        entry = parties[act.speaker]
        entry["counts"][act.label] += 1
        entry["targets"][act.label][act.target or "(none)"] += 1
        entry["acts"].append({k: v for k, v in asdict(act).items() if k != "speaker"})
        if act.target and act.target != act.speaker:
            edges[(act.speaker, act.target, RELATIONS[act.label])] += 1
    return {
        "documents": len({a.doc_id for a in acts}),
        "acts": len(acts),
        "parties": {
            name: {"names": _names(registry, name),
                   "counts": {label: entry["counts"][label] for label in LABELS},
                   "targets": {label: dict(entry["targets"][label]) for label in LABELS if entry["targets"][label]},
                   "acts": entry["acts"]}
            for name, entry in sorted(parties.items(), key=lambda kv: -sum(kv[1]["counts"].values()))
        },
        "edges": [{"source": s, "target": t, "relation": r, "count": n} for (s, t, r), n in edges.most_common()],
        "rebuttals": rebuttal_links(acts),
    }
