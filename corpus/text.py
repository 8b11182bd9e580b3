"""Text facts every layer shares: which characters may edge a span, and the reporting verbs
that make an attribution frame (spec, "Boundaries"), in Simplified and Traditional forms.

Kept in one place so that the validator, the boundary rules, the baseline and attribution
cannot drift apart.
"""
from __future__ import annotations

import unicodedata

# Longest first, so that an alternation built from them prefers 声称 to 称.
REPORTING_VERBS: tuple[str, ...] = (
    "表示", "宣称", "声称", "认为", "指出", "强调", "透露", "披露", "坦言", "回应", "写道",
    "宣稱", "聲稱", "認為", "強調", "回應", "寫道", "称", "稱", "说", "說",
)


def is_edge_forbidden(char: str) -> bool:
    """Spans may not start or end on white space or punctuation."""
    return char.isspace() or unicodedata.category(char)[0] in "PZ"
