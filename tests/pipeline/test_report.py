"""The HTML report: a bounded summary page and a page per document; well-formed, escaped, complete,
written atomically."""
import os
import shutil
import subprocess
import sys
from collections import Counter
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from corpus.documents import read_documents
from corpus.load import load_corpus
from corpus.schema import Sentence, sentence_from_json
from pipeline import report
from pipeline.aggregate import aggregate
from pipeline.graph import GRAPH_FILE
from pipeline.report import Document, Tally, render_summary, write_report

ROOT = Path(__file__).resolve().parents[2]
VOID = {"meta", "br", "hr", "img", "input", "link"}


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


def typed(records: list[dict]) -> list[Sentence]:
    """spans.jsonl lines as the pipeline reads them back."""
    return [sentence_from_json(r, "spans.jsonl", n) for n, r in enumerate(records, start=1)]


@pytest.fixture(scope="module")
def records():
    return [dict(s.to_json(), doc_start=0) for s in load_corpus()]


@pytest.fixture(scope="module")
def metadata():
    return {d.doc_id: {"source": d.path.name,
                       "metadata": {"title": d.title, "author": d.author, "date": d.date}}
            for d in read_documents().values()}


@pytest.fixture(scope="module")
def gold(records):
    return aggregate(typed(records))


HOSTILE_TEXT = '甲说<script>alert("x")</script> & 乙否认</p></section>'
HOSTILE = [
    {"id": "evil.s000", "doc_id": "evil", "text": HOSTILE_TEXT, "doc_start": 0,
     "spans": [{"start": 0, "end": 29, "label": "ACCUSATION", "speaker": "<b>甲</b>", "target": "乙&丙",
                "score": 0.5},
               {"start": 32, "end": 35, "label": "DENIAL", "speaker": "乙&丙", "target": "<b>甲</b>",
                "score": None}]},
]
HOSTILE_META = {"evil": {"source": "<img src=x onerror=alert(1)>",
                         "metadata": {"title": "<script>document.title='pwned'</script>", "author": "A & B",
                                      "date": None}}}


EMPTY = {"documents": 0, "acts": 0, "parties": {}, "edges": [], "rebuttals": []}


def write(folder: Path, records, aggregate_, metadata) -> tuple[str, list[str]]:
    """The summary page and the document pages, in batch order."""
    write_report(folder / "report.html", iter(typed(records)), aggregate_, metadata)  # a one-shot iterator
    pages = sorted((folder / "report").iterdir(), key=lambda p: int(p.stem))
    assert [p.name for p in pages] == [f"{n}.html" for n in range(len(pages))]
    summary = (folder / "report.html").read_text(encoding="utf-8")
    return summary, [p.read_text(encoding="utf-8") for p in pages]


def balanced(page: str) -> Structure:
    structure = parse(page)
    assert structure.errors == [] and structure.stack == []
    return structure


def test_gold_report_is_balanced_and_complete(tmp_path, records, gold, metadata):
    summary, pages = write(tmp_path, records, gold, metadata)
    structure = balanced(summary)
    for tag in ("html", "head", "body", "header", "main", "svg", "table"):
        assert structure.tags[tag] >= 1, tag
    assert structure.tags["mark"] == 0  # sentences live on the document pages
    assert structure.tags["section"] >= len(gold["parties"])
    assert f"<b>{len(records)}</b> sentences" in summary and f"<b>{len(metadata)}</b> documents" in summary
    assert len(pages) == len(metadata) and all(balanced(p).tags["main"] == 1 for p in pages)
    for n, doc_id in enumerate(dict.fromkeys(r["doc_id"] for r in records)):
        title = escape(metadata[doc_id]["metadata"]["title"])
        assert f'href="report/{n}.html">{title}</a>' in summary and f"<h1>{title}</h1>" in pages[n]
    assert "not listed" not in summary and "not shown" not in summary


def test_every_span_is_highlighted_once_on_its_documents_page(tmp_path, records, gold, metadata):
    _, pages = write(tmp_path, records, gold, metadata)
    expected = Counter((f"act act-{span['label'].lower()}", r["text"][span["start"]:span["end"]])
                       for r in records for span in r["spans"])
    assert Counter(m for p in pages for m in parse(p).marks) == expected
    first_doc = [r for r in records if r["doc_id"] == records[0]["doc_id"]]
    assert sum(len(r["spans"]) for r in first_doc) == len(parse(pages[0]).marks) > 0


