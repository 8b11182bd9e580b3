"""A tiny randomly initialised BERT with a per-character tokenizer, built in the test (no hub),
and an untrained tagger on it: a real model directory in the format train.py writes."""
import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

from corpus.load import load_corpus


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny-base")
    chars = sorted({c for s in load_corpus() for c in s.text if not c.isspace()})
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Split("", "isolated")])
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    fast.save_pretrained(directory)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(directory)
    return str(directory)


@pytest.fixture(scope="session")
def tiny_tagger(tiny_base, tmp_path_factory):
    from models.tagger import new_token_classifier

    directory = tmp_path_factory.mktemp("tiny-tagger")
    model, tokenizer = new_token_classifier(tiny_base)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return str(directory)
