"""The party graph as a standalone SVG: who accuses, denies, apologises to whom, and how often.

Deterministic (nodes on a circle), so the graph of one batch is byte-identical run to run, and
bounded: the most active parties are drawn, with a note of how many are left out, so a batch
of hundreds of parties still gives a graph a person can read. Every name is escaped.
"""
from __future__ import annotations

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass
from html import escape
from typing import Any

CJK_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"
GRAPH_FILE = "party_graph.svg"
TOP_PARTIES = 30  # parties drawn; more make a circle too crowded to read

# Registry of party-graph relations (the ``relation`` of the aggregate's edges).
RELATION_COLOURS: dict[str, str] = {
    "accuses": "#e15759",
    "denies": "#f28e2b",
    "apologises_to": "#59a14f",
    "claims_about": "#9a9a9a",
}


def relation_colour(relation: str) -> str:
    return RELATION_COLOURS.get(relation, RELATION_COLOURS["claims_about"])


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


def arrowhead(tip: tuple[float, float], control: tuple[float, float],
              width: float) -> tuple[str, tuple[float, float]]:
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
        f'<path d="M{start[0]:.1f},{start[1]:.1f} Q{control[0]:.1f},{control[1]:.1f} '
        f'{stop[0]:.1f},{stop[1]:.1f}" '
        f'fill="none" stroke="{colour}" stroke-width="{width:.1f}" stroke-opacity="0.85"/>'
        f'<polygon points="{points}" fill="{colour}"/>'
        f'<text x="{mid_x:.1f}" y="{mid_y:.1f}" font-size="11" text-anchor="middle" '
        'dominant-baseline="central" '
        f'fill="{colour}" stroke="#fff" stroke-width="3" paint-order="stroke">{edge["count"]}</text></g>'
    )


def svg_node(node: Node, counts: dict[str, int] | None) -> str:
    said = ", ".join(f"{k} {v}" for k, v in counts.items()) if counts else "target only"
    tooltip = f"{node.name}: {said}"
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


def left_out_note(parties: int, edges: int, top: float, width: float) -> str:
    return (f'<text class="left-out" x="{width - 10:.0f}" y="{top + LEGEND_HEIGHT / 2:.0f}" font-size="12" '
            f'text-anchor="end" dominant-baseline="central" fill="#666">{parties} less active parties and '
            f"{edges} edges not shown</text>")


def party_graph_svg(aggregate: dict[str, Any], relations: tuple = ("accuses", "denies", "apologises_to"),
                    top: int = TOP_PARTIES) -> str:
    """The party graph as a standalone SVG: who accuses, denies, apologises to whom, and how often.

    Only the ``top`` parties are drawn (speakers by act count, then targets that never speak), with
    a note of how many are left out. Nodes sit on a circle (deterministic, so reports of one batch
    are byte-identical); edge width grows with the count, and each edge of a pair bends further so
    parallel edges stay visible.
    """
    edges = [e for e in aggregate.get("edges", [])
             if e["relation"] in relations and e["source"] != e["target"]]
    names = graph_parties(aggregate, edges)
    shown = set(names[:top])
    drawn_edges = [e for e in edges if e["source"] in shown and e["target"] in shown]
    width_needed = LEGEND_ITEM_WIDTH * (len(relations) + 2 * (len(names) > top)) + 20
    nodes, width, height = circular_layout(names[:top], width_needed)
    largest = max((e["count"] for e in drawn_edges), default=1)
    parallel: Counter = Counter()
    drawn = []
    for edge in drawn_edges:
        pair = (edge["source"], edge["target"])
        drawn.append(svg_edge(edge, nodes[pair[0]], nodes[pair[1]], 0.15 + 0.15 * parallel[pair],
                              edge_width(edge["count"], largest)))
        parallel[pair] += 1
    parties = aggregate.get("parties", {})
    body = [*drawn, *(svg_node(node, parties.get(name, {}).get("counts")) for name, node in nodes.items())]
    if not nodes:
        body.append(f'<text x="{width / 2:.0f}" y="24" text-anchor="middle" fill="#666">no parties</text>')
    if len(names) > top:
        left_out = len(names) - top, len(edges) - len(drawn_edges)
        body.append(left_out_note(*left_out, height - LEGEND_HEIGHT, width))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="party-graph" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" font-family="{CJK_FONTS}" role="img" '
        f'aria-label="party graph"><title>Party graph</title>{"".join(body)}'
        f'{svg_legend(tuple(relations), height - LEGEND_HEIGHT)}</svg>'
    )
