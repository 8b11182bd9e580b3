"""Speaker and target of every span, from the party registry and the document's shape.

Speaker, in order: a transcript speaker label (``刘畅：``); the last party named in the
reporting frame before the span (``360表示，`` / ``腾讯高管……称``); first person (我们, 本公司)
or no frame at all -> the document's author (metadata; a post's handle; a title addressed to the
party's users; a signature or closing line; a signed name; the genre the title names — judgment,
broadcast, press conference, complaint; a title naming the party before 关于/声明/就…); else 其他.
Target: the first other named party inside the span; else a default by act type
(APOLOGY -> 用户; DENIAL -> 其他 or 媒体 where the sentence gives the charge's source only as a
rumour or unnamed media, else the latest party that accused the speaker, else the latest accuser,
else the company the document names most; a CLAIM's opponent as default target was measured and
lost 3 points; ACCUSATION -> the party the speaker accused last, else
the company the document names most, and only then a generic party inside the span (投资者 in
"把投资者当傻子" is the victim, not the accused); CLAIM -> none).
With rankers (pipeline/party_ranker.py, the batch pipeline's default) the rules' speaker and target
are clues among many and learned rankers pick among the span's candidate parties.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Sequence

import jieba
import jieba.posseg

from corpus.parties import UNKNOWN_PARTY, PartyRegistry
from corpus.schema import Sentence, Span
from corpus.scoring import GENERIC_PARTIES
from corpus.script import to_simplified
from pipeline.discovery import (
    LEGAL_FORMS,
    SURNAMES,
    TITLES,
    TRADE_WORDS,
    in_dictionary,
    organisation_mentions,
    short_forms,
    strip_suffix,
)
from pipeline.party_ranker import FIRST_PERSON, OBJECT_MARKERS, Act, Document, Mention, Rankers, SpeakerCase, TargetCase

GENERIC = set(GENERIC_PARTIES)
# A turn label: "林嘉言：", or a post's handle "@林嘉言：" / "@林嘉言 回复 @周启明：" (the replier speaks).
SPEAKER_LABEL = re.compile(r"^\s*(@?)([^：:，。\s@]{1,12})(?:\s*回复\s*@[^：:，。]{1,12})?\s*[：:]")
REPORTING = re.compile("表示|宣称|声称|认为|指出|强调|透露|披露|坦言|回应|写道|宣布|证实|承认|否认|指责|谴责|"
                       "道歉|致歉|称|说|表態|表示|聲稱|認為|指出|強調|透露|回應|宣佈|證實|承認|否認|指責|譴責|稱|說")
CLOSINGS = {"谢谢", "多谢", "此致", "敬礼", "谨启", "特此", "完", "全文完", "以上"}
SIGNED_NAME = re.compile("([\u4e00-\u9fff]{2,4}?)(?:敬上|谨上|謹上)?(?:[（(][^）)]*[）)])?")
TURN_NAME = re.compile("[\u4e00-\u9fff]{2,4}")
INTERVIEWERS = ("记者", "主持人", "問", "问", "記者", "主持")
PRONOUN_FRAME = re.compile("他们|她们|他|她|其|信中|信里|信裡|對方|对方|该公司|該公司|该企业|涉事企业|公司方面|校方|院方|"
                           "店方|厂方|园方|平台方|该平台|该院|该局")
COMPLAINANTS = re.compile("员工|工人|职工|骑手|司机|业主|家长|患者|病人|家属|网友|网民|消费者|顾客|乘客|买家|车主|股民|投资者|"
                         "市民|居民|村民|学生|用户|粉丝")
# An organisation speaking of itself (本公司, 我局) rather than a person (我, 我家孩子).
CORPORATE_FIRST_PERSON = ("我司", "本公司", "我公司", "本集团", "我局", "本局", "我院", "本院", "本刊", "本台", "本平台",
                          "我行", "本行", "本店", "本所", "我会", "本会", "我們公司", "我们公司", "本報", "本报")
PERSONAL_FIRST_PERSON = re.compile("我(?![们們司局院行会會])")
NEWS_CUES = ("记者", "本报", "报道", "据悉", "記者", "本報", "報導", "報道")
AUTHOR_CUES_TITLE = ("关于", "声明", "致歉", "说明", "回应", "公告", "公开信", "致", "发信", "发布", "发表", "通报", "通告",
                     "新闻稿", "：", ":", "就", "记者会", "发布会", "见面会", "说明会")  # matched on Simplified text
# A title addressed to a party's own people (致广大X用户的一封信): X writes it.
ADDRESSED_TITLE = re.compile("^(?:致|给)(?:广大|全体|所有|各位|亲爱的)?([\u4e00-\u9fffA-Za-z0-9]{2,6}?)的?"
                             "(?:全体|所有|广大)?(?:用户|使用者|客户|会员|车主|消费者|朋友)")
# A closing line that is a brand and its trade (蝈蝈科技, 铦锋安全): the brand signs.
TRADE_SIGNATURE = re.compile(f"([\u4e00-\u9fff]{{2,4}}?)(?:{'|'.join(sorted(TRADE_WORDS, key=len, reverse=True))})+")
# Sources of a charge that name no one (on Simplified text); chosen on w24-w33 gold spans.
RUMOUR_SOURCE = re.compile("网传|网上流传|网络流传|网路流传|网络传言|网路传言|传言|传闻|谣言|谣传|坊间|网帖|有人称|有人说|有说法")
MEDIA_SOURCE = re.compile("媒体报道|有媒体|部分媒体|自媒体|报道称|报道指|文章称|文章指")
# A post's first line is its author's handle (饕客小荞, @码农老聃, 老獾讲史 V：, 蛋挞判官 Egg Tart Judge);
# what marks the text as a post: replies, a time-and-client line, a handle with @ or a verified V.
HANDLE_LINE = re.compile("@?([\u4e00-\u9fffA-Za-z0-9_·]{2,12}?)\\s*(?:V|v)?(?:\\s+[A-Za-z][A-Za-z ]*)?[\\s✨✔️]*[：:]?")
POST_MARKS = re.compile(r"^@|回复\s*@|\d{1,2}:\d{2}\s*(?:来自|·)|^网友“")
# Genres a title names (on Simplified text); see Attributor.genre_author.
COURT_TITLE = re.compile("判决书|裁定书|判决摘要|判决要旨|宣判")
BROADCAST_TITLE = re.compile("^[《【][^》】]{2,12}[》】].{0,30}(?:实录|纪录|访谈)|^专访")
HOSTED_EVENT = re.compile("记者会|发布会|说明会|通报会|沟通会|见面会")
COMPLAINT_TITLE = re.compile("投诉|申诉|陈情|举报信")
TITLE_WORDS = ("声明", "公告", "通报", "通告", "回应", "说明", "致歉", "道歉", "澄清", "公开信", "实录")
SENTENCE_MARKS = re.compile("[，。；！？,;!?]")


def most_named(parties: Iterable[str]) -> str | None:
    """The party named most often; ties go to the one named first, so runs are reproducible
    under any hash seed (iterating a set here once made identical runs disagree)."""
    ranked = Counter(parties).most_common(1)
    return ranked[0][0] if ranked else None


@dataclass
class Attributor:
    """Resolves parties in text; one instance per registry.  Party names go into a jieba
    tokenizer of its own: adding them to jieba's shared dictionary would change how every
    later text is cut (discovery, boundary rules), so results would depend on what ran before."""

    registry: PartyRegistry
    rankers: Rankers | None = None
    forms: dict[str, str] = field(init=False)
    tokenizer: jieba.Tokenizer = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.forms = self.registry.mentions()
        self.tokenizer = jieba.Tokenizer()
        for form in self.forms:
            self.tokenizer.add_word(form, freq=10**6)

    @cached_property
    def _longest_first(self) -> re.Pattern:
        alternatives = sorted(self.forms, key=len, reverse=True)
        return re.compile("|".join(re.escape(a) for a in alternatives))

    def mentions(self, text: str) -> list[Mention]:
        """Party mentions on jieba word boundaries (so 电信 is not found inside 工信部电信研究院)."""
        bounds = {0, len(text)}
        for _, start, end in self.tokenizer.tokenize(text):
            bounds.update((start, end))
        return [Mention(m.start(), m.end(), self.forms[m.group()])
                for m in self._longest_first.finditer(text) if m.start() in bounds]

    def document_author(self, sentences: Sequence[str], metadata: dict) -> str | None:
        """The party speaking in the first person: metadata, a signature line, the title, or,
        in a first-person text with none of these, the company it names most."""
        for key in ("author", "speaker", "source_party"):
            value = metadata.get(key)
            if isinstance(value, str):
                party = value if value in self.registry.names else self.forms.get(value)
                if party:
                    return party
        for line in reversed(sentences[-4:]):
            party = self.signature(line, closing=True)
            if party:
                return party
        party = self.signature(sentences[0]) if sentences else None
        if party:
            return party
        handle = self.post_author(sentences)
        if handle:
            return handle
        addressed = ADDRESSED_TITLE.match(sentences[0]) if sentences else None
        if addressed and addressed.group(1) not in GENERIC and not in_dictionary(addressed.group(1)):
            return self.forms.get(addressed.group(1), addressed.group(1))  # 致广大蝈蝈用户的一封信
        for line in reversed(sentences[-4:]):
            name = SIGNED_NAME.fullmatch(line.strip())
            if name and _person_name(name.group(1)):
                return self.forms.get(name.group(1), name.group(1))  # a letter a person signs: 褚怀瑾
        title = metadata.get("title") or (sentences[0] if sentences else "")
        party = self.genre_author(title, sentences)
        if party:
            return party
        for mention in self.mentions(title):
            if mention.party in GENERIC:
                continue
            if any(cue in title[mention.end:mention.end + 8] for cue in AUTHOR_CUES_TITLE):
                return mention.party
        text = "".join(sentences)
        if not any(p in text for p in CORPORATE_FIRST_PERSON) and len(PERSONAL_FIRST_PERSON.findall(text)) >= 2:
            return "用户"  # a complaint or a post: a person writes, about the company it names most
        if any(cue in text for cue in NEWS_CUES) or not any(p in text for p in FIRST_PERSON):
            return "媒体"  # reports and commentary: unframed assertions are the reporter's
        return most_named(m.party for m in self.mentions(text) if m.party not in GENERIC)

    def genre_author(self, title: str, sentences: Sequence[str]) -> str | None:
        """The author a title's genre implies: a judgment is the court's that the text names most, a
        broadcast interview the programme's (媒体), a press conference its host's (the party the title
        opens with), a complaint its complainant's (the party the title opens with, else 用户)."""
        opening = next((m.party for m in self.mentions(title) if m.party not in GENERIC and m.start <= 1), None)
        if COURT_TITLE.search(title):
            courts = [m.party for text in sentences for m in self.mentions(text)
                      if m.party in self.registry.parties and self.registry.parties[m.party].kind == "court"]
            return most_named(courts)
        if BROADCAST_TITLE.search(title):
            return "媒体"
        if HOSTED_EVENT.search(title):
            return opening
        if COMPLAINT_TITLE.search(title):
            return opening or "用户"
        return None

    def post_author(self, sentences: Sequence[str]) -> str | None:
        """The author of a post or thread, named by the handle on its first line; the handle
        resolves to its party where the registry ties it to one (甯嘉树 -> his company)."""
        if not sentences or SENTENCE_MARKS.search(sentences[0]):
            return None
        first = sentences[0].strip()
        handle = HANDLE_LINE.fullmatch(first)
        if not handle or not (first.startswith("@") or any(POST_MARKS.search(line) for line in sentences[1:])):
            return None
        name = handle.group(1)
        if name in GENERIC or in_dictionary(name) or name.endswith(TITLE_WORDS):
            return None  # 严正声明, 蝈蝈回应: a title, not a handle
        return self.forms.get(name, name)

    def signature(self, line: str, closing: bool = False) -> str | None:
        """The party a signature or letterhead line names: a short line that is little more than
        one name (澜图电器股份有限公司董事会, 沂岚市市场监督管理局), checked at both ends of a text
        because a date or a contact line may follow the signature.  A ``closing`` line (the end of
        a text) may also carry a title, a department and a person after the name (瞰岛总经理 姜妤恬,
        （翀阳市中级人民法院新闻宣传处）), and may name an organisation no registry knows."""
        line = line.strip().strip("（）()【】[]")
        found = [m for m in self.mentions(line) if m.party not in GENERIC]
        if found and found[0].end - found[0].start >= len(line) - 4:
            return found[0].party
        if not closing or len(line) > 24 or SENTENCE_MARKS.search(line):
            return None
        if found and found[0].start == 0 and _signature_tail(line[found[0].end:]):
            return found[0].party
        names = organisation_mentions(line)
        if names and line.startswith(names[0]) and _signature_tail(line[len(names[0]):]):
            known = [self.forms[f] for f in short_forms(names[0]) if f in self.forms]
            return known[0] if known else strip_suffix(names[0], LEGAL_FORMS)
        brand = TRADE_SIGNATURE.fullmatch(line)
        if brand and not in_dictionary(brand.group(1)):
            return self.forms.get(brand.group(1), brand.group(1))
        return None

    def speaker(self, text: str, span: Span, frame_start: int, author: str | None, previous: str | None,
                last_speaker: str | None = None, in_quote: bool = False, turn: str | None = None,
                subject: str | None = None) -> str:
        """Who performs the act. ``previous``: the speaker of the span before it in this sentence;
        ``last_speaker``: the latest speaker named in the document; ``in_quote``: the sentence
        continues a quotation opened earlier; ``turn``: the party of the current transcript turn;
        ``subject``: the organisation the document names most (for 该公司称)."""
        frame = text[frame_start:span.start]
        verbs = list(REPORTING.finditer(frame))
        # A party after a preposition is an object (信中对腾讯……作出回应), not the speaker.
        mentions = [m for m in self.mentions(frame) if not (m.start and frame[m.start - 1] in OBJECT_MARKERS)]
        if verbs:
            before = [m for m in mentions if m.end <= verbs[-1].start() and verbs[-1].start() - m.end <= 12]
            if before:
                return before[-1].party
            if COMPLAINANTS.search(frame[max(0, verbs[-1].start() - 12):verbs[-1].start()]):
                return "用户"  # 多名员工称 / 家长们表示: complainant groups are 用户 (G20)
            if PRONOUN_FRAME.search(frame[:verbs[-1].start()]) and (last_speaker or subject):
                return last_speaker or subject  # 他认为 / 信中表示 / 该公司称: whoever was speaking
            if not previous:
                return UNKNOWN_PARTY  # someone unnamed says it: 一位律师认为
        if mentions and span.start - frame_start - mentions[-1].end <= 4:
            return mentions[-1].party  # a subject right before the act: 360否认…
        if previous:
            return previous  # 腾讯方面表示A，B: one frame for both
        if span.label == "APOLOGY":
            own = [m for m in self.mentions(text[span.start:span.end]) if m.party not in GENERIC]
            if own and own[0].start <= 1:
                return own[0].party  # 腾讯在信中再次向用户道歉: the subject apologises
        if PRONOUN_FRAME.match(frame.lstrip("，, ")) and last_speaker:
            return last_speaker  # 信中……: the letter of the party just named
        if in_quote and last_speaker:
            return last_speaker
        return turn or author or UNKNOWN_PARTY

    def target(self, text: str, span: Span, speaker: str, context: dict[str, str | None]) -> str | None:
        """Whom the act is about or addressed to. ``context`` carries the document's state:
        ``accuser:<party>`` (the latest party accusing it), ``accused:<party>`` (the latest
        party it accused) and ``subject`` (the company the document names most)."""
        inside = [m.party for m in self.mentions(text[span.start:span.end]) if m.party != speaker]
        named = [p for p in inside if p not in GENERIC]
        if named:
            return named[0]
        if span.label == "APOLOGY":
            return "用户"
        subject = context.get("subject") if context.get("subject") != speaker else None
        if span.label == "DENIAL":
            source = _unnamed_source(text[:span.end])
            if source and source != speaker:
                return source  # 网传……系不实信息: the rumour's unnamed authors
            latest = context.get("accuser") if context.get("accuser") != speaker else None
            return context.get(f"accuser:{speaker}") or latest or subject or (inside[0] if inside else None)
        if span.label == "ACCUSATION":
            return context.get(f"accused:{speaker}") or subject or (inside[0] if inside else None)
        return None  # a CLAIM names its party or is about the speaker itself (spec case 11)

    def turn_party(self, label: re.Match, labels: Counter) -> str | None:
        """The party of a transcript turn or a post ("林嘉言：" speaks for her company until the next
        label): a known name or interviewer; a handle no registry knows is a member of the public;
        an unknown name that labels several turns is a person in their own right (an open-set party:
        better than the interviewer's or the author's voice, measured on team-written transcripts)."""
        handle, name = label.groups()
        if name in self.forms or name in INTERVIEWERS:
            return self.forms.get(name, "媒体")
        if handle:
            return "用户"
        return name if labels[name] >= 2 and TURN_NAME.fullmatch(name) else None

    def attribute(self, sentences: Sequence[str], spans: Sequence[list[Span]], metadata: dict) -> None:
        """Fill ``speaker`` and ``target`` of every span of one document, in place; with ``rankers``,
        they choose each among the candidates, the rules' choice being one of their clues."""
        author = self.document_author(sentences, metadata)
        mentions = [self.mentions(text) for text in sentences]
        subject = most_named(m.party for found in mentions for m in found if m.party not in GENERIC)
        document = Document(mentions, author, subject, {name: p.kind for name, p in self.registry.parties.items()})
        context: dict[str, str | None] = {"subject": subject}
        last_speaker: str | None = None
        open_quotes, turn = 0, None
        labels = Counter(m.group(2) for m in map(SPEAKER_LABEL.match, sentences) if m)
        for index, (text, found) in enumerate(zip(sentences, spans)):
            frame_start, previous = 0, None
            label = SPEAKER_LABEL.match(text)
            party = self.turn_party(label, labels) if label else None
            if party:
                turn, frame_start = party, label.end()
            for span in found:
                span.speaker = self.speaker(text, span, frame_start, author, previous, last_speaker,
                                            open_quotes > 0, turn, subject)
                if self.rankers is not None:
                    act = Act(span.label, text, span.start, span.end, frame_start, index)
                    span.speaker = self.rankers.speaker.choose(
                        SpeakerCase(act, document, span.speaker, turn, previous, last_speaker))
                span.target = self.target(text, span, span.speaker, context)
                if self.rankers is not None:
                    span.target = self.rankers.target.choose(
                        TargetCase(act, document, span.target, span.speaker, dict(context)))
                if span.label == "ACCUSATION" and span.target:
                    context[f"accuser:{span.target}"] = span.speaker
                    context[f"accused:{span.speaker}"] = span.target
                    context["accuser"] = span.speaker
                previous, frame_start = span.speaker, span.end
                if span.speaker != author:
                    last_speaker = span.speaker
            open_quotes = max(0, open_quotes + text.count("“") + text.count("「") - text.count("”") - text.count("」"))
            if not found:  # 昨日，360发布公开信。 -> "信中……" in the next sentence is 360's
                named = [m.party for m in mentions[index]
                         if m.party not in GENERIC and not (m.start and text[m.start - 1] in OBJECT_MARKERS)]
                last_speaker = named[0] if named else last_speaker


