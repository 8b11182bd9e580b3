"""``--engine ray``: the same tagging, spread over a Ray cluster with Ray Data.

Input files are found on the driver (cheap); everything else runs on the cluster:
  read      one task per input file (a shard of JSONL, or any file the local engine reads),
            through the same readers, so bad input becomes the same error records;
  tag       ``map_batches`` over a pool of actors, each holding one model and running the
            local engine's ``process_chunk`` (segment, tag, attribute) on a batch of documents;
  write     sharded JSONL under ``OUTDIR/.work/shards`` (one line per input item).
The driver then streams the shards, in input order, into the local engine's part files and
publishes the same outputs (spans, documents, errors, parties.json, report.html).  Paths must
be visible to every node (a shared file system).  Ray retries failed tasks and restarts
failed actors; an interrupted driver is rerun from the start (``--resume`` is local only).
"""
from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import asdict, replace
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from corpus.parties import load_registry
from pipeline.attribution import Attributor
from pipeline.party_ranker import rankers
from pipeline.readers import ReadOptions, discover, read_file
from pipeline.records import InputDocument, InputError
from pipeline.run import PredictorSpec, Settings, Summary, conclude, process_chunk, with_discovered
from pipeline.workstore import ItemResult, WorkDir, claim_doc_ids


def item_to_json(item: InputDocument | InputError) -> str:
    kind = "error" if isinstance(item, InputError) else "document"
    return json.dumps({"kind": kind, "fields": asdict(item)}, ensure_ascii=False)


def item_from_json(text: str) -> InputDocument | InputError:
    record = json.loads(text)
    return (InputError if record["kind"] == "error" else InputDocument)(**record["fields"])


def read_shard(row: dict, options: ReadOptions = ReadOptions()) -> list[dict]:
    """Ray task: the items of one input file, serialised (Arrow holds one string column).
    Workers read the absolute path; records name the file as the user did, like the local engine.
    An input that named no file arrives as its error, so errors keep the input order."""
    if row["problem"]:
        return [{"item": item_to_json(InputError(row["source"], row["problem"]))}]
    items = list(read_file(Path(row["path"]), options))
    for item in items:
        item.source = row["source"]
    return [{"item": item_to_json(item)} for item in items]


class TaggingActor:
    """Holds one model; tags batches of documents exactly as the local engine does."""

    def __init__(self, spec: PredictorSpec, parties: Sequence[str], settings: Settings) -> None:
        self.predictor = spec.build()
        self.attributor = Attributor(load_registry(*parties), rankers(settings.ranker))
        self.settings = settings

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list]:
        items = [item_from_json(text) for text in batch["item"]]
        results = process_chunk(items, self.predictor, self.attributor, self.settings)
        return {"result": [json.dumps(r.to_json(), ensure_ascii=False) for r in results]}


def run_ray(
    inputs: Iterable[str], spec: PredictorSpec, out_dir: Path, parties: Sequence[str] = (),
    resume: bool = False, settings: Settings | None = None, progress: bool = True,
) -> tuple[int, Summary]:
    """Tag every input into ``out_dir`` on a Ray cluster (or a local Ray instance); same outputs as ``run``."""
    import ray

    inputs = list(inputs)  # read twice: party discovery, then tagging
    if resume:
        raise ValueError("--resume works with the local engine; a Ray run is rerun from the start")
    settings = settings or Settings()
    began = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    work = WorkDir(out_dir, resume=False)
    parties = with_discovered(inputs, parties, out_dir, settings)
    files = [{"path": "", "source": item.source, "problem": item.error} if isinstance(item, InputError)
             else {"path": str(Path(item).resolve()), "source": str(item), "problem": ""} for item in discover(inputs)]
    if not ray.is_initialized():
        ray.init(address=settings.ray_address, include_dashboard=False, log_to_driver=False,
                 logging_level="ERROR", configure_logging=False)
    ray.data.DataContext.get_current().execution_options.preserve_order = True  # output in input order
    ray.data.DataContext.get_current().enable_progress_bars = progress
    if not progress:
        logging.getLogger("ray.data").setLevel(logging.WARNING)
    shards = work.dir / "shards"
    shutil.rmtree(shards, ignore_errors=True)
    if files:
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)) // settings.actors)
        # The actors take every CPU; reading and writing are light I/O and reserve none, or
        # they would wait for the actors forever.
        (ray.data.from_items(files)
            .flat_map(read_shard, fn_kwargs={"options": settings.reading}, num_cpus=0)
            .map_batches(TaggingActor, fn_constructor_args=(replace(spec, threads=cpus), list(parties), settings),
                         batch_size=settings.batch_documents, batch_format="numpy",
                         compute=ray.data.ActorPoolStrategy(size=settings.actors), num_cpus=cpus)
            .write_json(str(shards), ray_remote_args={"num_cpus": 0}))
    total = Summary()
    results = _shard_results(shards)
    while chunk := list(islice(results, settings.batch_documents)):
        claim_doc_ids(chunk, work.doc_ids)
        work.commit(chunk)
        total.add(chunk)
    return conclude(work, out_dir, total, began, load_registry(*parties))


def _shard_results(shards: Path) -> Iterator[ItemResult]:
    """Every result in the shards, in order (Ray numbers its files by block)."""
    if not shards.is_dir():
        return
    for path in sorted(shards.glob("*.json*"), key=lambda p: p.name):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                yield ItemResult.from_json(json.loads(json.loads(line)["result"]))
