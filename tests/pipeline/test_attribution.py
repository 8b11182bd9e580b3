from corpus.documents import read_documents
from corpus.load import load_splits
from corpus.parties import load_registry
from corpus.schema import Span
from corpus.scoring import party_accuracy
from pipeline.attribution import Attributor, attribute_sentences

ATTRIBUTOR = Attributor(load_registry())


def _attribute(sentences, label_spans, metadata=None):
    spans = [[Span(text.index(part), text.index(part) + len(part), label) for part, label in found]
             for text, found in zip(sentences, label_spans)]
    ATTRIBUTOR.attribute(sentences, spans, metadata or {})
    return [[(s.speaker, s.target) for s in found] for found in spans]


def test_reporting_frames_people_and_products():
    assert _attribute(["360表示，腾讯的说法不实。"], [[("腾讯的说法不实", "DENIAL")]]) == [[("360", "腾讯")]]
    assert _attribute(["刘畅说：“360恶意劫持用户。”"], [[("360恶意劫持用户", "ACCUSATION")]]) == [[("腾讯", "360")]]
    assert _attribute(["扣扣保镖回应称，从未窃取隐私。"], [[("从未窃取隐私", "DENIAL")]]) == [[("360", None)]]


def test_first_person_is_the_author_from_signature():
    doc = ["我们向所有用户道歉。", "360一直在恶意打击同行。", "腾讯公司"]
    assert _attribute(doc, [[("向所有用户道歉", "APOLOGY")], [("360一直在恶意打击同行", "ACCUSATION")], []]) == [
        [("腾讯", "用户")], [("腾讯", "360")], []]


def test_object_after_preposition_is_not_the_speaker_and_denial_targets_accuser():
    doc = ["腾讯指责360窃取用户隐私。", "昨日，360发布公开信。", "信中对腾讯公司的指控作出回应，否认存在后门。"]
    result = _attribute(doc, [[("360窃取用户隐私", "ACCUSATION")], [], [("否认存在后门", "DENIAL")]])
    assert result[0] == [("腾讯", "360")] and result[2] == [("360", "腾讯")]


def test_transcript_turns():
    doc = ["记者：外界批评你们反应太慢。", "刘畅：我们不接受这种说法。", "我们会继续改进。"]
    result = _attribute(doc, [[], [("不接受这种说法", "DENIAL")], [("会继续改进", "CLAIM")]], {"author": "媒体"})
    assert result[1:] == [[("腾讯", None)], [("腾讯", None)]]


def test_accuracy_on_gold_spans_of_the_test_split_is_reported():
    documents = read_documents()
    metadata = {d.doc_id: {"title": d.title, "author": d.author} for d in documents.values()}
    gold = load_splits()["test"]
    scores = party_accuracy(gold, attribute_sentences(gold, ATTRIBUTOR, metadata))
    assert scores["spans"] == sum(len(s.spans) for s in gold) and scores["speaker"] > 0.5


def _discovered(batch):
    from pipeline.discovery import discover_parties
    return Attributor(load_registry().extend(discover_parties(batch, load_registry())))


def test_signature_before_a_date_and_letterhead_name_the_author():
    letter = ["致全体员工的一封信", "公司从未拖欠任何一笔工资。", "汀苇纺织科技股份有限公司董事会", "2024年3月1日"]
    attributor = _discovered(letter)
    assert attributor.document_author(letter, {}) == attributor.forms["汀苇纺织科技股份有限公司"]
    notice = ["桦溪区人民法院", "关于某案的情况说明", "本院判决桐屿公司败诉。", "桐屿公司称将上诉。"]
    attributor = _discovered(notice)
    assert attributor.document_author(notice, {}) == attributor.forms["桦溪区人民法院"]


def test_a_press_release_title_names_its_author():
    doc = ["桦溪区市场监督管理局新闻稿", "本局对桐屿公司罚款20万元。", "桐屿公司表示将整改。", "桐屿公司称已退款。"]
    attributor = _discovered(doc)
    assert attributor.document_author(doc, {}) == attributor.forms["桦溪区市场监督管理局"]


def test_complainant_groups_speak_as_users():
    assert _attribute(["对此，多名员工称，腾讯拖欠加班费。"], [[("腾讯拖欠加班费", "ACCUSATION")]]) == [[("用户", "腾讯")]]


def test_unknown_turn_names_and_post_handles():
    interview = ["记者：有人说贵司拖欠货款。", "闻溪禾：这个说法不成立。", "记者：那为何停止供货？", "闻溪禾：我们按合同办事。"]
    result = _attribute(interview, [[], [("这个说法不成立", "DENIAL")], [], [("我们按合同办事", "CLAIM")]],
                        {"author": "媒体"})
    assert [r[0][0] for r in (result[1], result[3])] == ["闻溪禾", "闻溪禾"]  # a person in their own right
    thread = ["@咖啡续命的阿柒：腾讯又在偷偷扫描硬盘。", "@刘畅 回复 @咖啡续命的阿柒：没有这回事。"]
    result = _attribute(thread, [[("腾讯又在偷偷扫描硬盘", "ACCUSATION")], [("没有这回事", "DENIAL")]])
    assert result == [[("用户", "腾讯")], [("腾讯", "用户")]]  # the replier speaks, for his company
    heading = ["处理结果：对涉事门店罚款。"]  # a heading used once is not a turn
    assert _attribute(heading, [[("对涉事门店罚款", "CLAIM")]], {"author": "腾讯"}) == [[("腾讯", None)]]


