from corpus.parties import load_registry
from corpus.paths import AUTHORED_DIR
from corpus.schema import read_sentences
from pipeline.attribution import Attributor, attribute_sentences
from pipeline.discovery import discovered_registry
from pipeline.ranker_training import ROLES, examples, labelled_cases


def _document():
    """One team-written document (never a seeds test sentence)."""
    sentences = read_sentences(AUTHORED_DIR / "w30.jsonl")
    first = sentences[0].doc_id
    return [s for s in sentences if s.doc_id == first]


def test_every_gold_span_gives_a_case_per_role_with_the_rules_choice():
    document = _document()
    cases = labelled_cases(document, load_registry())
    gold = [x for s in document for x in s.spans]
    rules = [x for s in attribute_sentences(document, Attributor(discovered_registry(document, load_registry())))
             for x in s.spans]
    for role in ROLES:
        assert [c.gold for c in cases[role]] == [getattr(x, role) for x in gold]
        assert [c.case.rule for c in cases[role]] == [getattr(x, role) for x in rules]


def test_examples_answer_with_the_option_naming_the_gold_party():
    cases = labelled_cases(_document(), load_registry())["speaker"]
    found = examples(cases, weight=2.0)
    answerable = [c for c in cases if c.answer() is not None]
    assert found and len(found) == len(answerable) and all(e.weight == 2.0 for e in found)
    for example, case in zip(found, answerable):
        assert case.correct(example.case.options()[example.answer])
