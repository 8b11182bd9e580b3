"""Reading inputs: files, folders (recursive) and globs; .txt, .jsonl, .html, .md.

Every input ends as an ``InputDocument`` or an ``InputError`` naming file and line:
nothing is skipped silently.  Encodings are detected (UTF-8 with or without BOM,
UTF-16/32 with BOM, GB18030/GBK, Big5) with charset-normalizer, restricted to the
encodings Chinese text comes in so that a binary file is not "decoded" as Latin-1.
"""
from __future__ import annotations

import glob
import json
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterable, Iterator

from charset_normalizer import from_bytes

from pipeline.documents import InputDocument, InputError

CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "big5hkscs", "utf_16", "utf_32"]
BOMS = ((b"\xef\xbb\xbf", "utf_8_sig"), (b"\xff\xfe\x00\x00", "utf_32"), (b"\x00\x00\xfe\xff", "utf_32"),
        (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16"))


class InputProblem(ValueError):
    """Why one input cannot be read."""


def decode(data: bytes) -> str:
    """Text of a file's bytes, or InputProblem saying why it is not text."""
    if not data.strip():
        raise InputProblem("empty file")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if b"\x00" not in data:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    best = from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise InputProblem("binary file" if b"\x00" in data else
                           "undecodable bytes: not UTF-8, UTF-16, GB18030/GBK or Big5")
    text = str(best)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f\v")
    if controls > 0.01 * len(text):
        raise InputProblem("binary file")
    return text


class _VisibleText(HTMLParser):
    """The text a browser shows: no script/style, block elements on their own lines."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
              "blockquote", "pre", "title", "header", "footer", "td", "th"}
    HIDDEN = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in self.HIDDEN:
            self.hidden += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in self.HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        elif not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """(visible text, <title>) of an HTML page."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    title = "".join(parser.title).strip() or None
    return "\n".join(line for line in lines if line), title


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Visible text of Markdown, via its HTML rendering; the first heading is the title."""
    from markdown_it import MarkdownIt

    text, _ = html_to_text(MarkdownIt().render(markdown))
    heading = next((line.lstrip("#").strip() for line in markdown.splitlines() if line.startswith("#")), None)
    return text, heading


def _single(path: Path, text: str, title: str | None = None) -> Iterator[InputDocument]:
    if not text.strip():
        raise InputProblem("no text")
    yield InputDocument(path.stem, text, str(path), metadata={"title": title} if title else {})


def read_txt(path: Path, text: str) -> Iterator[InputDocument | InputError]:
    yield from _single(path, text)


def read_html(path: Path, text: str) -> Iterator[InputDocument | InputError]:
    yield from _single(path, *html_to_text(text))


def read_markdown(path: Path, text: str) -> Iterator[InputDocument | InputError]:
    yield from _single(path, *markdown_to_text(text))


def read_jsonl(path: Path, text: str) -> Iterator[InputDocument | InputError]:
    """One document per line: ``id``, ``text`` and any metadata (title, author, date...)."""
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 is text
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(str(path), f"malformed JSON: {error.msg} (column {error.colno})", number)
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield InputError(str(path), 'a JSONL document is an object with a non-empty "text"', number)
            continue
        doc_id = str(record.get("id") or f"{path.stem}-{number}")
        metadata = {k: v for k, v in record.items() if k not in ("id", "text")}  # kept apart from pipeline fields
        yield InputDocument(doc_id, record["text"], str(path), number, metadata)


READERS: dict[str, Callable[[Path, str], Iterator[InputDocument | InputError]]] = {
    ".jsonl": read_jsonl, ".html": read_html, ".htm": read_html, ".md": read_markdown, ".markdown": read_markdown,
}


def discover(inputs: Iterable[str], exclude: Path | None = None) -> Iterator[Path | InputError]:
    """Files named, found under folders (recursively, hidden files skipped) or matched by globs;
    each file once however it is named, and nothing under ``exclude`` (the output folder)."""
    seen: set[str] = set()
    fence = exclude.resolve() if exclude else None
    for item in inputs:
        if os.path.isdir(item):
            found = sorted(p for p in Path(item).rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(item).parts))
        elif os.path.exists(item):
            found = [Path(item)]
        else:
            found = sorted(Path(p) for p in glob.glob(item, recursive=True) if os.path.isfile(p))
            if not found:
                yield InputError(item, "no such file, folder or matching glob")
                continue
        for path in found:
            real = path.resolve()
            if fence and (real == fence or fence in real.parents):
                continue  # our own outputs are never read back as input
            if str(real) not in seen:
                seen.add(str(real))
                yield path


def read_file(path: Path) -> Iterator[InputDocument | InputError]:
    """Every document of one file, or an error record for what cannot be read."""
    try:
        text = decode(path.read_bytes())
        yield from READERS.get(path.suffix.lower(), read_txt)(path, text)
    except InputProblem as problem:
        yield InputError(str(path), str(problem))
    except OSError as error:
        yield InputError(str(path), f"unreadable: {error.strerror or error}")


def read_inputs(inputs: Iterable[str], exclude: Path | None = None) -> Iterator[InputDocument | InputError]:
    """Every document of every input, or an error record for what cannot be read."""
    for path in discover(inputs, exclude):
        if isinstance(path, InputError):
            yield path
        else:
            yield from read_file(path)
