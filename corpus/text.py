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

# Cue words of each act type: the lexicon baseline tags with them, and active learning looks for
# sentences that hold them but got no span.
CUES: dict[str, tuple[str, ...]] = {
    "DENIAL": ("否认", "不实", "谣言", "纯属", "子虚乌有", "从未", "并非", "从来没有", "根本没有", "没有任何",
               "不存在", "澄清", "捏造", "颠倒黑白", "失实", "毫无根据", "否認", "謠言", "不實", "從未", "並非"),
    "APOLOGY": ("道歉", "致歉", "歉意", "对不起", "抱歉", "承担责任", "赔偿", "补偿", "退款", "免单", "深表遗憾",
                "對不起", "承擔責任", "賠償", "補償", "免單", "深表遺憾"),
    "ACCUSATION": ("恶意", "非法", "窃取", "劫持", "欺骗", "指责", "谴责", "威胁", "盗取", "流氓", "欺压", "践踏",
                   "侵犯", "侵权", "违法", "造谣", "诋毁", "不正当", "恶行", "胁迫", "恐吓", "推诿", "不足",
                   "惡意", "竊取", "欺騙", "指責", "譴責", "違法", "造謠", "詆毀"),
    "CLAIM": ("将", "会", "决定", "承诺", "必须", "应该", "坚信", "保证", "不会", "已经", "宣布", "我们",
              "將", "會", "決定", "承諾", "必須", "應該", "堅信", "保證", "不會", "已經", "宣佈", "我們"),
}


# Signs that belong to the number before them (31%), so a span may end on them.
UNIT_SIGNS = frozenset("%％‰‱")
# Brackets and title marks that may edge a span when their partner is inside it
# (送达了《行政处罚告知书》): unlike quotes, they are part of what is said.
PAIRED_MARKS = {"《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "[": "]"}
OPENER_OF = {closer: opener for opener, closer in PAIRED_MARKS.items()}


def _is_blocked(char: str) -> bool:
    return char not in UNIT_SIGNS and (char.isspace() or unicodedata.category(char)[0] in "PZ")


def forbidden_start(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may not start where it does: on white space or punctuation,
    except an opening bracket or title mark closed inside the span."""
    char = text[start]
    closer = PAIRED_MARKS.get(char)
    return _is_blocked(char) and not (closer and closer in text[start + 1:end])


def forbidden_end(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] may not end where it does: on white space or punctuation,
    except a unit sign (31%) or a closing bracket or title mark opened inside the span."""
    char = text[end - 1]
    opener = OPENER_OF.get(char)
    return _is_blocked(char) and not (opener and opener in text[start:end - 1])
