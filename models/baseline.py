"""The cue-word baseline: every model score is read beside it.

Each clause (text between ，；：。！？) holding a cue word becomes a span of the cue's type;
where cues of several types meet, the spec's priority decides
(DENIAL > APOLOGY > ACCUSATION > CLAIM).  Adjacent clauses of one type merge into one span.
"""
from __future__ import annotations

import re
from typing import Sequence

from corpus.schema import PRIORITY, Span
from corpus.script import to_simplified
from models.boundaries import REPORTING_VERBS, apply_boundary_rules
from models.tagger import Analysis

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
_CLAUSE = re.compile(r"[^，,；;：:。！？!?]+")


def clause_label(clause: str) -> str | None:
    """The highest-priority type whose cue occurs in the clause; a bare frame (腾讯表示) has none."""
    if clause.endswith(REPORTING_VERBS):
        return None
    found = [label for label, cues in CUES.items() if any(cue in clause for cue in cues)]
    return max(found, key=PRIORITY.__getitem__) if found else None


class LexiconBaseline:
    """Same interface as ``models.tagger.Tagger.predict``."""

    def analyse(self, texts: Sequence[str], boundary_rules: bool = True) -> list[Analysis]:
        """Cue spans; the baseline has no notion of confidence."""
        return [Analysis(spans, None) for spans in self.predict(texts, boundary_rules)]

    def predict(self, texts: Sequence[str], boundary_rules: bool = True) -> list[list[Span]]:
        results = []
        for text in map(to_simplified, texts):
            spans: list[Span] = []
            for match in _CLAUSE.finditer(text):
                label = clause_label(match.group())
                if label is None:
                    continue
                if spans and spans[-1].label == label and not text[spans[-1].end : match.start()].strip("，,"):
                    spans[-1].end = match.end()
                else:
                    spans.append(Span(match.start(), match.end(), label))
            results.append(apply_boundary_rules(text, spans) if boundary_rules else spans)
        return results
