"""Grouped folds and leak checks: what keeps cross-validation and training honest."""
import pytest

from corpus.schema import Sentence
from corpus.split import first_documents, group_of, grouped_folds, near_duplicates


def _s(i, doc, dispute=None, text="甲方称乙方的说法纯属捏造。"):
    extra = {"authored": True, "dispute": dispute} if dispute else {}
    return Sentence(f"{doc}.s{i:03d}", doc, text, [], extra)


def test_a_dispute_or_seed_document_is_never_split_across_folds():
    rows = [_s(i, f"seed{d}") for d in range(3) for i in range(4)]
    rows += [_s(i, f"w-{d}-{k}", dispute=f"d{d}") for d in range(5) for k in range(3) for i in range(2)]
    fold_of = grouped_folds(rows, 3)
    for group in {group_of(s) for s in rows}:
        assert len({fold_of[group_of(s)] for s in rows if group_of(s) == group}) == 1
    assert {fold_of[f"seed{d}"] for d in range(3)} == {0, 1, 2}  # seeds spread over the folds
    assert group_of(rows[-1]) == "d4"  # team-written documents group by dispute


def test_first_documents_keeps_whole_documents_and_nests_smaller_limits():
    rows = [_s(i, f"doc{d}") for d in range(10) for i in range(d + 1)]  # documents of 1..10 sentences
    small, large = first_documents(rows, 10), first_documents(rows, 30)
    for kept in (small, large):
        docs = {s.doc_id for s in kept}
        assert all(sum(s.doc_id == d for s in kept) == sum(s.doc_id == d for s in rows) for d in docs)
    assert 10 <= len(small) < len(large) and {s.id for s in small} <= {s.id for s in large}
    assert first_documents(rows, None) == rows


def test_fewer_than_two_folds_is_refused():
    with pytest.raises(ValueError, match="at least 2 folds"):
        grouped_folds([_s(0, "a")], 1)


def test_near_duplicates_catch_copies_and_light_edits_only():
    held = [Sentence("t.s000", "t", "澜图电器发布声明称，网传电池起火视频系恶意剪辑。", [])]
    copy = Sentence("x.s000", "x", "澜图电器发布声明称，网传电池起火视频系恶意剪辑。", [])
    edited = Sentence("x.s001", "x", "澜图电器发布声明称，网传的电池起火视频系恶意剪辑。", [])
    other = Sentence("x.s002", "x", "北岬出行回应称，司机补贴政策并无变化。", [])
    found = near_duplicates([copy, edited, other], held)
    assert [s.id for s, _ in found] == ["x.s000", "x.s001"]
