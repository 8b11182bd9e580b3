"""``--engine ray`` on a local Ray instance: the same outputs as the local engine, file for file."""
import json
import shutil

import pytest

from corpus.paths import DATA_DIR
from pipeline.__main__ import main
from pipeline.ray_engine import item_from_json, item_to_json
from pipeline.records import InputDocument, InputError
from pipeline.run import EXIT_SOME_FAILED

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shards")
    for seed in sorted((DATA_DIR / "raw").glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    shard = [{"id": "qq-letter-2", "text": "腾讯表示，360的说法不实。我们对此深表歉意。", "author": "腾讯"},
             {"id": "s2", "text": "360否认存在后门程序，称相关说法纯属捏造。"}]
    (folder / "part-0.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in shard) + "\n{oops\n",
                                         encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_ray_engine_writes_what_the_local_engine_writes(inputs, tiny_tagger, local_ray, tmp_path):
    outputs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        status = main(["tag", str(inputs), str(inputs / "missing*.txt"), "--model", tiny_tagger,
                       "--out", str(out), "--engine", engine, "--actors", "2", "--batch-documents", "2", "--quiet"])
        assert status == EXIT_SOME_FAILED
        outputs[engine] = {name: (out / name).read_text(encoding="utf-8")
                           for name in ("spans.jsonl", "documents.jsonl", "errors.jsonl", "parties.json")}
    assert outputs["ray"] == outputs["local"]
    documents = [json.loads(line) for line in outputs["ray"]["documents.jsonl"].splitlines()]
    assert sorted(d["doc_id"] for d in documents) == ["qq-letter-2", "qq-letter-2~2", "qq-outage-commentary",
                                                      "qq360-mediation-news", "s2"]
    errors = [json.loads(line) for line in outputs["ray"]["errors.jsonl"].splitlines()]
    assert sorted((e["source"].rsplit("/", 1)[-1], e["line"]) for e in errors) == [
        ("empty.txt", None), ("missing*.txt", None), ("part-0.jsonl", 3)]
    assert list((tmp_path / "ray" / ".work" / "shards").glob("*.json"))


def test_reading_flags_travel_to_the_ray_workers(local_ray, tmp_path):
    table = tmp_path / "in" / "posts.csv"
    table.parent.mkdir()
    table.write_text("post,body\np1,腾讯表示，360的说法不实。\np2,360否认存在后门程序。\n", encoding="utf-8")
    outputs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        status = main(["tag", str(table), "--baseline", "lexicon", "--text-field", "body", "--id-field", "post",
                       "--out", str(out), "--engine", engine, "--quiet"])
        assert status == 0
        outputs[engine] = (out / "spans.jsonl").read_text(encoding="utf-8")
    assert outputs["ray"] == outputs["local"]
    assert [json.loads(line)["doc_id"] for line in outputs["ray"].splitlines()] == ["p1", "p2"]


def test_resume_is_refused_with_ray(inputs, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["tag", str(inputs), "--baseline", "lexicon", "--out", str(tmp_path), "--engine", "ray", "--resume"])
    assert exit_info.value.code == 2 and "--resume works with the local engine" in capsys.readouterr().err


def test_items_travel_as_json():
    for item in (InputDocument("d", "文本。", "a.jsonl", 3, {"author": "腾讯"}), InputError("b.txt", "empty file")):
        assert item_from_json(item_to_json(item)) == item
