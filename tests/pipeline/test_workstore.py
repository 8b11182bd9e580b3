"""The work store: committed chunks survive, a chunk cut short by a kill is dropped, doc ids stay unique."""
import json

import pytest

from corpus.schema import CorpusError
from pipeline.workstore import PARTS, ItemResult, WorkDir, claim_doc_ids


def result(key: str, doc_id: str | None, sentences: int = 1) -> ItemResult:
    if doc_id is None:
        return ItemResult(key, None, {"spans": [], "documents": [], "errors": [{"source": key, "error": "empty file"}]})
    spans = [{"id": f"{doc_id}.s{i:03d}", "doc_id": doc_id, "text": "句。", "spans": []} for i in range(sentences)]
    return ItemResult(key, doc_id, {"spans": spans, "documents": [{"doc_id": doc_id}], "errors": []})


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_claim_doc_ids_renames_the_second_of_two_names_everywhere():
    taken = {"x"}
    first, second, error = result("a/x.txt", "x", 2), result("b/x.txt", "x", 2), result("c.txt", None)
    claim_doc_ids([first, second, error], taken)
    assert first.doc_id == "x~2" and second.doc_id == "x~3" and taken == {"x", "x~2", "x~3"}
    assert [s["id"] for s in second.records["spans"]] == ["x~3.s000", "x~3.s001"]
    assert {s["doc_id"] for s in second.records["spans"]} == {"x~3"} and second.records["documents"] == [{"doc_id": "x~3"}]


def test_item_results_travel_as_json():
    item = result("a.txt", "a", 3)
    assert ItemResult.from_json(json.loads(json.dumps(item.to_json()))) == item


def test_commit_then_resume_keeps_done_inputs_and_doc_ids(tmp_path):
    work = WorkDir(tmp_path, resume=False)
    work.commit([result("a.txt", "a", 2), result("b.txt", None)])
    resumed = WorkDir(tmp_path, resume=True)
    assert resumed.done == {"a.txt", "b.txt"} and resumed.doc_ids == {"a"}
    assert [r["id"] for r in resumed.records("spans")] == ["a.s000", "a.s001"]
    assert [r["error"] for r in resumed.records("errors")] == ["empty file"]
    assert WorkDir(tmp_path, resume=False).done == set() and all(work.part(name).read_text() == "" for name in PARTS)


def test_resume_drops_a_chunk_written_after_the_last_state_line(tmp_path):
    work = WorkDir(tmp_path, resume=False)
    work.commit([result("a.txt", "a")])
    with open(work.part("spans"), "a", encoding="utf-8") as handle:  # a kill between parts and state line
        handle.write('{"id": "b.s000", "doc_id": "b"}\n{"id": "b.s0')
    with open(work.state, "a", encoding="utf-8") as handle:
        handle.write('{"keys": ["b.txt"], "doc_ids": ["b"], "si')
    resumed = WorkDir(tmp_path, resume=True)
    assert resumed.done == {"a.txt"} and resumed.doc_ids == {"a"}
    assert [r["id"] for r in resumed.records("spans")] == ["a.s000"] and len(lines(resumed.state)) == 1


def test_publish_copies_the_part_file_in_one_step(tmp_path):
    work = WorkDir(tmp_path, resume=False)
    work.commit([result("a.txt", "a", 2)])
    work.publish("spans", tmp_path / "spans.jsonl")
    assert lines(tmp_path / "spans.jsonl") == list(work.records("spans")) and len(lines(work.part("spans"))) == 2
    assert not list(work.dir.glob("*.final"))


def test_sentences_are_typed_and_a_damaged_record_names_its_line(tmp_path):
    work = WorkDir(tmp_path, resume=False)
    work.commit([result("a.txt", "a", 2)])
    assert [(s.id, s.doc_id, s.spans) for s in work.sentences()] == [("a.s000", "a", []), ("a.s001", "a", [])]
    with open(work.part("spans"), "a", encoding="utf-8") as handle:
        handle.write('{"id": "b.s000", "doc_id": "b", "text": "句。"}\n')
    with pytest.raises(CorpusError, match=r"spans\.part\.jsonl:3: missing field 'spans'"):
        list(work.sentences())
