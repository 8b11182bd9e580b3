"""Tagging throughput: the plain transformers pipeline against the project's tagger.

    python benchmarks/tagging_speed.py --model outputs/tagger --sizes 1000 10000 100000

For every size N the corpus sentences (the labelled seeds and the team-written set, 871
texts, converted to Simplified script once so both systems read identical strings) are
replicated to N sentences, and each system tags them in a fresh child process, so the
peak RSS it reports is its own:
  pipeline     transformers.pipeline("token-classification", model=DIR,
               aggregation_strategy="simple") fed the sentences as a stream with its own
               batching (--pipeline-batch-size; 8 was its fastest of 1, 8 and 32 here);
  tagger       models.tagger.Tagger: length-sorted batches under a token budget,
               inference_mode, windows; fed 4096 sentences at a time;
  tagger-bf16  the same in bf16, close calls redone in fp32;
  tagger-int8  the same with dynamically quantized int8 linear layers.
Both read a generator and write one line per sentence to a file, so neither holds the
corpus.  The script prints sentences/s, characters/s, peak RSS and the ratio to the
pipeline (model loading is timed apart, as "load s"), and compares every sentence's per-character labels (the argmax of the same
model, B-/I- folded into the type as the pipeline's "simple" groups do) with the
pipeline's, reporting how many sentences differ.  Not a test: timings depend on the
machine; the README records figures with the number of cores.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice, tee
from pathlib import Path
from typing import Callable, Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.threads import available_cpus  # noqa: E402  (after the path line, as a script)

SYSTEMS = ("pipeline", "tagger", "tagger-bf16", "tagger-int8")
PRECISION = {"tagger": "fp32", "tagger-bf16": "bf16", "tagger-int8": "int8"}


def corpus_texts(min_chars: int = 1) -> list[str]:
    """Every labelled sentence (seeds and team-written) in simplified script: realistic inputs."""
    from corpus.load import load_authored, load_corpus
    from corpus.script import to_simplified

    return [to_simplified(s.text) for s in load_corpus() + load_authored() if len(s.text) >= min_chars]


def replicated(texts: list[str], n: int) -> Iterator[str]:
    return (texts[i % len(texts)] for i in range(n))


def character_labels(text: str, groups: Iterable[tuple[int, int, str]]) -> list[str]:
    """``position:TYPE`` for every non-blank character inside a group, the form both systems are compared in."""
    return sorted({f"{i}:{label}" for start, end, label in groups for i in range(start, end) if not text[i].isspace()})


def load_system(system: str, model: str, batch_size: int) -> Callable[[Iterable[str]], Iterator[list[str]]]:
    """Load the model (untimed) and return what tags a stream of texts into character labels."""
    if system == "pipeline":
        from transformers import pipeline

        tagger = pipeline("token-classification", model=model, aggregation_strategy="simple", device=-1)

        def tag(texts: Iterable[str]) -> Iterator[list[str]]:
            texts, again = tee(texts)
            for text, groups in zip(again, tagger((t for t in texts), batch_size=batch_size)):
                yield character_labels(text, [(g["start"], g["end"], g["entity_group"]) for g in groups])

        return tag

    from models.tagger import Tagger

    tagger = Tagger(model, precision=PRECISION[system])

    def tag(texts: Iterable[str], window: int = 4096) -> Iterator[list[str]]:
        texts = iter(texts)
        while chunk := list(islice(texts, window)):
            for text, probs in zip(chunk, tagger.char_probabilities(chunk)):
                labels = [tagger.labels[k].split("-")[-1] for k in probs.argmax(axis=1)]
                for i in range(1, len(text)):  # characters inside a multi-character token (360, QQ) follow it
                    if probs[i].sum() == 0:
                        labels[i] = labels[i - 1]
                yield character_labels(text, [(i, i + 1, label) for i, label in enumerate(labels) if label != "O"])

    return tag


def run_system(system: str, model: str, n: int, out: Path, batch_size: int) -> dict:
    """Runs in a child process: tag n sentences, write their labels to ``out``, return timings and peak RSS."""
    import torch

    torch.set_num_threads(available_cpus())
    texts = corpus_texts()
    chars = sum(len(t) for t in replicated(texts, n))
    began = time.perf_counter()
    tag = load_system(system, model, batch_size)
    loaded = time.perf_counter()
    with open(out, "w", encoding="utf-8") as handle:
        for labels in tag(replicated(texts, n)):
            handle.write(json.dumps(labels, ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - loaded
    return {"system": system, "n": n, "load_s": loaded - began, "seconds": seconds, "sentences_per_s": n / seconds,
            "chars_per_s": chars / seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child(system: str, model: str, n: int, out: Path, batch_size: int) -> dict:
    command = [sys.executable, __file__, "--model", model, "--pipeline-batch-size", str(batch_size),
               "--child", system, str(n), str(out)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{system} at {n} sentences failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def differing(a: Path, b: Path) -> int:
    with open(a, encoding="utf-8") as left, open(b, encoding="utf-8") as right:
        return sum(x != y for x, y in zip(left, right))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="a model directory written by train.py")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=["pipeline", "tagger", "tagger-bf16"])
    parser.add_argument("--pipeline-batch-size", type=int, default=8)
    parser.add_argument("--child", nargs=3, metavar=("SYSTEM", "N", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        system, n, out = args.child
        print(json.dumps(run_system(system, args.model, int(n), Path(out), args.pipeline_batch_size)))
        return
    print(f"machine: {available_cpus()} cores; model: {args.model}; "
          f"pipeline batch size {args.pipeline_batch_size}")
    print(f"{'N':>7} {'system':<12} {'load s':>6} {'sent/s':>8} {'chars/s':>9} {'peak RSS MB':>11} {'x pipeline':>10}  labels")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            reference = None
            for system in args.systems:
                out = Path(tmp) / f"{system}-{n}.jsonl"
                result = child(system, args.model, n, out, args.pipeline_batch_size)
                ratio, same = "", ""
                if system == "pipeline":
                    reference = result
                elif reference:
                    ratio = f"{result['sentences_per_s'] / reference['sentences_per_s']:.2f}"
                    changed = differing(Path(tmp) / f"pipeline-{n}.jsonl", out)
                    same = "same as pipeline" if not changed else f"{changed} of {n} sentences differ"
                print(f"{n:>7} {system:<12} {result['load_s']:6.1f} {result['sentences_per_s']:8.1f} {result['chars_per_s']:9.0f} "
                      f"{result['peak_rss_mb']:11.0f} {ratio:>10}  {same}", flush=True)


if __name__ == "__main__":
    main()
