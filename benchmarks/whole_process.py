"""What a user waits for: whole-process runs, start-up to the last file written.

    python benchmarks/whole_process.py --reference outputs/tagger-full --model outputs/tagger \
        [--sentences 3000] [--long-documents 100] [--output outputs/whole_process.json]

Two input shapes are built from the corpus sentences (seeds and team-written set, Simplified):
``short``, N one-sentence documents in one JSONL file, and ``long``, the same N sentences as
``--long-documents`` plain-text files.  Each run is a fresh child process, timed from its start
to its exit, with its own peak RSS:

  reference   ``transformers.pipeline("token-classification", model=REFERENCE,
              aggregation_strategy="simple")`` reading the texts and writing one JSON line each
              (the plain library path, on the full-size 12-layer tagger);
  pipeline    ``python -m pipeline tag INPUT --model MODEL --out DIR --quiet``: reading,
              segmenting, tagging, attribution, party discovery, aggregation and report.

Not a test: timings depend on the machine; the README records them with the number of cores.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tagging_speed import corpus_texts  # the sibling benchmark: sys.path and the realistic inputs

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_SCRIPT = """
import json, sys
from transformers import pipeline
tag = pipeline("token-classification", model=sys.argv[1], aggregation_strategy="simple", device="cpu")
texts = [json.loads(line)["text"] for line in open(sys.argv[2], encoding="utf-8")]
with open(sys.argv[3], "w", encoding="utf-8") as out:
    for text, groups in zip(texts, tag(texts, batch_size=8)):
        out.write(json.dumps([[g["start"], g["end"], g["entity_group"]] for g in groups]) + "\\n")
"""


def write_inputs(texts: list[str], n: int, documents: int, folder: Path) -> dict[str, Path]:
    chosen = [texts[i % len(texts)] for i in range(n)]
    short = folder / "short.jsonl"
    short.write_text("".join(json.dumps({"id": f"s{i:06d}", "text": t}, ensure_ascii=False) + "\n"
                             for i, t in enumerate(chosen)), encoding="utf-8")
    long_dir = folder / "long"
    long_dir.mkdir()
    per = -(-n // documents)
    for d in range(documents):
        (long_dir / f"doc{d:04d}.txt").write_text("\n".join(chosen[d * per:(d + 1) * per]) + "\n", encoding="utf-8")
    return {"short": short, "long": long_dir}


def timed(command: list[str]) -> dict[str, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    began = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    if status:
        raise RuntimeError(f"{' '.join(command[:4])}... failed: {child.stderr.read().decode()[-2000:]}")
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", type=Path, required=True, help="full-size tagger for transformers.pipeline")
    parser.add_argument("--model", type=Path, required=True, help="the model python -m pipeline tag uses")
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--long-documents", type=int, default=100)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = write_inputs(corpus_texts(min_chars=5), args.sentences, args.long_documents, folder)
        script = folder / "reference.py"
        script.write_text(REFERENCE_SCRIPT, encoding="utf-8")
        reference = timed([sys.executable, str(script), str(args.reference), str(inputs["short"]), str(folder / "ref.jsonl")])
        rows.append({"system": "transformers.pipeline (reference)", "shape": "any", **reference})
        for shape, path in inputs.items():
            run = timed([sys.executable, "-m", "pipeline", "tag", str(path), "--model", str(args.model),
                         "--out", str(folder / f"out-{shape}"), "--quiet"])
            rows.append({"system": "python -m pipeline tag", "shape": shape, **run,
                         "speedup": round(reference["seconds"] / run["seconds"], 2)})
    for row in rows:
        row["sentences_per_s"] = round(args.sentences / row["seconds"], 1)
    report = {"sentences": args.sentences, "long_documents": args.long_documents, "cpus": os.cpu_count(),
              "reference": str(args.reference), "model": str(args.model), "rows": rows}
    print(json.dumps(report, indent=1))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
