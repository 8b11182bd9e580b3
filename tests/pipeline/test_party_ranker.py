from corpus.parties import load_registry
from corpus.schema import Sentence, Span
from pipeline.attribution import Attributor
from pipeline.discovery import discovered_registry
from pipeline.party_ranker import (
    RANKER_FILE,
    Act,
    Document,
    Example,
    Mention,
    PartyRanker,
    Rankers,
    SpeakerCase,
    TargetCase,
    fit,
    rankers,
)


def _document(text, named, author=None):
    """One sentence whose named parties are found by plain search (enough for these fixtures)."""
    mentions = [[Mention(text.index(n), text.index(n) + len(n), n) for n in named if n in text]]
    return Document(mentions, author, None, {})


def _target_case(text, span, speaker, label, named, rule=None):
    start = text.index(span)
    return TargetCase(Act(label, text, start, start + len(span), 0, 0), _document(text, named), rule, speaker, {})


def _accusations(n):
    """Accusations whose target is the party after 指责 while the rules (wrongly) say none."""
    pairs = [("甲方", "乙方"), ("丙方", "丁方"), ("戊方", "己方"), ("庚方", "辛方")]
    cases = []
    for i in range(n):
        speaker, accused = pairs[i % len(pairs)]
        case = _target_case(f"{speaker}指责{accused}第{i}次抄袭代码", f"{accused}第{i}次抄袭代码", speaker,
                            "ACCUSATION", [speaker, accused])
        cases.append(Example(case, case.options().index(accused)))
    return cases


def _apologies(n):
    cases = []
    for i in range(n):
        case = _target_case(f"甲方第{i}次向所有人道歉", "向所有人道歉", "甲方", "APOLOGY", ["甲方"])
        cases.append(Example(case, case.options().index("用户")))
    return cases


def test_options_and_features_of_a_target_case():
    case = _target_case("乙方称丙方与甲方合谋", "丙方与甲方合谋", "乙方", "ACCUSATION", ["乙方", "丙方", "甲方"], rule="甲方")
    assert case.options() == [None, "用户", "媒体", "其他", "丙方", "甲方"]  # never the speaker
    assert "rule:ACCUSATION:named" in case.features("甲方") and "rule:ACCUSATION:named" not in case.features("丙方")
    assert "target:first-inside:ACCUSATION" in case.features("丙方")
    assert "target:first-inside:ACCUSATION" not in case.features("甲方")


def test_options_and_features_of_a_speaker_case():
    text = "丙方表示，我们从未抄袭"
    start = text.index("我们")
    case = SpeakerCase(Act("DENIAL", text, start, len(text), 0, 0), _document(text, ["丙方"], author="丁方"),
                       "丙方", None, None, None)
    assert case.options() == ["用户", "媒体", "其他", "丙方", "丁方"]
    assert "speaker:frame:DENIAL:2" in case.features("丙方") and "rule:named:True" in case.features("丙方")
    assert "author:named:True" in case.features("丁方") and "first-person:True:named" in case.features("丁方")


def test_fit_learns_what_the_rules_miss():
    ranker = fit(_accusations(24) + _apologies(24), min_count=1)
    held_out = _target_case("丙方指责丁方第99次抄袭代码", "丁方第99次抄袭代码", "丙方", "ACCUSATION", ["丙方", "丁方"])
    assert ranker.choose(held_out) == "丁方"
    apology = _target_case("戊方第7次向所有人道歉", "向所有人道歉", "戊方", "APOLOGY", ["戊方"])
    assert ranker.choose(apology) == "用户"


def test_rare_features_get_no_weight():
    examples = _accusations(8)
    assert len(fit(examples, min_count=len(examples) + 1).weights) == 0
    assert "type:ACCUSATION:named" in fit(examples, min_count=len(examples)).weights


def test_save_and_load_keep_the_choices(tmp_path):
    ranker = fit(_accusations(12), min_count=1)
    Rankers(ranker, ranker).save(tmp_path / "rankers.json")
    loaded = Rankers.load(tmp_path / "rankers.json")
    probe = _target_case("庚方指责辛方第5次抄袭代码", "辛方第5次抄袭代码", "庚方", "ACCUSATION", ["庚方", "辛方"])
    assert loaded.target.choose(probe) == ranker.choose(probe) == "辛方"


def test_shipped_rankers_attribute_a_new_dispute():
    """Written for this test: a statement of a dispute no registry knows, attributed end to end."""
    shipped = rankers("learned")
    assert isinstance(shipped.speaker, PartyRanker) and RANKER_FILE.exists() and rankers("rules") is None
    doc = ["蝈蝈科技有限公司关于狸猫公司不实指控的声明", "狸猫公司近日指责我司窃取用户数据。", "对此，我司严正声明：上述说法纯属捏造。",
           "我们向受到困扰的用户致歉。", "蝈蝈科技有限公司", "2024年5月3日"]
    parts = [[], [("我司窃取用户数据", "ACCUSATION")], [("上述说法纯属捏造", "DENIAL")], [("向受到困扰的用户致歉", "APOLOGY")], [], []]
    spans = [[Span(t.index(p), t.index(p) + len(p), label) for p, label in found] for t, found in zip(doc, parts)]
    sentences = [Sentence(f"d.s{i}", "d", t, []) for i, t in enumerate(doc)]
    Attributor(discovered_registry(sentences, load_registry()), shipped).attribute(doc, spans, {})
    (accusation,), (denial,), (apology,) = [found for found in spans if found]
    assert (accusation.speaker, accusation.target) == ("狸猫", "蝈蝈科技")
    assert denial.speaker == apology.speaker == "蝈蝈科技" and apology.target == "用户"
    assert denial.target in ("狸猫", "其他")  # the accuser, or an unnamed source (G24): the ranker weighs both
