"""Small real tokenizers built in the test (no hub): per-character and word-piece."""
import pytest
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast

from corpus.load import load_corpus


def _fast(tokenizer: Tokenizer) -> PreTrainedTokenizerFast:
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)])
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]")


@pytest.fixture(scope="session")
def corpus():
    return load_corpus()


@pytest.fixture(scope="session")
def char_tokenizer(corpus):
    """Like bert-base-chinese: every character its own token."""
    chars = sorted({c for s in corpus for c in s.text if not c.isspace()})
    vocab = {t: i for i, t in enumerate(["[PAD]", "[CLS]", "[SEP]", "[UNK]", *chars])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split("", "isolated")])
    return _fast(tok)


@pytest.fixture(scope="session")
def wordpiece_tokenizer(corpus):
    """Like an English BERT: CJK isolated, Latin letters and digits grouped into word pieces."""
    pieces = ["[PAD]", "[CLS]", "[SEP]", "[UNK]", "36", "##0", "q", "##q", "qq", "360"]
    chars = sorted({c.lower() for s in corpus for c in s.text if not c.isspace()})
    vocab = {t: i for i, t in enumerate(dict.fromkeys(pieces + chars + ["##" + c for c in chars]))}
    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, handle_chinese_chars=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    return _fast(tok)
