from corpus.schema import Span
from models.boundaries import apply_boundary_rules, drop_bare_frame, drop_frame, snap, snap_to_words, trim, word_bounds


def _text(text, spans):
    return [text[s.start:s.end] for s in spans]


def test_frame_is_dropped():
    text = "澜图电器表示，召回全部X5空调是对用户负责的唯一做法。"
    assert _text(text, [drop_frame(text, Span(0, len(text) - 1, "CLAIM"))]) == ["召回全部X5空调是对用户负责的唯一做法"]


def test_traditional_frame_is_dropped():
    text = "翠岬發言人稱：「本公司從未收受任何款項。」"
    assert _text(text, apply_boundary_rules(text, [Span(0, len(text), "DENIAL")])) == ["本公司從未收受任何款項"]


def test_bare_frame_is_dropped_but_an_act_verb_stays():
    text = "北岬称其从未拖欠司机补贴。"
    assert _text(text, [drop_bare_frame(text, Span(0, 12, "DENIAL"))]) == ["其从未拖欠司机补贴"]
    apology = "北岬对此表示歉意。"
    assert _text(apology, [drop_bare_frame(apology, Span(2, 8, "APOLOGY"))]) == ["对此表示歉意"]


def test_edges_inside_a_latin_or_digit_run_move_to_its_end():
    text = "砥岩称6亿元补贴纯属虚构，QQ群截图系伪造。"
    assert 4 not in word_bounds(text) and 14 not in word_bounds(text)  # inside 6亿 and QQ
    assert _text(text, [snap_to_words(text, Span(4, 12, "DENIAL"))]) == ["6亿元补贴纯属虚构"]
    assert _text(text, [snap_to_words(text, Span(14, 21, "DENIAL"))]) == ["QQ群截图系伪造"]


def test_quote_after_frame_is_dropped_and_trimmed():
    text = "鲲屿表示：“我们必须为此承担责任。”"
    assert _text(text, apply_boundary_rules(text, [Span(0, len(text), "APOLOGY")])) == ["我们必须为此承担责任"]


def test_trim_punctuation_and_space():
    text = "，  不实。"
    assert _text(text, [trim(text, Span(0, 6, "DENIAL"))]) == ["不实"]


def test_trim_keeps_a_percent_sign_and_a_title_closed_inside_the_span():
    text = "实际抽成高达31%。我局已送达《行政处罚告知书》。"
    assert _text(text, [trim(text, Span(0, 10, "ACCUSATION"))]) == ["实际抽成高达31%"]
    assert _text(text, [trim(text, Span(10, 25, "CLAIM"))]) == ["我局已送达《行政处罚告知书》"]
    assert _text(text, [trim(text, Span(13, 18, "CLAIM"))]) == ["送达《行政"]  # unclosed: 《 stays inside
    assert _text(text, [trim(text, Span(15, 18, "CLAIM"))]) == ["行政"]  # a lone 《 is not an edge


def test_snap_extends_short_end_and_cuts_overlong_end():
    text = "北岬的说法不实，澜图并无后门。"
    assert _text(text, [snap(text, Span(0, 5, "DENIAL"))]) == ["北岬的说法不实"]
    assert _text(text, [snap(text, Span(0, 9, "DENIAL"))]) == ["北岬的说法不实"]


def test_snapping_never_creates_overlaps():
    text = "甲不实，乙恶意攻击我们。"
    spans = apply_boundary_rules(text, [Span(0, 5, "DENIAL"), Span(3, 11, "ACCUSATION")])
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
