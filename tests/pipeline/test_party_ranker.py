from corpus.parties import load_registry
from corpus.schema import Sentence, Span
from pipeline.attribution import Attributor
from pipeline.target_ranker import (
    TARGET_RANKER_FILE,
    Example,
    Mention,
    TargetCase,
    TargetRanker,
    features,
    fit,
    target_chooser,
)
from pipeline.target_training import discovered_registry


def _case(text, span, speaker, label, named, rule=None):
    """One sentence whose named parties are found by plain search (enough for these fixtures)."""
    mentions = [[Mention(text.index(n), text.index(n) + len(n), n) for n in named if n in text]]
    start = text.index(span)
    return TargetCase(label, text, start, start + len(span), speaker, rule, 0, mentions, speaker, None, {}, {})


def _accusations(n):
    """Accusations whose target is the party after 指责 while the rules (wrongly) say the first name."""
    pairs = [("甲方", "乙方"), ("丙方", "丁方"), ("戊方", "己方"), ("庚方", "辛方")]
    cases = []
    for i in range(n):
        speaker, accused = pairs[i % len(pairs)]
        text = f"{speaker}指责{accused}第{i}次抄袭代码"
        case = _case(text, f"{accused}第{i}次抄袭代码", speaker, "ACCUSATION", [speaker, accused], rule=None)
        cases.append(Example(case, case.candidates().index(accused)))
    return cases


def _apologies(n):
    cases = []
    for i in range(n):
        text = f"甲方第{i}次向所有人道歉"
        case = _case(text, f"向所有人道歉{i}"[:6], "甲方", "APOLOGY", ["甲方"], rule=None)
        cases.append(Example(case, case.candidates().index("用户")))
    return cases


def test_candidates_are_none_generic_then_named_in_order():
    case = _case("乙方称丙方与甲方合谋", "丙方与甲方合谋", "乙方", "ACCUSATION", ["乙方", "丙方", "甲方"], rule="甲方")
    assert case.candidates() == [None, "用户", "媒体", "其他", "乙方", "丙方", "甲方"]
    assert "rule:ACCUSATION:named" in features(case, "甲方") and "rule:ACCUSATION:named" not in features(case, "丙方")
    assert "first-inside:ACCUSATION" in features(case, "丙方") and "first-inside:ACCUSATION" not in features(case, "甲方")


def test_fit_learns_what_the_rules_miss_and_never_returns_the_speaker():
    ranker = fit(_accusations(24) + _apologies(24), min_count=1)
    held_out = _case("丙方指责丁方第99次抄袭代码", "丁方第99次抄袭代码", "丙方", "ACCUSATION", ["丙方", "丁方"])
    assert ranker.choose(held_out) == "丁方"
    apology = _case("戊方第7次向所有人道歉", "向所有人道歉", "戊方", "APOLOGY", ["戊方"])
    assert ranker.choose(apology) == "用户"
    only_speaker = _case("丙方指责第9次抄袭代码", "第9次抄袭代码", "丙方", "ACCUSATION", ["丙方"])
    assert ranker.choose(only_speaker) != "丙方"


def test_rare_features_get_no_weight():
    examples = _accusations(8)
    assert len(fit(examples, min_count=len(examples) + 1).weights) == 0
    assert "type:ACCUSATION:named" in fit(examples, min_count=len(examples)).weights


def test_save_and_load_keep_the_choices(tmp_path):
    ranker = fit(_accusations(12), min_count=1)
    ranker.save(tmp_path / "ranker.json")
    loaded = TargetRanker.load(tmp_path / "ranker.json")
    probe = _case("庚方指责辛方第5次抄袭代码", "辛方第5次抄袭代码", "庚方", "ACCUSATION", ["庚方", "辛方"])
    assert loaded.choose(probe) == ranker.choose(probe) == "辛方"


def test_shipped_ranker_attributes_a_new_dispute():
    """Written for this test: a statement of a dispute no registry knows, attributed end to end."""
    chooser = target_chooser("learned")
    assert isinstance(chooser, TargetRanker) and TARGET_RANKER_FILE.exists() and target_chooser("rules") is None
    doc = ["蝈蝈科技有限公司关于狸猫公司不实指控的声明", "狸猫公司近日指责我司窃取用户数据。", "对此，我司严正声明：上述说法纯属捏造。",
           "我们向受到困扰的用户致歉。", "蝈蝈科技有限公司", "2024年5月3日"]
    parts = [[], [("我司窃取用户数据", "ACCUSATION")], [("上述说法纯属捏造", "DENIAL")], [("向受到困扰的用户致歉", "APOLOGY")], [], []]
    spans = [[Span(t.index(p), t.index(p) + len(p), label) for p, label in found] for t, found in zip(doc, parts)]
    sentences = [Sentence(f"d.s{i}", "d", t, []) for i, t in enumerate(doc)]
    Attributor(discovered_registry(sentences, load_registry()), chooser).attribute(doc, spans, {})
    assert [(x.speaker, x.target) for found in spans for x in found] == [
        ("狸猫", "蝈蝈科技"), ("蝈蝈科技", "狸猫"), ("蝈蝈科技", "用户")]
