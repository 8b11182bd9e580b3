"""Party discovery: the organisations, people and products of a batch, found in its own text.

A researcher who brings a new dispute should not have to write a registry first.  Discovery
reads the (Simplified) sentences of a whole batch and returns a ``PartyRegistry`` of what it
finds, in the registry's own format, so that attribution can resolve 澜图电器股份有限公司,
澜图公司, 澜图 and its vice-president 周启明 to one party, 澜图:

- organisations: a name-like run of words that ends in an organisation suffix (公司 集团 银行
  法院 公安局 市场监督管理局 …), found on jieba word boundaries;
- short names: the full name without its legal form and trade word (澜图电器股份有限公司 ->
  澜图电器 -> 澜图); the party is named by the shortest of them the text uses on its own;
- people: ``<organisation><title><name>`` (澜图副总裁周启明) and ``<name>（<organisation><title>）``;
- products: ``<organisation>旗下(的)<product>``;
- bare names in reporting frames (青禾回应称) that recur across the batch and extend a known
  organisation's name;
- names with no suffix that a pattern of their own gives away: accounts in quotes (博主“鲸落不语”),
  newspapers by title (《时闻报》), people who open frames or transcript turns in their own name
  and whom no organisation claims, and the bare group word (联盟) for the one group of its kind.

A given registry wins: a discovered party is dropped where one of its forms is already known.
Everything is deterministic: candidates are kept in order of first appearance.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import jieba.posseg

from corpus.parties import Party, PartyRegistry, registry_json
from corpus.schema import Sentence, atomic_write_text
from corpus.script import to_simplified
from corpus.segment import segment
from pipeline.records import InputDocument, InputError

DISCOVERED_FILE = "parties.discovered.json"

CJK = "\u4e00-\u9fff"
# Legal forms and generic organisation words, longest first so that the longest one is removed.
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "控股集团", "集团公司", "集团", "公司")
TRADE_WORDS = (
    "科技", "技术", "网络", "信息", "电子", "电器", "电气", "食品", "乳业", "饮品", "饮料", "餐饮", "汽车",
    "新能源", "能源", "物流", "快递", "航空", "地产", "置业", "教育", "医疗", "医药", "药业", "生物", "传媒",
    "文化", "娱乐", "游戏", "互动", "数码", "智能", "通信", "电商", "商贸", "贸易", "实业", "服饰", "家居",
    "化妆品", "日化", "银行", "金融", "证券", "保险", "支付", "云", "软件", "安全", "出行", "酒业", "纺织", "生技",
    "制药", "公关", "检测", "服装", "家电", "电池", "优鲜", "生鲜", "超市", "商城", "酒店", "物业", "培训", "玩具",
    "建材", "家具", "化工", "环保", "农业", "牧业", "茶业", "连锁", "零售", "百货", "控股", "投资", "资本", "数据",
    "劳务", "派遣", "劳务派遣", "影业", "影视", "出版", "工厂", "商贸", "贸易", "新闻", "网",
)
ORG_SUFFIXES = (
    *LEGAL_FORMS, "银行", "日报", "晚报", "早报", "商报", "时报", "周刊", "杂志社", "报社", "电视台",
    "协会", "研究院", "研究所", "医院", "学校", "大学", "律师事务所", "事务所", "工厂", "工会", "家长会", "商会",
    "基金会", "联合会", "促进会", "总会", "中心", "联盟", "联会", "自救会", "维权会",
)
AUTHORITY_SUFFIXES = {
    "regulator": ("市场监督管理局", "市场监管局", "市场监管总局", "监督管理局", "管理局", "管理委员会", "委员会",
                  "网信办", "消费者协会", "消协", "监管局", "总局", "人社局", "税务局", "卫生局", "环保局", "市监局",
                  "食药署", "事务署", "办公室", "民航局", "交通局", "教育局", "住建局", "商务局", "文旅局", "证监局",
                  "证监会", "卫健委", "发改委", "消委会", "监理会", "交易所", "署", "局", "厅", "委"),
    "court": ("地检署", "检察署", "地方法院", "人民法院", "中级人民法院", "高级人民法院", "法院", "人民检察院", "检察院", "仲裁委员会"),
    "police": ("公安分局", "公安局", "派出所", "警察局", "警方"),
}
# Every organisation suffix (ORG_SUFFIXES begins with the legal forms), and their last characters:
# a word (or sentence) without one of those names no organisation.
ALL_SUFFIXES = (*ORG_SUFFIXES, *sum(AUTHORITY_SUFFIXES.values(), ()))
SUFFIX_ENDINGS = frozenset(suffix[-1] for suffix in ALL_SUFFIXES)
# The official short forms of authority names (沂岚市市场监督管理局 -> 沂岚市市场监管局).
AUTHORITY_ABBREVIATIONS = {
    "市场监督管理局": ("市场监管局", "市监局"), "人力资源和社会保障局": ("人社局",), "卫生健康委员会": ("卫健委",),
    "中级人民法院": ("中院",), "人民法院": ("法院",), "人民检察院": ("检察院",), "政府警察局": ("警察局",),
    "地方检察署": ("地检署",), "地方法院": ("地院",), "公安局": ("警方",), "生态环境局": ("环保局",),
}
TITLES = (
    "董事长", "副董事长", "总裁", "副总裁", "总经理", "副总经理", "首席执行官", "CEO", "CTO", "COO", "创始人",
    "联合创始人", "发言人", "新闻发言人", "公关总监", "公关负责人", "法务总监", "负责人", "董事会秘书", "董秘",
    "总监", "经理", "店长", "厂长", "主任", "局长", "副局长", "院长", "主编", "总编辑", "记者", "律师", "代理律师",
)
# Tags that may still be name parts right before 有限公司 (see organisation_mentions).
LEGAL_NAME_POS = {"v", "vn", "mq", "ad", "a", "an"}
# Proper nouns: a place, person, organisation or other name that jieba knows.
PROPER_POS = {"nr", "nrt", "nrfg", "ns", "nt", "nz"}
# Parts of speech that mark a discovered name as a phrase cut from its sentence (see name_like).
PHRASE_POS = {"v", "r", "d", "p", "c", "f", "m", "t"}
CLOSER_POS = {"f", "r", "d", "u", "c", "p", "m"}
OPENER_POS = {"a", "r", "m", "ug", "p", "d"}
# Units of a date, tagged as numerals (5月8日): a name never runs back across them.
DATE_UNITS = set("年月日号")
# Words and characters that never belong to a name: they end a leftward walk from a suffix.
STOP_POS = {"v", "vd", "p", "c", "u", "uj", "ul", "ud", "uz", "r", "d", "t", "f", "m", "q", "w", "y", "e",
            "a", "ad", "an", "zg", "ug", "uv", "tg", "mq"}
STOP_WORDS = {
    "该", "本", "此", "这", "那", "其", "各", "多家", "一家", "两家", "涉事", "相关", "当地", "有关", "上述", "记者",
    "昨日", "今日", "近日", "日前", "目前", "对此", "此前", "随后", "旗下", "我们", "我", "本报", "声明", "公告",
    "通报", "回应", "表示", "称", "要求", "起诉", "状告", "举报", "指控", "否认", "致歉", "道歉", "发布", "联合",
    "报道", "媒体", "开发区", "经济开发区", "工业园", "园区", "以及", "和", "与", "及", "对", "向", "被", "由", "将", "把", "在", "从", "于", "为", "给", "跟", "同", "是",
    "的", "了", "也", "就", "都", "还", "又", "已", "曾", "所", "等", "并", "或", "但", "而", "却", "即",
}
# Single characters that end a leftward walk even where jieba cannot tag a coined name.
STOP_CHARS = set("的对向与和在被将把称说是了也就及等由从于让给为据经其该本此这那各要请并而但或即又还都已曾所之以因如若则自至到同跟"
                 "接诉指惟有可去交间占致含中")
# Characters that link a preceding word to a name (帐目由翊宁会计师事务所, 十五日内向琯川省高级人民法院):
# where jieba glues them to their neighbour, a name is cut after them.
LINK_CHARS = set("由向接诉被经指从于给在把将让")
# A head ending in these refers back (本公司, 贵公司, 该院); one starting with these has lost its
# place name (市交通运输局 cut from 芗江市交通运输局).
SELF_REFERENCES = set("本我贵该其此")
ADMINISTRATIVE_LEVELS = set("市省区县州镇乡")
# Branches are named through their parent (澜图电器有限公司沂岚分公司), found on its own.
BRANCH_WORDS = {"分公司", "子公司", "分行", "支行", "分店", "门店"}
# Words of a title that precede its head (行政总裁, 法务总监): not part of the organisation's name.
TITLE_MODIFIERS = ("行政", "法务", "市场", "财务", "技术", "运营", "人事", "公关", "品牌", "销售", "执行", "首席", "区域",
                   "战略", "投资", "赛事运营", "内容", "客服", "产品", "安全")
# Words that introduce a name without being part of it: verbs of referral and contact, and the
# role an organisation plays (赞助商翥川啤酒: 翥川啤酒 is the name, 赞助商 its role here).
LEAD_WORDS = {
    "委托", "会同", "联系", "拨打", "转介", "代表", "所有", "部分", "主动", "个案", "向", "提交", "移交", "转交",
    "赞助商", "供应商", "经销商", "承包商", "代理商", "合作方", "原告", "被告", "第三人", "游客", "业主", "业委会", "用户",
    "网友", "网民", "客户", "乘客", "家长", "旅客", "股东", "债权人", "投资者", "消费者",
}
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦"
    "付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车"
    "项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝闻"
)
PERSON_STOP = set("表称说在对也则就曾于向指回认强透坦承否还和与等的是又先昨今近已介告直发接随并更同亲称将被把从为")
# Words for a group that a text also uses alone, for the one group of that kind it names.
GROUP_WORDS = ("联盟", "联会", "自救会", "维权会", "协会", "商会", "工会", "家长会", "消委会", "消保委", "监理会", "消协")
# Kinds found by a pattern of their own (a quoted account, a title, a speaker's name), which
# checks the name already: name_like is for names cut from a run of words.
PATTERN_KINDS = {"blogger", "media", "person"}
# An account named in quotes after what it is: 博主“鲸落不语”, 专页「八卦蚝」, 账号“@鸻鸻爆料”.
ACCOUNT = re.compile(f"(?:账号|帐号|博主|网红|大V|专页|公众号|自媒体|UP主|主播|频道)[“「『]@?([{CJK}A-Za-z0-9_]{{2,12}})[”」』]")
# A newspaper by its title (《时闻报》), not a document whose title ends in 报 (《情况通报》, 《年报》).
NEWSPAPER = re.compile(f"《([{CJK}]{{2,8}}(?:报|周刊|杂志))》")
NOT_NEWSPAPERS = ("通报", "公报", "简报", "汇报", "举报", "情报", "预报", "年报", "季报", "月报", "战报", "喜报", "海报",
                  "警报", "申报", "回报", "上报", "呈报", "快报", "学报")
# Verbs of a reporting frame, and 关于 of a statement's title (青禾关于……的声明).
REPORTING = ("回应称", "回应", "表示", "声明称", "发布声明", "称", "声称", "否认", "指出", "强调", "道歉", "致歉", "澄清", "关于")
# A reporting frame's subject: it opens a sentence or clause, may take an adverb, then the verb
# (青禾回应称, 周启明昨日表示); the verbs longest first so 回应称 is not read as 回应.
FRAME_START = "(?:^|[，。：；“”\\s])"
FRAME_ADVERB = "(?:还|也|则|随后|昨日|今日)?"
FRAME_VERBS = "|".join(sorted(REPORTING, key=len, reverse=True))
GENERIC_SUBJECTS = {
    "记者", "对此", "公司", "该公司", "官方", "网友", "网民", "消费者", "用户", "他", "她", "他们", "她们", "对方", "双方",
    "我们", "我", "其", "律师", "专家", "业内人士", "知情人士", "相关负责人", "负责人", "客服", "警方", "法院", "本报",
}


@dataclass
class _Org:
    full: str
    kind: str
    forms: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)


def strip_suffix(name: str, suffixes: Iterable[str]) -> str:
    """``name`` without the longest suffix of ``suffixes`` it ends in, if two characters remain."""
    for suffix in sorted(suffixes, key=len, reverse=True):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def short_forms(full: str) -> list[str]:
    """The shorter names a text may use for an organisation, longest first (full name included)."""
    core = strip_suffix(full, LEGAL_FORMS)
    stem = strip_suffix(core, TRADE_WORDS)
    forms = [full, core, f"{core}公司", stem, f"{stem}公司", f"{stem}方面", f"{core}方面"]
    forms += [full[: -len(long)] + short for long, shorts in AUTHORITY_ABBREVIATIONS.items() if full.endswith(long)
              for short in shorts]
    return list(dict.fromkeys(f for f in forms if len(f) >= 2))


def _ends_with(name: str, suffixes: Iterable[str]) -> bool:
    """A suffix of two or more characters ends the name, or a one-character one is the whole word
    (局 is a suffix in 公安局 but not in 格局)."""
    return any(name.endswith(s) if len(s) > 1 else name == s for s in suffixes)


def _kind(name: str) -> str | None:
    for kind, suffixes in AUTHORITY_SUFFIXES.items():
        if _ends_with(name, suffixes):
            return kind
    if name.endswith(("日报", "晚报", "早报", "商报", "时报", "周刊", "杂志社", "报社", "电视台")):
        return "media"
    if name.endswith(ORG_SUFFIXES):
        return "company"
    return None


def _full_kind(name: str) -> str | None:
    """The kind of a whole candidate name (one-character suffixes count here: 江川区市场监管局 / 某某委)."""
    for kind, suffixes in AUTHORITY_SUFFIXES.items():
        if name.endswith(suffixes):
            return kind
    return _kind(name)


def organisation_mentions(text: str) -> list[str]:
    """Full organisation names in one sentence: a name-like run of jieba words ending in a suffix.
    Sentences without a suffix character skip jieba's tagger.  The tagger runs without its HMM:
    guessing unknown words took nine tenths of discovery's time, and without it a coined name
    comes per character, as the leftward walk expects (11x faster; candidate coverage no lower
    on twelve team-written batches)."""
    if not SUFFIX_ENDINGS.intersection(text):
        return []
    words = list(jieba.posseg.cut(text, HMM=False))
    found = []
    for i, word in enumerate(words):
        if word.word[-1] not in SUFFIX_ENDINGS or _kind(word.word) is None or word.word in BRANCH_WORDS:
            continue
        j, length = i, len(word.word)
        # Before a legal form or an authority's name, verbs and adjectives are name parts
        # (配送服务有限公司, 卫生健康委员会, 食物安全中心).
        legal = word.word.endswith(("有限公司", "有限责任公司")) or _kind(word.word) in AUTHORITY_SUFFIXES
        while j > 0:
            prev = words[j - 1]
            if prev.word in STOP_CHARS or (prev.flag == "m" and prev.word in DATE_UNITS):
                break  # 5月8日约谈…公司: the date ends the name
            coined = len(prev.word) == 1  # jieba splits unknown names per character
            coined = coined or (legal and prev.flag in LEGAL_NAME_POS)
            if prev.word in TRADE_WORDS and length + len(prev.word) <= 14:  # 出行, 互动: name parts whatever their tag
                j, length = j - 1, length + len(prev.word)
                continue
            if (prev.word in STOP_WORDS or prev.word in LEAD_WORDS or (prev.flag in STOP_POS and not coined) or not re.fullmatch(f"[{CJK}A-Za-z0-9]+", prev.word)
                    or length + len(prev.word) > 14):
                break
            j, length = j - 1, length + len(prev.word)
        name = _after_link("".join(w.word for w in words[j:i + 1]))
        if j < i and _full_kind(name) and _named(name):
            found.append(name)
    return found


def _named(name: str) -> bool:
    """Whether something names the organisation before its suffix: two or more characters that
    are not an ordinary word (人民医院, 监管银行, 热力有限公司 describe; 澜图电器公司 names)."""
    longest = max((s for s in ALL_SUFFIXES if name.endswith(s)), key=len, default="")
    head = name[: len(name) - len(longest)]
    return (len(head) >= 2 and not _is_word(head) and not _only_trade_words(head) and head[-1] not in SELF_REFERENCES
            and head[0] not in ADMINISTRATIVE_LEVELS)


def _generic(phrase: str) -> bool:
    """Dictionary words of two or more characters only, none of them a proper noun (综艺制作, 客服人员):
    a description of an organisation, not its name (澜图电器 and 北京市 name one; jieba cuts coined
    names such as 砥安 per character)."""
    return all(len(w.word) >= 2 and in_dictionary(w.word) and w.flag not in PROPER_POS
               for w in jieba.posseg.cut(phrase))


def _after_link(name: str) -> str:
    """The name after the last linking character that leaves a name (局接翾翎体育用品股份有限公司 ->
    翾翎体育用品股份有限公司)."""
    for k in range(len(name) - 2, 0, -1):
        if name[k - 1] in LINK_CHARS and _named(name[k:]):
            return name[k:]
    return name


def _absorb_suffix_runs(names: list[str]) -> list[str]:
    """Keep 澜图电器股份有限公司 rather than its pieces when jieba splits the legal form."""
    return [n for n in names if not any(n != m and m.startswith(n) and m[len(n):] in LEGAL_FORMS for m in names)]


def discover_parties(sentences: Sequence[str], known: PartyRegistry | None = None, min_mentions: int = 1) -> PartyRegistry:
    """A registry of the parties a batch names (Simplified text), minus what ``known`` covers.
    A name with an organisation suffix counts from ``min_mentions`` mentions; a bare name (a brand
    without suffix) needs three, at least one of them opening a reporting frame."""
    known_forms = set(known.mentions()) if known else set()
    text = "\n".join(sentences)
    full_names: list[str] = []
    for sentence in sentences:
        full_names += organisation_mentions(sentence)
    fulls = [f for f in _absorb_suffix_runs(list(dict.fromkeys(full_names))) if f not in known_forms]
    tails = {f[k:] for f in fulls for k in range(1, len(f) - 2)}
    counts = _ngram_counts(text, set(fulls) | tails)
    fulls = list(dict.fromkeys(_trim_prefix(f, counts) for f in fulls))
    counts = _ngram_counts(text, {sub for f in fulls for sub in _substrings(f)} | set(fulls))
    parties: dict[str, Party] = {}
    owner_of: dict[str, str] = {}
    for full in sorted(fulls, key=len, reverse=True):  # the longest name of a nest claims its short forms
        core = strip_suffix(full, LEGAL_FORMS)
        if full in owner_of or core in TRADE_WORDS or (len(core) <= 2 and _is_word(core)):
            continue  # 科技有限公司, 贵公司: a description, not a name
        used = _short_names(full, fulls, counts)
        owned = [owner_of[u] for u in used if u in owner_of]
        if owned:  # 穹麓乳业股份有限公司 after 穹麓乳业沂岚工厂: the same organisation
            old = parties[owned[0]]
            extra = [f for f in [full, *short_forms(full), *used] if f not in owner_of and f in text]
            parties[old.name] = Party(old.name, old.kind, (*old.aliases, *extra))
            for form in extra:
                owner_of[form] = old.name
            continue
        if any(form in known_forms for form in used) or counts.get(full, 0) + sum(counts[u] for u in used) < min_mentions:
            continue
        # The shortest form the text uses that reads as a name (椒柒 ends in a numeral jieba tags m: 椒柒餐饮).
        candidates = sorted(used, key=lambda u: (len(u), -counts[u])) + [strip_suffix(full, LEGAL_FORMS), full]
        name = next((c for c in candidates if name_like(c)), candidates[0])
        forms = [f for f in dict.fromkeys([full, *short_forms(full), *used, *(u + x for u in used for x in ("公司", "方面"))])
                 if f != name and (f in counts and counts[f] or f in text)]
        if name in parties:
            forms = [*parties[name].aliases, *forms]
        parties[name] = Party(name, _full_kind(full) or "company", tuple(dict.fromkeys(forms)))
        for form in (name, *forms):
            owner_of.setdefault(form, name)
    _add_titled_organisations(text, parties, owner_of, known_forms)
    _attach_people_and_products(text, parties, owner_of, known_forms)
    _attach_bare_names(sentences, parties, owner_of, known_forms)
    _add_accounts(text, parties, owner_of, known_forms)
    _add_newspapers(text, parties, owner_of, known_forms)
    _add_people(sentences, parties, owner_of, known_forms)
    _add_group_references(text, parties, owner_of, known_forms)
    return PartyRegistry({name: party for name, party in parties.items() if party.kind in PATTERN_KINDS or name_like(name)})


def discovered_registry(sentences: Sequence[Sentence], registry: PartyRegistry) -> PartyRegistry:
    """``registry`` plus the parties discovered in the sentences' own text (the user's names win)."""
    return registry.extend(discover_parties([to_simplified(s.text) for s in sentences], registry))


def _substrings(full: str) -> list[str]:
    """Candidate short names: leading pieces of the name, also after a two-character place prefix
    (鹭汀 in 沅江鹭汀劳务派遣有限公司)."""
    if _full_kind(full) != "company":
        return []  # authorities and newspapers keep their whole name (澶州晚报, not the place 澶州)
    stem = name_stem(strip_suffix(full, LEGAL_FORMS))
    return [stem[i:j] for i in (0, 2) for j in range(i + 2, min(len(stem), i + 6) + 1)]


def name_stem(core: str) -> str:
    """The name without the trade words after it (岩峤新能源 -> 岩峤, 苔溪生技 -> 苔溪): a short name
    never ends inside one (岩峤新能 is a cut, not a name), and the dictionary knows trade words the
    list lacks (滋补品, 零部件)."""
    while True:
        tail = next((core[k:] for k in range(2, len(core) - 1) if core[k:] in TRADE_WORDS or _is_word(core[k:])), None)
        if tail is None:
            return core
        core = core[: -len(tail)]


def _trim_prefix(full: str, counts: Counter[str]) -> str:
    """Drop leading words the text does not keep with the name (信中指翠岬公司 -> 翠岬公司)."""
    core = strip_suffix(full, LEGAL_FORMS)
    for k in range(1, len(core) - 1):
        head, rest = full[:k], strip_suffix(full[k:], LEGAL_FORMS)
        if not (head[0] in STOP_CHARS or _is_word(head)) or _only_trade_words(rest):
            continue  # 集珀 in 集珀网络科技有限公司 is the name itself, not a leading word
        if counts.get(full[k:], 0) > counts.get(full, 0):
            return full[k:]
    return full


def _only_trade_words(text: str) -> bool:
    """网络科技, 电子商务: nothing but trade words, so not a name."""
    while text:
        word = next((w for w in sorted(TRADE_WORDS, key=len, reverse=True) if text.startswith(w)), None)
        if word is None:
            return False
        text = text[len(word):]
    return True


def _ngram_counts(text: str, wanted: set[str]) -> Counter[str]:
    """Occurrences of each wanted string, in one pass over the batch (no per-name rescans)."""
    counts: Counter[str] = Counter()
    lengths = sorted({len(w) for w in wanted})
    for i in range(len(text)):
        for n in lengths:
            piece = text[i:i + n]
            if piece in wanted:
                counts[piece] += 1
    return counts


def _short_names(full: str, fulls: Sequence[str], counts: Counter[str]) -> list[str]:
    """Pieces of the name the text also uses on their own: 鹭汀 of 沅江鹭汀劳务派遣有限公司 where the
    text says 向鹭汀支付.  Pieces shared with another organisation's name (a place: 沅江) and
    ordinary dictionary words (劳务) are not names."""
    standalone = []
    for sub in dict.fromkeys(_substrings(full)):
        inside = sum(counts.get(f, 0) * f.count(sub) for f in fulls if sub in f)
        if counts.get(sub, 0) - inside <= 0 or sub in TRADE_WORDS or _is_word(sub):
            continue
        if any(sub in strip_suffix(other, LEGAL_FORMS) for other in fulls if other != full and not other.startswith(full)
               and not full.startswith(strip_suffix(other, LEGAL_FORMS))):
            continue
        standalone.append(sub)
    return standalone


def name_like(name: str) -> bool:
    """Whether a discovered name reads as a name and not as a phrase cut from its sentence (公司前,
    视频中, 我们不, 发布视频, 你公司): 公司 only at the end, no pronoun-like single character first, no
    locative, pronoun or adverb single character last, and no dictionary verb, pronoun, adverb or
    preposition of two or more characters that is not a trade word (出行 and 互动 are name parts).
    Other single characters stay allowed: jieba cuts coined names per character (嵘行, 鲸比)."""
    words = list(jieba.posseg.cut(name))
    if not words or "公司" in strip_suffix(name, LEGAL_FORMS):
        return False
    first, last = words[0], words[-1]
    if (len(first.word) == 1 and first.flag in OPENER_POS) or (len(last.word) == 1 and last.flag in CLOSER_POS):
        return False
    return not any(len(w.word) >= 2 and w.flag in PHRASE_POS and w.word not in TRADE_WORDS for w in words)


def in_dictionary(piece: str, min_count: int = 1) -> bool:
    """Whether jieba's dictionary counts ``piece`` at least ``min_count`` times; the dictionary is
    loaded first, since its counts stay empty until jieba's first cut (otherwise the answer would
    depend on what ran before)."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(piece, 0) >= min_count


