from models.baseline import LexiconBaseline, clause_label


def test_priority_between_cues():
    assert clause_label("否认恶意窃取") == "DENIAL"
    assert clause_label("为此道歉并谴责") == "APOLOGY"
    assert clause_label("今天天气晴") is None


def test_predicts_spec_shaped_spans():
    text = "360表示，腾讯的说法不实，360从未窃取用户隐私。"
    [spans] = LexiconBaseline().predict([text])
    assert [(text[s.start:s.end], s.label) for s in spans] == [("腾讯的说法不实，360从未窃取用户隐私", "DENIAL")]


def test_traditional_cues():
    [spans] = LexiconBaseline().predict(["本公司對此深表歉意並全額賠償。"])
    assert spans and spans[0].label == "APOLOGY"
