"""Analyst exports: spans.csv / spans.parquet match spans.jsonl row for row, parties.csv flattens
parties.json, parties.graphml is the party graph; empty runs still have headers and a schema."""
import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus.schema import Sentence, Span
from pipeline import export
from pipeline.__main__ import main
from pipeline.aggregate import aggregate
from pipeline.export import SPAN_SCHEMA, write_exports
from pipeline.run import EXIT_OK

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}
DOCS = [
    {"id": "a", "text": "腾讯公司指责360恶意窃取用户隐私。360否认存在后门程序，称说法不实。", "date": "2010-11-03",
     "author": "腾讯"},
    {"id": "b", "text": "360公司表示，腾讯的说法不实。我们对此深表歉意。", "date": "2010-11-04"},
    {"id": "c", "text": "今天天气很好。"},
]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _tag(tmp_path: Path, docs: list[dict], out_name: str = "out") -> Path:
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / out_name
    assert main(["tag", str(source), "--baseline", "lexicon", "--out", str(out), "--quiet"]) == EXIT_OK
    return out


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return _tag(tmp_path_factory.mktemp("export"), DOCS)


def _expected_rows(out: Path) -> list[dict]:
    """spans.jsonl flattened independently of the exporter, joined with documents.jsonl."""
    documents = {d["doc_id"]: d for d in _lines(out / "documents.jsonl")}
    return [{"doc_id": s["doc_id"], "sentence_id": s["id"], "start": sp["start"], "end": sp["end"],
             "text": s["text"][sp["start"]:sp["end"]], "label": sp["label"], "speaker": sp["speaker"],
             "target": sp.get("target"), "score": sp.get("score"),
             "date": documents[s["doc_id"]]["metadata"].get("date"), "source": documents[s["doc_id"]]["source"]}
            for s in _lines(out / "spans.jsonl") for sp in s["spans"]]


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _as_csv(row: dict) -> dict:
    return {k: "" if v is None else str(v) for k, v in row.items()}


def test_spans_csv_and_parquet_match_spans_jsonl_row_for_row(run_dir):
    expected = _expected_rows(run_dir)
    assert len(expected) >= 3 and {r["date"] for r in expected} == {"2010-11-03", "2010-11-04"}
    columns, rows = _read_csv(run_dir / "spans.csv")
    assert columns == SPAN_SCHEMA.names
    assert rows == [_as_csv(r) for r in expected]
    table = pq.read_table(run_dir / "spans.parquet")
    assert table.schema.equals(SPAN_SCHEMA)
    assert table.to_pylist() == expected


