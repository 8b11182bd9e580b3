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


def test_error_report_sorts_every_prediction_and_counts_misses():
    from models.evaluation import error_report

    text = "澜图称北岬的说法纯属捏造，北岬恶意抹黑。我们将起诉。"
    gold = [Sentence("x.s000", "x", text, [Span(3, 12, "DENIAL"), Span(13, 19, "ACCUSATION")])]
    pred = [Sentence("x.s000", "x", text, [Span(3, 12, "DENIAL"), Span(14, 19, "ACCUSATION"), Span(20, 25, "CLAIM")])]
    report = error_report(gold, pred)
    assert report["counts"] == {"exact": 1, "wrong_label": 0, "wrong_start": 1, "wrong_end": 0, "wrong_edges": 0,
                                "spurious": 1, "missed": 0}
    relabelled = [Sentence("x.s000", "x", text, [Span(3, 12, "ACCUSATION")])]
    assert error_report(gold, relabelled)["counts"]["wrong_label"] == 1
    assert error_report(gold, relabelled)["counts"]["missed"] == 1
