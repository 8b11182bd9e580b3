"""A team-written batch: raw text + two quoted passes + decisions -> final labels."""
import json

import pytest

from corpus.authoring import batch_sentences, final_labels, labelled_pass
from corpus.schema import CorpusError
from corpus.scoring import agreement

DOC = "砥岩纺织关于网传欠薪的声明\n网传本公司拖欠工人工资纯属捏造。\n我们对给工人带来的困扰深表歉意。\n"


@pytest.fixture
def batch(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "t-01.txt").write_text(DOC, encoding="utf-8")
    record = {"doc_id": "t-01", "path": "raw/t-01.txt", "title": "砥岩纺织关于网传欠薪的声明", "genre": "statement",
              "dispute": "t-d01", "script": "simplified", "domain": "textiles"}
    (tmp_path / "documents.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    a = [{"id": "t-01.s001", "spans": [{"text": "网传本公司拖欠工人工资纯属捏造", "label": "DENIAL", "speaker": "砥岩", "target": "用户"}]},
         {"id": "t-01.s002", "spans": [{"text": "对给工人带来的困扰深表歉意", "label": "APOLOGY", "speaker": "砥岩", "target": "用户"}]}]
    b = [{"id": "t-01.s001", "spans": [{"text": "纯属捏造", "label": "DENIAL", "speaker": "砥岩", "target": "用户"}]},
         {"id": "t-01.s002", "spans": [{"text": "对给工人带来的困扰深表歉意", "label": "APOLOGY", "speaker": "砥岩", "target": "用户"}]}]
    for name, rows in (("a", a), ("b", b)):
        (tmp_path / f"quotes-{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                                       encoding="utf-8")
    return tmp_path


def test_sentences_come_from_the_segmenter_with_metadata(batch):
    sentences = batch_sentences(batch)
    assert [s.id for s in sentences] == ["t-01.s000", "t-01.s001", "t-01.s002"]
    assert sentences[0].extra == {"authored": True, "genre": "statement", "dispute": "t-d01", "script": "simplified",
                                  "domain": "textiles"}


def test_passes_agree_where_equal_and_decisions_settle_the_rest(batch):
    first, second = labelled_pass(batch, "a"), labelled_pass(batch, "b")
    assert agreement(first, second)["strict"]["ALL"]["f1"] == 0.5
    with pytest.raises(CorpusError, match="no decision"):
        final_labels(batch)
    (batch / "decisions.jsonl").write_text(
        '{"id": "t-01.s001", "choose": "first", "reason": "G16: the whole clause rejects the charge"}\n', encoding="utf-8")
    final = final_labels(batch)
    assert [final[1].span_text(x) for x in final[1].spans] == ["网传本公司拖欠工人工资纯属捏造"]
    assert final[0].spans == [] and final[2].spans[0].label == "APOLOGY"


def test_a_quote_that_is_not_in_its_sentence_names_the_file_and_line(batch):
    (batch / "quotes-a.jsonl").write_text('{"id": "t-01.s001", "spans": [{"text": "不存在", "label": "DENIAL"}]}\n',
                                          encoding="utf-8")
    with pytest.raises(CorpusError, match=r"quotes-a.jsonl:1: span 0: '不存在'"):
        labelled_pass(batch, "a")
