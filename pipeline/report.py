"""A human-readable view of one batch: a single self-contained HTML page and an SVG party graph.

Analysts open the page offline and share it as one file, so everything is inline (CSS, SVG),
nothing is fetched and no script is needed. Every piece of corpus text is HTML-escaped: the
documents are scraped from the web and must never be able to inject markup.
"""
from __future__ import annotations

import math
import os
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape
from itertools import groupby
from pathlib import Path
from typing import Any, Iterable, Iterator

from corpus.schema import atomic_write_text

CJK_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
GRAPH_FILE = "party_graph.svg"
TOP_TARGETS = 3


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

# Registry of party-graph relations (the ``relation`` of the aggregate's edges).
RELATION_COLOURS: dict[str, str] = {
    "accuses": "#e15759",
    "denies": "#f28e2b",
    "apologises_to": "#59a14f",
    "claims_about": "#9a9a9a",
}


def label_style(label: str) -> LabelStyle:
    return LABEL_STYLES.get(label, OTHER_LABEL)


def label_class(label: str) -> str:
    return f"act-{label.lower()}" if label in LABEL_STYLES else "act-other"


def relation_colour(relation: str) -> str:
    return RELATION_COLOURS.get(relation, RELATION_COLOURS["claims_about"])


def format_score(score: float | None) -> str:
    return "n/a" if score is None else f"{score:.2f}"


# --------------------------------------------------------------------------- party graph

NODE_FONT_SIZE = 14
LEGEND_HEIGHT = 36
LEGEND_ITEM_WIDTH = 140


@dataclass(frozen=True)
class Node:
    """A party drawn as a pill centred on (x, y) with half-width hw and half-height hh."""

    name: str
    x: float
    y: float
    hw: float
    hh: float = 15.0

    def border_towards(self, x: float, y: float, pad: float = 0.0) -> tuple[float, float]:
        """The point where the ray from the centre towards (x, y) leaves the pill (plus pad)."""
        dx, dy = x - self.x, y - self.y
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        reach = min(self.hw / abs(ux) if ux else math.inf, self.hh / abs(uy) if uy else math.inf) + pad
        return self.x + ux * reach, self.y + uy * reach


def text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK glyphs are one em wide, Latin ones about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def graph_parties(aggregate: dict[str, Any], edges: list[dict[str, Any]]) -> list[str]:
    """Every speaking party, most active first, then targets that never speak themselves."""
    names = list(aggregate.get("parties", {}))
    for edge in edges:
        names.extend(n for n in (edge["source"], edge["target"]) if n not in names)
    return names


def circular_layout(names: list[str], min_width: float) -> tuple[dict[str, Node], float, float]:
    """Nodes evenly on a circle starting at the top (deterministic); returns nodes and canvas size."""
    half_widths = {n: text_width(n, NODE_FONT_SIZE) / 2 + 10 for n in names}
    widest = max(half_widths.values(), default=0.0)
    n = len(names)
    radius = 0.0 if n < 2 else max(200.0, (2 * widest + 24) / (2 * math.sin(math.pi / n)))
    margin = widest + 24
    width = max(2 * (radius + margin), min_width)
    centre_x, centre_y = width / 2, radius + margin
    nodes = {}
    for i, name in enumerate(names):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        x, y = centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)
        nodes[name] = Node(name, x, y, half_widths[name])
    return nodes, width, 2 * (radius + margin) + LEGEND_HEIGHT


def edge_width(count: int, largest: int) -> float:
    return 1.2 + 4.8 * math.sqrt(count / largest)