def _is_word(piece: str) -> bool:
    """An ordinary word of jieba's dictionary (a common noun, a verb), not a coined name."""
    return in_dictionary(piece, 50)


def _add_titled_organisations(text: str, parties: dict[str, Party], owner_of: dict[str, str], known: set[str]) -> None:
    """Organisations named only through their people (琨川移动副总经理符正昕): the longest run before
    a title and a person's name that the batch also uses elsewhere is a name, so its people can be
    attached to it and its speakers resolved."""
    title = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
    counts: dict[str, int] = {}  # one scan of the batch per candidate, however often its title recurs
    for m in re.finditer(f"([{CJK}]{{2,8}}?)(?:的)?({title})([{CJK}]{{2,3}})", text):
        if not _person(m.group(3)):
            continue
        run = m.group(1)
        starts = _word_starts(run)  # never a name cut out of a word (乐部 of 俱乐部)
        for k in range(max(0, len(run) - 6), len(run) - 1):
            name = run[k:]
            if k not in starts:
                continue
            if name in owner_of or name in known:
                break  # a known organisation: _attach_people_and_products ties the person to it
            if name not in counts:
                counts[name] = text.count(name)
            if (counts[name] < 2 or name[0] in STOP_CHARS or name in GENERIC_SUBJECTS or _is_word(name)
                    or _full_kind(name) or name.endswith(TITLE_MODIFIERS)
                    or any(name.startswith(w) for w in STOP_WORDS if len(w) > 1) or _person(name) == name):
                continue
            parties[name] = Party(name, _kind(name) or "company", (f"{name}方面",))
            owner_of[name] = name
            break


