import json

import pytest

from corpus.parties import load_registry, read_registry
from corpus.schema import CorpusError


def test_people_and_products_resolve_to_their_organisation():
    registry = load_registry()
    assert registry.resolve("齐向东") == "360" and registry.resolve("扣扣保镖") == "360"
    assert registry.resolve("刘畅") == "腾讯" and registry.resolve("WEBQQ") == "腾讯"
    assert {"腾讯", "360", "用户", "媒体", "其他"} <= registry.names


def test_user_file_extends_and_merges(tmp_path):
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({"parties": {"腾讯": {"people": ["张小龙"]}, "三鹿": {"kind": "company"}}}, ensure_ascii=False))
    registry = load_registry(extra)
    assert registry.resolve("张小龙") == "腾讯" and registry.resolve("刘畅") == "腾讯"
    assert "三鹿" in registry.names


def test_bad_registry_names_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"parties": {"x": {"aliases": "not a list"}}}')
    with pytest.raises(CorpusError, match="bad.json.*must be a list"):
        read_registry(bad)
