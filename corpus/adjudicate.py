"""Adjudication: two independent passes plus recorded decisions give the final labels.

Where the passes agree, their labels stand.  Every disagreement must have a decision
(``first``, ``second`` or explicit quoted spans) with a reason, so the final corpus is
reproducible from the passes and every choice can be reviewed later.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from corpus.interchange import quoted_spans
from corpus.schema import CorpusError, Sentence, iter_jsonl
from corpus.scoring import pair_sentences


def _same(a: Sentence, b: Sentence) -> bool:
    return [x.to_json() for x in a.spans] == [x.to_json() for x in b.spans]


def adjudicate(
    first: Sequence[Sentence], second: Sequence[Sentence], decisions_path: str | os.PathLike
) -> list[Sentence]:
    """Final sentences, in ``first``'s order; a disagreement without a decision is an error."""
    decisions = {}
    for line, record in (iter_jsonl(decisions_path) if Path(decisions_path).exists() else ()):
        if record.get("choose") not in ("first", "second", "spans") or not record.get("reason"):
            raise CorpusError(decisions_path, line, 'a decision needs "choose": first|second|spans and a "reason"')
        decisions[record["id"]] = (line, record)
    final = []
    for a, b in pair_sentences(first, second):
        if a.id not in decisions:
            if not _same(a, b):
                raise CorpusError(decisions_path, None, f"{a.id}: the passes disagree and there is no decision")
            final.append(a)
            continue
        line, record = decisions.pop(a.id)
        if record["choose"] == "first":
            final.append(a)
        elif record["choose"] == "second":
            final.append(b)
        else:
            final.append(Sentence(a.id, a.doc_id, a.text, quoted_spans(a.text, record["spans"], decisions_path, line), dict(a.extra)))
    if decisions:
        raise CorpusError(decisions_path, None, f"decisions for unknown sentences: {sorted(decisions)[:5]}")
    return final