def _word_starts(text: str) -> set[int]:
    """Offsets where jieba starts a word: a coined name cut per character starts anywhere, a
    dictionary word (俱乐部) only at its first character."""
    starts, offset = set(), 0
    for word in jieba.cut(text):
        starts.add(offset)
        offset += len(word)
    return starts


def _attach_people_and_products(text: str, parties: dict[str, Party], owner_of: dict[str, str],
                                 known: set[str]) -> None:
    if not owner_of:
        return
    org = "|".join(re.escape(f) for f in sorted(owner_of, key=len, reverse=True))
    title = "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
    people: dict[str, list[str]] = defaultdict(list)
    products: dict[str, list[str]] = defaultdict(list)
    for m in re.finditer(f"({org})(?:的)?(?:[{CJK}]{{0,6}}?)({title})([{CJK}]{{2,3}})", text):
        people[owner_of[m.group(1)]].append(_person(m.group(3)))
    for m in re.finditer(f"([{CJK}]{{2,3}})[（(]({org})(?:[{CJK}]{{0,6}}?)(?:{title})[）)]", text):
        people[owner_of[m.group(2)]].append(_person(m.group(1)))
    for m in re.finditer(f"({org})旗下(?:的)?([{CJK}A-Za-z0-9]{{2,12}}?)(?=[，。、；“”\\s]|和|等|在|被|的|也|出现|存在)", text):
        products[owner_of[m.group(1)]].append(m.group(2))
    for name, party in list(parties.items()):
        ps = [p for p in dict.fromkeys(people.get(name, [])) if p and p not in known and p not in owner_of]
        pr = [p for p in dict.fromkeys(products.get(name, [])) if p not in known and p not in owner_of]
        parties[name] = Party(name, party.kind, party.aliases, tuple(ps), tuple(pr))


