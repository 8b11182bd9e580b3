import json

import pytest

from corpus.documents import read_documents
from corpus.parties import load_registry
from corpus.schema import CorpusError, read_sentences
from corpus.validate import validate, validate_file

GOOD = {"id": "x.s000", "doc_id": "x", "text": "360表示，腾讯的说法不实。",
        "spans": [{"start": 6, "end": 13, "label": "DENIAL", "speaker": "360", "target": "腾讯"}]}


def _write(tmp_path, *records, raw=None):
    path = tmp_path / "a.jsonl"
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _messages(path):
    return [str(e) for e in validate([path], load_registry(), read_documents())]


def test_good_file_passes(tmp_path):
    assert _messages(_write(tmp_path, GOOD)) == []


@pytest.mark.parametrize("change, expected", [
    ({"end": 40}, "offsets outside the sentence"),
    ({"label": "THREAT"}, "unknown label 'THREAT'"),
    ({"speaker": "阿里"}, "unknown speaker '阿里'"),
    ({"start": 5}, "white space or punctuation"),
    ({"end": 14}, "white space or punctuation"),
    ({"speaker": None}, "no speaker"),
])
def test_span_problems_name_file_line_and_span(tmp_path, change, expected):
    bad = json.loads(json.dumps(GOOD))
    bad["spans"][0].update(change)
    messages = _messages(_write(tmp_path, {"id": "x.s001", "doc_id": "x", "text": "好。", "spans": []}, bad))
    assert len(messages) == 1
    assert messages[0].startswith(f"{tmp_path / 'a.jsonl'}:2: x.s000: span 0")
    assert expected in messages[0]


def test_overlap(tmp_path):
    bad = json.loads(json.dumps(GOOD))
    bad["spans"].append({"start": 8, "end": 13, "label": "CLAIM", "speaker": "360", "target": None})
    assert any("overlaps" in m for m in _messages(_write(tmp_path, bad)))


def test_malformed_json_is_reported_and_others_still_checked(tmp_path):
    path = _write(tmp_path, raw=b'{"id": \n' + json.dumps(GOOD, ensure_ascii=False).encode() + b"\n")
    messages = _messages(path)
    assert len(messages) == 1 and ":1: malformed JSON" in messages[0]


def test_gbk_file_is_rejected_with_line(tmp_path):
    line = json.dumps(GOOD, ensure_ascii=False)
    path = _write(tmp_path, raw=(line + "\n" + line.replace("x.s000", "x.s001") + "\n").encode("gbk"))
    messages = _messages(path)
    assert len(messages) == 1 and ":1: not UTF-8" in messages[0]
    with pytest.raises(CorpusError, match="not UTF-8"):
        read_sentences(path)


def test_missing_and_reordered_document_sentences(tmp_path):
    doc = read_documents()["qq360-mediation-news"]
    rows = [{"id": doc.sentence_id(i), "doc_id": doc.doc_id, "text": s.text, "spans": []}
            for i, s in enumerate(doc.sentences())]
    del rows[5]
    messages = _messages(_write(tmp_path, *rows))
    assert any("expected sentence qq360-mediation-news.s005" in m for m in messages)
    errors, _ = validate_file(_write(tmp_path, *rows[:3]), load_registry(), read_documents())
    assert "sentence qq360-mediation-news.s003 missing" in str(errors[0])


def test_text_outside_documents_must_be_one_sentence(tmp_path):
    two = dict(GOOD, text="360表示，腾讯的说法不实。好。")
    assert any("not exactly one sentence" in m for m in _messages(_write(tmp_path, two)))


def test_identical_sentences_must_agree(tmp_path):
    other = dict(GOOD, id="y.s000", doc_id="y", spans=[])
    assert any("labelled differently" in m for m in _messages(_write(tmp_path, GOOD, other)))


def test_identical_sentences_may_have_different_speakers_in_different_documents(tmp_path):
    other = dict(GOOD, id="y.s000", doc_id="y",
                 spans=[dict(GOOD["spans"][0], speaker="腾讯", target="360")])
    assert not any("labelled differently" in m for m in _messages(_write(tmp_path, GOOD, other)))
