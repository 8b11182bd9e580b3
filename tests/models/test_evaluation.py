from corpus.schema import Sentence, Span
from models.evaluation import confusion, errors, evaluate_predictions, plot_confusion


def _s(spans, text="腾讯的说法不实，360恶意攻击。"):
    return [Sentence("a.s000", "a", text, spans)]


def test_perfect_and_type_confusion(tmp_path):
    gold = _s([Span(0, 7, "DENIAL", "360", "腾讯"), Span(8, 15, "ACCUSATION", "360", "腾讯")])
    assert evaluate_predictions(gold, gold)["strict"]["micro"]["f1"] == 1.0
    pred = _s([Span(0, 7, "CLAIM"), Span(20, 21, "APOLOGY")])
    matrix = confusion(gold, pred)
    assert matrix["DENIAL"]["CLAIM"] == 1 and matrix["ACCUSATION"]["O"] == 1 and matrix["O"]["APOLOGY"] == 1
    kinds = {(e["type"], e["label"]) for e in errors(gold, pred)}
    assert ("false_negative", "DENIAL") in kinds and ("false_positive", "CLAIM") in kinds
    plot_confusion(matrix, tmp_path / "c.png", "test")
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


def test_lenient_credits_overlap_strict_does_not():
    gold = _s([Span(0, 7, "DENIAL")])
    pred = _s([Span(2, 7, "DENIAL")])
    report = evaluate_predictions(gold, pred)
    assert report["strict"]["micro"]["f1"] == 0.0 and report["lenient"]["ALL"]["f1"] == 1.0
