"""Party discovery on a small team-written batch of a dispute no registry knows."""
import json

from corpus.parties import PartyRegistry, load_registry, read_registry
from pipeline.attribution import Attributor
from pipeline.discovery import discover_into, discover_parties, name_stem, short_forms
from pipeline.records import InputDocument

BATCH = [
    "澜图电器股份有限公司昨日发布声明称，网传电池起火视频系恶意剪辑。",
    "澜图副总裁周启明表示，公司从未收到任何起火投诉。",
    "对此，北岬出行科技有限公司回应称，视频均为真实拍摄。",
    "北岬方面还指出，澜图旗下的澜图X5空调存在设计缺陷。",
    "澜图称将起诉北岬。",
    "沂川市市场监督管理局表示，已对两家公司立案调查。",
]


def test_full_names_short_names_people_and_products_are_found():
    found = discover_parties(BATCH, load_registry())
    assert {"澜图", "北岬"} <= found.names
    lantu = found.parties["澜图"]
    assert "澜图电器股份有限公司" in lantu.aliases and "周启明" in lantu.people and "澜图X5空调" in lantu.products
    assert "北岬出行科技有限公司" in found.parties["北岬"].aliases
    assert any(name.endswith("市场监督管理局") for name in found.names)


def test_attribution_resolves_the_discovered_parties():
    found = discover_parties(BATCH, load_registry())
    attributor = Attributor(load_registry().extend(found))
    assert [m.party for m in attributor.mentions(BATCH[1])][:1] == ["澜图"]  # 澜图副总裁周启明 -> 澜图


def test_the_registry_wins_and_discovery_is_deterministic():
    known = PartyRegistry({}).extend(load_registry())
    first = discover_parties(BATCH, known)
    assert list(first.parties) == list(discover_parties(BATCH, known).parties)
    own = load_registry().extend(PartyRegistry({"澜图电器": __import__("corpus.parties").parties.Party(
        "澜图电器", "company", ("澜图", "澜图电器股份有限公司"))}))
    assert "澜图" not in discover_parties(BATCH, own).names


def test_short_forms_strip_legal_form_and_trade_word():
    assert short_forms("澜图电器股份有限公司")[:4] == ["澜图电器股份有限公司", "澜图电器", "澜图电器公司", "澜图"]


def test_discovered_file_round_trips_as_a_registry(tmp_path):
    items = [InputDocument(f"d{i}", text, "batch.jsonl", i) for i, text in enumerate(BATCH)]
    path = tmp_path / "parties.discovered.json"
    found = discover_into(items, load_registry(), path)
    assert json.loads(path.read_text(encoding="utf-8"))["description"]
    again = read_registry(path)
    assert again.names == found.names and again.mentions() == found.mentions()


def test_short_names_never_end_inside_a_trade_word():
    assert name_stem("岩峤新能源") == "岩峤" and name_stem("苔溪滋补品") == "苔溪"
    found = discover_parties(["岩峤新能源股份有限公司发布公告。", "岩峤表示将起诉。", "岩峤新能股价下跌。"], load_registry())
    assert not any(name.startswith("新能") or "岩峤新能" in party.aliases for name, party in found.parties.items())


def test_authorities_get_their_official_short_forms():
    batch = ["苇塘市市场监督管理局发布通报。", "苇塘市市场监管局表示已立案。"]
    found = discover_parties(batch, load_registry())
    assert found.mentions().get("苇塘市市场监管局") == found.mentions()["苇塘市市场监督管理局"]


def test_verbs_and_measure_words_before_a_legal_form_are_name_parts():
    found = discover_parties(["桐屿配送服务有限公司回应称，从未拖欠工资。", "桐屿配送表示将起诉。"], load_registry())
    assert "桐屿配送服务有限公司" in found.mentions()


def test_a_statement_title_names_its_author():
    batch = ["雾栖即送关于近期网络传言的声明", "雾栖即送将全额退款。", "雾栖即送"]
    assert "雾栖即送" in discover_parties(batch, load_registry()).mentions()


def test_an_organisation_named_only_through_its_people_is_found():
    batch = ["对话沣潭移动副总经理符景川：我们接受处罚。",
             "沣潭移动副总经理符景川表示，网间扩容已在推进。",
             "符景川：这个说法我不能接受。",
             "该公司副总裁魏明表示不知情。"]
    found = discover_parties(batch, load_registry())
    assert found.names == {"沣潭移动"} and found.parties["沣潭移动"].people == ("符景川",)
    attributor = Attributor(load_registry().extend(found))
    assert [m.party for m in attributor.mentions(batch[2])] == ["沣潭移动"]  # a transcript turn resolves


def test_words_that_lead_into_a_name_are_not_part_of_it():
    batch = ["2024年5月2日，我局接沅桥家居用品股份有限公司报案。",
             "业委会诉沅桥家居用品股份有限公司一案今日开庭。",
             "本公司已委托岑朗律师事务所处理，如不服可在十五日内向沅江省高级人民法院上诉。"]
    names = set(discover_parties(batch, load_registry()).mentions())
    assert {"沅桥家居用品股份有限公司", "岑朗律师事务所", "沅江省高级人民法院"} <= names
    assert not any(n.startswith(("局接", "业委会诉", "委托", "内向")) for n in names)


