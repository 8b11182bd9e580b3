import json
import random

import pytest

from corpus.load import load_corpus
from pipeline.aggregate import Act, acts_from_sentences, aggregate, rebuttal_links, similarity, write_summary


def test_similarity_is_bigram_dice():
    assert similarity("后门程序", "后门程序") == 1.0 and similarity("后门", "道歉") == 0.0


def test_gold_corpus_structure():
    result = aggregate(load_corpus())
    tencent = result["parties"]["腾讯"]
    assert tencent["counts"]["ACCUSATION"] > 0 and tencent["targets"]["ACCUSATION"]["360"] > 0
    edges = {(e["source"], e["target"], e["relation"]) for e in result["edges"]}
    assert ("腾讯", "360", "accuses") in edges and ("腾讯", "用户", "apologises_to") in edges
    assert ("360", "腾讯", "denies") in edges
    backdoor = [r for r in result["rebuttals"] if r["denier"] == "360" and "后门" in r["denial_text"]]
    assert backdoor and backdoor[0]["accuser"] == "腾讯" and "后门" in backdoor[0]["accusation_text"]
    assert sum(sum(p["counts"].values()) for p in result["parties"].values()) == result["acts"]


def test_parties_json_lists_each_act_under_its_speaker(tmp_path):
    sentences = load_corpus()
    write_summary(tmp_path / "parties.json", aggregate(sentences))
    written = json.loads((tmp_path / "parties.json").read_text(encoding="utf-8"))
    first = next(a for a in acts_from_sentences(sentences) if a.speaker == "腾讯")
    listed = written["parties"]["腾讯"]["acts"][0]
    assert "speaker" not in listed and listed["text"] == first.text and listed["sentence_id"] == first.sentence_id
    assert sum(len(p["acts"]) for p in written["parties"].values()) == written["acts"] == len(list(acts_from_sentences(sentences)))


def reference_links(acts: list[Act], min_score: float = 0.35, per_denial: int = 3) -> list[dict]:
    """Every denial against every accusation: the definition the blocked search must match."""
    accusations = [a for a in acts if a.label == "ACCUSATION"]
    links = []
    for denial in (a for a in acts if a.label == "DENIAL"):
        scored = []
        for accusation in accusations:
            if accusation.speaker == denial.speaker:
                continue
            score = (similarity(denial.text, accusation.text)
                     + 0.3 * (accusation.target == denial.speaker)
                     + 0.3 * (denial.target == accusation.speaker)
                     + 0.1 * (denial.doc_id == accusation.doc_id))
            if score >= min_score:
                scored.append((round(min(score, 1.0), 4), accusation))
        for score, accusation in sorted(scored, key=lambda x: -x[0])[:per_denial]:
            links.append({"denial": denial.ref, "denial_text": denial.text, "denier": denial.speaker,
                          "accusation": accusation.ref, "accusation_text": accusation.text,
                          "accuser": accusation.speaker, "score": score})
    return links


def synthetic_acts(seed: int, n: int = 400) -> list[Act]:
    """Few parties, a small alphabet and repeated statements: ties, pairs and shared bigrams abound."""
    rng = random.Random(seed)
    parties, alphabet = ["甲", "乙", "丙", "丁", "其他"], "我们没有窃取用户隐私后门指控否认恶意"
    said: list[str] = []
    acts = []
    for i in range(n):
        if said and rng.random() < 0.2:
            text = rng.choice(said)  # the same statement again, elsewhere
        else:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            said.append(text)
        label = rng.choice(["ACCUSATION", "DENIAL", "DENIAL", "CLAIM"])
        speaker = rng.choice(parties)
        target = rng.choice([*parties, None, None])
        doc = f"d{rng.randint(0, n // 8)}"
        acts.append(Act(label, speaker, target, text, doc, f"{doc}.s{i:03d}", 0, len(text), 0, None))
    return acts


def test_gold_links_match_every_pair_scoring():
    acts = list(acts_from_sentences(load_corpus()))
    for min_score, per_denial in ((0.35, 3), (0.2, 1), (0.5, 5)):
        expected = reference_links(acts, min_score, per_denial)
        assert expected and rebuttal_links(acts, min_score, per_denial) == expected


@pytest.mark.parametrize("seed", range(4))
def test_synthetic_links_match_every_pair_scoring(seed):
    acts = synthetic_acts(seed)
    for min_score, per_denial in ((0.35, 3), (0.0, 2), (0.65, 1), (0.9, 4)):
        expected = reference_links(acts, min_score, per_denial)
        assert rebuttal_links(acts, min_score, per_denial) == expected
    assert len(reference_links(acts)) > 100  # the comparison is not vacuous
