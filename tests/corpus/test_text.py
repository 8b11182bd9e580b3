import pytest

from corpus.text import forbidden_end, forbidden_start

TEXT = "“诉讼费由被告承担（含鉴定费）”，涨幅达12%。"


@pytest.mark.parametrize("start, end, forbidden", [
    (0, 5, True),     # opening quote
    (1, 5, False),    # a character
    (9, 15, False),   # （ closed inside the span
    (9, 12, True),    # （ never closed inside the span
])
def test_start(start, end, forbidden):
    assert forbidden_start(TEXT, start, end) is forbidden


@pytest.mark.parametrize("start, end, forbidden", [
    (1, 16, True),    # closing quote
    (1, 15, False),   # ） opened inside the span
    (10, 15, True),   # ） opened before the span
    (17, 23, False),  # 12%: the sign belongs to the number
    (17, 24, True),   # sentence-final 。
])
def test_end(start, end, forbidden):
    assert forbidden_end(TEXT, start, end) is forbidden
