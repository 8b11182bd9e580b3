"""What ``train.py`` runs: train on the recorded split or cross-validate over the folds,
score beside the cue-word baseline, and write metrics and a model card next to the model."""
from __future__ import annotations

import json
import shutil
import statistics
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Callable, Sequence

from corpus.load import load_corpus, load_splits
from corpus.paths import AUTHORED_DIR
from corpus.schema import Sentence, read_sentences
from corpus.split import fold_split, read_splits
from models.baseline import LexiconBaseline
from models.evaluation import evaluate_predictions
from models.tagger import Tagger
from models.training import TrainConfig, train

PREDICTORS: dict[str, Callable[..., object]] = {
    "model": lambda model_dir, precision="fp32": Tagger(model_dir, precision=precision),
    "lexicon": lambda _model_dir, precision="fp32": LexiconBaseline(),
}


def predict_sentences(predictor, sentences: Sequence[Sentence], boundary_rules: bool = True) -> list[Sentence]:
    spans = predictor.predict([s.text for s in sentences], boundary_rules=boundary_rules)
    return [Sentence(s.id, s.doc_id, s.text, found, dict(s.extra)) for s, found in zip(sentences, spans)]


def read_extra(paths: Sequence[Path], config: TrainConfig) -> list[Sentence]:
    """Training-only sentences: the team-written set (unless ``config.authored`` is off) and any
    ``--extra-train`` files.  They are never evaluated on."""
    authored = sorted(AUTHORED_DIR.glob("*.jsonl")) if config.authored else []
    return [s for path in [*authored, *paths] for s in read_sentences(path)]


def score(model_dir: Path, sentences: Sequence[Sentence]) -> dict[str, object]:
    tagger = Tagger(model_dir)
    return {
        "model": evaluate_predictions(sentences, predict_sentences(tagger, sentences)),
        "model_without_boundary_rules": evaluate_predictions(sentences, predict_sentences(tagger, sentences, False)),
        "baseline": evaluate_predictions(sentences, predict_sentences(LexiconBaseline(), sentences)),
    }


def train_and_report(config: TrainConfig, extra_train: Sequence[Path] = ()) -> dict[str, object]:
    splits = load_splits()
    extra = read_extra(extra_train, config)
    began = time.perf_counter()
    out = train([*splits["train"], *extra], splits["dev"], config)
    seconds = round(time.perf_counter() - began, 1)
    metrics = {"train_seconds": seconds, "train_sentences": len(splits["train"]) + len(extra),
               "extra_train_sentences": len(extra),
               "dev": score(out, splits["dev"]), "test": score(out, splits["test"])}
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_model_card(out, config, metrics)
    metrics["summary"] = {
        "model_dir": str(out), "train_seconds": seconds,
        **{f"test_strict_micro_f1_{k}": metrics["test"][k]["strict"]["micro"]["f1"] for k in metrics["test"]},
    }
    return metrics


def cross_validate(config: TrainConfig, folds: int, extra_train: Sequence[Path] = ()) -> dict[str, object]:
    """K-fold CV over the recorded folds: fold k is held out, fold k+1 selects the epoch."""
    sentences = load_corpus()
    assignments = read_splits()
    recorded = len({a["fold"] for a in assignments.values()})
    if folds != recorded:
        raise ValueError(f"--cv {folds}, but data/splits.json records {recorded} folds")
    extra = read_extra(extra_train, config)
    per_fold = []
    for k in range(folds):
        rest, held = fold_split(sentences, assignments, k)
        dev_ids = {s.id for s in fold_split(sentences, assignments, (k + 1) % folds)[1]}
        train_rows = [s for s in rest if s.id not in dev_ids] + extra
        dev_rows = [s for s in rest if s.id in dev_ids]
        fold_dir = Path(config.output_dir) / f"fold{k}"
        out = train(train_rows, dev_rows, replace(config, output_dir=str(fold_dir)))
        per_fold.append(score(out, held))
        shutil.rmtree(fold_dir, ignore_errors=True)
    report = {"folds": per_fold, "mean_std": summarise(per_fold)}
    Path(config.output_dir).mkdir(parents=True, exist_ok=True)
    (Path(config.output_dir) / "cv_metrics.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    report["summary"] = {"folds": folds, "config": asdict(config), **report["mean_std"]}
    return report


def summarise(per_fold: Sequence[dict]) -> dict[str, dict[str, str]]:
    """mean ± std over folds of strict micro, lenient and per-label strict F1."""
    out: dict[str, dict[str, str]] = {}
    for system in per_fold[0]:
        rows = {
            "strict_micro_f1": [f[system]["strict"]["micro"]["f1"] for f in per_fold],
            "strict_macro_f1": [f[system]["strict"]["macro"]["f1"] for f in per_fold],
            "lenient_micro_f1": [f[system]["lenient"]["ALL"]["f1"] for f in per_fold],
            **{f"strict_f1_{label}": [f[system]["strict"][label]["f1"] for f in per_fold]
               for label in ("CLAIM", "ACCUSATION", "APOLOGY", "DENIAL")},
            **{f"sentence_f1_{label}": [f[system]["sentence"][label]["f1"] for f in per_fold]
               for label in ("CLAIM", "ACCUSATION", "APOLOGY", "DENIAL")},
        }
        out[system] = {k: f"{statistics.fmean(v):.3f} ± {statistics.pstdev(v):.3f}" for k, v in rows.items()}
    return out


def write_model_card(out: Path, config: TrainConfig, metrics: dict) -> None:
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
        "- Trained on about a hundred sentences from three documents of one 2010 dispute: expect much lower",
        "  scores on other disputes and genres; APOLOGY and DENIAL have only a handful of training examples.",
        "- The test split holds ~60 sentences: read scores with the cross-validation spread (`python train.py --cv 5`).",
        "- Speaker and target are not predicted by this model; the batch pipeline attributes them.", ""]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")
