"""Training the party rankers on labelled documents: ``python -m pipeline.ranker_training``.

Each labelled document is attributed the way the batch pipeline would (its parties discovered in
its own text, the rules' choices recorded as clues); every span then gives a speaker case and a
target case whose answer is the candidate naming the gold party (names of one organisation match,
as in scoring).  Cases whose gold party is no candidate teach nothing and are left out.  The
seeds' real text is weighted up: it is the only real reporting in the corpus, and the team-written
sentences outnumber it 400 to 1.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from corpus.load import annotation_files, authored_party_files, load_corpus, load_splits
from corpus.parties import PartyRegistry, load_registry
from corpus.paths import AUTHORED_DIR
from corpus.schema import Sentence, read_sentences
from corpus.scoring import same_party, scoring_aliases
from corpus.script import to_simplified
from pipeline.attribution import Attributor, attribute_sentences
from pipeline.discovery import discovered_registry
from pipeline.party_ranker import RANKER_FILE, Case, Example, Rankers, fit

REAL_TEXT_WEIGHT = 20.0
ROLES = ("speaker", "target")


class Recorder:
    """A chooser that keeps every case it is shown and answers as the rules do."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, int, int, str], deque[Case]] = defaultdict(deque)

    def choose(self, case: Case) -> str | None:
        act = case.span
        self.cases[act.text, act.start, act.end, act.label].append(case)
        return case.rule


@dataclass
class LabelledCase:
    """A case with its gold party and the names that count as one party when scoring."""

    case: Case
    gold: str | None
    aliases: dict[str, str]

    def correct(self, party: str | None) -> bool:
        return same_party(self.gold, party, self.aliases)

    def answer(self) -> int | None:
        """The index of the option naming the gold party, or None when none does."""
        return next((i for i, party in enumerate(self.case.options()) if self.correct(party)), None)


def labelled_cases(sentences: Sequence[Sentence], registry: PartyRegistry) -> dict[str, list[LabelledCase]]:
    """Every gold span's speaker and target case as the pipeline builds them (the documents' own
    parties discovered, the rules' choices as clues), paired with the gold parties."""
    registry = discovered_registry(sentences, registry)
    aliases = scoring_aliases(registry, load_registry(*authored_party_files()))
    recorders = Rankers(Recorder(), Recorder())
    attributed = attribute_sentences(sentences, Attributor(registry, recorders))
    found: dict[str, list[LabelledCase]] = {role: [] for role in ROLES}
    for s, g in zip(attributed, sentences):
        key = to_simplified(s.text)
        for x, gold in zip(s.spans, g.spans):
            for role in ROLES:
                case = getattr(recorders, role).cases[key, x.start, x.end, x.label].popleft()
                found[role].append(LabelledCase(case, getattr(gold, role), aliases))
    return found


def examples(cases: Sequence[LabelledCase], weight: float = 1.0) -> list[Example]:
    """Training examples: the cases whose gold party is one of their options."""
    return [Example(c.case, index, weight) for c in cases if (index := c.answer()) is not None]


def authored_batches() -> dict[str, list[Sentence]]:
    """The team-written set by batch; batches hold disjoint disputes, so they are the unit held out."""
    return {path.stem: read_sentences(path) for path in annotation_files(AUTHORED_DIR)}


def fit_rankers(batches: Sequence[dict[str, list[LabelledCase]]],
                real: dict[str, list[LabelledCase]] | None = None) -> Rankers:
    """Rankers fitted on the labelled cases of team-written batches and of real text (weighted by
    REAL_TEXT_WEIGHT)."""
    fitted = {}
    for role in ROLES:
        found = [e for batch in batches for e in examples(batch[role])]
        fitted[role] = fit(found + (examples(real[role], REAL_TEXT_WEIGHT) if real else []))
    return Rankers(fitted["speaker"], fitted["target"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=RANKER_FILE, help="where to write the weights (JSON)")
    args = parser.parse_args(argv)
    registry = load_registry()
    batches = [labelled_cases(batch, registry) for batch in authored_batches().values()]
    rankers = fit_rankers(batches, labelled_cases(load_splits(load_corpus())["train"], registry))
    rankers.save(args.out)
    print(f"{len(rankers.speaker.weights)} speaker and {len(rankers.target.weights)} target weights written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