def test_index_counts_labels_per_document(tmp_path, records, gold, metadata):
    summary, _ = write(tmp_path, records, gold, metadata)
    first = records[0]["doc_id"]
    counts = Counter(s["label"] for r in records if r["doc_id"] == first for s in r["spans"])
    sentences = sum(r["doc_id"] == first for r in records)
    row = summary.split('href="report/0.html">', 1)[1].split("</tr>", 1)[0]
    cells = [c.split("<", 1)[0] for c in row.split('<td class="num">')[1:]]
    assert cells == [str(sentences), *(str(counts[label]) for label in report.LABEL_STYLES), "0"]


def test_span_tags_name_speaker_target_and_score(tmp_path):
    record = {"id": "d.s000", "doc_id": "d", "text": "我们从未窃取用户隐私。", "doc_start": 0,
              "spans": [{"start": 0, "end": 10, "label": "DENIAL", "speaker": "360", "target": "腾讯",
                         "score": 0.934}]}
    _, [page] = write(tmp_path, [record], aggregate(typed([record])), {})
    assert '<span class="tag">DENIAL 360→腾讯</span>' in page
    assert 'id="d.s000:0-10"' in page and "score 0.93" in page


def test_hostile_text_is_escaped(tmp_path):
    summary, [page] = write(tmp_path, HOSTILE, aggregate(typed(HOSTILE)), HOSTILE_META)
    for html in (summary, page):
        structure = balanced(html)
        assert "<script" not in html and "<img" not in html and "<b>甲" not in html
        assert structure.tags["script"] == structure.tags["img"] == 0
        assert "乙&amp;丙" in html
    assert '甲说&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<span class="tag">' in page
    assert "</mark> &amp; <mark" in page and "</mark>&lt;/p&gt;&lt;/section&gt;</p>" in page
    assert "A &amp; B" in page
    assert parse(page).marks == [("act act-accusation", '甲说<script>alert("x")</script>'),
                                 ("act act-denial", "乙否认")]


def test_any_doc_id_gives_a_safe_page_name(tmp_path):
    ids = ["../../escape", "a/b?c#d e", "CON", "新闻 1"]
    records = [{"id": f"{d}.s000", "doc_id": d, "text": "我们否认。", "spans": []} for d in ids]
    summary, pages = write(tmp_path, records, EMPTY, {})
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [GRAPH_FILE, "report.html", *(f"{n}.html" for n in range(len(ids)))])
    assert all(escape(d) in page for d, page in zip(ids, pages))
    assert '<a class="sid" href="#..%2F..%2Fescape.s000">' in pages[0]  # the anchor finds its sentence


def test_pages_link_to_the_summary_and_their_neighbours(tmp_path):
    records = [{"id": f"d{n}.s000", "doc_id": f"d{n}", "text": "我们否认。", "spans": []} for n in range(3)]
    _, pages = write(tmp_path, records, EMPTY, {})
    links = [[h for h in ("0.html", "1.html", "2.html") if f'href="{h}"' in p] for p in pages]
    assert links == [["1.html"], ["0.html", "2.html"], ["1.html"]]
    assert all('href="../report.html"' in p for p in pages)


def test_unknown_label_is_shown_not_fatal(tmp_path):
    record = {"id": "d.s000", "doc_id": "d", "text": "你们必须道歉。",
              "spans": [{"start": 0, "end": 6, "label": "THREAT"}]}
    summary, [page] = write(tmp_path, [record], {**EMPTY, "documents": 1, "acts": 1}, {})
    assert '<mark class="act act-other"' in page and parse(page).errors == [] and "THREAT 1" in summary


def test_numbers_in_user_metadata_are_shown_not_fatal(tmp_path):
    record = {"id": "d.s000", "doc_id": "d", "text": "你们必须道歉。", "spans": []}
    metadata = {"d": {"metadata": {"date": 20101104, "author": 360, "title": 3}, "source": "d.jsonl"}}
    summary, [page] = write(tmp_path, [record], {**EMPTY, "documents": 1}, metadata)
    assert "20101104" in page and parse(page).errors == [] and 'href="report/0.html">3</a>' in summary


def test_empty_batch_renders(tmp_path):
    summary, pages = write(tmp_path, [], EMPTY, {})
    structure = balanced(summary)
    assert pages == [] and structure.tags["svg"] == 1 and "<b>0</b> documents" in summary


