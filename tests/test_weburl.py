"""The plain-address shortcut never accepts what the full urlsplit check would refuse."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import example, given
from hypothesis import strategies as st

from asean_timeline.exporters.html import is_web_url
from asean_timeline.load import parse_document
from asean_timeline.validate import validate
from asean_timeline.weburl import _PLAIN_WEB_URL, is_plain_web_url


def _passes_full_check(text: str) -> bool:
    """What validate's url check asks of urlsplit: http(s), a host name, a numeric port."""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


@given(st.from_regex(_PLAIN_WEB_URL, fullmatch=True))
@example("http://a")
@example("https://example.org:0/")
@example("https://example.org:9999?q#f")
@example("http://-.")
def test_every_plain_address_passes_the_full_check(text: str) -> None:
    """Whatever the shortcut accepts, urlsplit accepts as an http(s) address with a host."""
    assert is_plain_web_url(text)
    if any(c.isspace() for c in text):
        return  # validation refuses white space before either check runs
    assert _passes_full_check(text)
    assert is_web_url(text)


@given(st.text(alphabet=st.sampled_from("hts:/pa.[]@%9-?# éH"), max_size=30))
@example("HTTP://example.org")
@example("https://example.org:99999/")
@example("https://[::1]/")
@example("https://user@example.org/")
def test_addresses_of_other_shapes_take_the_full_check(text: str) -> None:
    """The shortcut accepts nothing the full check refuses, on arbitrary near-addresses."""
    if is_plain_web_url(text) and not any(c.isspace() for c in text):
        assert _passes_full_check(text)


def test_validation_gives_the_same_verdicts_as_before() -> None:
    """Plain, unusual and broken addresses: accepted or refused as the full check says."""
    cases = {
        "https://example.org/a?b#c": True,
        "HTTPS://EXAMPLE.ORG/": True,
        "https://example.org:8443/": True,
        "https://user@example.org/": True,
        "https://example.org:99999/": False,
        "https://[::1/": False,
        "ftp://example.org/": False,
        "https:///path": False,
    }
    for url, valid in cases.items():
        text = (
            '[calendar]\ntitle = "T"\n[[events]]\nid = "e"\ntitle = "E"\ndate = 2023-12-17\n'
            f'url = "{url}"\nsources = [{{ publisher = "P" }}]\n'
        )
        problems = validate(parse_document(text.encode(), "events.toml")).errors
        assert (not problems) is valid, (url, problems)