def _person(candidate: str) -> str | None:
    """A two- or three-character name that starts with a surname; the third character is dropped
    where it starts a verb or particle."""
    if candidate[0] not in SURNAMES:
        return None
    return candidate[:2] if len(candidate) == 3 and candidate[2] in PERSON_STOP else candidate


def _attach_bare_names(sentences: Sequence[str], parties: dict[str, Party], owner_of: dict[str, str],
                       known: set[str]) -> None:
    """Names with no organisation suffix (a brand such as 铜釜记) that open a reporting frame
    (铜釜记方面回应称) and recur in the batch: an alias of the organisation whose name they begin,
    else a party of their own."""
    framed: Counter[str] = Counter()
    for sentence in sentences:
        for m in re.finditer(f"{FRAME_START}([{CJK}A-Za-z0-9]{{2,6}}?)(?:方面|官方)?{FRAME_ADVERB}(?:{FRAME_VERBS})",
                             sentence):
            framed[m.group(1)] += 1
    text = "\n".join(sentences)
    people = {p for party in parties.values() for p in party.people}
    for subject in framed:
        if (subject in GENERIC_SUBJECTS or subject in known or subject in owner_of or subject in people
                or subject[0] in STOP_CHARS or subject[-1] in STOP_CHARS or _is_word(subject) or _generic(subject)
                or _kind(subject) or _person(subject) == subject
                or text.count(subject) < 3):
            continue
        owners = [name for form, name in owner_of.items() if form.startswith(subject)]
        if owners:
            party = parties[owners[0]]
            if len(subject) < len(party.name):
                del parties[party.name]
                parties[subject] = Party(subject, party.kind, (party.name, *party.aliases), party.people, party.products)
                for form, name in owner_of.items():
                    if name == party.name:
                        owner_of[form] = subject
            else:
                parties[party.name] = Party(party.name, party.kind, (*party.aliases, subject), party.people, party.products)
        else:
            parties[subject] = Party(subject, "other", (f"{subject}方面", f"{subject}官方"))
        owner_of[subject] = owners[0] if owners and owners[0] in parties else subject