def test_targets_fall_back_on_the_document_not_on_a_victim_named_in_the_span():
    doc = ["腾讯称，360恶意劫持QQ。", "360表示，这个说法毫无根据。", "有网友称，这分明是在把用户当傻子。"]
    result = _attribute(doc, [[("360恶意劫持QQ", "ACCUSATION")], [("这个说法毫无根据", "DENIAL")],
                              [("这分明是在把用户当傻子", "ACCUSATION")]])
    assert result[1] == [("360", "腾讯")] and result[2] == [("用户", "腾讯")]
    unanswered = ["网传金山窃取数据。", "金山表示，此说法纯属捏造。"]  # the accuser is unnamed
    assert _attribute(unanswered, [[], [("此说法纯属捏造", "DENIAL")]])[1][0][0] == "金山"


def test_a_letter_signed_by_a_person_is_theirs():
    letter = ["致董事会全体成员的公开信", "我从未隐瞒任何亏损。", "褚怀瑾", "2024年4月15日"]
    assert ATTRIBUTOR.document_author(letter, {}) == "褚怀瑾"
    company = ["关于不实报道的声明", "本公司从未拖欠货款。", "腾讯公司", "2024年4月15日"]
    assert ATTRIBUTOR.document_author(company, {}) == "腾讯"  # an organisation's signature still wins


def test_closing_lines_with_title_person_or_department_name_the_author():
    letter = ["给用户的公开信", "涧禾从来没有扫描过聊天记录。", "涧禾表示会公开代码。", "涧禾总经理 尹照川", "2025年2月3日"]
    attributor = _discovered(letter + ["涧禾称，我们欢迎检验。", "涧禾回应称，此事与其无关。"])
    assert attributor.document_author(letter, {}) == "涧禾"
    ruling = ["某案一审宣判", "原告诉称被告侵权。", "本院认为，证据不足。", "（栎塘区人民法院新闻宣传处）"]
    attributor = _discovered(ruling)
    assert attributor.document_author(ruling, {}) == attributor.forms["栎塘区人民法院"]
    assert attributor.signature("栎塘区人民法院判决涧禾败诉", closing=True) is None  # a verb: a headline, not a signature


def test_unknown_brands_sign_by_trade_name_and_address_their_own_users():
    signed = ["关于兼容问题的说明", "我们从未拦截任何软件。", "蚺岫科技", "2025年5月6日"]
    assert ATTRIBUTOR.document_author(signed, {}) == "蚺岫"
    addressed = ["致广大蚺岫用户的一封信", "我们从未拦截任何软件。", "禚明川", "2025年5月6日"]
    assert ATTRIBUTOR.document_author(addressed, {}) == "蚺岫"  # written for the brand, signed by its head


def test_a_denial_of_a_rumour_targets_its_unnamed_authors():
    doc = ["腾讯称，360恶意劫持QQ。", "360表示，网传“360已被收购”系不实信息。", "360称，有媒体报道其裁员，此说法并不属实。"]
    result = _attribute(doc, [[("360恶意劫持QQ", "ACCUSATION")], [("网传“360已被收购”系不实信息", "DENIAL")],
                              [("此说法并不属实", "DENIAL")]])
    assert result[1] == [("360", "其他")] and result[2] == [("360", "媒体")]


def test_a_post_belongs_to_the_handle_on_its_first_line():
    post = ["饕客小荞", "【道歉声明】关于那支影片", "影片里的说法是我没有查证清楚。", "@路人甲 回复 @饕客小荞：早该道歉了"]
    assert ATTRIBUTOR.document_author(post, {}) == "饕客小荞"
    assert ATTRIBUTOR.document_author(["@码农老聃", "两家都不是好东西。"], {}) == "码农老聃"
    headline = ["严正声明", "本公司从未拖欠货款。", "腾讯公司"]  # no post marks: a title, not a handle
    assert ATTRIBUTOR.document_author(headline, {}) == "腾讯"


def test_letters_signed_with_rare_or_compound_surnames():
    letter = ["致董事会及全体股东的公开信", "我从未同意这笔收购。", "郈文川（联名股东名单附后）", "2024年5月28日"]
    assert ATTRIBUTOR.document_author(letter, {}) == "郈文川"
    closing = ["致全体员工的一封信", "我们一起渡过难关。", "此致敬礼", "2024年5月28日"]
    assert ATTRIBUTOR.document_author(closing, {}) != "此致敬礼"


def test_a_title_genre_names_the_author():
    ruling = ["桐屿诉澜图不正当竞争纠纷案一审宣判", "栎塘区人民法院审理认为，澜图构成不正当竞争。", "本院判令澜图赔偿。",
              "栎塘区人民法院表示，判决尚未生效。"]
    attributor = _discovered(ruling)
    assert attributor.document_author(ruling, {}) == attributor.forms["栎塘区人民法院"]
    interview = ["《晨间直击》访谈实录：澜图回应质疑", "主持人：欢迎收看。", "周启明：我们从未造假。"]
    assert ATTRIBUTOR.document_author(interview, {}) == "媒体"
    complaint = ["关于澜图空调噪音问题的联名投诉信", "我们是澜图空调的用户。", "澜图至今没有答复。"]
    assert ATTRIBUTOR.document_author(complaint, {}) == "用户"
    briefing = ["腾讯「QQ停服」事件说明会实录", "记者：何时恢复？", "刘畅：今晚恢复。"]
    assert ATTRIBUTOR.document_author(briefing, {}) == "腾讯"
