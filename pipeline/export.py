"""Analyst exports of one batch: flat tables and a graph file for tools that do not read JSON Lines.

``spans.csv`` / ``spans.parquet`` hold one row per act (pandas, DuckDB, Excel), ``parties.csv``
flattens the nested per-party target counts of ``parties.json``, and ``parties.graphml`` is the
party graph for networkx and Gephi.  Everything is derived from what ``aggregate`` already
computed (acts, counts, edges), so the exports can never disagree with ``parties.json``.  Every
file is written atomically and byte-identically for identical inputs: rows keep the order of
``spans.jsonl``, nothing iterates a set, and no timestamp is written.
"""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.schema import LABELS, Sentence, atomic_file, atomic_write_text
from pipeline.aggregate import RELATIONS, acts_from_sentences

SPANS_CSV, SPANS_PARQUET = "spans.csv", "spans.parquet"
PARTIES_CSV, PARTIES_GRAPHML = "parties.csv", "parties.graphml"
EXPORT_FILES = (SPANS_CSV, SPANS_PARQUET, PARTIES_CSV, PARTIES_GRAPHML)

# The columns of spans.csv / spans.parquet, in order, with their Arrow types (all nullable).
SPAN_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("sentence_id", pa.string()),
    ("start", pa.int64()), ("end", pa.int64()),  # offsets in the sentence, as in spans.jsonl
    ("text", pa.string()), ("label", pa.string()), ("speaker", pa.string()), ("target", pa.string()),
    ("score", pa.float64()), ("date", pa.string()), ("source", pa.string()),
])
PARTY_COLUMNS = ("party", "label", "target", "count")
ROWS_PER_GROUP = 10_000  # rows held at once while writing, and the Parquet row group size
NO_TARGET = "(none)"  # aggregate's key for acts without a target; an empty cell in parties.csv
LABEL_OF_RELATION = {relation: label for label, relation in RELATIONS.items()}
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def write_exports(out_dir: Path, sentences: Iterable[Sentence], summary: dict[str, Any],
                  documents: dict[str, dict[str, Any]]) -> None:
    """Write every export into ``out_dir`` from the sentences of spans.jsonl, the aggregate
    (parties.json's content) and the documents.jsonl records keyed by doc_id."""
    write_span_tables(out_dir, span_rows(sentences, documents))
    write_csv(out_dir / PARTIES_CSV, PARTY_COLUMNS, party_rows(summary))
    atomic_write_text(out_dir / PARTIES_GRAPHML, graphml(summary))


def span_rows(sentences: Iterable[Sentence], documents: dict[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row per act, in spans.jsonl order; the acts come from the aggregate's own reader so a
    row names the same speaker as parties.json does."""
    for act in acts_from_sentences(sentences):
        document = documents.get(act.doc_id, {})
        date = document.get("metadata", {}).get("date")
        yield {"doc_id": act.doc_id, "sentence_id": act.sentence_id, "start": act.start, "end": act.end,
               "text": act.text, "label": act.label, "speaker": act.speaker, "target": act.target,
               "score": act.score, "date": None if date is None else str(date), "source": document.get("source")}


def write_span_tables(out_dir: Path, rows: Iterable[dict[str, Any]]) -> None:
    """spans.csv and spans.parquet in one pass, ROWS_PER_GROUP rows in memory at a time: a
    100,000-document batch's acts never sit in memory whole (an empty run still gets the header
    and the schema)."""
    with (atomic_file(out_dir / SPANS_CSV, "w", encoding="utf-8", newline="") as csv_out,
          atomic_file(out_dir / SPANS_PARQUET) as parquet_out):
        csv_out.write("\ufeff")
        writer = csv.writer(csv_out, lineterminator="\r\n")
        writer.writerow(SPAN_SCHEMA.names)
        with pq.ParquetWriter(parquet_out, SPAN_SCHEMA) as parquet:
            rows = iter(rows)
            while group := list(islice(rows, ROWS_PER_GROUP)):
                writer.writerows([_cell(row[c]) for c in SPAN_SCHEMA.names] for row in group)
                parquet.write_table(pa.Table.from_pylist(group, schema=SPAN_SCHEMA))


def party_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """parties.json's nested ``targets`` as a flat table: party x label x target -> count."""
    return [{"party": party, "label": label, "target": None if target == NO_TARGET else target, "count": count}
            for party, entry in summary["parties"].items()
            for label, targets in entry["targets"].items()
            for target, count in targets.items()]


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """UTF-8 with a BOM (Excel otherwise shows Chinese as mojibake); None is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_cell(row[c]) for c in columns] for row in rows)
    atomic_write_text(path, "\ufeff" + buffer.getvalue())


def _cell(value: Any) -> Any:
    return "" if value is None else value


def graphml(summary: dict[str, Any]) -> str:
    """The party graph as GraphML: a node per party (acts in total and per label; parties that are
    only ever targets have zeros) and a directed edge per speaker -> target -> label with its count
    as ``weight``, which Gephi and networkx both read as the edge weight."""
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    node_keys = [("label", "string"), ("acts", "int"), *((label, "int") for label in LABELS)]
    for name, kind in node_keys:
        ET.SubElement(root, "key", {"id": name, "for": "node", "attr.name": name, "attr.type": kind})
    for name, kind in (("label", "string"), ("relation", "string"), ("weight", "double")):
        ET.SubElement(root, "key", {"id": f"e_{name}", "for": "edge", "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, "graph", {"id": "parties", "edgedefault": "directed"})
    for name, counts in _node_counts(summary).items():
        node = ET.SubElement(graph, "node", {"id": name})
        _data(node, "label", name)
        _data(node, "acts", sum(counts.values()))
        for label in LABELS:
            _data(node, label, counts.get(label, 0))
    for i, edge in enumerate(summary["edges"]):
        element = ET.SubElement(graph, "edge", {"id": f"e{i}", "source": edge["source"], "target": edge["target"]})
        _data(element, "e_label", LABEL_OF_RELATION.get(edge["relation"], edge["relation"]))
        _data(element, "e_relation", edge["relation"])
        _data(element, "e_weight", edge["count"])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _node_counts(summary: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Every party of the graph with its act counts: speakers in parties.json order, then parties
    that are only targets of edges, in edge order."""
    nodes = {name: entry["counts"] for name, entry in summary["parties"].items()}
    for edge in summary["edges"]:
        nodes.setdefault(edge["target"], {})
    return nodes


def _data(parent: ET.Element, key: str, value: Any) -> None:
    ET.SubElement(parent, "data", {"key": key}).text = str(value)
