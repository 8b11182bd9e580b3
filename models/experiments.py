"""What ``train.py`` runs: train on the recorded split or cross-validate over the folds,
score beside the cue-word baseline, and write metrics and a model card next to the model."""
from __future__ import annotations

import json
import random
import shutil
import statistics
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Sequence

from corpus.load import annotation_files, load_corpus, load_splits
from corpus.paths import AUTHORED_DIR
from corpus.schema import CorpusError, Sentence, atomic_write_text, read_sentences
from corpus.split import first_documents, group_of, grouped_folds, near_duplicates
from models.evaluation import evaluate_predictions
from models.predictors import Predictor, PredictorSpec
from models.training import TrainConfig, publish, train


def predict_sentences(predictor: Predictor, sentences: Sequence[Sentence], boundary_rules: bool = True) -> list[Sentence]:
    spans = predictor.predict([s.text for s in sentences], boundary_rules=boundary_rules)
    return [Sentence(s.id, s.doc_id, s.text, found, dict(s.extra)) for s, found in zip(sentences, spans)]


def read_extra(paths: Sequence[Path], config: TrainConfig) -> list[Sentence]:
    """Training-only sentences: the team-written set (unless ``config.authored`` is off) and any
    ``--extra-train`` files.  They are never evaluated on."""
    authored = annotation_files(AUTHORED_DIR) if config.authored else []
    return [s for path in [*authored, *paths] for s in read_sentences(path)]


def score(model_dir: Path, sentences: Sequence[Sentence]) -> dict[str, object]:
    """Span scores of the model (with and without boundary rules) and the baseline; party
    accuracy is left to ``evaluate.py``, which attributes whole documents first."""
    tagger = PredictorSpec(str(model_dir)).build()
    systems = {"model": (tagger, True), "model_without_boundary_rules": (tagger, False),
               "baseline": (PredictorSpec().build(), True)}
    return {name: evaluate_predictions(sentences, predict_sentences(p, sentences, rules), attributed=False)
            for name, (p, rules) in systems.items()}


def check_leaks(extra: Sequence[Sentence], held_out: Sequence[Sentence]) -> None:
    """Refuse training sentences that repeat (or nearly repeat) a sentence scored later."""
    leaks = near_duplicates(extra, held_out)
    if leaks:
        s, ref = leaks[0]
        raise CorpusError(s.extra.get("source_file", s.doc_id), None,
                          f"{len(leaks)} training-only sentence(s) repeat held-out ones, e.g. {s.id} {s.text[:30]!r} "
                          f"~ {ref.id}: remove them or they inflate the scores")


def train_and_report(config: TrainConfig, extra_train: Sequence[Path] = ()) -> dict[str, object]:
    splits = load_splits()
    extra = [*first_documents(read_extra([], config), config.authored_limit or None),
             *(s for path in extra_train for s in read_sentences(path))]
    check_leaks(extra, [*splits["dev"], *splits["test"]])
    began = time.perf_counter()
    out = train([*splits["train"], *extra], splits["dev"], config)
    seconds = round(time.perf_counter() - began, 1)
    metrics = {"train_seconds": seconds, "train_sentences": len(splits["train"]) + len(extra),
               "extra_train_sentences": len(extra),
               "dev": score(out, splits["dev"]), "test": score(out, splits["test"])}
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_model_card(out, config, metrics)
    out = publish(out, config.output_dir)
    metrics["summary"] = {
        "model_dir": str(out), "train_seconds": seconds,
        **{f"test_strict_micro_f1_{k}": metrics["test"][k]["strict"]["micro"]["f1"] for k in metrics["test"]},
    }
    return metrics


