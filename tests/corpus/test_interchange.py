import json

import pytest

from corpus.interchange import READERS, read_quoted, to_label_studio, write_format
from corpus.schema import CorpusError, Sentence, Span


def _key(sentences):
    return [(s.id, s.doc_id, s.text, [x.to_json() for x in s.spans]) for s in sentences]


@pytest.mark.parametrize("fmt", sorted(READERS))
def test_round_trip_of_the_whole_corpus(fmt, corpus, tmp_path):
    path = tmp_path / f"corpus.{fmt}"
    write_format(fmt, path, corpus)
    assert _key(READERS[fmt](path)) == _key(corpus)


def test_conll_keeps_white_space_and_backslash(tmp_path):
    s = Sentence("t.s000", "t", "记者 万里\\采写", [Span(3, 5, "CLAIM", "媒体", None)])
    path = tmp_path / "t.conll"
    write_format("conll", path, [s])
    assert all(len(line.split("\t")) == 4 for line in path.read_text().splitlines() if line and not line.startswith("#"))
    assert _key(READERS["conll"](path)) == _key([s])


def test_conll_bad_tag_names_the_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("# id = a\n# doc_id = d\n好\tX-CLAIM\t_\t_\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.conll:3: not an IOB2 tag"):
        READERS["conll"](path)


def test_label_studio_predictions_import_when_not_annotated(corpus, tmp_path):
    tasks = to_label_studio(corpus[:5], as_predictions=True, model_version="m1")
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    assert _key(READERS["label-studio"](path)) == _key(corpus[:5])


def test_doccano_wrong_party_count_is_an_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "a", "doc_id": "d", "text": "好", "label": [[0, 1, "CLAIM"]], "parties": []}) + "\n")
    with pytest.raises(CorpusError, match=r"d.jsonl:1: 1 labels but 0 parties"):
        READERS["doccano"](path)


def test_quoted_spans_find_offsets_and_occurrences(tmp_path):
    base = [Sentence("a.s000", "a", "腾讯说腾讯不实，腾讯不实", [])]
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({"id": "a.s000", "spans": [
        {"text": "腾讯不实", "occurrence": 2, "label": "DENIAL", "speaker": "腾讯", "target": "360"}]}, ensure_ascii=False) + "\n")
    [sentence] = read_quoted(path, base)
    assert (sentence.spans[0].start, sentence.spans[0].end) == (8, 12)
    path.write_text(json.dumps({"id": "a.s000", "spans": [{"text": "没有", "label": "CLAIM"}]}, ensure_ascii=False) + "\n")
    with pytest.raises(CorpusError, match="not found"):
        read_quoted(path, base)


def test_conll_i_without_b_is_refused_with_its_line(tmp_path):
    path = tmp_path / "loose.conll"
    path.write_text("# id = a\n# doc_id = d\n甲\tO\t_\t_\n乙\tI-CLAIM\t甲方\t_\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"loose.conll:4: I-CLAIM does not continue"):
        READERS["conll"](path)