def arrowhead(tip: tuple[float, float], control: tuple[float, float], width: float) -> tuple[str, tuple[float, float]]:
    """Arrowhead polygon at ``tip`` pointing away from ``control``; also where the stroke should stop."""
    dx, dy = tip[0] - control[0], tip[1] - control[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    size, half = 7 + 1.6 * width, 3.5 + width
    bx, by = tip[0] - ux * size, tip[1] - uy * size
    corners = [tip, (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    return points, (tip[0] - ux * size * 0.7, tip[1] - uy * size * 0.7)


def svg_edge(edge: dict[str, Any], source: Node, target: Node, bend: float, width: float) -> str:
    """A quadratic curve bent to the left of its direction, so A→B and B→A never overlap."""
    dx, dy = target.x - source.x, target.y - source.y
    control = ((source.x + target.x) / 2 - dy * bend, (source.y + target.y) / 2 + dx * bend)
    start = source.border_towards(*control)
    tip = target.border_towards(*control, pad=2)
    points, stop = arrowhead(tip, control, width)
    mid_x = 0.25 * start[0] + 0.5 * control[0] + 0.25 * tip[0]
    mid_y = 0.25 * start[1] + 0.5 * control[1] + 0.25 * tip[1]
    relation, colour = edge["relation"], relation_colour(edge["relation"])
    tooltip = f"{edge['source']} {relation.replace('_', ' ')} {edge['target']}: {edge['count']}"
    return (
        f'<g class="edge edge-{escape(relation)}"><title>{escape(tooltip)}</title>'
        f'<path d="M{start[0]:.1f},{start[1]:.1f} Q{control[0]:.1f},{control[1]:.1f} {stop[0]:.1f},{stop[1]:.1f}" '
        f'fill="none" stroke="{colour}" stroke-width="{width:.1f}" stroke-opacity="0.85"/>'
        f'<polygon points="{points}" fill="{colour}"/>'
        f'<text x="{mid_x:.1f}" y="{mid_y:.1f}" font-size="11" text-anchor="middle" dominant-baseline="central" '
        f'fill="{colour}" stroke="#fff" stroke-width="3" paint-order="stroke">{edge["count"]}</text></g>'
    )


def svg_node(node: Node, counts: dict[str, int] | None) -> str:
    tooltip = node.name + ": " + (", ".join(f"{k} {v}" for k, v in counts.items()) if counts else "target only")
    return (
        f'<g class="node" data-party="{escape(node.name)}"><title>{escape(tooltip)}</title>'
        f'<rect x="{node.x - node.hw:.1f}" y="{node.y - node.hh:.1f}" width="{2 * node.hw:.1f}" '
        f'height="{2 * node.hh:.1f}" rx="{node.hh:.1f}" fill="#fff" stroke="#333" stroke-width="1.5"/>'
        f'<text x="{node.x:.1f}" y="{node.y:.1f}" font-size="{NODE_FONT_SIZE}" text-anchor="middle" '
        f'dominant-baseline="central" fill="#222">{escape(node.name)}</text></g>'
    )


def svg_legend(relations: tuple[str, ...], top: float) -> str:
    items = []
    for i, relation in enumerate(relations):
        x, y = 10 + i * LEGEND_ITEM_WIDTH, top + LEGEND_HEIGHT / 2
        colour = relation_colour(relation)
        items.append(
            f'<line x1="{x}" y1="{y}" x2="{x + 28}" y2="{y}" stroke="{colour}" stroke-width="3"/>'
            f'<polygon points="{x + 36},{y} {x + 26},{y - 5} {x + 26},{y + 5}" fill="{colour}"/>'
            f'<text x="{x + 42}" y="{y}" font-size="12" dominant-baseline="central" fill="#333">'
            f'{escape(relation.replace("_", " "))}</text>'
        )
    return f'<g class="legend">{"".join(items)}</g>'


def party_graph_svg(aggregate: dict[str, Any], relations: tuple = ("accuses", "denies", "apologises_to")) -> str:
    """The party graph as a standalone SVG: who accuses, denies, apologises to whom, and how often.

    Nodes sit on a circle (deterministic, so reports of one batch are byte-identical); edge width
    grows with the count, and each edge of a pair bends further so parallel edges stay visible.
    """
    edges = [e for e in aggregate.get("edges", []) if e["relation"] in relations and e["source"] != e["target"]]
    nodes, width, height = circular_layout(graph_parties(aggregate, edges), LEGEND_ITEM_WIDTH * len(relations) + 20)
    largest = max((e["count"] for e in edges), default=1)
    parallel: Counter = Counter()
    drawn = []
    for edge in edges:
        pair = (edge["source"], edge["target"])
        drawn.append(svg_edge(edge, nodes[pair[0]], nodes[pair[1]], 0.15 + 0.15 * parallel[pair],
                              edge_width(edge["count"], largest)))
        parallel[pair] += 1
    parties = aggregate.get("parties", {})
    body = [*drawn, *(svg_node(node, parties.get(name, {}).get("counts")) for name, node in nodes.items())]
    if not nodes:
        body.append(f'<text x="{width / 2:.0f}" y="24" text-anchor="middle" fill="#666">no parties</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="party-graph" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{CJK_FONTS}" role="img" aria-label="party graph">'
        f'<title>Party graph</title>{"".join(body)}{svg_legend(tuple(relations), height - LEGEND_HEIGHT)}</svg>'
    )


# --------------------------------------------------------------------------- HTML page


@dataclass
class Tally:
    """What the header needs, gathered while the documents stream past (records are read once)."""

    documents: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, title) for the contents
    sentences: int = 0
    labels: Counter = field(default_factory=Counter)


def css() -> str:
    rules = [
        f"body{{font-family:{CJK_FONTS};margin:0 auto;max-width:1200px;padding:1em 2em;color:#222;line-height:1.6}}",
        "h1{margin-bottom:.2em} h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}",
        ".summary span,.chip{display:inline-block;margin:0 .6em .3em 0}",
        ".chip{color:#fff;border-radius:.3em;padding:0 .45em;font-size:.85em;font-weight:bold}",
        ".graph svg{width:100%;max-width:820px;height:auto;border:1px solid #eee;border-radius:.4em}",
        ".parties{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1em}",
        ".party{border:1px solid #ddd;border-radius:.4em;padding:0 1em 1em}",
        "table{border-collapse:collapse;width:100%;margin-top:.5em;font-size:.9em}",
        "th,td{border-bottom:1px solid #eee;padding:.25em .5em;text-align:left;vertical-align:top}",
        "td.num{text-align:right} td ul{margin:0;padding-left:1.1em}",
        ".meta{color:#666;font-size:.9em} .sid{color:#999;font-size:.75em;margin-right:.5em;text-decoration:none}",
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


def chip(label: str, text: str) -> str:
    return f'<span class="chip {label_class(label)}">{escape(text)}</span>'


def mark(text: str, span: dict[str, Any], sentence_id: str) -> str:
    """One span, displaCy style: tinted text plus a tag "LABEL speaker→target"; score on hover."""
    label, speaker, target = span["label"], span.get("speaker") or "?", span.get("target")
    tag = f"{label} {speaker}→{target}" if target else f"{label} {speaker}"
    hover = f"{label_style(label).gloss} · {speaker}→{target or '(none)'} · score {format_score(span.get('score'))}"
    ref = f"{sentence_id}:{span['start']}-{span['end']}"
    return (f'<mark class="act {label_class(label)}" id="{escape(ref)}" title="{escape(hover)}">'
            f'{escape(text)}<span class="tag">{escape(tag)}</span></mark>')


def highlight(record: dict[str, Any]) -> str:
    """The sentence with its spans marked. Tagger spans never overlap; should one overlap anyway,
    only its uncovered part is marked, so no text is ever shown twice."""
    text, parts, cursor = record["text"], [], 0
    for span in sorted(record["spans"], key=lambda s: (s["start"], -s["end"])):
        start, end = max(span["start"], cursor), min(span["end"], len(text))
        if start >= end:
            continue
        parts += [escape(text[cursor:start]), mark(text[start:end], span, record["id"])]
        cursor = end
    parts.append(escape(text[cursor:]))
    return "".join(parts)


def sentence_html(record: dict[str, Any]) -> str:
    sid = escape(record["id"])
    short = escape(record["id"].rsplit(".", 1)[-1])
    return f'<p class="sent" id="{sid}"><a class="sid" href="#{sid}">{short}</a>{highlight(record)}</p>'


def document_sections(records: Iterable[dict[str, Any]], metadata: dict[str, dict], tally: Tally) -> Iterator[str]:
    """One <section> per document (records of a document are consecutive), counting into tally."""
    for doc_id, group in groupby(records, key=lambda r: r["doc_id"]):
        record_meta = metadata.get(doc_id, {})
        meta = {**record_meta.get("metadata", {}), "source": record_meta.get("source")}
        title = str(meta.get("title") or doc_id)
        tally.documents.append((doc_id, title))
        details = [str(meta[k]) for k in ("author", "date", "source") if meta.get(k) is not None] + [doc_id]  # 20101104 is a date too
        parts = [f'<section class="doc" id="doc-{escape(doc_id)}"><h3>{escape(title)}</h3>',
                 f'<p class="meta">{" · ".join(escape(d) for d in details if d)}</p>']
        for record in group:
            tally.sentences += 1
            tally.labels.update(span["label"] for span in record["spans"])
            parts.append(sentence_html(record))
        parts.append("</section>")
        yield "".join(parts)


def summary_html(tally: Tally, aggregate: dict[str, Any]) -> str:
    chips = "".join(chip(label, f"{label} {tally.labels[label]}") for label in LABEL_STYLES)
    chips += "".join(chip(label, f"{label} {n}") for label, n in tally.labels.items() if label not in LABEL_STYLES)
    contents = "".join(f'<li><a href="#doc-{escape(d)}">{escape(t)}</a></li>' for d, t in tally.documents)
    return (
        f'<p class="summary"><span><b>{len(tally.documents)}</b> documents</span>'
        f'<span><b>{tally.sentences}</b> sentences</span><span><b>{sum(tally.labels.values())}</b> acts</span>'
        f'<span><b>{len(aggregate.get("parties", {}))}</b> parties</span>'
        f'<span><b>{len(aggregate.get("rebuttals", []))}</b> rebuttal links</span></p>'
        f'<p class="summary">{chips}</p><nav><ol>{contents}</ol></nav>'
    )


def top_targets(targets: dict[str, int]) -> str:
    best = sorted(targets.items(), key=lambda kv: -kv[1])[:TOP_TARGETS]
    return " · ".join(f"{escape(t)} ×{n}" for t, n in best)


def counts_table(party: dict[str, Any]) -> str:
    rows = "".join(
        f'<tr><td>{chip(label, label)}</td><td class="num">{n}</td>'
        f'<td>{top_targets(party.get("targets", {}).get(label, {}))}</td></tr>'
        for label, n in party["counts"].items()
    )
    return f"<table><thead><tr><th>Act</th><th>Count</th><th>Top targets</th></tr></thead><tbody>{rows}</tbody></table>"


def rebuttals_table(links: list[dict[str, Any]]) -> str:
    """This party's denials, each with the accusations it answers (grouped by denial)."""
    by_denial: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        by_denial[link["denial"]].append(link)
    rows = []
    for ref, answered in by_denial.items():
        items = "".join(
            f'<li><b>{escape(a["accuser"])}</b>: '
            f'<a href="#{escape(a["accusation"])}">“{escape(a["accusation_text"])}”</a>'
            f' <span class="meta">score {format_score(a["score"])}</span></li>'
            for a in answered
        )
        rows.append(f'<tr><td><a href="#{escape(ref)}">“{escape(answered[0]["denial_text"])}”</a></td>'
                    f"<td><ul>{items}</ul></td></tr>")
    return ("<table class=\"rebuttals\"><thead><tr><th>Denial</th><th>Answers accusation(s)</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def party_sections(aggregate: dict[str, Any]) -> str:
    rebuttals: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in aggregate.get("rebuttals", []):
        rebuttals[link["denier"]].append(link)
    sections = []
    for name, party in aggregate.get("parties", {}).items():
        links = rebuttals.get(name)
        sections.append(
            f'<section class="party"><h3>{escape(name)} <small class="meta">{sum(party["counts"].values())} acts'
            f"</small></h3>{counts_table(party)}{rebuttals_table(links) if links else ''}</section>"
        )
    return f'<div class="parties">{"".join(sections)}</div>'


def render_report(records: Iterable[dict[str, Any]], aggregate: dict[str, Any], metadata: dict[str, dict]) -> str:
    """The whole report as one HTML page. ``records`` is iterated exactly once (it may be a stream)."""
    tally = Tally()
    documents = list(document_sections(records, metadata, tally))
    title = f"Argument-mining report · {len(tally.documents)} documents"
    return "\n".join([
        '<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>\n<style>\n{css()}\n</style>\n</head>\n<body>",
        f"<header><h1>{escape(title)}</h1>{summary_html(tally, aggregate)}</header>",
        f'<section class="graph"><h2>Party graph</h2>{party_graph_svg(aggregate)}</section>',
        f'<section><h2>Parties</h2>{party_sections(aggregate)}</section>',
        '<main><h2>Documents</h2>',
        *documents,
        "</main>\n</body>\n</html>\n",
    ])


def write_report(path: str | os.PathLike, records: Iterable[dict[str, Any]], aggregate: dict[str, Any],
                 metadata: dict[str, dict]) -> None:
    """Write the page and ``party_graph.svg`` beside it, each atomically (readers never see half a file)."""
    path = Path(path)
    atomic_write_text(path, render_report(records, aggregate, metadata))
    atomic_write_text(path.with_name(GRAPH_FILE), party_graph_svg(aggregate))
