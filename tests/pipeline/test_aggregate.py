from corpus.load import load_corpus
from pipeline.aggregate import aggregate, similarity


def test_similarity_is_bigram_dice():
    assert similarity("后门程序", "后门程序") == 1.0 and similarity("后门", "道歉") == 0.0


def test_gold_corpus_structure():
    result = aggregate(s.to_json() for s in load_corpus())
    tencent = result["parties"]["腾讯"]
    assert tencent["counts"]["ACCUSATION"] > 0 and tencent["targets"]["ACCUSATION"]["360"] > 0
    edges = {(e["source"], e["target"], e["relation"]) for e in result["edges"]}
    assert ("腾讯", "360", "accuses") in edges and ("腾讯", "用户", "apologises_to") in edges
    assert ("360", "腾讯", "denies") in edges
    backdoor = [r for r in result["rebuttals"] if r["denier"] == "360" and "后门" in r["denial_text"]]
    assert backdoor and backdoor[0]["accuser"] == "腾讯" and "后门" in backdoor[0]["accusation_text"]
    assert sum(sum(p["counts"].values()) for p in result["parties"].values()) == result["acts"]
