"""Reading inputs: files, folders (recursive) and globs; .txt, .jsonl, .csv, .tsv, .html, .md.

Every input ends as an ``InputDocument`` or an ``InputError`` naming file and line:
nothing is skipped silently.  A web page is reduced to its article (trafilatura) unless
``ReadOptions.html`` is "raw"; a JSONL line or a CSV/TSV row is one document, and JSONL is
read a line at a time (a file of any size in little memory).  Encodings
are detected (UTF-8 with or without BOM, UTF-16/32 with BOM, GB18030/GBK, Big5) with
charset-normalizer, restricted to the encodings Chinese text comes in so that a binary
file is not "decoded" as Latin-1.
"""
from __future__ import annotations

import codecs
import csv
import glob
import io
import json
import os
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from charset_normalizer import from_bytes

from pipeline.records import InputDocument, InputError

CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "big5hkscs", "utf_16", "utf_32"]
BOMS = ((b"\xef\xbb\xbf", "utf_8_sig"), (b"\xff\xfe\x00\x00", "utf_32"), (b"\x00\x00\xfe\xff", "utf_32"),
        (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16"))
HTML_MODES = ("article", "raw")
HEAD_BYTES = 1 << 16  # the start of a JSONL file, from which the encoding of its lines is judged


class InputProblem(ValueError):
    """Why one input cannot be read."""


@dataclass(frozen=True)
class ReadOptions:
    """How inputs are read (the ``tag`` flags --html, --text-field, --id-field); the defaults are
    the behaviour without flags, so a reader called without options reads as the CLI does."""

    html: str = "article"  # "article": the page's main text (trafilatura); "raw": all visible text
    text_field: str = "text"  # the JSONL field / CSV column holding a document's text
    id_field: str = "id"  # the JSONL field / CSV column holding its id (else FILE-LINE)


def decode(data: bytes) -> str:
    """Text of a file's bytes, or InputProblem saying why it is not text."""
    if not data.strip():
        raise InputProblem("empty file")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise InputProblem(f"undecodable bytes: not {encoding.removesuffix('_sig')}") from None
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


def article(html: str) -> tuple[str, dict[str, str]]:
    """The main text of a web page and the title, author and date trafilatura finds in it: news
    pages carry menus, ads, related headlines, comments and copyright lines that are not the text."""
    import trafilatura

    found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if found is None or not (found.text or "").strip():
        return "", {}
    metadata = {key: getattr(found, key) for key in ("title", "author", "date")}
    return found.text.strip(), {key: value for key, value in metadata.items() if value}


def _single(path: Path, text: str, metadata: dict[str, Any]) -> Iterator[InputDocument]:
    if not text.strip():
        raise InputProblem("no text")
    yield InputDocument(path.stem, text, str(path), metadata=metadata)


def _titled(title: str | None) -> dict[str, Any]:
    return {"title": title} if title else {}


def read_txt(path: Path, text: str, options: ReadOptions) -> Iterator[InputDocument | InputError]:
    yield from _single(path, text, {})


def read_html(path: Path, text: str, options: ReadOptions) -> Iterator[InputDocument | InputError]:
    """The article (``options.html == "article"``), else, or when no article is found, the
    visible text; a fallback says so in the metadata, since boilerplate may then be tagged."""
    if options.html == "article":
        body, metadata = article(text)
        if body.strip():
            yield from _single(path, body, metadata)
            return
    visible, title = html_to_text(text)
    fallback = {"extraction": "raw-fallback"} if options.html == "article" else {}
    yield from _single(path, visible, _titled(title) | fallback)


def read_markdown(path: Path, text: str, options: ReadOptions) -> Iterator[InputDocument | InputError]:
    visible, title = markdown_to_text(text)
    yield from _single(path, visible, _titled(title))


def record_document(path: Path, line: int, record: dict[str, Any], options: ReadOptions) -> InputDocument | InputError:
    """A JSONL object or CSV row as a document: its text field, its id (else FILE-LINE) and every
    other field as metadata, kept apart from the pipeline's own fields."""
    text = record.get(options.text_field)
    if not isinstance(text, str) or not text.strip():
        return InputError(str(path), f'no text in the "{options.text_field}" field', line)
    doc_id = str(record.get(options.id_field) or f"{path.stem}-{line}")
    metadata = {k: v for k, v in record.items() if k not in (options.id_field, options.text_field)}
    return InputDocument(doc_id, text, str(path), line, metadata)


def line_encoding(head: bytes) -> str | None:
    """The encoding to decode each line of a one-record-per-line file in, judged from its first
    bytes: UTF-8 (a BOM, if any, dropped) unless they are in another Chinese encoding.  None where
    lines cannot be cut at b"\n" in bytes (UTF-16/32, NUL bytes): then the file is decoded whole,
    as other files are."""
    if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)  # a character cut at the end is fine
        return "utf_8_sig"
    except UnicodeDecodeError:
        best = None if head.startswith(codecs.BOM_UTF8) else from_bytes(
            head[: head.rfind(b"\n") + 1] or head, cp_isolation=CHINESE_ENCODINGS).best()
        return best.encoding if best else "utf_8_sig"  # lines that are not UTF-8 become errors one by one


def _decoded_lines(handle: BinaryIO, encoding: str | None) -> Iterator[str | InputProblem]:
    if encoding is None:
        yield from decode(handle.read()).split("\n")  # not splitlines(): U+2028 is text
        return
    for raw in handle:  # binary lines end at b"\n" only
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            yield InputProblem(f"undecodable bytes: not {encoding.removesuffix('_sig')}")


def record_lines(path: Path) -> Iterator[tuple[int, str | InputProblem]]:
    """(line number, text) of every non-blank line of a JSONL file, read a line at a time so that
    a large file is never held in memory whole; a line that does not decode is an InputProblem
    for that line alone."""
    with open(path, "rb") as handle:
        encoding = line_encoding(handle.read(HEAD_BYTES))
        handle.seek(0)
        for number, line in enumerate(_decoded_lines(handle, encoding), start=1):
            if isinstance(line, InputProblem) or line.strip():
                yield number, line


def jsonl_item(path: Path, number: int, line: str | InputProblem, options: ReadOptions) -> InputDocument | InputError:
    """One JSONL line as a document, or the error record saying what is wrong with that line."""
    if isinstance(line, InputProblem):
        return InputError(str(path), str(line), number)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return InputError(str(path), f"malformed JSON: {error.msg} (column {error.colno})", number)
    if not isinstance(record, dict):
        return InputError(str(path), "a JSONL line is an object", number)
    return record_document(path, number, record, options)


def read_jsonl(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[InputDocument | InputError]:
    """One document per line: ``id``, ``text`` and any metadata (title, author, date...); the
    first documents come while the rest of the file is still unread."""
    found = False
    for number, line in record_lines(path):
        found = True
        yield jsonl_item(path, number, line, options)
    if not found:
        raise InputProblem("empty file")


def _rows(reader: Any) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(line the row starts on, the row or the error it raised): a quoted field may span lines,
    and the reader reads on after a malformed row."""
    while True:
        line = reader.line_num + 1
        try:
            yield line, next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, error


def table_row(path: Path, line: int, header: list[str], row: list[str] | csv.Error,
              options: ReadOptions) -> InputDocument | InputError:
    """One row as a document; a short row's missing cells are empty, a long one is an error
    (its cells would not line up with the header)."""
    if isinstance(row, csv.Error):
        return InputError(str(path), f"malformed row: {row}", line)
    if len(row) > len(header):
        return InputError(str(path), f"{len(row)} fields in a row under a header of {len(header)}", line)
    return record_document(path, line, dict(zip(header, row + [""] * (len(header) - len(row)))), options)


def read_table(path: Path, text: str, options: ReadOptions, dialect: type[csv.Dialect]) -> Iterator[InputDocument | InputError]:
    """One document per row under a header row."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text)))  # a long article is one field, not an error
    reader = csv.reader(io.StringIO(text, newline=""), dialect)  # rows end at \r or \n only, not at U+2028
    header = next(reader, [])
    if options.text_field not in header:
        columns = ", ".join(header) or "none"
        yield InputError(str(path), f'no "{options.text_field}" column (columns: {columns}); name one with --text-field', 1)
        return
    found = False
    for line, row in _rows(reader):
        if isinstance(row, list) and not any(cell.strip() for cell in row):
            continue
        found = True
        yield table_row(path, line, header, row, options)
    if not found:
        raise InputProblem("no rows under the header")


def read_csv(path: Path, text: str, options: ReadOptions) -> Iterator[InputDocument | InputError]:
    yield from read_table(path, text, options, csv.excel)


def read_tsv(path: Path, text: str, options: ReadOptions) -> Iterator[InputDocument | InputError]:
    yield from read_table(path, text, options, csv.excel_tab)


READERS: dict[str, Callable[[Path, str, ReadOptions], Iterator[InputDocument | InputError]]] = {
    ".csv": read_csv, ".tsv": read_tsv, ".html": read_html, ".htm": read_html,
    ".md": read_markdown, ".markdown": read_markdown,
}
LINE_READERS: dict[str, Callable[[Path, ReadOptions], Iterator[InputDocument | InputError]]] = {".jsonl": read_jsonl}


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


def read_file(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[InputDocument | InputError]:
    """Every document of one file, or an error record for what cannot be read."""
    suffix = path.suffix.lower()
    try:
        if suffix in LINE_READERS:
            yield from LINE_READERS[suffix](path, options)
        else:
            yield from READERS.get(suffix, read_txt)(path, decode(path.read_bytes()), options)
    except InputProblem as problem:
        yield InputError(str(path), str(problem))
    except OSError as error:
        yield InputError(str(path), f"unreadable: {error.strerror or error}")


def count_items(path: Path) -> int | None:
    """How many items (documents and error records) ``read_file`` will yield for a file, where
    that is cheap to know: one for a single-document file, one per non-blank line of JSONL (a
    line scan); None for CSV/TSV, whose rows may span lines."""
    suffix = path.suffix.lower()
    if READERS.get(suffix) in (read_csv, read_tsv):
        return None
    if suffix not in LINE_READERS:
        return 1
    try:
        return sum(1 for _ in record_lines(path)) or 1  # an empty file is one error record
    except (InputProblem, OSError):
        return 1


def count_inputs(inputs: Iterable[str], exclude: Path | None = None) -> int | None:
    """How many items ``read_inputs`` will yield, or None where some file's count is not cheap."""
    counts = [1 if isinstance(path, InputError) else count_items(path) for path in discover(inputs, exclude)]
    return None if None in counts else sum(counts)


def read_inputs(inputs: Iterable[str], exclude: Path | None = None,
                options: ReadOptions = ReadOptions()) -> Iterator[InputDocument | InputError]:
    """Every document of every input, or an error record for what cannot be read."""
    for path in discover(inputs, exclude):
        if isinstance(path, InputError):
            yield path
        else:
            yield from read_file(path, options)
