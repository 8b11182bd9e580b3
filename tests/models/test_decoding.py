"""Decoding character probabilities into spans, and the margin that makes bf16 safe."""
import numpy as np

from corpus.align import IOB2_TAGS
from corpus.schema import LABELS
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


def test_the_whole_span_votes_on_its_label():
    """A span whose first characters lean CLAIM but most lean ACCUSATION is one ACCUSATION."""
    text = "对方多次恶意篡改用户的浏览器设置"
    labels = ["B-CLAIM", "I-CLAIM", "I-CLAIM"] + ["I-ACCUSATION"] * (len(text) - 3)
    [span] = decode_spans(text, probs_for(labels), TAGS)
    assert (span.start, span.end, span.label) == (0, len(text), "ACCUSATION")


def test_label_votes_are_weighted():
    """A span split almost evenly between DENIAL and CLAIM goes to CLAIM under the shipped weights,
    which discount the acts the tagger over-predicts; with equal weights DENIAL's slight lead wins."""
    text = "本公司的产品全部符合国家标准"
    labels = ["I-DENIAL"] * 8 + ["I-CLAIM"] * (len(text) - 8)
    [weighted] = decode_spans(text, probs_for(labels), TAGS)
    [plain] = decode_spans(text, probs_for(labels), TAGS, label_weights=dict.fromkeys(LABELS, 1.0))
    assert (weighted.label, plain.label) == ("CLAIM", "DENIAL")


def test_a_run_splits_at_a_clause_mark_only_on_a_confident_begin():
    text = "我们从未收集聊天记录，对方的说法纯属捏造"
    labels = ["B-DENIAL"] + ["I-DENIAL"] * 10 + ["B-DENIAL"] + ["I-DENIAL"] * (len(text) - 12)
    first, second = decode_spans(text, probs_for(labels), TAGS)
    assert (first.end, second.start) == (11, 11)
    weak = probs_for(labels)
    weak[11] = 0.0
    weak[11, TAGS.index("B-DENIAL")], weak[11, TAGS.index("I-DENIAL")] = 0.6, 0.4  # B- ahead, by less than the margin
    [whole] = decode_spans(text, weak, TAGS)
    assert (whole.start, whole.end) == (0, len(text))


def test_closest_call_is_the_smallest_label_margin():
    labels = ["O"] * 3 + ["B-CLAIM"] + ["I-CLAIM"] * 6
    probs = probs_for(labels)
    assert closest_call("我们认为这是正确的。"[:10], probs, TAGS) > 0.79
    probs[4] = 0.0
    probs[4, TAGS.index("I-CLAIM")], probs[4, TAGS.index("O")] = 0.52, 0.48
    assert abs(closest_call("我们认为这是正确的。"[:10], probs, TAGS) - 0.04) < 1e-6


def test_closest_call_sees_the_split_decision_at_a_clause_opener():
    text = "我们认为，这是正确的"
    labels = ["B-CLAIM"] + ["I-CLAIM"] * 9
    probs = probs_for(labels)
    probs[5] = 0.0  # after "，": B- ahead of I- by 0.36, just under the split margin of 0.4
    probs[5, TAGS.index("B-CLAIM")], probs[5, TAGS.index("I-CLAIM")] = 0.68, 0.32
    assert abs(closest_call(text, probs, TAGS) - 0.04) < 1e-6


def test_blank_text_has_no_close_call():
    assert closest_call("  ", np.zeros((2, len(TAGS)), dtype=np.float32), TAGS) == 1.0
