"""End to end: seeds plus a folder of bad inputs, exit status, outputs, resume after kill -9."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.parties import load_registry
from corpus.paths import DATA_DIR
from models.baseline import LexiconBaseline
from pipeline.__main__ import main
from pipeline.attribution import Attributor
from pipeline.records import InputDocument
from pipeline.run import EXIT_OK, EXIT_SOME_FAILED, SENTENCES_PER_CALL, Progress, Settings, process_chunk

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((DATA_DIR / "raw").glob("*.txt"))


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    bad = folder / "odd"
    bad.mkdir()
    (bad / "gbk.txt").write_bytes("腾讯表示，360的说法不实。我们对此深表歉意。".encode("gbk"))
    (bad / "big5.txt").write_bytes("騰訊聲明：360惡意竊取用戶隱私。360否認存在後門程序，稱說法不實。".encode("big5"))
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (bad / "oneline.txt").write_text("字" * 1_000_000, encoding="utf-8")
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    return folder


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_good_inputs_give_results_bad_ones_error_records(mixed_inputs, tmp_path):
    out = tmp_path / "out"
    status = main(["tag", str(mixed_inputs), "--baseline", "lexicon", "--out", str(out), "--quiet"])
    assert status == EXIT_SOME_FAILED
    errors = {Path(e["source"]).name: e["error"] for e in _lines(out / "errors.jsonl")}
    assert set(errors) == {"empty.txt", "binary.bin", "oneline.txt"}
    assert errors["empty.txt"] == "empty file" and errors["binary.bin"] == "binary file"
    assert "without sentence punctuation" in errors["oneline.txt"]
    documents = {d["doc_id"]: d for d in _lines(out / "documents.jsonl")}
    assert set(documents) == {"gbk", "big5", *(s.stem for s in SEEDS)}
    assert documents["big5"]["traditional"] and not documents["gbk"]["traditional"]
    sentences = _lines(out / "spans.jsonl")
    big5 = [s for s in sentences if s["doc_id"] == "big5"]
    assert big5[0]["text"].startswith("騰訊聲明") and any(sp["label"] == "DENIAL" for s in big5 for sp in s["spans"])
    for s in sentences:
        for span in s["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(s["text"]) and span["speaker"]
    text = (ROOT / "data/raw/qq-letter-2.txt").read_text(encoding="utf-8")
    for s in (s for s in sentences if s["doc_id"] == "qq-letter-2"):
        assert text[s["doc_start"]:s["doc_start"] + len(s["text"])] == s["text"]
    parties = json.loads((out / "parties.json").read_text(encoding="utf-8"))
    assert "腾讯" in parties["parties"] and (out / "report.html").stat().st_size > 0


def test_all_good_inputs_exit_zero(tmp_path):
    status = main(["tag", *map(str, SEEDS), "--baseline", "lexicon", "--out", str(tmp_path / "o"), "--quiet"])
    assert status == EXIT_OK and _lines(tmp_path / "o" / "errors.jsonl") == []


def test_missing_input_is_an_error_record(tmp_path):
    status = main(["tag", str(tmp_path / "nope.txt"), str(SEEDS[0]), "--baseline", "lexicon",
                   "--out", str(tmp_path / "o"), "--quiet"])
    assert status == EXIT_SOME_FAILED
    assert _lines(tmp_path / "o" / "errors.jsonl")[0]["error"] == "no such file, folder or matching glob"


def test_jsonl_documents_and_duplicate_names(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"id": "d1", "text": "腾讯公司向用户道歉。", "author": "腾讯"}, ensure_ascii=False) + "\n"
                    + "{broken\n" + json.dumps({"id": "d1", "text": "360否认。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["tag", str(docs), "--baseline", "lexicon", "--out", str(out), "--quiet"]) == EXIT_SOME_FAILED
    assert [d["doc_id"] for d in _lines(out / "documents.jsonl")] == ["d1", "d1~2"]
    assert _lines(out / "errors.jsonl")[0]["line"] == 2


def test_resume_after_kill_9_loses_and_duplicates_nothing(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(240):
        shutil.copy(SEEDS[i % 3], folder / f"doc{i:03d}.txt")
    command = [sys.executable, "-m", "pipeline", "tag", str(folder), "--baseline", "lexicon",
               "--batch-documents", "4", "--quiet"]
    clean = tmp_path / "clean"
    subprocess.run([*command, "--out", str(clean)], cwd=ROOT, check=True, capture_output=True)
    killed = tmp_path / "killed"
    process = subprocess.Popen([*command, "--out", str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = killed / ".work" / "state.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not state.exists() or len(state.read_text().splitlines()) < 5):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert not (killed / "spans.jsonl").exists(), "the run finished before it could be killed"
    subprocess.run([*command, "--out", str(killed), "--resume"], cwd=ROOT, check=True, capture_output=True)
    for name in ("spans.jsonl", "documents.jsonl", "errors.jsonl", "parties.json", "spans.csv", "parties.csv",
                 "parties.graphml"):
        assert (killed / name).read_text(encoding="utf-8") == (clean / name).read_text(encoding="utf-8"), name


def test_results_are_never_overwritten_silently_and_empty_input_is_an_error(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(out), "--quiet"]) == EXIT_OK
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(out), "--quiet"]) == 2
    assert "already holds results" in capsys.readouterr().err
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(out), "--quiet", "--overwrite"]) == EXIT_OK
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert main(["tag", str(empty), "--baseline", "lexicon", "--out", str(tmp_path / "o2"), "--quiet"]) == 2
    assert "no input files" in capsys.readouterr().err
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(SEEDS[0]), "--quiet"]) == 2


def test_output_inside_the_input_folder_is_not_read_back(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SEEDS[0], folder / SEEDS[0].name)
    assert main(["tag", str(folder), "--baseline", "lexicon", "--out", str(folder / "results"), "--quiet"]) == EXIT_OK
    assert main(["tag", str(folder), "--baseline", "lexicon", "--out", str(folder / "results"), "--quiet",
                 "--overwrite"]) == EXIT_OK
    assert len(_lines(folder / "results" / "documents.jsonl")) == 1


def test_same_inputs_give_byte_identical_outputs_under_different_hash_seeds(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "pipeline", "tag", *map(str, SEEDS), "--baseline", "lexicon",
                        "--out", str(out), "--quiet"], cwd=ROOT, env=env, check=True, capture_output=True)
        outputs.append({name: (out / name).read_bytes() for name in ("spans.jsonl", "parties.json", "parties.discovered.json",
                                                                     "spans.csv", "spans.parquet", "parties.csv",
                                                                     "parties.graphml")})
    assert outputs[0] == outputs[1]


def test_run_json_records_settings_and_resume_refuses_other_settings(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(out), "--quiet", "--no-discover"]) == EXIT_OK
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["discover"] is False and manifest["summary"]["documents"] == 1
    assert manifest["settings"]["ranker"] == "learned"
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(out), "--quiet", "--resume",
                 "--no-discover", "--ranker", "rules"]) == 2
    assert "other settings" in capsys.readouterr().err
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(out), "--quiet", "--resume"]) == 2
    assert "other settings" in capsys.readouterr().err
    assert main(["tag", str(SEEDS[0]), "--baseline", "lexicon", "--out", str(out), "--quiet", "--resume",
                 "--no-discover"]) == EXIT_OK


def test_progress_bar_shows_the_total_and_the_final_count_and_quiet_hides_it(tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "d1", "text": "腾讯公司向用户道歉。"}\n\n{broken\n{"id": "d2", "text": "360否认。"}\n',
                    encoding="utf-8")
    inputs = [str(docs), *map(str, SEEDS)]
    total = 3 + len(SEEDS)  # two documents and an error record, and one document per seed
    assert main(["tag", *inputs, "--baseline", "lexicon", "--out", str(tmp_path / "o"),
                 "--batch-documents", "2"]) == EXIT_SOME_FAILED
    bars = [line for line in capsys.readouterr().err.replace("\r", "\n").splitlines() if "doc/s" in line]
    assert f" 0/{total} " in bars[0] and f" {total}/{total} " in bars[-1] and "1 errors" in bars[-1]
    assert main(["tag", *inputs, "--baseline", "lexicon", "--out", str(tmp_path / "q"), "--quiet"]) == EXIT_SOME_FAILED
    assert f"/{total}" not in capsys.readouterr().err


def test_a_long_document_reports_its_sentences_while_it_is_tagged(capsys):
    text = "腾讯表示，相关说法不实。" * 600
    parts = []
    [result] = process_chunk([InputDocument("long", text, "long.txt")], LexiconBaseline(), Attributor(load_registry()),
                             Settings(), parts.append)
    assert parts == [SENTENCES_PER_CALL, SENTENCES_PER_CALL, 600 - 2 * SENTENCES_PER_CALL]
    assert len(result.records["spans"]) == 600 and result.records["documents"][0]["sentences"] == 600
    with Progress(total=3, done=1, enabled=True) as bar:
        bar.shown -= 1  # the last redraw was a while ago
        bar.tagged(SENTENCES_PER_CALL)
        err = capsys.readouterr().err
    assert "1/3 " in err and f"{SENTENCES_PER_CALL} sentences" in err
