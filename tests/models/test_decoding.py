"""Decoding character probabilities into spans, and the margin that makes bf16 safe."""
import numpy as np

from corpus.align import IOB2_TAGS
from models.decoding import closest_call, decode_spans

TAGS = list(IOB2_TAGS)


def probs_for(labels, confidence=0.9):
    """One row per character: ``confidence`` on the named tag, the rest spread evenly."""
    rows = np.full((len(labels), len(TAGS)), (1 - confidence) / (len(TAGS) - 1), dtype=np.float32)
    for i, label in enumerate(labels):
        rows[i, TAGS.index(label)] = confidence
    return rows


def test_runs_become_spans_and_short_gaps_are_filled():
    text = "腾讯表示，三百六十的做法严重侵害用户利益。"
    labels = ["O"] * 5 + ["B-ACCUSATION"] + ["I-ACCUSATION"] * 8 + ["O", "O"] + ["I-ACCUSATION"] * 5
    [span] = decode_spans(text, probs_for(labels), TAGS)
    assert (span.start, span.end, span.label) == (5, len(text), "ACCUSATION")


def test_closest_call_is_the_smallest_label_margin():
    labels = ["O"] * 3 + ["B-CLAIM"] + ["I-CLAIM"] * 6
    probs = probs_for(labels)
    assert closest_call("我们认为这是正确的。"[:10], probs, TAGS) > 0.8
    probs[4] = 0.0
    probs[4, TAGS.index("I-CLAIM")], probs[4, TAGS.index("O")] = 0.52, 0.48
    assert abs(closest_call("我们认为这是正确的。"[:10], probs, TAGS) - 0.04) < 1e-6


def test_closest_call_sees_the_begin_decision_at_a_clause_opener():
    text = "我们认为，这是正确的"
    labels = ["B-CLAIM"] + ["I-CLAIM"] * 9
    probs = probs_for(labels)
    probs[5] = 0.0  # after "，": B- and I- nearly tied, so the split is a close call
    probs[5, TAGS.index("B-CLAIM")], probs[5, TAGS.index("I-CLAIM")] = 0.45, 0.55
    assert abs(closest_call(text, probs, TAGS) - 0.1) < 1e-6


def test_blank_text_has_no_close_call():
    assert closest_call("  ", np.zeros((2, len(TAGS)), dtype=np.float32), TAGS) == 1.0