def _person_name(name: str) -> bool:
    """A signed name: two or three characters after a common surname (not a closing such as 谢谢),
    or a name that is no dictionary word and holds none (郈文川, 澹台砚清; not 此致敬礼, 全文完)."""
    if name in CLOSINGS:
        return False
    ordinary = [w for w, flag in jieba.posseg.cut(name) if len(w) >= 2 and in_dictionary(w)
                and not flag.startswith("nr")]  # 董事会, 附件: words, not names
    if name[0] in SURNAMES and len(name) <= 3:
        return not ordinary
    return not in_dictionary(name) and not ordinary


def _unnamed_source(text: str) -> str | None:
    """The generic party behind a charge a denial answers when the sentence names its source only
    as a rumour (网传, 传言 -> 其他) or as unnamed media (有媒体报道 -> 媒体)."""
    if RUMOUR_SOURCE.search(text):
        return "其他"
    if MEDIA_SOURCE.search(text):
        return "媒体"
    return None


def _signature_tail(rest: str) -> bool:
    """What may follow the name on a signature line: titles, a department, a person's name; no
    verb (a headline such as 澜图起诉青禾 is not a signature)."""
    for title in sorted(TITLES, key=len, reverse=True):
        rest = rest.replace(title, " ")
    return len(rest.strip()) <= 12 and not REPORTING.search(rest) and not any(
        len(w) >= 2 and flag.startswith("v") for w, flag in jieba.posseg.cut(rest.strip()))


def attribute_sentences(sentences: Sequence[Sentence], attributor: Attributor,
                        metadata: dict[str, dict] | None = None) -> list[Sentence]:
    """Copies of labelled sentences whose spans get attributed speakers and targets; sentences
    are grouped into documents by ``doc_id`` in order, as the batch pipeline would see them."""
    by_doc: dict[str, list[Sentence]] = {}
    for s in sentences:
        by_doc.setdefault(s.doc_id, []).append(s)
    out: dict[str, Sentence] = {}
    for doc_id, rows in by_doc.items():
        spans = [[Span(x.start, x.end, x.label, score=x.score) for x in s.spans] for s in rows]
        attributor.attribute([to_simplified(s.text) for s in rows], spans, (metadata or {}).get(doc_id, {}))
        for s, found in zip(rows, spans):
            out[s.id] = Sentence(s.id, s.doc_id, s.text, found, dict(s.extra))
    return [out[s.id] for s in sentences]
