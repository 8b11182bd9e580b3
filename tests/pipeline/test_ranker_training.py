from corpus.parties import load_registry
from corpus.paths import AUTHORED_DIR
from corpus.schema import read_sentences
from pipeline.attribution import Attributor, attribute_sentences
from pipeline.target_training import discovered_registry, examples, labelled_cases


def _document():
    """One team-written document (never a seeds test sentence)."""
    sentences = read_sentences(AUTHORED_DIR / "w30.jsonl")
    first = sentences[0].doc_id
    return [s for s in sentences if s.doc_id == first]


def test_every_gold_span_becomes_a_case_with_the_rules_choice():
    document = _document()
    cases = labelled_cases(document, load_registry())
    gold = [x for s in document for x in s.spans]
    assert len(cases) == len(gold) and [c.target for c in cases] == [x.target for x in gold]
    rules = attribute_sentences(document, Attributor(discovered_registry(document, load_registry())))
    assert [c.case.rule for c in cases] == [x.target for s in rules for x in s.spans]
    assert [c.case.speaker for c in cases] == [x.speaker for s in rules for x in s.spans]


def test_examples_answer_with_the_candidate_naming_the_gold_target():
    cases = labelled_cases(_document(), load_registry())
    found = examples(cases, weight=2.0)
    answerable = [c for c in cases if c.answer() is not None]
    assert len(found) == len(answerable) and all(e.weight == 2.0 for e in found)
    for example, case in zip(found, answerable):
        assert case.correct(example.case.candidates()[example.answer])
