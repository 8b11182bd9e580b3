import json
import re
import tracemalloc
from pathlib import Path

import pytest

from pipeline.__main__ import build_parser
from pipeline.readers import (
    InputProblem,
    ReadOptions,
    count_inputs,
    count_items,
    decode,
    html_to_text,
    markdown_to_text,
    read_file,
    read_inputs,
)
from pipeline.records import InputDocument, InputError

TEXT = "腾讯表示，360的说法不实。我们对此深表歉意。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_encodings(encoding):
    assert decode(TEXT.encode(encoding)) == TEXT


def test_big5():
    text = "騰訊表示，360的說法不實。我們對此深表歉意。"
    assert decode(text.encode("big5")) == text


@pytest.mark.parametrize("data, problem", [(b"", "empty file"), (b"  \n", "empty file"), (bytes(range(256)) * 8, "binary file"),
                                           (b"\xef\xbb\xbf\xe8\x85\xbe\xff", "undecodable bytes: not utf_8")])
def test_not_text(data, problem):
    with pytest.raises(InputProblem, match=problem):
        decode(data)


def test_html_visible_text_and_title():
    text, title = html_to_text("<html><head><title>声明</title><style>p{}</style></head><body><p>第一段。</p>"
                               "<script>var x='不显示';</script><div>第二段&amp;结束。</div></body></html>")
    assert text == "第一段。\n第二段&结束。" and title == "声明"


def test_markdown():
    text, title = markdown_to_text("# 致歉信\n\n我们**深表歉意**。\n\n- 全额退款")
    assert title == "致歉信" and "我们深表歉意。" in text and "全额退款" in text