def _add_group_references(text: str, parties: dict[str, Party], owner_of: dict[str, str], known: set[str]) -> None:
    """The bare group word a text uses for the one group of its kind it names (联会 for
    澓港网店商户联会 in 联会所说的…): an alias of that party."""
    for word in GROUP_WORDS:
        holders = [name for name in parties if name.endswith(word) or any(a.endswith(word) for a in parties[name].aliases)]
        if len(holders) == 1 and word not in owner_of and word not in known and word in text:
            party = parties[holders[0]]
            parties[party.name] = Party(party.name, party.kind, (*party.aliases, word), party.people, party.products)
            owner_of[word] = party.name


def _recurring(name: str, text: str, owner_of: dict[str, str], known: set[str]) -> bool:
    """A name found by one of the patterns below that is new to the batch and named again."""
    return name not in known and name not in owner_of and text.count(name) >= 2


def _add_accounts(text: str, parties: dict[str, Party], owner_of: dict[str, str], known: set[str]) -> None:
    """Accounts named in quotes after what they are (博主“鲸落不语”, 专页「八卦蚝」, 账号“@鸻鸻爆料”):
    bloggers and pages accuse and are sued in their own name, with no suffix to find them by."""
    for m in ACCOUNT.finditer(text):
        name = m.group(1)
        if _recurring(name, text, owner_of, known) and not _is_word(name):
            parties[name] = Party(name, "blogger", tuple(f for f in (f"@{name}",) if f in text))
            owner_of[name] = name


