"""Our span scores against seqeval, the reference implementation, on shipped data."""
import pytest
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from corpus.align import spans_to_char_tags
from corpus.paths import DATA_DIR
from corpus.schema import read_sentences
from corpus.scoring import agreement, overlapping, sentence_scores, span_scores


def _pass(name):
    return [s for p in sorted((DATA_DIR / "passes" / name).glob("*.jsonl")) for s in read_sentences(p)]


def test_strict_scores_equal_seqeval_on_the_two_passes():
    gold, pred = _pass("a"), _pass("b")
    ours = span_scores(gold, pred)
    y_true = [spans_to_char_tags(s.text, s.spans) for s in gold]
    by_id = {s.id: s for s in pred}
    y_pred = [spans_to_char_tags(s.text, by_id[s.id].spans) for s in gold]
    ref = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    for label in ("CLAIM", "ACCUSATION", "APOLOGY", "DENIAL"):
        assert ours[label]["f1"] == pytest.approx(ref[label]["f1-score"], abs=1e-4)
        assert ours[label]["support"] == ref[label]["support"]
    assert ours["ALL"]["f1"] == pytest.approx(ref["micro avg"]["f1-score"], abs=1e-4)


def test_overlap_is_at_least_strict_and_identity_is_perfect():
    a, b = _pass("a"), _pass("b")
    assert span_scores(a, b, overlapping)["ALL"]["f1"] >= span_scores(a, b)["ALL"]["f1"]
    same = agreement(a, a)
    assert same["strict"]["ALL"]["f1"] == 1.0 and same["parties"]["speaker"] == 1.0
    assert all(v["f1"] == 1.0 for v in sentence_scores(a, a).values() if v["support"])
