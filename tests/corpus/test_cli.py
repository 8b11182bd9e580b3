from corpus.__main__ import main


def test_validate_and_stats_on_shipped_data(capsys):
    assert main(["validate"]) == 0
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert "0 problems" in out and "spans per label:" in out and "DENIAL" in out


def test_validate_exits_non_zero_on_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    assert main(["validate", str(bad)]) == 1
    assert f"{bad}:1:" in capsys.readouterr().err


def test_export_then_import_round_trip(tmp_path):
    out = tmp_path / "c.conll"
    assert main(["export", "conll", "--out", str(out)]) == 0
    assert main(["import", "conll", str(out), "--out", str(tmp_path / "back.jsonl")]) == 0
    assert main(["validate", str(tmp_path / "back.jsonl")]) == 0