def test_descriptions_self_references_and_branches_are_not_parties():
    batch = ["惟本公司明白，部分用户当晚受到影响。", "有网友指本公司造假，当地人民医院已出具证明。",
             "我局已冻结相关人员银行账户。", "本案中保险公司拒赔。", "对栖岸出行科技有限公司栖岸分公司进行约谈。",
             "宸岭能源股份有限公司关于控股子公司事故的公告", "今天我们关注随驭与市交通运输局之间的争议。"]
    names = set(discover_parties(batch, load_registry()).mentions())
    assert {"惟本公司", "指本公司", "人民医院", "人员银行", "中保险公司", "控股子公司", "市交通运输局"}.isdisjoint(names)
    assert not any("分公司" in n for n in names) and "栖岸出行科技有限公司" in names


def test_a_title_modifier_is_not_an_organisation():
    batch = ["出席：澄泓乐园行政总裁乔慕言、法务总监宁晓", "澄泓乐园行政总裁乔慕言表示，将全面检修。", "乔慕言：我们会负责到底。"]
    names = set(discover_parties(batch, load_registry()).names)
    assert not any(n.endswith(("行政", "法务")) for n in names)


def test_bare_names_that_are_ordinary_words_are_not_parties():
    batch = ["客服人员回应称，已在处理。", "客服人员表示，订单会补发。", "客服人员称，系统已恢复。",
             "铜釜记回应称，从未使用隔夜汤底。", "铜釜记表示将报警。", "铜釜记称保留追责权利。"]
    assert set(discover_parties(batch, load_registry()).names) == {"铜釜记"}


def test_adjectives_and_verbs_inside_an_authority_name_and_centres_and_unions():
    from pipeline.discovery import organisation_mentions
    assert organisation_mentions("栎川市卫生健康委员会关于某门诊部的通报") == ["栎川市卫生健康委员会"]
    assert organisation_mentions("蘅岛民航局公布调查结果") == ["蘅岛民航局"]
    assert organisation_mentions("芷湾食物安全中心公布检测结果") == ["芷湾食物安全中心"]
    assert organisation_mentions("记者来到市中心") == [] and organisation_mentions("该数据中心噪音扰民") == []


def test_a_party_is_named_by_a_form_that_reads_as_a_name_and_newspapers_stay_whole():
    batch = ["椒柒餐饮管理有限公司关于加盟店的声明", "椒柒将全面整改。", "椒柒餐饮管理有限公司",
             "《澶州晚报》刊发报道。", "澶州晚报记者暗访。"]
    found = discover_parties(batch, load_registry())
    party = found.mentions().get("椒柒餐饮管理有限公司")  # kept, though 椒柒 ends in a numeral jieba tags m
    assert party and party.startswith("椒柒") and found.mentions()["椒柒"] == party
    assert found.mentions().get("澶州晚报") == "澶州晚报"  # not the place 澶州


def test_an_organisation_named_through_its_people_is_not_cut_out_of_a_word():
    batch = ["对此，俱乐部总经理滕孝铎表示，工资已全部发放。", "昨日，俱乐部总经理滕孝铎称，将起诉造谣者。"]
    found = discover_parties(batch, load_registry())
    assert "乐部" not in found.parties and "乐部" not in found.mentions()


def test_a_date_never_runs_into_a_name():
    found = discover_parties(["市监局于5月8日约谈锃锁智能科技有限公司负责人。", "锃锁智能科技有限公司表示将整改。"], load_registry())
    assert not any(name.startswith("日") or any(a.startswith("日") for a in p.aliases) for name, p in found.parties.items())


def test_accounts_newspapers_people_and_group_words_without_a_suffix():
    batch = [
        "数码博主“鲸落不语”在帖文中指出，螓鸣隐瞒了故障原因。",
        "鲸落不语随后又贴出一张截图。",
        "《时闻报》昨日刊发报道，称鸤鸠曾把用户讯息传往境外。",
        "时闻报记者多次联系鸤鸠，未获回复。",
        "邝一苇表示，受试者的评分在数据库锁定前被改动过。",
        "邝一苇称，她已向监管部门提交全部材料。",
        "澓港网店商户联会发表公开信。",
        "鹖鹖回应称，联会所说的删帖并不存在。",
    ]
    found = discover_parties(batch, load_registry())
    assert found.parties["鲸落不语"].kind == "blogger"
    assert found.parties["时闻报"].kind == "media" and "《时闻报》" in found.parties["时闻报"].aliases
    assert found.parties["邝一苇"].kind == "person"
    assert found.resolve("联会") == "澓港网店商户联会"


def test_people_an_organisation_claims_stay_its_people():
    batch = ["螓鸣科技有限公司发言人邝颖琛表示，故障已经排除。", "邝颖琛称，公司没有隐瞒任何信息。", "邝颖琛表示会公布报告。"]
    found = discover_parties(batch, load_registry())
    assert "邝颖琛" not in found.names and found.resolve("邝颖琛") == "螓鸣科技"
