"""The HTML report and the party-graph SVG: well-formed, escaped, complete, written atomically."""
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from corpus.documents import read_documents
from corpus.load import load_corpus
from pipeline.aggregate import aggregate
from pipeline.report import GRAPH_FILE, party_graph_svg, render_report, write_report

ROOT = Path(__file__).resolve().parents[2]
VOID = {"meta", "br", "hr", "img", "input", "link"}
SVG = "{http://www.w3.org/2000/svg}"


class Structure(HTMLParser):
    """Checks that every element closes in order, and collects each <mark>'s label and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: Counter = Counter()
        self.marks: list[tuple[str, str]] = []  # (class, highlighted text without its tag)
        self._in_tag = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        attrs = dict(attrs)
        if tag == "mark":
            self.marks.append((attrs.get("class", ""), ""))
        self._in_tag = self._in_tag or (tag == "span" and attrs.get("class") == "tag")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "span":
            self._in_tag = False

    def handle_data(self, data):
        if "mark" in self.stack and not self._in_tag:
            label, text = self.marks[-1]
            self.marks[-1] = (label, text + data)


def parse(page: str) -> Structure:
    parser = Structure()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def records():
    return [dict(s.to_json(), doc_start=0) for s in load_corpus()]


@pytest.fixture(scope="module")
def metadata():
    return {d.doc_id: {"source": d.path.name, "metadata": {"title": d.title, "author": d.author, "date": d.date}}
            for d in read_documents().values()}


@pytest.fixture(scope="module")
def gold(records):
    return aggregate(records)


HOSTILE_TEXT = '甲说<script>alert("x")</script> & 乙否认</p></section>'
HOSTILE = [
    {"id": "evil.s000", "doc_id": "evil", "text": HOSTILE_TEXT, "doc_start": 0,
     "spans": [{"start": 0, "end": 29, "label": "ACCUSATION", "speaker": "<b>甲</b>", "target": "乙&丙", "score": 0.5},
               {"start": 32, "end": 35, "label": "DENIAL", "speaker": "乙&丙", "target": "<b>甲</b>", "score": None}]},
]
HOSTILE_META = {"evil": {"source": "<img src=x onerror=alert(1)>",
                         "metadata": {"title": "<script>document.title='pwned'</script>", "author": "A & B", "date": None}}}


def test_gold_report_is_balanced_and_complete(records, gold, metadata):
    page = render_report(iter(records), gold, metadata)  # a one-shot iterator: read exactly once
    structure = parse(page)
    assert structure.errors == [] and structure.stack == []
    for tag in ("html", "head", "body", "header", "main", "svg", "table", "mark"):
        assert structure.tags[tag] >= 1, tag
    assert structure.tags["section"] >= len(metadata) + len(gold["parties"])
    assert f"<b>{len(records)}</b> sentences" in page and f"<b>{len(metadata)}</b> documents" in page
    assert all(escape(meta["metadata"]["title"]) in page for meta in metadata.values())


def test_every_span_is_highlighted_with_its_label(records, gold, metadata):
    expected = Counter((f"act act-{span['label'].lower()}", r["text"][span["start"]:span["end"]])
                       for r in records for span in r["spans"])
    assert Counter(parse(render_report(records, gold, metadata)).marks) == expected


def test_span_tags_name_speaker_target_and_score():
    record = {"id": "d.s000", "doc_id": "d", "text": "我们从未窃取用户隐私。", "doc_start": 0,
              "spans": [{"start": 0, "end": 10, "label": "DENIAL", "speaker": "360", "target": "腾讯", "score": 0.934}]}
    page = render_report([record], aggregate([record]), {})
    assert '<span class="tag">DENIAL 360→腾讯</span>' in page
    assert 'id="d.s000:0-10"' in page and "score 0.93" in page


def test_hostile_text_is_escaped():
    page = render_report(HOSTILE, aggregate(HOSTILE), HOSTILE_META)
    structure = parse(page)
    assert structure.errors == [] and structure.stack == []
    assert "<script" not in page and "<img" not in page and "<b>甲" not in page
    assert structure.tags["script"] == structure.tags["img"] == 0
    assert '甲说&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<span class="tag">' in page
    assert "</mark> &amp; <mark" in page and "</mark>&lt;/p&gt;&lt;/section&gt;</p>" in page
    assert "乙&amp;丙" in page and "A &amp; B" in page
    assert structure.marks == [("act act-accusation", '甲说<script>alert("x")</script>'), ("act act-denial", "乙否认")]


def test_unknown_label_is_shown_not_fatal():
    record = {"id": "d.s000", "doc_id": "d", "text": "你们必须道歉。", "spans": [{"start": 0, "end": 6, "label": "THREAT"}]}
    page = render_report([record], {"documents": 1, "acts": 1, "parties": {}, "edges": [], "rebuttals": []}, {})
    assert '<mark class="act act-other"' in page and parse(page).errors == []


def test_numbers_in_user_metadata_are_shown_not_fatal():
    record = {"id": "d.s000", "doc_id": "d", "text": "你们必须道歉。", "spans": []}
    metadata = {"d": {"metadata": {"date": 20101104, "author": 360, "title": 3}, "source": "d.jsonl"}}
    page = render_report([record], {"documents": 1, "acts": 0, "parties": {}, "edges": [], "rebuttals": []}, metadata)
    assert "20101104" in page and parse(page).errors == []


def test_empty_batch_renders():
    page = render_report([], {"documents": 0, "acts": 0, "parties": {}, "edges": [], "rebuttals": []}, {})
    structure = parse(page)
    assert structure.errors == [] and structure.stack == [] and structure.tags["svg"] == 1


def test_rebuttal_links_point_at_highlighted_spans(records, gold, metadata):
    page = render_report(records, gold, metadata)
    assert gold["rebuttals"], "the gold corpus has rebuttals"
    for link in gold["rebuttals"]:
        for ref in (link["denial"], link["accusation"]):
            assert f'href="#{escape(ref)}"' in page and f'id="{escape(ref)}"' in page
        assert f"score {link['score']:.2f}" in page


def graph(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # a standalone SVG must be well-formed XML


def test_graph_has_one_node_per_party_and_the_edges(gold):
    svg = party_graph_svg(gold)
    root = graph(svg)
    nodes = [g.get("data-party") for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert sorted(nodes) == sorted(gold["parties"])
    drawn = Counter(g.get("class") for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("edge "))
    wanted = Counter(f"edge edge-{e['relation']}" for e in gold["edges"]
                     if e["relation"] in ("accuses", "denies", "apologises_to"))
    assert drawn == wanted and drawn["edge edge-accuses"] > 0
    assert "Noto Sans CJK SC" in root.get("font-family") and party_graph_svg(gold) == svg  # deterministic


def test_graph_relations_are_selectable_and_opposite_edges_differ():
    agg = {"parties": {"腾讯": {"counts": {"ACCUSATION": 2}}, "360": {"counts": {"DENIAL": 1}}},
           "edges": [{"source": "腾讯", "target": "360", "relation": "accuses", "count": 2},
                     {"source": "360", "target": "腾讯", "relation": "denies", "count": 1},
                     {"source": "360", "target": "用户", "relation": "claims_about", "count": 4}]}
    root = graph(party_graph_svg(agg))
    paths = [p.get("d") for p in root.iter(f"{SVG}path")]
    assert len(paths) == 2 and paths[0] != paths[1]
    assert {p.get("stroke") for p in root.iter(f"{SVG}path")} == {"#e15759", "#f28e2b"}
    assert len(list(root.iter(f"{SVG}polygon"))) >= 2  # arrowheads (and legend arrows)
    with_claims = graph(party_graph_svg(agg, relations=("accuses", "denies", "claims_about")))
    parties = {g.get("data-party") for g in with_claims.iter(f"{SVG}g") if g.get("class") == "node"}
    assert parties == {"腾讯", "360", "用户"}  # a target that never speaks still gets a node
    legend = next(g for g in with_claims.iter(f"{SVG}g") if g.get("class") == "legend")
    assert "claims about" in [t.text for t in legend.iter(f"{SVG}text")]


def test_hostile_party_names_keep_the_svg_well_formed():
    root = graph(party_graph_svg(aggregate(HOSTILE)))
    assert {g.get("data-party") for g in root.iter(f"{SVG}g") if g.get("class") == "node"} == {"<b>甲</b>", "乙&丙"}


def test_write_report_writes_both_files_atomically(tmp_path, records, gold, metadata, monkeypatch):
    out = tmp_path / "out" / "report.html"
    write_report(out, iter(records), gold, metadata)
    assert sorted(p.name for p in out.parent.iterdir()) == [GRAPH_FILE, "report.html"]
    assert out.read_text(encoding="utf-8") == render_report(records, gold, metadata)
    assert graph((out.parent / GRAPH_FILE).read_text(encoding="utf-8")).tag == f"{SVG}svg"

    def crash(*args):
        raise OSError("disk full")

    before = out.read_text(encoding="utf-8")
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_report(out, HOSTILE, aggregate(HOSTILE), HOSTILE_META)
    assert out.read_text(encoding="utf-8") == before  # the old report survives intact
    assert sorted(p.name for p in out.parent.iterdir()) == [GRAPH_FILE, "report.html"]  # no temp files left


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium (Debian package chromium)")
def test_report_loads_in_headless_chromium(tmp_path, records, gold, metadata):
    write_report(tmp_path / "report.html", records, gold, metadata)
    png = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_report.py"), str(tmp_path / "report.html"),
                             "--screenshot", str(png)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(png) and png.stat().st_size > 10_000
