"""Traditional Chinese: detect it and convert it, keeping character offsets.

The tagger is trained and run on Simplified text and the party registry is Simplified; a
Traditional text is converted with OpenCC's hk2s tables (t2s after Hong Kong variants such as
衞 -> 衛, which t2s alone leaves: 衞生署 must read 卫生署), character by character where the
phrase tables would change the length, so every offset into the converted text is the
same offset into the original, which is what annotations and outputs refer to.
"""
from __future__ import annotations

from functools import lru_cache

from opencc import OpenCC


@lru_cache(maxsize=1)
def _converter() -> OpenCC:
    return OpenCC("hk2s")


@lru_cache(maxsize=65536)
def _char(c: str) -> str:
    converted = _converter().convert(c)
    return converted if len(converted) == 1 else c


def to_simplified(text: str) -> str:
    """Same length as ``text``: the phrase-level conversion where it keeps lengths, else per character."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_char(c) for c in text)


def traditional_share(text: str) -> float:
    """The share of Chinese characters that t2s changes: ~0 for Simplified text."""
    chinese = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not chinese:
        return 0.0
    converted = to_simplified("".join(chinese))
    return sum(a != b for a, b in zip(chinese, converted)) / len(chinese)


def is_traditional(text: str, threshold: float = 0.05) -> bool:
    return traditional_share(text) >= threshold
