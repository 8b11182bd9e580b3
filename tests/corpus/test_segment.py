from hypothesis import given
from hypothesis import strategies as st

from corpus.segment import segment, sentences


def test_spec_rules():
    text = "腾讯表示：“不会妥协。”360称……不实！\r\n亲爱的QQ用户：\n\u3000\u3000这是一个无眠之夜？是的!! 好"
    assert sentences(text) == ["腾讯表示：“不会妥协。”", "360称……", "不实！", "亲爱的QQ用户：", "这是一个无眠之夜？", "是的!!", "好"]


def test_semicolon_and_comma_do_not_split():
    assert sentences("其一，还没有；其二，也未能。") == ["其一，还没有；其二，也未能。"]


def test_closing_brackets_stay():
    assert sentences("（完。）下一句」") == ["（完。）", "下一句」"]


def test_offsets_point_into_original():
    text = "\ufeff  第一句。\r\n\u3000第二句！"
    for s in segment(text):
        assert text[s.start : s.end] == s.text


_alphabet = st.sampled_from(list("腾讯360QQ表示，；：“”‘’「」『』（）。！？!?…\n\r \u3000\ta"))


@given(st.text(_alphabet, max_size=80))
def test_offsets_reconstruct_and_no_empty(text):
    pieces = segment(text)
    for s in pieces:
        assert s.text and s.text == text[s.start : s.end]
        assert s.text == s.text.strip()
    starts = [s.start for s in pieces]
    assert starts == sorted(starts)
    # Removing what lies between sentences removes only white space and line breaks.
    rest, last = [], 0
    for s in pieces:
        rest.append(text[last : s.start])
        last = s.end
    rest.append(text[last:])
    assert all(not chunk.strip() for chunk in rest)


@given(st.text(_alphabet, max_size=80))
def test_idempotent_on_own_output(text):
    for s in segment(text):
        assert sentences(s.text) == [s.text]
