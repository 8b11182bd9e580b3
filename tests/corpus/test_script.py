from hypothesis import given
from hypothesis import strategies as st

from corpus.script import is_traditional, to_simplified, traditional_share


def test_traditional_is_detected_and_converted():
    text = "騰訊表示，360的說法不實。我們對此深表歉意並全額賠償。"
    assert is_traditional(text)
    assert to_simplified(text) == "腾讯表示，360的说法不实。我们对此深表歉意并全额赔偿。"
    assert not is_traditional("腾讯表示，360的说法不实。") and traditional_share("") == 0.0


@given(st.lists(st.sampled_from(list("騰訊說法不實們對歉意並額賠償裡麵乾隆著") + ["ab", "，", "。"]), max_size=60).map("".join))
def test_conversion_keeps_length_so_offsets_survive(text):
    assert len(to_simplified(text)) == len(text)


def test_hong_kong_variants_are_converted():
    assert to_simplified("瀛汀衞生署表示，本港17間醫院") == "瀛汀卫生署表示，本港17间医院"
