"""Text from other tools made fit for ``events.toml``: decoding, HTML to plain text, tags."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from asean_timeline.problems import InvalidInputError, Problem
from asean_timeline.validate import MAX_LENGTH, slugify

_BOM = b"\xef\xbb\xbf"
_ENCODE_HINT = (
    'save or export the file as "UTF-8" (in Excel: Save As, "CSV UTF-8"; in most editors: '
    "Save As, then Encoding)"
)


def decode(raw: bytes, name: str) -> str:
    """``raw`` as text: UTF-8, with or without a byte-order mark; anything else is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInputError(
            [Problem("the file is UTF-16 (Unicode), not UTF-8", name, line=1, hint=_ENCODE_HINT)]
        )
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InvalidInputError(
            [
                Problem(
                    f"this line is not UTF-8 text (byte 0x{raw[error.start]:02X}): the file was "
                    "saved in another encoding, such as Windows-1252 or Latin-1",
                    name,
                    line=line,
                    hint=_ENCODE_HINT,
                )
            ]
        ) from None


class _TextOfHtml(HTMLParser):
    """Collects the text of an HTML fragment: blocks and ``<br>`` become line breaks, a link
    whose text is not its address keeps the address after it."""

    _BREAKS = frozenset({"br"})
    _BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")
        elif tag in self._BLOCKS:
            self.parts.append("\n\n" if tag == "p" else "\n")
            if tag == "li":
                self.parts.append("- ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n\n" if tag == "p" else "\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.parts[start:]).strip()
            if href.startswith(("http://", "https://", "mailto:")) and href != text:
                self.parts.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^>]*/?|/[a-zA-Z][a-zA-Z0-9]*\s*)>")


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds HTML tags (Google Calendar writes descriptions as HTML)."""
    return _TAG.search(text) is not None


def html_to_text(text: str) -> str:
    """The plain text of an HTML fragment, paragraphs kept, entities decoded, tags gone."""
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    plain = "".join(parser.parts).replace("\r\n", "\n").replace("\xa0", " ")
    lines = [line.strip() for line in plain.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(text: str, *, html: bool = True) -> str:
    """``text`` as the file format keeps it: line ends as ``\\n``, trimmed, and HTML
    converted to text unless ``html`` is false (text that is known to be plain)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if html and "<" in text and looks_like_html(text):
        return html_to_text(text)
    return text.strip()


def one_line(text: str, *, html: bool = True) -> str:
    """A title or location on one line: each line break or control character becomes a
    space (runs of them one space), the ends trimmed; other spacing is kept as written."""
    return _CONTROL.sub(" ", plain_text(text, html=html)).strip()


_CONTROL = re.compile(r"[ \t]*[\x00-\x1f\x7f]+[ \t]*")


@cache
def tag_of(label: str) -> str:
    """A category or group label as a tag slug: ``Maritime Security`` → ``maritime-security``,
    ``Japan–ASEAN`` → ``japan-asean`` (punctuation of any script separates words)."""
    return slugify(_PUNCTUATION.sub(" ", label))[: MAX_LENGTH["tag"]].strip("-")


_PUNCTUATION = re.compile(r"[^\w]+|_")


def tags_of(labels: list[str]) -> list[str]:
    """Tags for ``labels``, in order, without empties or repeats."""
    tags: list[str] = []
    for label in labels:
        tag = tag_of(label)
        if tag and tag not in tags:
            tags.append(tag)
    return tags
