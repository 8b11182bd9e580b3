"""The speed benchmark runs end to end on a tiny model (its figures are not checked: timings are no test)."""
import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "tagging_speed.py"


def test_benchmark_prints_a_row_per_system_with_a_label_comparison(tiny_tagger):
    result = subprocess.run([sys.executable, str(SCRIPT), "--model", tiny_tagger, "--sizes", "12",
                             "--systems", "pipeline", "tagger", "tagger-bf16"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines() if re.match(r"\s+12 ", line)]
    assert [row[1] for row in rows] == ["pipeline", "tagger", "tagger-bf16"]
    for row in rows[1:]:
        assert float(row[3]) > 0 and float(row[6]) > 0  # sentences/s and the ratio to the pipeline
        assert " ".join(row[7:]) == "same as pipeline" or re.fullmatch(r"\d+ of 12 sentences differ", " ".join(row[7:]))
