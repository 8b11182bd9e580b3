"""The shipped corpus itself: valid, complete, split without leaks."""
from collections import defaultdict

from corpus.documents import read_documents
from corpus.load import annotation_files, authored_party_files, load_corpus, load_splits
from corpus.schema import LABELS, read_sentences
from corpus.split import group_key, read_splits
from corpus.validate import validate


def test_shipped_annotations_validate():
    assert validate(annotation_files()) == []


def test_every_seed_sentence_is_annotated():
    corpus_ids = {s.id for s in load_corpus()}
    for doc in read_documents().values():
        assert {doc.sentence_id(i) for i in range(len(doc.sentences()))} <= corpus_ids


def test_every_label_occurs():
    assert {span.label for s in load_corpus() for span in s.spans} == set(LABELS)


def test_split_is_recorded_stratified_and_leak_free():
    sentences = load_corpus()
    splits = load_splits(sentences)
    assert sum(len(v) for v in splits.values()) == len(sentences)
    assert len(splits["test"]) >= 0.25 * len(sentences)
    test_labels = {span.label for s in splits["test"] for span in s.spans}
    assert test_labels == set(LABELS)
    assignments = read_splits()
    sides = defaultdict(set)
    for s in sentences:
        sides[group_key(s.text)].add((assignments[s.id]["split"], assignments[s.id]["fold"]))
    assert all(len(v) == 1 for v in sides.values())


def test_team_written_set_is_valid_marked_and_never_evaluated():
    from corpus.parties import load_registry
    from corpus.paths import AUTHORED_DIR

    files = annotation_files(AUTHORED_DIR)
    assert files and validate(files, load_registry(*authored_party_files())) == []
    authored = [s for f in files for s in read_sentences(f)]
    assert len(authored) >= 600 and all(s.extra.get("authored") is True for s in authored)
    assert {span.label for s in authored for span in s.spans} == set(LABELS)
    assignments = read_splits()
    assert not any(s.id in assignments for s in authored)
    seed_texts = {group_key(s.text) for s in load_corpus()}
    assert not any(group_key(s.text) in seed_texts for s in authored)
