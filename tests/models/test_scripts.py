"""The entry scripts: one-line errors and real reports."""
import json

import pytest

import evaluate
import train


def test_evaluate_baseline_on_test_split(tmp_path, capsys):
    out = tmp_path / "report.json"
    preds = tmp_path / "pred.jsonl"
    assert evaluate.main(["--baseline", "lexicon", "--output", str(out), "--predictions", str(preds),
                          "--errors", str(tmp_path / "err.jsonl"), "--confusion", str(tmp_path / "c.png")]) == 0
    report = json.loads(out.read_text())
    assert report["sentences"] == len(preds.read_text().splitlines()) and 0 < report["strict"]["micro"]["f1"] < 1
    assert "micro" in capsys.readouterr().out and (tmp_path / "c.png").stat().st_size > 0


def test_evaluate_unknown_label_names_file_and_line(tmp_path, capsys):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"id": "a", "doc_id": "a", "text": "好。", "spans": []}\n'
                    '{"id": "b", "doc_id": "a", "text": "好。", "spans": [{"start": 0, "end": 1, "label": "THREAT"}]}\n',
                    encoding="utf-8")
    assert evaluate.main(["--baseline", "lexicon", "--data", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"{data}:2: unknown label 'THREAT'" in err and "Traceback" not in err


def test_evaluate_missing_model_dir(tmp_path, capsys):
    assert evaluate.main(["--model", str(tmp_path / "none")]) == 2
    assert "not a trained model directory" in capsys.readouterr().err


def test_train_unreachable_base_model(tmp_path, capsys):
    assert train.main(["--base-model", str(tmp_path / "missing"), "--output-dir", str(tmp_path / "o")]) == 2
    assert "cannot load base model" in capsys.readouterr().err


def test_train_config_file_and_flags(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"epochs": 3, "learning_rate": 0.001}))
    config, _ = train.parse_args(["--config", str(cfg), "--epochs", "5", "--no-freeze-embeddings"])
    assert (config.epochs, config.learning_rate, config.freeze_embeddings) == (5, 0.001, False)


def test_train_refuses_a_non_empty_output_dir_and_a_bad_fold_count(tmp_path, capsys):
    out = tmp_path / "model"
    out.mkdir()
    (out / "keep.txt").write_text("earlier results")
    assert train.main(["--output-dir", str(out)]) == 2
    assert "--overwrite-output-dir" in capsys.readouterr().err and (out / "keep.txt").exists()
    with pytest.raises(SystemExit):
        train.parse_args(["--cv", "1"])
    assert "--cv 1" in capsys.readouterr().err


def test_cross_validation_writes_to_its_own_directory():
    config, _ = train.parse_args(["--cv", "3"])
    assert config.output_dir == "outputs/cv"
