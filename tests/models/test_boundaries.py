from corpus.schema import Span
from models.boundaries import apply_boundary_rules, drop_frame, snap, trim


def _text(text, spans):
    return [text[s.start:s.end] for s in spans]


def test_frame_is_dropped():
    text = "腾讯表示，不兼容360软件已是最低的抗争方式。"
    assert _text(text, [drop_frame(text, Span(0, len(text) - 1, "CLAIM"))]) == ["不兼容360软件已是最低的抗争方式"]


def test_quote_after_frame_is_dropped_and_trimmed():
    text = "360表示：“我们必须为此承担责任。”"
    assert _text(text, apply_boundary_rules(text, [Span(0, len(text), "APOLOGY")])) == ["我们必须为此承担责任"]


def test_trim_punctuation_and_space():
    text = "，  不实。"
    assert _text(text, [trim(text, Span(0, 6, "DENIAL"))]) == ["不实"]


def test_snap_extends_short_end_and_cuts_overlong_end():
    text = "腾讯的说法不实，360并无后门。"
    assert _text(text, [snap(text, Span(0, 5, "DENIAL"))]) == ["腾讯的说法不实"]
    assert _text(text, [snap(text, Span(0, 9, "DENIAL"))]) == ["腾讯的说法不实"]


def test_snapping_never_creates_overlaps():
    text = "甲不实，乙恶意攻击我们。"
    spans = apply_boundary_rules(text, [Span(0, 5, "DENIAL"), Span(3, 11, "ACCUSATION")])
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