def test_span_tables_are_written_in_groups_without_changing_a_row(tmp_path, monkeypatch):
    """Written a few rows at a time (memory stays flat on big batches), the tables are the same."""
    monkeypatch.setattr(export, "ROWS_PER_GROUP", 2)
    out = _tag(tmp_path, DOCS)
    expected = _expected_rows(out)
    assert len(expected) > 2
    assert pq.ParquetFile(out / "spans.parquet").metadata.num_row_groups == -(-len(expected) // 2)
    assert pq.read_table(out / "spans.parquet").to_pylist() == expected
    assert _read_csv(out / "spans.csv")[1] == [_as_csv(r) for r in expected]
    assert not list(out.glob(".*.tmp"))


def test_parties_csv_flattens_the_targets_of_parties_json(run_dir):
    parties = json.loads((run_dir / "parties.json").read_text(encoding="utf-8"))["parties"]
    columns, rows = _read_csv(run_dir / "parties.csv")
    assert columns == ["party", "label", "target", "count"]
    assert rows == [{"party": party, "label": label, "target": "" if target == "(none)" else target, "count": str(n)}
                    for party, entry in parties.items() for label, targets in entry["targets"].items()
                    for target, n in targets.items()]
    for party, entry in parties.items():
        for label, count in entry["counts"].items():
            assert sum(int(r["count"]) for r in rows if r["party"] == party and r["label"] == label) == count


def test_graphml_holds_the_party_graph(run_dir):
    summary = json.loads((run_dir / "parties.json").read_text(encoding="utf-8"))
    graph = ET.parse(run_dir / "parties.graphml").getroot().find("g:graph", NS)
    assert graph.get("edgedefault") == "directed"
    keys = {k.get("id"): k.get("attr.name") for k in ET.parse(run_dir / "parties.graphml").getroot().findall("g:key", NS)}

    def data(element: ET.Element) -> dict[str, str]:
        return {keys[d.get("key")]: d.text for d in element.findall("g:data", NS)}

    nodes = {n.get("id"): data(n) for n in graph.findall("g:node", NS)}
    targets = [e["target"] for e in summary["edges"] if e["target"] not in summary["parties"]]
    assert list(nodes) == [*summary["parties"], *dict.fromkeys(targets)]
    for name, entry in summary["parties"].items():
        assert nodes[name]["acts"] == str(sum(entry["counts"].values()))
        assert all(nodes[name][label] == str(n) for label, n in entry["counts"].items())
    edges = [(e.get("source"), e.get("target"), data(e)) for e in graph.findall("g:edge", NS)]
    assert [(s, t, d["relation"], float(d["weight"])) for s, t, d in edges] == \
        [(e["source"], e["target"], e["relation"], e["count"]) for e in summary["edges"]]
    assert ("腾讯", "360", "ACCUSATION") in [(s, t, d["label"]) for s, t, d in edges]


def test_graphml_reads_into_networkx(run_dir):
    nx = pytest.importorskip("networkx")
    graph = nx.read_graphml(run_dir / "parties.graphml")
    summary = json.loads((run_dir / "parties.json").read_text(encoding="utf-8"))
    assert set(summary["parties"]) <= set(graph.nodes) and graph.is_directed()
    assert graph.number_of_edges() == len(summary["edges"])
    assert sum(w for _, _, w in graph.edges(data="weight")) == sum(e["count"] for e in summary["edges"])


def test_a_run_without_acts_still_writes_headers_and_schema(tmp_path):
    out = _tag(tmp_path, [{"id": "calm", "text": "今天天气很好。"}])
    assert _read_csv(out / "spans.csv") == (SPAN_SCHEMA.names, [])
    assert _read_csv(out / "parties.csv") == (["party", "label", "target", "count"], [])
    table = pq.read_table(out / "spans.parquet")
    assert table.num_rows == 0 and table.schema.equals(SPAN_SCHEMA)
    graph = ET.parse(out / "parties.graphml").getroot().find("g:graph", NS)
    assert graph is not None and list(graph) == []


def test_awkward_values_survive_both_formats(tmp_path):
    """Commas, quotes and line breaks in text, a score, a missing speaker, target and date."""
    sentences = [Sentence("d.s000", "d", '他说："不，\n绝无此事"', [Span(0, 12, "DENIAL", score=0.875)], {"doc_start": 0})]
    documents = {"d": {"doc_id": "d", "source": "/in/d,1.txt", "metadata": {}}}
    write_exports(tmp_path, sentences, aggregate(sentences), documents)
    expected = {"doc_id": "d", "sentence_id": "d.s000", "start": 0, "end": 12, "text": '他说："不，\n绝无此事"',
                "label": "DENIAL", "speaker": "其他", "target": None, "score": 0.875, "date": None,
                "source": "/in/d,1.txt"}
    assert pq.read_table(tmp_path / "spans.parquet").to_pylist() == [expected]
    assert _read_csv(tmp_path / "spans.csv")[1] == [_as_csv(expected)]


def test_exports_are_byte_identical_for_identical_inputs(tmp_path):
    first, second = _tag(tmp_path, DOCS, "first"), _tag(tmp_path, DOCS, "second")
    for name in ("spans.csv", "spans.parquet", "parties.csv", "parties.graphml"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
