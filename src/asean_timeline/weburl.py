"""The everyday shape of a web address, recognised without ``urllib.parse``.

Validation and the HTML page check every link with ``urlsplit``; at 100,000 events
that is hundreds of thousands of calls. Almost every real link has this plain
shape, for which the full check is known to pass (a property test holds the two
together), so the full check runs only for the rest.
"""

from __future__ import annotations

import re

# http(s)://host[:port][/…|?…|#…]: an ASCII host name (letters, digits, dots, hyphens),
# a port of at most four digits (always in range), then anything without white space.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,4})?(?:[/?#]\S*)?")


def is_plain_web_url(text: str) -> bool:
    """Whether ``text`` has the plain shape above: if so, it is a valid http(s) address."""
    return _PLAIN_WEB_URL.fullmatch(text) is not None
