"""Text as Markdown (CommonMark and GFM): shared by the Markdown outputs.

Every string from ``events.toml`` goes through :func:`escape`, so a title is
always text: it cannot open a link, an image, raw HTML, a heading or a table.
"""

from __future__ import annotations

import re

from asean_timeline.wording import paragraphs

# Characters that CommonMark or GFM give a meaning to anywhere in a line: emphasis,
# code, links and images, raw HTML, entities, tables, strikethrough, math, and
# autolinks (an '@' touching a word). Each gets a backslash.
_ALWAYS = str.maketrans({char: "\\" + char for char in "\\`*_{}[]()<>#|~!&$@"})
_ALWAYS_PATTERN = re.compile(r"[\\`*_{}\[\]()<>#|~!&$@]")
# A ':' touching the next word could start an emoji shortcode or an autolink scheme.
_RISKY_COLON = re.compile(r":(?=\S)")
# Dots that could end an ordered-list number ("2009. ") or join a bare domain
# ("www.example.org"); sentence-ending dots stay as they are.
_RISKY_DOT = re.compile(r"(?<=\d)\.|\.(?=\S)")


def escape(text: str) -> str:
    """``text`` as literal Markdown inline content, on one line."""
    one_line = " ".join(text.split())
    # str.translate is one fast C pass over ASCII text but looks up every character of
    # other text in a dict; there a regular expression is several times faster.
    if one_line.isascii():
        escaped = one_line.translate(_ALWAYS)
    else:
        escaped = _ALWAYS_PATTERN.sub(r"\\\g<0>", one_line)
    # The regular expressions run only where they can match: most text has no ':'.
    if ":" in escaped:
        escaped = _RISKY_COLON.sub(r"\\:", escaped)
    if "." in escaped:
        escaped = _RISKY_DOT.sub(r"\\.", escaped)
    if escaped.startswith(("-", "+", "=")):  # would start a list item, a break or a heading
        escaped = "\\" + escaped
    return escaped


def escape_block(text: str, indent: str) -> str:
    """Multi-paragraph text: paragraphs kept, line breaks inside them become spaces."""
    return f"\n\n{indent}".join(escape(p) for p in paragraphs(text))


def link(label: str, url: str) -> str:
    """A Markdown link whose destination cannot break out of its angle brackets."""
    safe_url = url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
    safe_url = safe_url.replace("|", "%7C")  # a pipe would end a table cell
    # A backslash keeps '&' literal: Markdown would otherwise decode "&amp;" in the address.
    safe_url = safe_url.replace("&", "\\&")
    return f"[{escape(label)}](<{safe_url}>)"


def code_span(text: str) -> str:
    """``text`` as an inline code span on one line, for a GFM table cell.

    Whatever backticks it holds stay inside: the fence is one backtick longer than
    the longest run in the text (CommonMark), padded with a space where the text
    starts or ends with one. A ``|`` would end the table cell even inside the
    span, so it is written ``\\|``, which GFM reads as a literal ``|`` in the span.
    Nothing is HTML inside a code span, so ``<`` and ``&`` need nothing.
    """
    one_line = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {one_line} " if one_line.startswith("`") or one_line.endswith("`") else one_line
    return fence + padded.replace("|", "\\|") + fence
