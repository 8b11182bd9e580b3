import json

import pytest

from corpus.adjudicate import adjudicate
from corpus.load import load_corpus
from corpus.paths import DATA_DIR
from corpus.schema import CorpusError, read_sentences


def _pass(name):
    return [s for p in sorted((DATA_DIR / "passes" / name).glob("*.jsonl")) for s in read_sentences(p)]


def test_shipped_annotations_are_reproducible_from_passes_and_decisions():
    final = adjudicate(_pass("a"), _pass("b"), DATA_DIR / "passes" / "decisions.jsonl")
    assert [s.to_json() for s in final] == [s.to_json() for s in load_corpus()]


def test_undecided_disagreement_is_an_error(tmp_path):
    decisions = tmp_path / "d.jsonl"
    decisions.write_text(json.dumps({"id": "nope", "choose": "first", "reason": "x"}) + "\n")
    with pytest.raises(CorpusError, match="disagree and there is no decision"):
        adjudicate(_pass("a"), _pass("b"), decisions)
