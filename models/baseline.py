"""The cue-word baseline: every model score is read beside it.

Each clause (text between ，；：。！？) holding a cue word becomes a span of the cue's type;
where cues of several types meet, the spec's priority decides
(DENIAL > APOLOGY > ACCUSATION > CLAIM).  Adjacent clauses of one type merge into one span.
"""
from __future__ import annotations

import re
from typing import Sequence

from corpus.schema import PRIORITY, Span
from corpus.script import to_simplified
from corpus.text import CUES, REPORTING_VERBS
from models.boundaries import apply_boundary_rules
from models.tagger import Analysis

_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+")


def clause_label(clause: str) -> str | None:
    """The highest-priority type whose cue occurs in the clause; a bare frame (腾讯表示) has none."""
    if clause.endswith(REPORTING_VERBS):
        return None
    found = [label for label, cues in CUES.items() if any(cue in clause for cue in cues)]
    return max(found, key=PRIORITY.__getitem__) if found else None


class LexiconBaseline:
    """Same interface as ``models.tagger.Tagger.predict``."""

    def analyse(self, texts: Sequence[str], boundary_rules: bool = True) -> list[Analysis]:
        """Cue spans; the baseline has no notion of confidence."""
        return [Analysis(spans, None) for spans in self.predict(texts, boundary_rules)]

    def predict(self, texts: Sequence[str], boundary_rules: bool = True) -> list[list[Span]]:
        results = []
        for text in map(to_simplified, texts):
            spans: list[Span] = []
            for match in _CLAUSE.finditer(text):
                label = clause_label(match.group())
                if label is None:
                    continue
                if spans and spans[-1].label == label and not text[spans[-1].end : match.start()].strip("，,"):
                    spans[-1].end = match.end()
                else:
                    spans.append(Span(match.start(), match.end(), label))
            results.append(apply_boundary_rules(text, spans) if boundary_rules else spans)
        return results
