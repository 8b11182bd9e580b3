"""Our span scores against seqeval, the reference implementation, on shipped data."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from corpus.align import SpanError, spans_to_char_tags
from corpus.paths import DATA_DIR
from corpus.schema import LABELS, Sentence, Span, read_sentences
from corpus.scoring import (
    agreement,
    one_to_one_scores,
    overlapping,
    same_party,
    scoring_aliases,
    sentence_scores,
    span_scores,
)
from models.evaluation import strict_scores


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


def _spans(draw, length):
    """Non-overlapping random spans inside a text of ``length`` characters."""
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2]):
        if start < end:
            spans.append(Span(start, end, draw(st.sampled_from(LABELS))))
    return spans


@st.composite
def labellings(draw):
    sentences = []
    for k in range(draw(st.integers(1, 6))):
        length = draw(st.integers(1, 30))
        sentences.append((f"s{k}", "字" * length, _spans(draw, length), _spans(draw, length)))
    return sentences


@given(labellings())
@settings(max_examples=200, deadline=None)
def test_strict_scores_equal_seqeval_on_random_span_sets(rows):
    gold = [Sentence(i, "d", text, g) for i, text, g, _ in rows]
    pred = [Sentence(i, "d", text, p) for i, text, _, p in rows]
    ours = strict_scores(gold, pred)
    y_true = [spans_to_char_tags(s.text, s.spans) for s in gold]
    y_pred = [spans_to_char_tags(s.text, s.spans) for s in pred]
    ref = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    mine = span_scores(gold, pred)
    for label in LABELS:
        expected = ref.get(label, {"f1-score": 0.0})["f1-score"]
        assert ours[label]["f1"] == pytest.approx(expected, abs=1e-4)
        assert mine[label]["f1"] == pytest.approx(expected, abs=1e-4)  # our own arithmetic agrees too
    assert ours["micro"]["f1"] == pytest.approx(ref["micro avg"]["f1-score"], abs=1e-4)
    one = one_to_one_scores(gold, pred)["ALL"]["f1"]
    assert mine["ALL"]["f1"] - 1e-9 <= one <= span_scores(gold, pred, overlapping)["ALL"]["f1"] + 1e-9


@pytest.mark.parametrize("bad", [[Span(2, 2, "CLAIM")], [Span(0, 4, "CLAIM"), Span(3, 6, "DENIAL")], [Span(5, 12, "CLAIM")]])
def test_scorer_refuses_empty_overlapping_or_outside_spans(bad):
    sentence = Sentence("x", "d", "一二三四五六七八", bad)
    with pytest.raises(SpanError):
        strict_scores([sentence], [sentence])


def test_one_to_one_counts_a_long_prediction_once():
    gold = [Sentence("x", "d", "甲乙丙丁戊己", [Span(0, 2, "CLAIM"), Span(3, 5, "CLAIM")])]
    pred = [Sentence("x", "d", "甲乙丙丁戊己", [Span(0, 6, "CLAIM")])]
    assert span_scores(gold, pred, overlapping)["ALL"]["recall"] == 1.0  # one-to-many
    assert one_to_one_scores(gold, pred)["ALL"]["recall"] == 0.5


@pytest.mark.parametrize("gold, predicted, same", [
    ("华为", "华为公司", True),                    # one name inside the other
    ("皓貝口腔", "皓贝", True),                    # the same after conversion to Simplified
    ("鬆霖集團", "松霖集团", True),
    ("皓貝口腔", "皓月", False),
    ("用户", "用户", True),
    ("用户", "其他", False),                      # generic parties match only themselves
    ("騰訊", None, False),
])
def test_same_party_folds_containment_and_script(gold, predicted, same):
    assert same_party(gold, predicted) is same


def test_same_party_uses_recorded_aliases():
    aliases = {"企鹅帝国": "腾讯", "腾讯": "腾讯"}
    assert same_party("腾讯", "企鹅帝国", aliases) and not same_party("腾讯", "企鹅帝国")


def test_scoring_aliases_let_the_annotated_registry_decide():
    from corpus.parties import Party, PartyRegistry
    annotated = PartyRegistry({"澹浦农商行": Party("澹浦农商行", "company", ("澹浦农村商业银行",))})
    found = PartyRegistry({"澹浦农村商业银行": Party("澹浦农村商业银行", "company", ("澹浦农商银行",)),
                           "蕲鹿": Party("蕲鹿", "company", ("蕲鹿传媒",))})
    aliases = scoring_aliases(found, annotated)
    assert same_party("澹浦农商行", "澹浦农村商业银行", aliases)
    assert not same_party("澹浦农商行", "澹浦农村商业银行", annotated.extend(found).mentions())  # discovery's name won
    assert aliases["蕲鹿传媒"] == "蕲鹿"  # what only discovery knows keeps its name