def cross_validate(config: TrainConfig, folds: int, extra_train: Sequence[Path] = (),
                   authored_limit: int | None = None, only: Sequence[int] | None = None) -> dict[str, object]:
    """K-fold CV that measures generalisation: whole seed documents and whole team-written
    disputes are held out (``corpus.split.grouped_folds``), never a document on both sides.
    Each fold scores the held-out seed sentences and the held-out team-written sentences
    apart.  ``authored_limit`` trains on only that many team-written sentences (whole
    documents, in a fixed shuffled order): the points of a learning curve.  ``only`` runs just
    those folds (same assignment), when a full CV does not fit the time at hand."""
    seeds = load_corpus()
    authored = read_extra([], config)
    extra = [s for path in extra_train for s in read_sentences(path)]
    fold_of = grouped_folds([*seeds, *authored], folds)
    per_fold = []
    for k in (only if only is not None else range(folds)):
        held_seed = [s for s in seeds if fold_of[group_of(s)] == k]
        held_authored = [s for s in authored if fold_of[group_of(s)] == k]
        pool = [*(s for s in seeds if fold_of[group_of(s)] != k),
                *first_documents([s for s in authored if fold_of[group_of(s)] != k], authored_limit)]
        train_rows, dev_rows = _carve_dev(pool, config.seed)
        fold_dir = Path(config.output_dir) / f"fold{k}"
        out = train([*train_rows, *extra], dev_rows, replace(config, output_dir=str(fold_dir)))
        per_fold.append({"fold": k, "seeds": score(out, held_seed) if held_seed else None,
                         "authored": score(out, held_authored) if held_authored else None,
                         "train_sentences": len(train_rows) + len(extra),
                         "held_out": {"seeds": len(held_seed), "authored": len(held_authored)}})
        shutil.rmtree(out, ignore_errors=True)
    report = {"folds": per_fold, "authored_limit": authored_limit,
              "mean_std": {part: summarise([f[part] for f in per_fold if f[part]]) for part in ("seeds", "authored")
                           if any(f[part] for f in per_fold)}}
    Path(config.output_dir).mkdir(parents=True, exist_ok=True)
    atomic_write_text(Path(config.output_dir) / "cv_metrics.json", json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    report["summary"] = {"folds": folds, "config": asdict(config), **report["mean_std"]}
    return report


def _carve_dev(pool: Sequence[Sentence], seed: int, share: float = 0.1) -> tuple[list[Sentence], list[Sentence]]:
    """Hold about ``share`` of the training data back to choose the epoch (never the test fold):
    whole disputes and documents where there are enough of them, else sentences."""
    groups = list(dict.fromkeys(group_of(s) for s in pool))
    rng = random.Random(seed)
    if len(groups) < 10:  # two seed documents: holding one back would halve the training data
        held = set(rng.sample(range(len(pool)), max(1, round(share * len(pool)))))
        return [s for i, s in enumerate(pool) if i not in held], [s for i, s in enumerate(pool) if i in held]
    rng.shuffle(groups)
    dev_groups = set(groups[:max(1, round(share * len(groups)))])
    return [s for s in pool if group_of(s) not in dev_groups], [s for s in pool if group_of(s) in dev_groups]


def summarise(per_fold: Sequence[dict]) -> dict[str, dict[str, str]]:
    """mean ± std over folds of strict micro, lenient and per-label strict F1."""
    out: dict[str, dict[str, str]] = {}
    for system in per_fold[0]:
        rows = {
            "strict_micro_f1": [f[system]["strict"]["micro"]["f1"] for f in per_fold],
            "strict_macro_f1": [f[system]["strict"]["macro"]["f1"] for f in per_fold],
            "lenient_micro_f1": [f[system]["lenient"]["ALL"]["f1"] for f in per_fold],
            "lenient_one_to_one_f1": [f[system]["lenient_one_to_one"]["ALL"]["f1"] for f in per_fold],
            **{f"strict_f1_{label}": [f[system]["strict"][label]["f1"] for f in per_fold]
               for label in ("CLAIM", "ACCUSATION", "APOLOGY", "DENIAL")},
            **{f"sentence_f1_{label}": [f[system]["sentence"][label]["f1"] for f in per_fold]
               for label in ("CLAIM", "ACCUSATION", "APOLOGY", "DENIAL")},
        }
        out[system] = {k: f"{statistics.fmean(v):.3f} ± {statistics.pstdev(v):.3f}" for k, v in rows.items()}
    return out


def write_model_card(out: Path, config: TrainConfig, metrics: dict) -> None:
    config = TrainConfig(**{k: v for k, v in json.loads((out / "train_config.json").read_text()).items()
                            if k in TrainConfig.__dataclass_fields__})  # as trained: epochs resolved
    test = metrics["test"]
    lines = [
        "---", "language: zh", "pipeline_tag: token-classification", "tags: [argument-mining, chinese, iob2]", "---",
        "# Chinese argument-act tagger", "",
        "Tags CLAIM, ACCUSATION, APOLOGY and DENIAL spans (IOB2 over characters) in Chinese dispute texts,",
        "following the project's ANNOTATION_SPEC.md and data/GUIDELINES.md.", "",
        "## Training", f"- base model: `{config.base_model}`; seed {config.seed}; up to {config.epochs} epochs, "
        f"early stopping on dev span F1 (patience {config.patience}); lr {config.learning_rate}.",
        f"- data: {metrics['train_sentences']} training sentences: the train split of the hand-labelled seed corpus"
        f" plus {metrics['extra_train_sentences']} training-only sentences (team-written set, extra files); "
        f"{metrics['train_seconds']} s.", "",
        "## Test-split scores (held out, never trained on)", "",
        "| system | strict micro P | R | F1 | strict macro F1 | lenient F1 |", "|---|---|---|---|---|---|",
    ]
    for name, result in test.items():
        s = result["strict"]
        lines.append(f"| {name} | {s['micro']['precision']:.3f} | {s['micro']['recall']:.3f} | {s['micro']['f1']:.3f} | "
                     f"{s['macro']['f1']:.3f} | {result['lenient']['ALL']['f1']:.3f} |")
    lines += ["", "Per label (strict F1, model): " + ", ".join(
        f"{label} {test['model']['strict'][label]['f1']:.3f} (n={test['model']['strict'][label]['support']})"
        for label in ("CLAIM", "ACCUSATION", "APOLOGY", "DENIAL")), "",
        "## Limits",
        "- Trained on the seed documents of one 2010 dispute plus thousands of team-written sentences about",
        "  fictional disputes: real documents of other disputes differ in style; see the README's grouped",
        "  cross-validation for scores on unseen documents and disputes.",
        "- The test split holds ~60 seed sentences: read scores with the cross-validation spread (`python train.py --cv 3`).",
        "- Speaker and target are not predicted by this model; the batch pipeline attributes them.", ""]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")