def _add_newspapers(text: str, parties: dict[str, Party], owner_of: dict[str, str], known: set[str]) -> None:
    """Newspapers named by their title (《时闻报》) and again in the batch (时闻报记者): a paper whose
    report is the dispute is a party, and the suffix list cannot hold every paper's name."""
    for m in NEWSPAPER.finditer(text):
        name = m.group(1)
        if _recurring(name, text, owner_of, known) and not name.endswith(NOT_NEWSPAPERS) and not _is_word(name):
            parties[name] = Party(name, "media", (f"《{name}》",))
            owner_of[name] = name


def _add_people(sentences: Sequence[str], parties: dict[str, Party], owner_of: dict[str, str], known: set[str]) -> None:
    """People who speak for themselves (a whistle-blower, a signatory, a security researcher): a
    person's name that opens a reporting frame or a transcript turn at least twice and that no
    organisation claims as one of its people."""
    claimed = {p for party in parties.values() for p in party.people}
    frame = re.compile(f"{FRAME_START}([{CJK}]{{2,3}}?){FRAME_ADVERB}(?:{FRAME_VERBS})|^([{CJK}]{{2,3}})[：:]")
    opened = Counter(m.group(1) or m.group(2) for sentence in sentences for m in frame.finditer(sentence))
    for name, count in opened.items():
        if (count >= 2 and _person(name) == name and name not in claimed and name not in known
                and name not in owner_of and name not in GENERIC_SUBJECTS and not _is_word(name)):
            parties[name] = Party(name, "person")
            owner_of[name] = name


def discover_into(items: Iterable[InputDocument | InputError], known: PartyRegistry, path) -> PartyRegistry:
    """Discover the parties of a batch of input documents and write them, in the registry's own
    format, to ``path`` (``parties.discovered.json``): a user can correct that file and pass it
    back with ``--parties``.  Returns what was found."""
    sentences = [to_simplified(s.text) for item in items if isinstance(item, InputDocument) for s in segment(item.text)]
    found = discover_parties(sentences, known)
    note = ("Parties discovered in this batch's own text (zh-argmine). Correct it and pass it back with "
            "--parties; parties there win over discovery.")
    atomic_write_text(path, json.dumps(registry_json(found, note), ensure_ascii=False, indent=1) + "\n")
    return found
