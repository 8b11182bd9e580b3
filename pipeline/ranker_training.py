"""Training the target ranker on labelled documents: ``python -m pipeline.target_training``.

Each labelled document is attributed the way the batch pipeline would (its parties discovered in
its own text, speakers by the rules); every span then becomes a case whose answer is the candidate
naming the gold target (names of one organisation match, as in scoring).  Spans whose gold target
is no candidate teach nothing and are left out.  The seeds' real text is weighted up: it is the
only real reporting in the corpus, and the team-written sentences outnumber it 400 to 1.
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
from pipeline.discovery import discover_parties
from pipeline.target_ranker import TARGET_RANKER_FILE, Example, TargetCase, TargetRanker, fit

REAL_TEXT_WEIGHT = 20.0


class CaseRecorder:
    """A target chooser that keeps every case it is shown and answers as the rules do."""

    def __init__(self) -> None:
        self.cases: dict[tuple[str, int, int, str], deque[TargetCase]] = defaultdict(deque)

    def choose(self, case: TargetCase) -> str | None:
        self.cases[case.text, case.start, case.end, case.label].append(case)
        return case.rule


def discovered_registry(sentences: Sequence[Sentence], registry: PartyRegistry) -> PartyRegistry:
    """``registry`` plus the parties discovered in the sentences' own text (the user's names win)."""
    return registry.extend(discover_parties([to_simplified(s.text) for s in sentences], registry))


@dataclass
class LabelledCase:
    """A span's case with its gold target and the names that count as one party when scoring."""

    case: TargetCase
    target: str | None
    aliases: dict[str, str]

    def correct(self, target: str | None) -> bool:
        return same_party(self.target, target, self.aliases)

    def answer(self) -> int | None:
        """The index of the candidate naming the gold target, or None when none does."""
        return next((i for i, c in enumerate(self.case.candidates()) if self.correct(c)), None)


def labelled_cases(sentences: Sequence[Sentence], registry: PartyRegistry) -> list[LabelledCase]:
    """Every gold span's case as the pipeline builds it (the documents' own parties discovered,
    speakers by the rules), paired with the gold target."""
    registry = discovered_registry(sentences, registry)
    aliases = scoring_aliases(registry, load_registry(*authored_party_files()))
    recorder = CaseRecorder()
    attributed = attribute_sentences(sentences, Attributor(registry, recorder))
    return [LabelledCase(recorder.cases[to_simplified(s.text), x.start, x.end, x.label].popleft(), gold.target, aliases)
            for s, g in zip(attributed, sentences) for x, gold in zip(s.spans, g.spans)]


def examples(cases: Sequence[LabelledCase], weight: float = 1.0) -> list[Example]:
    """Training examples: the cases whose gold target is one of their candidates."""
    return [Example(c.case, index, weight) for c in cases if (index := c.answer()) is not None]


def authored_batches() -> dict[str, list[Sentence]]:
    """The team-written set by batch; batches hold disjoint disputes, so they are the unit held out."""
    return {path.stem: read_sentences(path) for path in annotation_files(AUTHORED_DIR)}


def train_ranker(batches: Sequence[Sequence[Sentence]], real: Sequence[Sentence] = ()) -> TargetRanker:
    """A ranker fitted on team-written batches (each attributed with its own discovered parties)
    and on real labelled text, weighted by REAL_TEXT_WEIGHT."""
    registry = load_registry()
    found = [e for batch in batches for e in examples(labelled_cases(batch, registry))]
    if real:
        found += examples(labelled_cases(real, registry), REAL_TEXT_WEIGHT)
    return fit(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET_RANKER_FILE, help="where to write the weights (JSON)")
    args = parser.parse_args(argv)
    ranker = train_ranker(list(authored_batches().values()), load_splits(load_corpus())["train"])
    ranker.save(args.out)
    print(f"{len(ranker.weights)} feature weights written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
