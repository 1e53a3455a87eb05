"""Which characters a value may hold, and what to say about one that it may not.

Ids, tags and the other slugs are ASCII, checked by the patterns in
:mod:`~asean_timeline.validate.constants`. Text (titles, locations, descriptions, the
titles and publishers of sources) may hold any character of any script, including the
invisible ones that writing needs: the zero-width space that separates words in Thai,
Khmer, Lao and Burmese, the zero-width joiners of Indic scripts and emoji, the direction
marks of Arabic and Hebrew text, soft hyphens and the tag characters of flag emoji.
Refused in text, because they change how the text around them displays or are not
characters at all:

- control characters (tabs and line breaks only where text may have several lines),
- bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
  which can show words in a misleading order,
- the line and paragraph separators U+2028 and U+2029, which some apps show as a line
  break and others not at all,
- the byte-order mark U+FEFF, which copying and pasting leaves inside text,
- noncharacters (U+FDD0-U+FDEF and the last two code points of every plane).

A web address may hold none of these nor any space or invisible formatting character
(zero-width characters, direction marks, soft hyphens, word joiners, tag characters,
Hangul fillers): they hide where a link leads.
"""

from __future__ import annotations

import re

_CONTROL_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"}
#: The control characters (Unicode category Cc, a set fixed by Unicode's stability policy).
_CONTROL = "\x00-\x1f\x7f-\x9f"
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
#: Refused in text: bidi controls, separators, the BOM and the noncharacters of the BMP;
#: the noncharacters beyond it are picked out of :data:`_BEYOND_BMP` by :func:`_refused`.
_NOT_IN_TEXT = _BIDI_CONTROLS + "\u2028\u2029\ufeff\ufdd0-\ufdef\ufffe\uffff"
#: Invisible characters that text may need, but a web address never does.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2060-\u2064"
    "\u206a-\u206f\u3164\ufe00-\ufe0f\uffa0\ufff9-\ufffb"
)
# A character class listing single characters beyond the BMP makes every search several
# times slower, so the searches take all of them as candidates (one range, fast) and
# _refused looks closer at the few found: most are emoji, which text may hold.
_BEYOND_BMP = "\U00010000-\U0010ffff"
#: Text without a match needs no closer look (:func:`text_problem` says what is wrong).
SUSPECT_IN_TEXT = re.compile(f"[{_CONTROL}{_NOT_IN_TEXT}{_BEYOND_BMP}]")
SUSPECT_IN_MULTILINE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_NOT_IN_TEXT}{_BEYOND_BMP}]")
_NOT_IN_URL = re.compile(f"[\\s{_CONTROL}{_NOT_IN_TEXT}{_INVISIBLE}{_BEYOND_BMP}]")


def _is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _refused(char: str, *, in_url: bool = False) -> bool:
    """Whether a character the searches found is refused (beyond the BMP: a noncharacter,
    or in a URL also a tag character or a variation selector)."""
    if char <= "\uffff":
        return True
    return _is_noncharacter(char) or (in_url and 0xE0000 <= ord(char) <= 0xE0FFF)


def text_problem(key: str, value: str, *, multiline: bool) -> tuple[str, str] | None:
    """What is wrong with a character of ``value`` (message, hint), or None if nothing."""
    pattern = SUSPECT_IN_MULTILINE_TEXT if multiline else SUSPECT_IN_TEXT
    found = pattern.search(value)
    while found is not None and not _refused(found.group()):
        found = pattern.search(value, found.end())  # an emoji, say: look further on
    if found is None:
        return None
    char, position = found.group(), found.start() + 1
    code = f"U+{ord(char):04X}"
    at = f"({code}) at character {position}"
    if char in "\u2028\u2029":
        name = "a line separator" if char == "\u2028" else "a paragraph separator"
        return (
            f"{key} contains {name} {at}",
            "write an ordinary line break instead"
            if multiline
            else "write it on one line; line breaks belong in description only",
        )
    if re.fullmatch(f"[{_BIDI_CONTROLS}]", char):
        return (
            f"{key} contains a bidirectional control character {at}, which can make the "
            "text display in a misleading order",
            "delete it; Arabic or Hebrew text displays correctly without it",
        )
    if char == "\ufeff":
        return (
            f"{key} contains an invisible byte-order mark {at}",
            "delete it (it often comes from copying and pasting)",
        )
    if _is_noncharacter(char):
        return (
            f"{key} contains {code} at character {position}, which is not a character",
            "delete it (it often comes from a damaged copy of the text)",
        )
    name = _CONTROL_NAMES.get(char, "an invisible control character")
    if char == "\n":
        hint = "write it on one line; line breaks belong in description only"
    elif char in _CONTROL_NAMES:
        hint = "replace it with a space"
    else:
        hint = "delete it (it often comes from copying and pasting)"
    return f"{key} contains {name} {at}", hint


def hidden_in_url(text: str) -> bool:
    """Whether ``text`` holds a space, a control or an invisible character: a URL may not."""
    found = _NOT_IN_URL.search(text)
    while found is not None and not _refused(found.group(), in_url=True):
        found = _NOT_IN_URL.search(text, found.end())
    return found is not None
