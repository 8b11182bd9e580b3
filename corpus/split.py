"""The held-out split and the cross-validation folds, recorded once in ``data/splits.json``.

Splits are made per sentence but grouped by text, so a sentence the seeds repeat always
lands on one side; they are stratified so every label is present in test where possible.
Training code reads the file; it never re-splits.
"""
from __future__ import annotations

import json
import os
import random
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from corpus.paths import SPLITS_FILE
from corpus.schema import LABELS, CorpusError, Sentence, atomic_write_text

SPLITS = ("train", "dev", "test")


def group_key(text: str) -> str:
    """Sentences that normalise to the same string share one group (and so one side)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _groups(sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    by_key: dict[str, list[Sentence]] = defaultdict(list)
    for s in sentences:
        by_key[group_key(s.text)].append(s)
    return list(by_key.values())


def _label_counts(group: Iterable[Sentence]) -> Counter:
    return Counter(span.label for s in group for span in s.spans)


def make_splits(
    sentences: Sequence[Sentence],
    test_fraction: float = 0.3,
    dev_fraction: float = 0.15,
    folds: int = 5,
    min_per_label: int = 3,
    seed: int = 13,
) -> dict[str, dict[str, object]]:
    """Assign each sentence id a split and a fold: ``{id: {"split": ..., "fold": ...}}``."""
    rng = random.Random(seed)
    groups = _groups(sentences)
    rng.shuffle(groups)
    total = len(sentences)
    totals = _label_counts(sentences)
    split_of: dict[int, str] = {}

    rare = {label for label in LABELS if totals[label] < 10 * min_per_label}

    def fill(name: str, fraction: float, minimum: int) -> None:
        size = 0
        # First make every label present (rarest first), leaving at least half of what is
        # still unassigned for the splits after this one.
        for label in sorted(LABELS, key=lambda lab: totals[lab]):
            unassigned = sum(_label_counts(g)[label] for i, g in enumerate(groups) if i not in split_of)
            quota, taken = min(minimum, unassigned // 2), 0
            for g, group in enumerate(groups):
                count = _label_counts(group)[label]
                if taken >= quota:
                    break
                if g not in split_of and count and taken + count <= quota:
                    split_of[g] = name
                    size += len(group)
                    taken += count
        # Then fill up to size with groups that hold no rare label.
        for g, group in enumerate(groups):
            if size >= fraction * total:
                break
            if g not in split_of and not rare & set(_label_counts(group)):
                split_of[g] = name
                size += len(group)

    fill("test", test_fraction, min_per_label)
    fill("dev", dev_fraction, 1)
    assignments: dict[str, dict[str, object]] = {}
    for g, group in enumerate(groups):
        for s in group:
            assignments[s.id] = {"split": split_of.get(g, "train")}
    for g, fold in assign_folds(groups, folds).items():
        for s in groups[g]:
            assignments[s.id]["fold"] = fold
    return assignments


def assign_folds(groups: Sequence[Sequence[Sentence]], folds: int) -> dict[int, int]:
    """Greedy stratified k-fold over groups: each group goes where its rarest label is scarcest."""
    totals = _label_counts(s for g in groups for s in g)
    fold_labels = [Counter() for _ in range(folds)]
    fold_sizes = [0] * folds

    def rarity(g: int) -> tuple:
        labels = _label_counts(groups[g])
        rarest = min((totals[lab] for lab in labels), default=10**9)
        return (rarest, -len(groups[g]))

    assignment: dict[int, int] = {}
    for g in sorted(range(len(groups)), key=rarity):
        labels = _label_counts(groups[g])
        best = min(
            range(folds),
            key=lambda f: (sum(fold_labels[f][lab] / max(totals[lab], 1) for lab in labels), fold_sizes[f], f),
        )
        assignment[g] = best
        fold_labels[best].update(labels)
        fold_sizes[best] += len(groups[g])
    return assignment


def write_splits(assignments: dict[str, dict[str, object]], path: str | os.PathLike = SPLITS_FILE, **params: object) -> None:
    payload = {"params": params, "assignments": dict(sorted(assignments.items()))}
    atomic_write_text(path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")


def read_splits(path: str | os.PathLike = SPLITS_FILE) -> dict[str, dict[str, object]]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["assignments"]
    except (OSError, json.JSONDecodeError, KeyError) as error:
        raise CorpusError(path, None, f"cannot read the split file: {error}") from None


def select(sentences: Sequence[Sentence], assignments: dict[str, dict[str, object]], split: str) -> list[Sentence]:
    """The sentences of one split; a sentence absent from the split file is an error, not 'train'."""
    missing = [s.id for s in sentences if s.id not in assignments]
    if missing:
        raise CorpusError(SPLITS_FILE, None, f"{len(missing)} sentences have no split (first: {missing[0]}); run `python -m corpus split`")
    return [s for s in sentences if assignments[s.id]["split"] == split]


def fold_split(
    sentences: Sequence[Sentence], assignments: dict[str, dict[str, object]], fold: int
) -> tuple[list[Sentence], list[Sentence]]:
    """(training part, held-out part) of one cross-validation fold; sentences marked
    ``train_only`` (added by active learning) are never held out."""
    def held_out(s: Sentence) -> bool:
        return assignments[s.id]["fold"] == fold and not assignments[s.id].get("train_only")

    return [s for s in sentences if not held_out(s)], [s for s in sentences if held_out(s)]


def group_of(sentence: Sentence) -> str:
    """The unit a cross-validation fold holds out whole: the dispute of a team-written
    document (so a fold measures an unseen dispute), else the document itself."""
    return str(sentence.extra.get("dispute") or sentence.doc_id)


def grouped_folds(sentences: Sequence[Sentence], folds: int) -> dict[str, int]:
    """Fold of each group (``group_of``), dealt round-robin in order of first appearance and
    separately for the seeds and the team-written set, so every fold holds some of each."""
    if folds < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {folds}")
    assigned: dict[str, int] = {}
    for authored in (False, True):
        groups = dict.fromkeys(group_of(s) for s in sentences if bool(s.extra.get("authored")) == authored)
        for k, group in enumerate(groups):
            assigned.setdefault(group, k % folds)
    return assigned


def first_documents(sentences: Sequence[Sentence], limit: int | None, seed: int = 13) -> list[Sentence]:
    """At most about ``limit`` sentences, taken as whole documents in a fixed shuffled order,
    so that a learning curve's smaller points are subsets of its larger ones."""
    if limit is None:
        return list(sentences)
    docs = list(dict.fromkeys(s.doc_id for s in sentences))
    random.Random(seed).shuffle(docs)
    sizes = Counter(s.doc_id for s in sentences)
    kept, total = set(), 0
    for doc in docs:
        if total >= limit:
            break
        kept.add(doc)
        total += sizes[doc]
    return [s for s in sentences if s.doc_id in kept]


def _bigrams(text: str) -> set[str]:
    key = group_key(text)
    return {key[i:i + 2] for i in range(len(key) - 1)} or {key}


def near_duplicates(candidates: Sequence[Sentence], reference: Sequence[Sentence],
                    threshold: float = 0.85, min_chars: int = 8) -> list[tuple[Sentence, Sentence]]:
    """Pairs (candidate, reference sentence) with the same normalised text, or, for sentences of
    at least ``min_chars`` characters, a character-bigram Dice overlap of ``threshold`` or more:
    what must not train a model that is scored on ``reference``."""
    exact = {group_key(s.text): s for s in reference}
    long_refs = [(s, _bigrams(s.text)) for s in reference if len(group_key(s.text)) >= min_chars]
    found = []
    for s in candidates:
        key = group_key(s.text)
        if key in exact:
            found.append((s, exact[key]))
            continue
        if len(key) < min_chars:
            continue
        grams = _bigrams(s.text)
        for ref, ref_grams in long_refs:
            if 2 * len(grams & ref_grams) >= threshold * (len(grams) + len(ref_grams)):
                found.append((s, ref))
                break
    return found
