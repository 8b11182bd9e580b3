"""A human-readable view of one batch: a summary page, one page per document, an SVG party graph.

``report.html`` is what an analyst opens first: the party graph, per-party tables, the strongest
rebuttal links and an index of the documents with their act counts. Its size is bounded (the
graph, the party tables, the rebuttals and the index are capped, each with a note of what is
left out), so it opens quickly at any batch size. Each document's sentences, highlighted
displaCy-style, are on their own page ``report/<n>.html`` (n: the document's place in the batch,
so any doc_id gives a safe file name). Everything is inline (CSS, SVG): nothing is fetched and
no script is needed. Every piece of corpus text is HTML-escaped: the documents are scraped from
the web and must never be able to inject markup.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from itertools import chain, groupby
from pathlib import Path
from typing import Any, Iterable, Iterator
from urllib.parse import quote

from corpus.schema import Sentence, Span, atomic_write_text
from pipeline.graph import CJK_FONTS, GRAPH_FILE, party_graph_svg

TOP_TARGETS = 3
TOP_PARTIES = 100  # party tables on the summary page
TOP_REBUTTALS = 100  # rebuttal links on the summary page, strongest first
INDEX_LIMIT = 5000  # documents listed in the summary page's index; every one has its page regardless


@dataclass(frozen=True)
class LabelStyle:
    """How one act type looks: strong colour for tags and edges, light tint for highlights."""

    colour: str
    tint: str
    gloss: str


# Registry of act types, in the corpus' label order; CSS rules and legends are generated from it.
LABEL_STYLES: dict[str, LabelStyle] = {
    "CLAIM": LabelStyle("#4e79a7", "#dde7f2", "主张 claim"),
    "ACCUSATION": LabelStyle("#e15759", "#f9dcdc", "指控 accusation"),
    "APOLOGY": LabelStyle("#59a14f", "#dcefd9", "道歉 apology"),
    "DENIAL": LabelStyle("#f28e2b", "#fde5cc", "否认 denial"),
}
# A label a newer model might emit: shown in grey rather than crashing the report.
OTHER_LABEL = LabelStyle("#8c8c8c", "#ececec", "other")


def label_style(label: str) -> LabelStyle:
    return LABEL_STYLES.get(label, OTHER_LABEL)


def label_class(label: str) -> str:
    return f"act-{label.lower()}" if label in LABEL_STYLES else "act-other"


def format_score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.2f}"


def pages_folder(path: str | os.PathLike) -> Path:
    """Where the document pages of the report at ``path`` go: report.html -> report/."""
    path = Path(path)
    return path.with_name(path.stem)


def page_name(number: int) -> str:
    return f"{number}.html"


def fragment(ref: str) -> str:
    """A URL fragment that finds the element with id ``ref``, whatever characters the doc_id holds."""
    return "#" + quote(ref, safe="")


@dataclass
class Document:
    """One document as the index lists it (records are read once, so this is all that is kept)."""

    number: int
    doc_id: str
    title: str
    details: list[str]
    sentences: int = 0
    labels: Counter = field(default_factory=Counter)


@dataclass
class Tally:
    """The whole batch's counts, for the summary page's header."""

    documents: int = 0
    sentences: int = 0
    labels: Counter = field(default_factory=Counter)

    def add(self, document: Document) -> None:
        self.documents += 1
        self.sentences += document.sentences
        self.labels.update(document.labels)


def css() -> str:
    rules = [
        f"body{{font-family:{CJK_FONTS};margin:0 auto;max-width:1200px;padding:1em 2em;color:#222;"
        "line-height:1.6}",
        "h1{margin-bottom:.2em} h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}",
        ".summary span,.chip{display:inline-block;margin:0 .6em .3em 0}",
        ".chip{color:#fff;border-radius:.3em;padding:0 .45em;font-size:.85em;font-weight:bold}",
        ".graph svg{width:100%;max-width:820px;height:auto;border:1px solid #eee;border-radius:.4em}",
        ".parties{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1em}",
        ".party{border:1px solid #ddd;border-radius:.4em;padding:0 1em 1em}",
        "table{border-collapse:collapse;width:100%;margin-top:.5em;font-size:.9em}",
        "th,td{border-bottom:1px solid #eee;padding:.25em .5em;text-align:left;vertical-align:top}",
        "td.num{text-align:right} td ul{margin:0;padding-left:1.1em}",
        ".meta,.note{color:#666;font-size:.9em}",
        ".sid{color:#999;font-size:.75em;margin-right:.5em;text-decoration:none}",
        "nav.pager a{margin-right:1em}",
        ".sent{margin:.2em 0;line-height:2.4}",
        "mark.act{padding:.15em .3em;margin:0 .1em;border-radius:.35em;-webkit-box-decoration-break:clone;"
        "box-decoration-break:clone}",
        "mark.act .tag{font-size:.62em;font-weight:bold;color:#fff;border-radius:.25em;padding:.05em .35em;"
        "margin-left:.35em;vertical-align:middle;white-space:nowrap}",
    ]
    for label, style in [*LABEL_STYLES.items(), ("OTHER", OTHER_LABEL)]:
        name = label.lower()
        rules.append(f"mark.act-{name}{{background:{style.tint};border-bottom:2px solid {style.colour}}}")
        rules.append(f"mark.act-{name} .tag,.chip.act-{name}{{background:{style.colour}}}")
    return "\n".join(rules)


def page(title: str, *body: str) -> str:
    """A whole HTML page with the report's styles inline."""
    return "\n".join([
        '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>\n<style>\n{css()}\n</style>\n</head>\n<body>",
        *body,
        "</body>\n</html>\n",
    ])


