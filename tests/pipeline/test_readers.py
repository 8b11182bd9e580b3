import pytest

from pipeline.documents import InputDocument, InputError
from pipeline.readers import InputProblem, decode, html_to_text, markdown_to_text, read_inputs

TEXT = "腾讯表示，360的说法不实。我们对此深表歉意。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_encodings(encoding):
    assert decode(TEXT.encode(encoding)) == TEXT


def test_big5():
    text = "騰訊表示，360的說法不實。我們對此深表歉意。"
    assert decode(text.encode("big5")) == text


@pytest.mark.parametrize("data, problem", [(b"", "empty file"), (b"  \n", "empty file"), (bytes(range(256)) * 8, "binary file")])
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
