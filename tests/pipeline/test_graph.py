"""The party-graph SVG: well-formed, escaped, complete for small batches, bounded for large ones."""
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from corpus.load import load_corpus
from pipeline.aggregate import aggregate
from pipeline.graph import TOP_PARTIES, party_graph_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = {"parties": {"<b>甲</b>": {"counts": {"ACCUSATION": 1}}, "乙&丙": {"counts": {"DENIAL": 1}}},
           "edges": [{"source": "<b>甲</b>", "target": "乙&丙", "relation": "accuses", "count": 1},
                     {"source": "乙&丙", "target": "<b>甲</b>", "relation": "denies", "count": 1}]}


@pytest.fixture(scope="module")
def gold():
    return aggregate(load_corpus())


def graph(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # a standalone SVG must be well-formed XML


def nodes(root: ET.Element) -> list[str]:
    return [g.get("data-party") for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


def test_graph_has_one_node_per_party_and_the_edges(gold):
    svg = party_graph_svg(gold)
    root = graph(svg)
    assert sorted(nodes(root)) == sorted(gold["parties"]) and len(gold["parties"]) < TOP_PARTIES
    drawn = Counter(g.get("class") for g in root.iter(f"{SVG}g") if g.get("class", "").startswith("edge "))
    wanted = Counter(f"edge edge-{e['relation']}" for e in gold["edges"]
                     if e["relation"] in ("accuses", "denies", "apologises_to"))
    assert drawn == wanted and drawn["edge edge-accuses"] > 0
    assert "Noto Sans CJK SC" in root.get("font-family") and party_graph_svg(gold) == svg  # deterministic
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") == "left-out"]


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
    assert set(nodes(with_claims)) == {"腾讯", "360", "用户"}  # a target that never speaks still gets a node
    legend = next(g for g in with_claims.iter(f"{SVG}g") if g.get("class") == "legend")
    assert "claims about" in [t.text for t in legend.iter(f"{SVG}text")]


def test_hostile_party_names_keep_the_svg_well_formed():
    root = graph(party_graph_svg(HOSTILE))
    assert set(nodes(root)) == {"<b>甲</b>", "乙&丙"}
    tooltips = [t.text for t in root.iter(f"{SVG}title")][1:]
    assert tooltips == ["<b>甲</b> accuses 乙&丙: 1", "乙&丙 denies <b>甲</b>: 1", "<b>甲</b>: ACCUSATION 1",
                        "乙&丙: DENIAL 1"]


def crowd(parties: int) -> dict:
    """``parties`` parties, the i-th speaking 1000 - i acts and accusing the next one."""
    names = [f"公司{i:03d}" for i in range(parties)]
    return {"parties": {name: {"counts": {"ACCUSATION": 1000 - i}} for i, name in enumerate(names)},
            "edges": [{"source": a, "target": b, "relation": "accuses", "count": 1}
                      for a, b in zip(names, names[1:])]}


def test_a_crowded_graph_shows_the_most_active_parties_and_says_how_many_are_left_out():
    few, many = graph(party_graph_svg(crowd(TOP_PARTIES))), graph(party_graph_svg(crowd(300)))
    assert nodes(many) == [f"公司{i:03d}" for i in range(TOP_PARTIES)]
    edges = [g for g in many.iter(f"{SVG}g") if g.get("class", "").startswith("edge ")]
    assert len(edges) == TOP_PARTIES - 1  # only edges between drawn parties
    note = next(t for t in many.iter(f"{SVG}text") if t.get("class") == "left-out")
    assert note.text == f"{300 - TOP_PARTIES} less active parties and {300 - TOP_PARTIES} edges not shown"
    assert float(many.get("height")) == float(few.get("height")) < 3000
    assert len(nodes(graph(party_graph_svg(crowd(300), top=300)))) == 300
