"""Active learning round trip: select -> export -> edit -> add -> validate -> training sees it."""
import json
import shutil

import pytest

from corpus.active_learning import add, export, select, uncertainty
from corpus.load import load_corpus, load_splits
from corpus.parties import load_registry
from corpus.paths import DATA_DIR
from corpus.schema import CorpusError
from corpus.split import fold_split, read_splits
from corpus.validate import validate

RECORDS = [
    {"id": "new.s000", "doc_id": "new", "text": "星河公司表示，网传消息纯属谣言。", "score": 0.9,
     "spans": [{"start": 7, "end": 15, "label": "DENIAL", "speaker": "其他", "target": None, "score": 0.41}]},
    {"id": "new.s001", "doc_id": "new", "text": "公司对此深表歉意，并将全额退款。", "score": 0.95, "spans": []},
    {"id": "new.s002", "doc_id": "new", "text": "今天天气晴。", "score": 0.99, "spans": []},
    {"id": "qq-letter-2.s041", "doc_id": "qq-letter-2", "text": "亲爱的用户，您能明白吗？", "score": 0.2, "spans": []},
]


@pytest.fixture
def data_copy(tmp_path):
    annotations = tmp_path / "annotations"
    shutil.copytree(DATA_DIR / "annotations", annotations)
    shutil.copy(DATA_DIR / "splits.json", tmp_path / "splits.json")
    return annotations, tmp_path / "splits.json"


def test_selection_prefers_uncertain_and_cued_and_skips_known(data_copy):
    annotations, _ = data_copy
    chosen = select(RECORDS, 2, cue_share=0.5, annotations_dir=annotations)
    assert [s.id for s in chosen] == ["new.s001", "new.s000"]
    assert uncertainty(RECORDS[0]) == pytest.approx(0.59)


def test_round_trip_export_edit_add_train(data_copy, tmp_path):
    annotations, splits = data_copy
    chosen = select(RECORDS, 3, annotations_dir=annotations)
    exported = tmp_path / "tasks.json"
    export(chosen, "label-studio", exported)
    tasks = json.loads(exported.read_text(encoding="utf-8"))
    assert all("predictions" in t for t in tasks)
    for task in tasks:  # the annotator accepts the predictions and fixes the speaker
        result = task.pop("predictions")[0]["result"]
        for item in result:
            if item["from_name"] == "speaker":
                item["value"]["text"] = ["用户"]
        task["annotations"] = [{"result": result}]
    exported.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    target = add(exported, "label-studio", "al-batch-1", load_registry(), annotations, splits)
    assert validate([target]) == []
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in rows} == {"new.s000", "new.s001", "new.s002"}
    assert all(r["provenance"]["method"] == "active learning" for r in rows)
    corpus = load_corpus(annotations)
    train = load_splits(corpus, splits)["train"]
    assert {"new.s000", "new.s001", "new.s002"} <= {s.id for s in train}
    assignments = read_splits(splits)
    assert all("new.s000" not in {s.id for s in fold_split(corpus, assignments, k)[1]} for k in range(5))
    with pytest.raises(CorpusError, match="exists already"):
        add(exported, "label-studio", "al-batch-1", load_registry(), annotations, splits)


def test_invalid_labels_are_refused_and_nothing_is_written(data_copy, tmp_path):
    annotations, splits = data_copy
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x.s000", "doc_id": "x", "text": "他们恶意攻击我们。",
                               "label": [[0, 8, "ACCUSATION"]], "parties": [["外星人", None]]}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown speaker"):
        add(bad, "doccano", "bad", load_registry(), annotations, splits)
    assert not list(annotations.glob("*bad*")) and not list(annotations.glob(".*"))