def chip(label: str, text: str) -> str:
    return f'<span class="chip {label_class(label)}">{escape(text)}</span>'


def label_chips(labels: Counter) -> str:
    chips = "".join(chip(label, f"{label} {labels[label]}") for label in LABEL_STYLES)
    others = "".join(chip(label, f"{label} {n}") for label, n in labels.items() if label not in LABEL_STYLES)
    return chips + others


def note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>'


# --------------------------------------------------------------------------- document pages


def mark(text: str, span: Span, sentence_id: str) -> str:
    """One span, displaCy style: tinted text plus a tag "LABEL speaker→target"; score on hover."""
    label, speaker, target = span.label, span.speaker or "?", span.target
    tag = f"{label} {speaker}→{target}" if target else f"{label} {speaker}"
    hover = (f"{label_style(label).gloss} · {speaker}→{target or '(none)'} · "
             f"score {format_score(span.score)}")
    ref = f"{sentence_id}:{span.start}-{span.end}"
    return (f'<mark class="act {label_class(label)}" id="{escape(ref)}" title="{escape(hover)}">'
            f'{escape(text)}<span class="tag">{escape(tag)}</span></mark>')


def highlight(sentence: Sentence) -> str:
    """The sentence with its spans marked. Tagger spans never overlap; should one overlap anyway,
    only its uncovered part is marked, so no text is ever shown twice."""
    text, parts, cursor = sentence.text, [], 0
    for span in sorted(sentence.spans, key=lambda s: (s.start, -s.end)):
        start, end = max(span.start, cursor), min(span.end, len(text))
        if start >= end:
            continue
        parts += [escape(text[cursor:start]), mark(text[start:end], span, sentence.id)]
        cursor = end
    parts.append(escape(text[cursor:]))
    return "".join(parts)


def sentence_html(sentence: Sentence) -> str:
    sid = sentence.id
    short = escape(sid.rsplit(".", 1)[-1])
    return (f'<p class="sent" id="{escape(sid)}"><a class="sid" href="{escape(fragment(sid))}">{short}</a>'
            f"{highlight(sentence)}</p>")


def describe(number: int, doc_id: str, metadata: dict[str, dict]) -> Document:
    record_meta = metadata.get(doc_id, {})
    meta = {**record_meta.get("metadata", {}), "source": record_meta.get("source")}
    # not "if meta.get(k)": 20101104 is a date too
    details = [str(meta[k]) for k in ("author", "date", "source") if meta.get(k) is not None]
    return Document(number, doc_id, str(meta.get("title") or doc_id), [d for d in [*details, doc_id] if d])


def documents(sentences: Iterable[Sentence],
              metadata: dict[str, dict]) -> Iterator[tuple[Document, list[Sentence]]]:
    """Each document with its sentences (a document's sentences are consecutive), counted."""
    for number, (doc_id, group) in enumerate(groupby(sentences, key=lambda s: s.doc_id)):
        document, own = describe(number, doc_id, metadata), list(group)
        document.sentences = len(own)
        document.labels.update(span.label for sentence in own for span in sentence.spans)
        yield document, own