def test_rebuttal_links_point_at_highlighted_spans(tmp_path, records, gold, metadata):
    summary, pages = write(tmp_path, records, gold, metadata)
    page_of = {r["id"]: n for n, d in enumerate(dict.fromkeys(r["doc_id"] for r in records))
               for r in records if r["doc_id"] == d}
    assert gold["rebuttals"], "the gold corpus has rebuttals"
    for link in gold["rebuttals"]:
        for ref in (link["denial"], link["accusation"]):
            n = page_of[ref.rsplit(":", 1)[0]]
            assert f'href="report/{n}.html#{quote(ref, safe="")}"' in summary
            assert f'id="{escape(ref)}"' in pages[n]
        assert f"{link['score']:.2f}</td>" in summary


def many_documents(n: int) -> tuple[list[Document], Tally]:
    labels = Counter({"CLAIM": 9, "ACCUSATION": 4, "DENIAL": 3, "APOLOGY": 1})
    documents = [Document(i, f"doc-{i:05d}", f"某公司否认窃取用户隐私的指控 第{i}篇报道",
                          ["新闻", f"doc-{i:05d}"], 20, labels) for i in range(n)]
    tally = Tally()
    for document in documents:
        tally.add(document)
    return documents, tally


def big_aggregate(parties: int, links: int) -> dict:
    names = [f"公司{i:04d}" for i in range(parties)]
    link = {"denial": "doc-00001.s003:0-12", "denial_text": "我们从未窃取用户隐私，相关指控纯属捏造。",
            "denier": names[0],
            "accusation": "doc-00002.s004:0-12", "accusation_text": "该公司长期窃取用户隐私并植入后门程序。",
            "accuser": names[1], "score": 0.5}
    return {"parties": {name: {"counts": {"CLAIM": 5, "ACCUSATION": 3, "APOLOGY": 0, "DENIAL": 2},
                               "targets": {"ACCUSATION": {names[0]: 3}}} for name in names},
            "edges": [{"source": a, "target": b, "relation": "accuses", "count": 2}
                      for a, b in zip(names, names[1:])],
            "rebuttals": [dict(link, score=round(0.35 + i / (2 * links), 4)) for i in range(links)]}


def test_summary_stays_small_at_ten_thousand_documents():
    documents, tally = many_documents(10_000)
    summary = render_summary(documents[:report.INDEX_LIMIT], tally, big_aggregate(2000, 20_000), {}, "report")
    assert len(summary.encode("utf-8")) <= 5_000_000 and balanced(summary).tags["svg"] == 1
    assert f"{10_000 - report.INDEX_LIMIT} more documents are not listed" in summary
    assert f"{2000 - report.TOP_PARTIES} less active parties are not shown" in summary
    assert f"{20_000 - report.TOP_REBUTTALS} weaker links are not shown" in summary
    assert summary.count('class="party"') == report.TOP_PARTIES
    assert "0.85</td>" in summary and "0.35</td>" not in summary  # the strongest links are the ones shown


def test_index_is_capped_with_a_note(tmp_path, records, gold, metadata, monkeypatch):
    monkeypatch.setattr(report, "INDEX_LIMIT", 2)
    summary, pages = write(tmp_path, records, gold, metadata)
    assert summary.count('href="report/') - summary.count('.html#') == 2 and len(pages) == len(metadata)
    assert f"{len(metadata) - 2} more documents are not listed" in summary


def test_write_report_writes_atomically_and_drops_stale_pages(tmp_path, records, gold, metadata, monkeypatch):
    out = tmp_path / "out" / "report.html"
    write_report(out, iter(typed(records)), gold, metadata)
    assert sorted(p.name for p in out.parent.iterdir()) == [GRAPH_FILE, "report", "report.html"]
    assert len(list((out.parent / "report").iterdir())) == len(metadata)

    def crash(*args):
        raise OSError("disk full")

    before = out.read_text(encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", crash)
        with pytest.raises(OSError, match="disk full"):
            write_report(out, typed(HOSTILE), aggregate(typed(HOSTILE)), HOSTILE_META)
    assert out.read_text(encoding="utf-8") == before  # the old report survives intact
    assert sorted(p.name for p in out.parent.iterdir()) == [GRAPH_FILE, "report", "report.html"]  # no temp
    assert len(list((out.parent / "report").iterdir())) == len(metadata)
    write_report(out, typed(HOSTILE), aggregate(typed(HOSTILE)), HOSTILE_META)
    assert [p.name for p in (out.parent / "report").iterdir()] == ["0.html"]  # no page of the bigger batch


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Chromium (Debian package chromium)")
def test_report_loads_in_headless_chromium(tmp_path, records, gold, metadata):
    write_report(tmp_path / "report.html", typed(records), gold, metadata)
    png = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_report.py"),
                             str(tmp_path / "report.html"), "--screenshot", str(png)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(png) and png.stat().st_size > 10_000
