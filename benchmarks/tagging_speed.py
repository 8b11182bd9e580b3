"""Tagging throughput: the plain transformers pipeline against the project's tagger.

    python benchmarks/tagging_speed.py --model outputs/tagger --sizes 1000 10000 100000

For every size N the corpus sentences are replicated to N sentences and each system tags
them in a fresh child process (so peak RSS is its own):
  (a) transformers.pipeline("token-classification", model=DIR, aggregation_strategy="simple"),
      fed the sentences with its own batching (batch_size 32);
  (b) models.tagger.Tagger (length-sorted batches, inference_mode, windows), optionally with
      dynamic int8 quantization (--int8).
It prints sentences/s, characters/s, peak RSS and the ratio b/a, and checks that both give
the same per-character labels (argmax of the same model), reporting any difference.
Not a test: timings depend on the machine; the README records the figures and the cores.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def sentences(n: int) -> list[str]:
    from corpus.load import load_corpus

    texts = [s.text for s in load_corpus()]
    return [texts[i % len(texts)] for i in range(n)]


def run_system(system: str, model: str, n: int, int8: bool) -> dict:
    """Runs in a child process: tag n sentences, return timing, peak RSS and per-character labels."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    texts = sentences(n)
    began = time.perf_counter()
    if system == "pipeline":
        from transformers import pipeline

        tagger = pipeline("token-classification", model=model, aggregation_strategy="simple", device=-1)
        out = tagger(texts, batch_size=32)
        labels = [[(g["start"], g["end"], g["entity_group"]) for g in groups] for groups in out]
    else:
        from models.tagger import Tagger

        tagger = Tagger(model)
        if int8:
            tagger.model = torch.ao.quantization.quantize_dynamic(tagger.model, {torch.nn.Linear}, dtype=torch.qint8)
        labels = []
        for text, probs in zip(texts, tagger.char_probabilities(texts)):
            tags = [tagger.labels[i] for i in probs.argmax(axis=1)]
            for i in range(1, len(text)):  # characters inside a multi-character token (360, QQ) follow it
                if probs[i].sum() == 0 and not text[i].isspace():
                    tags[i] = tags[i - 1]
            labels.append([(i, i + 1, t.split("-")[-1]) for i, t in enumerate(tags) if t != "O"])
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"system": system, "n": n, "seconds": seconds, "sentences_per_s": n / seconds,
            "chars_per_s": sum(map(len, texts)) / seconds, "peak_rss_mb": peak_mb,
            "labelled_chars": _chars(labels[: min(n, 2000)])}


def _chars(groups: list[list[tuple[int, int, str]]]) -> list[list[str]]:
    """Which label each character got (entity groups expanded), for the equality check."""
    return [sorted(f"{i}:{label}" for start, end, label in g for i in range(start, end)) for g in groups]


def child(args: list[str]) -> dict:
    result = subprocess.run([sys.executable, __file__, "--model", args[1], "--child", *args],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--int8", action="store_true", help="also time the dynamically quantized tagger")
    parser.add_argument("--child", nargs=4, metavar=("SYSTEM", "MODEL", "N", "INT8"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        system, model, n, int8 = args.child
        print(json.dumps(run_system(system, model, int(n), int8 == "1")))
        return
    print(f"machine: {os.cpu_count()} cores; model: {args.model}")
    print(f"{'N':>7} {'system':<10} {'sent/s':>8} {'chars/s':>9} {'peak RSS MB':>11} {'b/a':>6}  same labels")
    for n in args.sizes:
        a = child(["pipeline", args.model, str(n), "0"])
        systems = [("tagger", "0")] + ([("tagger-int8", "1")] if args.int8 else [])
        print(f"{n:>7} {'pipeline':<10} {a['sentences_per_s']:8.1f} {a['chars_per_s']:9.0f} {a['peak_rss_mb']:11.0f}")
        for name, int8 in systems:
            b = child(["tagger", args.model, str(n), int8])
            differing = sum(x != y for x, y in zip(a["labelled_chars"], b["labelled_chars"]))
            checked = len(a["labelled_chars"])
            same = "yes" if not differing else f"{differing} of {checked} sentences differ"
            print(f"{n:>7} {name:<10} {b['sentences_per_s']:8.1f} {b['chars_per_s']:9.0f} {b['peak_rss_mb']:11.0f} "
                  f"{b['sentences_per_s'] / a['sentences_per_s']:6.2f}  {same}")


if __name__ == "__main__":
    main()