def document_page(document: Document, sentences: list[Sentence], summary: str, last: bool) -> str:
    """One document's page: its sentences highlighted, with links to the summary and its neighbours."""
    links = [f'<a href="../{escape(summary)}">↑ summary</a>']
    if document.number:
        links.append(f'<a href="{page_name(document.number - 1)}">← previous</a>')
    if not last:
        links.append(f'<a href="{page_name(document.number + 1)}">next →</a>')
    pager = f'<nav class="pager">{"".join(links)}</nav>'
    return page(
        document.title,
        f"<header>{pager}<h1>{escape(document.title)}</h1>",
        f'<p class="meta">{" · ".join(escape(d) for d in document.details)}</p>',
        f'<p class="summary"><span><b>{document.sentences}</b> sentences</span>'
        f"{label_chips(document.labels)}</p>"
        "</header>",
        f'<main class="doc">{"".join(map(sentence_html, sentences))}</main>',
        pager,
    )


# --------------------------------------------------------------------------- summary page


def top_targets(targets: dict[str, int]) -> str:
    best = sorted(targets.items(), key=lambda kv: -kv[1])[:TOP_TARGETS]
    return " · ".join(f"{escape(t)} ×{n}" for t, n in best)


def counts_table(party: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr><td>{chip(label, label)}</td><td class="num">{n}</td>'
        f'<td>{top_targets(party.get("targets", {}).get(label, {}))}</td></tr>'
        for label, n in party["counts"].items()
    )
    return ("<table><thead><tr><th>Act</th><th>Count</th><th>Top targets</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def party_sections(aggregate: dict[str, Any]) -> str:
    """The most active parties' tables (the aggregate lists parties most active first)."""
    denials: Counter = Counter(link["denier"] for link in aggregate.get("rebuttals", []))
    sections = []
    for name, party in list(aggregate.get("parties", {}).items())[:TOP_PARTIES]:
        acts = f"{sum(party['counts'].values())} acts"
        acts += f" · {denials[name]} rebuttal links" if denials[name] else ""
        sections.append(f'<section class="party"><h3>{escape(name)} '
                        f'<small class="meta">{escape(acts)}</small>'
                        f"</h3>{counts_table(party)}</section>")
    left = len(aggregate.get("parties", {})) - len(sections)
    shown = f'<div class="parties">{"".join(sections)}</div>'
    return shown + (note(f"{left} less active parties are not shown here; parties.json has them all.")
                    if left > 0 else "")


def rebuttals_table(links: list[dict[str, Any]], pages: dict[str, str]) -> str:
    """The strongest rebuttal links, each side linking to its span on its document's page."""
    best = sorted(links, key=lambda link: -link["score"])[:TOP_REBUTTALS]

    def cell(ref: str, text: str) -> str:
        href = pages.get(ref.rsplit(":", 1)[0], "") + fragment(ref)
        return f'<a href="{escape(href)}">“{escape(text)}”</a>'

    rows = "".join(
        f'<tr><td>{escape(link["denier"])}</td><td>{cell(link["denial"], link["denial_text"])}</td>'
        f'<td>{escape(link["accuser"])}</td><td>{cell(link["accusation"], link["accusation_text"])}</td>'
        f'<td class="num">{format_score(link["score"])}</td></tr>'
        for link in best
    )
    table = ('<table class="rebuttals"><thead><tr><th>Denier</th><th>Denial</th><th>Accuser</th>'
             f"<th>Answers accusation</th><th>Score</th></tr></thead><tbody>{rows}</tbody></table>")
    left = len(links) - len(best)
    return table + (note(f"{left} weaker links are not shown here; parties.json has them all.")
                    if left > 0 else "")


def index_table(listed: list[Document], folder: str) -> str:
    """The documents in batch order with their counts per label, each linking to its page."""
    labels = list(LABEL_STYLES)
    heads = "".join(f"<th>{chip(label, label)}</th>" for label in labels)
    rows = "".join(
        f'<tr><td class="num">{d.number}</td>'
        f'<td><a href="{escape(folder)}/{page_name(d.number)}">{escape(d.title)}</a></td>'
        f'<td class="num">{d.sentences}</td>'
        + "".join(f'<td class="num">{d.labels[label]}</td>' for label in labels)
        + f'<td class="num">{sum(n for label, n in d.labels.items() if label not in LABEL_STYLES)}</td></tr>'
        for d in listed
    )
    return ('<table class="index"><thead><tr><th>#</th><th>Document</th><th>Sentences</th>'
            f"{heads}<th>other</th></tr></thead><tbody>{rows}</tbody></table>")


def render_summary(listed: list[Document], tally: Tally, aggregate: dict[str, Any], pages: dict[str, str],
                   folder: str) -> str:
    """report.html: ``listed`` are the documents of the index (at most INDEX_LIMIT), ``tally``
    counts the whole batch, ``pages`` maps a linked sentence id to its page."""
    title = f"Argument-mining report · {tally.documents} documents"
    left = tally.documents - len(listed)
    unlisted = note(f"{left} more documents are not listed; each has its page, {folder}/<n>.html for n up to "
                    f"{tally.documents - 1}, and the pages link to their neighbours.") if left > 0 else ""
    return page(
        title,
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="summary"><span><b>{tally.documents}</b> documents</span>'
        f'<span><b>{tally.sentences}</b> sentences</span>'
        f'<span><b>{sum(tally.labels.values())}</b> acts</span>'
        f'<span><b>{len(aggregate.get("parties", {}))}</b> parties</span>'
        f'<span><b>{len(aggregate.get("rebuttals", []))}</b> rebuttal links</span></p>',
        f'<p class="summary">{label_chips(tally.labels)}</p></header>',
        f'<section class="graph"><h2>Party graph</h2>{party_graph_svg(aggregate)}</section>',
        f"<section><h2>Parties</h2>{party_sections(aggregate)}</section>",
        f'<section><h2>Rebuttals</h2>{rebuttals_table(aggregate.get("rebuttals", []), pages)}</section>',
        f"<main><h2>Documents</h2>{index_table(listed, folder)}{unlisted}</main>",
    )


def linked_sentences(aggregate: dict[str, Any]) -> set[str]:
    return {link[side].rsplit(":", 1)[0] for link in aggregate.get("rebuttals", [])
            for side in ("denial", "accusation")}


def write_pages(folder: Path, sentences: Iterable[Sentence], metadata: dict[str, dict], summary: str,
                wanted: set[str]) -> tuple[list[Document], Tally, dict[str, str]]:
    """Write each document's page into ``folder`` as the sentences stream past; returns the documents
    for the index (the first INDEX_LIMIT), the batch's totals, and the page of each ``wanted`` sentence."""
    listed, tally, pages = [], Tally(), {}
    pending: tuple[Document, list[Sentence]] | None = None
    # one document of look-ahead: a page links to the next one only if there is one
    for current in chain(documents(sentences, metadata), [None]):
        if pending is not None:
            text = document_page(*pending, summary=summary, last=current is None)
            atomic_write_text(folder / page_name(pending[0].number), text)
        if current is not None:
            document, own = pending = current
            tally.add(document)
            listed += [document][:INDEX_LIMIT - len(listed)]
            here = f"{folder.name}/{page_name(document.number)}"
            pages.update({s.id: here for s in own if s.id in wanted})
    return listed, tally, pages


def write_report(path: str | os.PathLike, sentences: Iterable[Sentence], aggregate: dict[str, Any],
                 metadata: dict[str, dict]) -> None:
    """Write report.html, a page per document in ``report/`` beside it, and ``party_graph.svg``,
    each atomically (readers never see half a file). ``sentences`` is read once (it may be a stream);
    pages left from an earlier, larger batch are removed."""
    path, folder = Path(path), pages_folder(path)
    folder.mkdir(parents=True, exist_ok=True)
    listed, tally, pages = write_pages(folder, sentences, metadata, path.name, linked_sentences(aggregate))
    for stale in folder.glob("*.html"):
        if not (stale.stem.isdigit() and int(stale.stem) < tally.documents):
            stale.unlink()
    atomic_write_text(path, render_summary(listed, tally, aggregate, pages, folder.name))
    atomic_write_text(path.with_name(GRAPH_FILE), party_graph_svg(aggregate))