def test_inputs_files_folders_globs(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("# 标题\n正文。", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(TEXT, encoding="utf-8")
    items = list(read_inputs([str(tmp_path), str(tmp_path / "*.txt"), str(tmp_path / "missing*.txt")]))
    docs = [i for i in items if isinstance(i, InputDocument)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert sorted(d.doc_id for d in docs) == ["a", "b"]
    assert len(errors) == 1 and "no such file" in errors[0].error


def test_jsonl_keeps_line_separator_inside_text_and_counts_lines_by_newline(tmp_path):
    path = tmp_path / "docs.jsonl"
    first = '{"id": "a", "text": "第一句\\u2028仍是同一记录。"}'.replace("\\u2028", "\u2028")
    path.write_text(first + "\n{bad\n" + '{"id": "c", "text": "第三条。"}\n', encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert [type(i).__name__ for i in items] == ["InputDocument", "InputError", "InputDocument"]
    assert "\u2028" in items[0].text and items[1].line == 2 and items[2].line == 3


# Web pages: two pages written for these tests (fictional companies), each an 8-paragraph
# article inside a menu, ads, related headlines, a comment section and a copyright footer.
DATA = Path(__file__).parent / "data"
PAGES = {
    "lanfeng_statement.html": {
        "article": ('<article class="news-article">', "</article>"),
        "metadata": {"title": "岚峰科技回应青禾智能专利指控：相关说法与事实严重不符", "date": "2024-03-18"},
        "author": "许宁远",
        "menu": ["首页", "财经", "科技", "汽车", "房产", "视频", "下载客户端", "登录", "注册", "相关阅读",
                 "分享到微信", "关于我们", "热门排行"],
        "boilerplate": ["限时特惠！百万医疗险每月只需九块九", "工信部：加快推动智能家居标准体系建设",
                        "市场监管总局：严厉打击家电领域虚假宣传行为", "国家知识产权局：去年发明专利授权量同比增长",
                        "网友评论", "先把售后做好再说吧", "坐等法院判决", "支持国产品牌", "查看更多评论",
                        "新车首付两成起", "央行：继续实施稳健的货币政策", "本网站所刊载信息，不代表本站观点",
                        "未经授权禁止转载，违者必究", "版权所有", "ICP备"],
    },
    "hexi_apology.html": {
        "article": ('<div class="content" id="content">', "</div>"),
        "metadata": {"title": "禾溪乳业就酸奶变质事件致歉 否认使用过期原料", "date": "2023-11-02"},
        "author": None,
        "menu": ["北岸晨报首页", "新闻", "本地", "消费", "健康", "电子报", "订阅", "搜索", "打印本页", "关闭窗口",
                 "返回顶部", "相关新闻", "一周热点", "网站地图"],
        "boilerplate": ["高考志愿填报一对一指导", "工信部：推进乳制品行业数字化转型",
                        "国家卫健委：发布新版食品安全国家标准", "秋冬季节如何挑选放心奶", "我来说两句",
                        "赔偿标准能不能说清楚一点", "以后再也不买这个牌子了", "等监管部门的检测结果出来再下结论吧",
                        "装修贷款低至三厘", "北岸地铁五号线年底试运营", "北岸晨报社版权所有",
                        "未经授权禁止转载，违者必究", "新闻热线", "ICP备"],
    },
}


def article_paragraphs(page: str) -> list[str]:
    """The <p> paragraphs inside the page's article container, as the page's author wrote them."""
    html = (DATA / page).read_text(encoding="utf-8")
    start, end = PAGES[page]["article"]
    body = html[html.index(start):]
    return re.findall(r"<p>(.*?)</p>", body[:body.index(end)])


@pytest.mark.parametrize("page", PAGES)
def test_html_article_keeps_every_paragraph_and_no_boilerplate(page):
    expected = PAGES[page]
    [doc] = read_file(DATA / page)
    lines = doc.text.splitlines()
    paragraphs = article_paragraphs(page)
    assert 6 <= len(paragraphs) <= 10 and all(p in lines for p in paragraphs)
    assert not [item for item in expected["menu"] if item in lines]
    assert not [sentence for sentence in expected["boilerplate"] if sentence in doc.text]
    assert doc.doc_id == Path(page).stem and doc.metadata.items() >= expected["metadata"].items()
    assert "extraction" not in doc.metadata
    assert (expected["author"] in doc.metadata["author"]) if expected["author"] else "author" not in doc.metadata


@pytest.mark.parametrize("page", PAGES)
def test_html_raw_keeps_all_visible_text(page):
    [doc] = read_file(DATA / page, ReadOptions(html="raw"))
    assert all(sentence in doc.text for sentence in PAGES[page]["boilerplate"])  # the article test is not vacuous
    assert all(p in doc.text for p in article_paragraphs(page))
    assert set(doc.metadata) == {"title"} and doc.metadata["title"].endswith(("东湾财经网", "北岸晨报"))


@pytest.mark.parametrize("html, title", [
    ("<html><head><title>公告</title></head><body><footer><p>澜图电器：今日停牌。</p></footer></body></html>", "公告"),
    ("<p>澜图电器：今日停牌。</p>", None),
])
def test_html_without_an_article_falls_back_to_visible_text_and_says_so(tmp_path, html, title):
    (tmp_path / "notice.html").write_text(html, encoding="utf-8")
    [doc] = read_file(tmp_path / "notice.html")
    assert doc.text == "澜图电器：今日停牌。"
    assert doc.metadata == {"extraction": "raw-fallback", **({"title": title} if title else {})}


def test_html_gb18030_page_through_read_inputs(tmp_path):
    html = (DATA / "hexi_apology.html").read_text(encoding="utf-8").replace("charset=utf-8", "charset=gb18030")
    (tmp_path / "page.htm").write_bytes(html.encode("gb18030"))
    [doc] = read_inputs([str(tmp_path)])
    assert all(p in doc.text for p in article_paragraphs("hexi_apology.html")) and "违者必究" not in doc.text


# CSV / TSV: one document per row.

def read_items(path: Path, options: ReadOptions = ReadOptions()) -> tuple[list[InputDocument], list[InputError]]:
    items = list(read_file(path, options))
    return ([i for i in items if isinstance(i, InputDocument)], [i for i in items if isinstance(i, InputError)])


def test_csv_rows_are_documents_with_metadata_and_line_numbers(tmp_path):
    path = tmp_path / "posts.csv"
    path.write_bytes(("id,text,author,date\r\n"
                      "p1,澜图电器否认质量问题。,澜图电器,2024-01-02\r\n"
                      '"p2","第一段，含逗号。\n第二段\u2028仍在同一格。",用户,\r\n'
                      "\r\n"
                      ",没有编号的一条。,,2024-01-03\r\n"
                      "p4,   ,用户,2024-01-04\r\n").encode("gb18030"))
    docs, errors = read_items(path)
    assert [(d.doc_id, d.line) for d in docs] == [("p1", 2), ("p2", 3), ("posts-6", 6)]
    assert docs[0].metadata == {"author": "澜图电器", "date": "2024-01-02"} and docs[0].source == str(path)
    assert docs[1].text == "第一段，含逗号。\n第二段\u2028仍在同一格。"
    assert [(e.source, e.line, e.error) for e in errors] == [(str(path), 7, 'no text in the "text" field')]


def test_tsv_with_named_text_and_id_columns(tmp_path):
    path = tmp_path / "weibo.tsv"
    path.write_text("编号\t正文\t来源\nw1\t青禾智能：我们从未抄袭。\t微博\nw2\t岚峰科技表示将起诉。\t\n", encoding="utf-8-sig")
    docs, errors = read_items(path, ReadOptions(text_field="正文", id_field="编号"))
    assert not errors and [(d.doc_id, d.text, d.metadata) for d in docs] == [
        ("w1", "青禾智能：我们从未抄袭。", {"来源": "微博"}), ("w2", "岚峰科技表示将起诉。", {"来源": ""})]


def test_jsonl_reads_the_named_fields_too(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"key": "k1", "body": "第一条。", "title": "标题"}\n{"key": "k2"}\n[1]\n', encoding="utf-8")
    docs, errors = read_items(path, ReadOptions(text_field="body", id_field="key"))
    assert [(d.doc_id, d.metadata) for d in docs] == [("k1", {"title": "标题"})]
    assert [(e.line, e.error) for e in errors] == [(2, 'no text in the "body" field'), (3, "a JSONL line is an object")]


@pytest.mark.parametrize("name, content, options, expected", [
    ("a.csv", "id,content\n1,正文。\n", ReadOptions(),
     [(1, 'no "text" column (columns: id, content); name one with --text-field')]),
    ("b.tsv", "id\ttext\n1\t正文。\n", ReadOptions(text_field="body"),
     [(1, 'no "body" column (columns: id, text); name one with --text-field')]),
    ("c.csv", "id,text\n1,正文。,多出来的一格\n2,第二条。\n", ReadOptions(), [(2, "3 fields in a row under a header of 2")]),
    ("d.csv", "id,text\n", ReadOptions(), [(None, "no rows under the header")]),
    ("e.csv", "id,text\n\n\n", ReadOptions(), [(None, "no rows under the header")]),
])
def test_table_errors_name_file_and_line_in_one_line(tmp_path, name, content, options, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    docs, errors = read_items(path, options)
    assert [(e.line, e.error) for e in errors] == expected
    assert all(e.source == str(path) and "\n" not in e.error for e in errors)
    assert len(docs) == (1 if name == "c.csv" else 0)


def test_csv_field_longer_than_the_csv_module_default_is_a_document(tmp_path):
    text = "澜图电器回应称，相关报道不实。" * 10000  # 150,000 characters, over csv's 131,072 default
    (tmp_path / "long.csv").write_text(f"id,text\nlong,{text}\n", encoding="utf-8")
    docs, errors = read_items(tmp_path / "long.csv")
    assert not errors and docs[0].text == text


def test_reading_flags_reach_the_options():  # and the Ray workers: tests/pipeline/test_ray_engine.py
    args = build_parser().parse_args(["tag", "x.csv", "--baseline", "lexicon", "--out", "o", "--html", "raw",
                                      "--text-field", "正文", "--id-field", "编号"])
    assert (args.html, args.text_field, args.id_field) == ("raw", "正文", "编号")


# JSONL read as a stream: one line at a time, decoded by itself.

def jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def test_jsonl_yields_the_first_document_before_the_rest_is_read(tmp_path):
    path = tmp_path / "growing.jsonl"
    path.write_text(jsonl([{"id": "first", "text": "第一条。"}]), encoding="utf-8")
    items = read_file(path)
    assert next(items).doc_id == "first"
    with open(path, "a", encoding="utf-8") as handle:  # a file read whole at the start would not see this line
        handle.write(jsonl([{"id": "later", "text": "后来写入的一条。"}]) + "{bad\n")
    rest = list(items)
    assert rest[0].doc_id == "later" and (rest[1].line, rest[1].error.startswith("malformed JSON")) == (3, True)


def test_jsonl_memory_stays_far_below_the_file_size(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(jsonl([{"id": f"d{i}", "text": "腾讯表示，360的说法不实。" * 3} for i in range(40_000)]),
                    encoding="utf-8")
    size = path.stat().st_size  # about 4 MB
    tracemalloc.start()
    try:
        count = sum(isinstance(item, InputDocument) for item in read_file(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 40_000 and peak < size / 20


def test_jsonl_bom_crlf_and_a_bad_line_among_good_ones(tmp_path):
    path = tmp_path / "docs.jsonl"
    good = '{"id": "a", "text": "第一条。"}\r\n'.encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + good + b'{"id": "b", "text": "\xff\xfe\xe6"}\r\n' + good.replace(b'"a"', b'"c"'))
    items = list(read_file(path))
    assert [(type(i).__name__, i.line) for i in items] == [("InputDocument", 1), ("InputError", 2), ("InputDocument", 3)]
    assert [items[0].doc_id, items[0].text, items[2].doc_id] == ["a", "第一条。", "c"]
    assert items[1].error == "undecodable bytes: not utf_8"


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16"])
def test_jsonl_in_other_encodings(tmp_path, encoding):
    text = "騰訊表示，360的說法不實。我們對此深表歉意。" if encoding == "big5" else TEXT + "\u2028" * (encoding == "utf-16")
    records = [{"id": f"d{i}", "text": text, "author": "作者"} for i in range(200)]
    path = tmp_path / "docs.jsonl"
    path.write_bytes(jsonl(records).encode(encoding))
    docs = list(read_file(path))
    assert [(d.doc_id, d.text, d.line) for d in docs] == [(f"d{i}", text, i + 1) for i in range(200)]


@pytest.mark.parametrize("data, problem", [(b"", "empty file"), (b"\n  \n\n", "empty file"),
                                           (bytes(range(256)) * 8, "binary file")])
def test_jsonl_that_is_not_jsonl_is_one_error(tmp_path, data, problem):
    (tmp_path / "x.jsonl").write_bytes(data)
    assert [(e.error, e.line) for e in read_file(tmp_path / "x.jsonl")] == [(problem, None)]


def test_counts_match_what_is_read_where_they_are_cheap(tmp_path):
    (tmp_path / "a.jsonl").write_text(jsonl([{"id": "a", "text": "一。"}, {"id": "b"}]) + "\n{bad\n\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "c.html").write_text("<p></p>", encoding="utf-8")
    (tmp_path / "d.jsonl").write_bytes(b"")
    inputs = [str(tmp_path), str(tmp_path / "missing*.txt")]
    assert [count_items(tmp_path / n) for n in ("a.jsonl", "b.txt", "c.html", "d.jsonl")] == [3, 1, 1, 1]
    assert count_inputs(inputs) == 7 and len(list(read_file(tmp_path / "a.jsonl"))) == 3
    (tmp_path / "e.csv").write_text('id,text\n1,"两行\n的一格"\n', encoding="utf-8")
    assert count_items(tmp_path / "e.csv") is None and count_inputs(inputs) is None
