"""index.html and the embed widget in a real browser: Debian's Chromium driven by Playwright.

Each rendered folder is served on 127.0.0.1; every page load fails the test on a console
error or warning, an uncaught exception, a dialog (``alert``), or a request to any other
host. Screenshots of every page land in tests/artifacts/ (not committed) for people to look
at. Chromium must be at /usr/bin/chromium (``apt-get install chromium``): without it these
tests fail, they do not skip.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    Route,
    expect,
    sync_playwright,
)

from asean_timeline import revisions as revisions_module
from asean_timeline.exporters import get
from asean_timeline.exporters.html import embed_js
from asean_timeline.model import Timeline
from asean_timeline.pipeline import build_outputs, load_timeline
from asean_timeline.present import RenderContext
from tests.conftest import FIXED_TIME, FULL, SHIPPED

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOSTILE_TITLE = "<script>alert(1)</script>"
SCHEMES = pytest.mark.parametrize("scheme", ["light", "dark"])
SITES = ["shipped", "full", "hostile"]

#: A host page with a strict CSP of its own and CSS that would wreck the widget if it leaked in.
HOST_STYLE = (
    "body{font-family:serif;color:#c00;background:#ffffe8;max-width:60rem;margin:0 auto}"
    "article,h4,li,button{display:none!important;color:red!important;font-size:40px!important}"
)
HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; \
connect-src 'self'; img-src data:; style-src 'sha256-{digest}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>A page that embeds the timeline</title>
<style>{style}</style>
</head>
<body>
<main>
<h1>A page that embeds the timeline</h1>
<p>The host's own text.</p>
<div data-asean-timeline="{feed}"></div>
</main>
<script src="embed.js" defer></script>
</body>
</html>
"""


def _hostile_toml(folder: Path) -> Path:
    """An input whose strings are all markup: it must show as text and run nothing."""
    path = folder / "hostile.toml"
    path.write_text(
        "[calendar]\n"
        f"title = {json.dumps(HOSTILE_TITLE)}\n"
        'description = "</style><script>alert(2)</script>"\n'
        'url = "https://example.org/x/"\n'
        "[[events]]\n"
        'id = "hostile"\n'
        f"title = {json.dumps(HOSTILE_TITLE)}\n"
        "date = 2024-01-02\n"
        "location = \"<img src=x onerror='alert(3)'>\"\n"
        'countries = ["MY"]\n'
        'tags = ["xss"]\n'
        'description = "<b onmouseover=alert(4)>bold?</b>"\n'
        'sources = [{ publisher = "<i>P</i>", url = "https://example.org/?q=\\"><script>alert(5)'
        '</script>" }]\n'
        "[[events]]\n"
        'id = "plain"\n'
        'title = "A plain event"\n'
        'date = "2023-05"\n'
        'countries = ["JP"]\n'
        'sources = [{ publisher = "P" }]\n',
        encoding="utf-8",
    )
    return path


@dataclass
class Site:
    """One rendered folder as served: its timeline, its feed and its addresses."""

    name: str
    timeline: Timeline
    feed: dict[str, Any]
    base: str

    @property
    def page(self) -> str:
        return f"{self.base}index.html"

    @property
    def host(self) -> str:
        return f"{self.base}host.html"

    @property
    def ids(self) -> list[str]:
        return [event.id for event in self.timeline.events]


def _render(source: Path, folder: Path) -> tuple[Timeline, dict[str, Any]]:
    """Render ``source`` into ``folder``: every output, index.html, embed.js and host.html."""
    timeline, _ = load_timeline(source)
    files = build_outputs(timeline, {}, FIXED_TIME)
    current = revisions_module.update(timeline, {}, FIXED_TIME)
    files["index.html"] = dict(get("html").render(RenderContext(timeline, current)))["index.html"]
    files["embed.js"] = embed_js()
    digest = base64.b64encode(hashlib.sha256(HOST_STYLE.encode()).digest()).decode()
    host = HOST_PAGE.format(digest=digest, style=HOST_STYLE, feed="feed.json")
    files["host.html"] = host.encode("utf-8")
    for name, content in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return timeline, json.loads(files["feed.json"])


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    """The shipped, feature-tour and hostile timelines rendered and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("sites")
    sources = {"shipped": SHIPPED, "full": FULL, "hostile": _hostile_toml(root)}
    rendered = {name: _render(path, root / name) for name, path in sources.items()}
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=root))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield {
            name: Site(name, timeline, feed, f"http://127.0.0.1:{port}/{name}/")
            for name, (timeline, feed) in rendered.items()
        }
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium; a missing browser is a failure, not a skip."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run `apt-get install chromium` (scripts/test does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@dataclass
class Visit:
    """What happened while a page was open: anything here fails the test."""

    page: Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


@contextmanager
def visit(
    browser: Browser,
    url: str,
    *,
    scheme: str = "light",
    width: int = 1024,
    javascript: bool = True,
) -> Iterator[Visit]:
    """Open ``url`` in a fresh context; afterwards assert nothing went wrong."""
    context = browser.new_context(
        color_scheme=scheme,  # type: ignore[arg-type]
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        reduced_motion="reduce",
    )
    page = context.new_page()
    seen = Visit(page)

    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            seen.outside.append(route.request.url)
            route.abort()

    def request(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme != "data" and parts.hostname != "127.0.0.1":
            seen.outside.append(request.url)

    def console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            seen.console.append(f"{message.type}: {message.text}")

    def dialog(dialog: Dialog) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", route)
    page.on("request", request)
    page.on("console", console)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", dialog)
    try:
        page.goto(url, wait_until="load")
        yield seen
        page.wait_for_timeout(50)  # let late console messages arrive
    finally:
        context.close()
    assert not seen.console, seen.console
    assert not seen.errors, seen.errors
    assert not seen.dialogs, seen.dialogs
    assert not seen.outside, seen.outside


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def visible_ids(page: Page, selector: str) -> list[str]:
    """Ids (or data-id) of the visible elements matching ``selector``, in order."""
    found: list[str] = page.locator(selector).evaluate_all(
        "nodes => nodes.filter(n => n.checkVisibility()).map(n => n.id || n.dataset.id)"
    )
    return found


def widget_articles(page: Page) -> list[str]:
    """Titles of the widget's visible events (Playwright's CSS pierces the shadow root)."""
    titles: list[str] = page.locator("[data-asean-timeline] article h4").evaluate_all(
        "nodes => nodes.filter(n => n.checkVisibility()).map(n => n.textContent)"
    )
    return titles


def wait_for_widget(page: Page, site: Site) -> None:
    expect(page.locator("[data-asean-timeline] article")).to_have_count(len(site.ids))


# -- the page ------------------------------------------------------------------


@pytest.mark.parametrize("name", SITES)
@SCHEMES
def test_page_shows_every_event(
    browser: Browser, sites: dict[str, Site], name: str, scheme: str
) -> None:
    """Every event is a visible article with its title as text; nothing loads from elsewhere."""
    site = sites[name]
    with visit(browser, site.page, scheme=scheme) as seen:
        page = seen.page
        assert visible_ids(page, "article") == site.ids
        titles = page.locator("article h3").all_text_contents()
        assert titles == [event.title for event in site.timeline.events]
        expect(page.locator("#Filters")).to_be_visible()
        screenshot(page, f"{name}-index-{scheme}")


def test_markup_in_a_title_is_shown_as_text(browser: Browser, sites: dict[str, Site]) -> None:
    """A title of <script>alert(1)</script> is visible text in the page and the widget."""
    site = sites["hostile"]
    with visit(browser, site.page) as seen:
        expect(seen.page.locator("article#hostile h3")).to_have_text(HOSTILE_TITLE)
        expect(seen.page.locator("h1")).to_have_text(HOSTILE_TITLE)
        assert seen.page.locator("img").count() == 0
        assert seen.page.evaluate("document.scripts.length") == 1
    with visit(browser, site.host) as seen:
        wait_for_widget(seen.page, site)
        assert HOSTILE_TITLE in widget_articles(seen.page)
        assert seen.page.locator("[data-asean-timeline] img").count() == 0


def test_page_reads_without_javascript(browser: Browser, sites: dict[str, Site]) -> None:
    """With JavaScript off every event shows and the filters, which need it, are hidden."""
    site = sites["full"]
    with visit(browser, site.page, javascript=False) as seen:
        assert visible_ids(seen.page, "article") == site.ids
        expect(seen.page.locator("#Filters")).to_be_hidden()
        expect(seen.page.locator("article#window time").first).to_have_attribute(
            "datetime", "2023-12-16"
        )


def test_page_filters_by_country_and_tag(browser: Browser, sites: dict[str, Site]) -> None:
    """Pressing a country hides every event without it; a tag narrows further; Show all resets."""
    site = sites["shipped"]
    events = site.timeline.events
    with visit(browser, site.page) as seen:
        page = seen.page
        japan = page.locator('#Filters button[data-value="JP"]')
        japan.click()
        expect(japan).to_have_attribute("aria-pressed", "true")
        in_japan = [e.id for e in events if "JP" in e.countries]
        assert visible_ids(page, "article") == in_japan
        assert len(in_japan) < len(events)
        expect(page.locator("#Count")).to_have_text(
            f"Showing {len(in_japan)} of {len(events)} events."
        )
        assert page.url.endswith("?country=JP")
        expect(page.locator("#OnlyLink")).to_have_attribute(
            "href", "https://example.org/asean-timeline/calendars/countries/JP.ics"
        )

        page.locator('#Filters button[data-value="osa"]').click()
        both = [e.id for e in events if "JP" in e.countries and "osa" in e.tags]
        assert visible_ids(page, "article") == both
        expect(page.locator("#Only")).to_be_hidden()

        malaysia = page.locator('#Filters button[data-value="MY"]')
        malaysia.click()  # countries match any of those pressed
        either = [e.id for e in events if {"JP", "MY"} & set(e.countries) and "osa" in e.tags]
        assert visible_ids(page, "article") == either
        years = page.locator("#Timeline .year").evaluate_all(
            "nodes => nodes.filter(n => n.checkVisibility()).map(n => n.querySelector('h2')"
            ".textContent)"
        )
        assert years == sorted({str(site.timeline.event(i).when.first_day.year) for i in either})

        page.locator("#Reset").click()
        assert visible_ids(page, "article") == site.ids
        expect(japan).to_have_attribute("aria-pressed", "false")
        expect(page.locator("#Reset")).to_be_disabled()

    with visit(browser, f"{site.page}?country=MY") as seen:  # a shared filtered link
        assert visible_ids(seen.page, "article") == [e.id for e in events if "MY" in e.countries]


@pytest.mark.parametrize("where", ["page", "widget"])
def test_keyboard_reaches_and_presses_the_filters(
    browser: Browser, sites: dict[str, Site], where: str
) -> None:
    """Tab reaches a filter button with a visible focus ring; Space and Enter toggle it."""
    site = sites["shipped"]
    url = site.page if where == "page" else site.host
    focused = (
        "() => { let e = document.activeElement;"
        " while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;"
        " return e && e.dataset && e.dataset.kind ? e.dataset.value : null; }"
    )
    with visit(browser, url) as seen:
        page = seen.page
        if where == "widget":
            wait_for_widget(page, site)
        presses = 0
        value = None
        while not value and presses < 30:
            page.keyboard.press("Tab")
            presses += 1
            value = page.evaluate(focused)
        assert value, "Tab never reached a filter button"
        assert presses < 15, f"{presses} presses to reach the filters"
        ring = page.evaluate(
            "() => { let e = document.activeElement;"
            " while (e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;"
            " const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert ring == ["solid", "3px"]
        page.keyboard.press("Space")
        button = page.locator(f'button[data-kind][data-value="{value}"]')
        expect(button).to_have_attribute("aria-pressed", "true")
        kept = [e for e in site.timeline.events if value in (*e.countries, *e.tags)]
        if where == "page":
            assert visible_ids(page, "article") == [e.id for e in kept]
        else:
            assert widget_articles(page) == [e.title for e in kept]
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("where", ["index", "host"])
@pytest.mark.parametrize("name", ["shipped", "full"])
def test_narrow_screens_do_not_scroll_sideways(
    browser: Browser, sites: dict[str, Site], where: str, name: str
) -> None:
    """At 360 px wide nothing overflows the viewport (page and widget)."""
    site = sites[name]
    with visit(browser, site.page if where == "index" else site.host, width=360) as seen:
        if where == "host":
            wait_for_widget(seen.page, site)
        assert seen.page.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(seen.page, f"{name}-{where}-narrow")


# -- colours -------------------------------------------------------------------

CONTRAST = """
() => {
  const channel = v => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const parse = c => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
  const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const up = n =>
    n.parentElement || (n.getRootNode() instanceof ShadowRoot ? n.getRootNode().host : null);
  const background = node => {
    const layers = [];
    for (let n = node; n; n = up(n)) {
      const s = getComputedStyle(n);
      if (s.backgroundImage !== "none") return null;  // a hatch: not text's background
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    return layers.reverse().reduce((acc, c) => over(c, acc), { r: 255, g: 255, b: 255, a: 1 });
  };
  const roots = [document];
  for (const host of document.querySelectorAll("[data-asean-timeline]")) {
    if (host.shadowRoot) roots.push(host.shadowRoot);
  }
  const checked = [], failures = [];
  for (const root of roots) {
    for (const el of root.querySelectorAll("*")) {
      if (["STYLE", "SCRIPT", "TITLE", "HEAD"].includes(el.tagName)) continue;
      const own = [...el.childNodes].filter(n => n.nodeType === 3);
      const text = own.map(n => n.data).join("").trim();
      if (!text || !el.checkVisibility()) continue;
      const s = getComputedStyle(el);
      const bg = background(el);
      if (!bg) continue;
      const fg = over(parse(s.color), bg);
      const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      checked.push(ratio);
      if (ratio < needed) {
        const where = `${el.tagName}.${el.className} "${text.slice(0, 30)}"`;
        failures.push(`${where}: ${ratio.toFixed(2)} < ${needed}`);
      }
    }
  }
  return { checked: checked.length, lowest: Math.min(...checked), failures };
}
"""


@pytest.mark.parametrize("where", ["index", "host"])
@SCHEMES
def test_text_contrast_meets_wcag_aa(
    browser: Browser, sites: dict[str, Site], where: str, scheme: str
) -> None:
    """Every visible text, pressed filters included, has WCAG AA contrast in light and dark."""
    site = sites["full"]
    with visit(browser, site.page if where == "index" else site.host, scheme=scheme) as seen:
        page = seen.page
        if where == "host":
            wait_for_widget(page, site)
        everything = page.evaluate(CONTRAST)
        page.locator('button[data-kind="country"]').first.click()  # a pressed button too
        filtered = page.evaluate(CONTRAST)
        for result in (everything, filtered):
            assert not result["failures"], result["failures"]
            assert result["lowest"] >= 4.5
        assert everything["checked"] > 200


# -- the widget ----------------------------------------------------------------


@pytest.mark.parametrize("name", SITES)
@SCHEMES
def test_widget_shows_every_event(
    browser: Browser, sites: dict[str, Site], name: str, scheme: str
) -> None:
    """The widget draws every feed item in its shadow root, untouched by the host's CSS."""
    site = sites[name]
    with visit(browser, site.host, scheme=scheme) as seen:
        page = seen.page
        wait_for_widget(page, site)
        assert widget_articles(page) == [item["title"] for item in site.feed["items"]]
        assert page.evaluate(
            "getComputedStyle(document.querySelector('[data-asean-timeline]').shadowRoot"
            ".querySelector('h4')).color"
        ) not in ("rgb(255, 0, 0)", "rgb(204, 0, 0)")
        assert page.locator("main > h1").evaluate("n => getComputedStyle(n).fontFamily") == "serif"
        times = page.locator("[data-asean-timeline] article time").evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('datetime'))"
        )
        assert times == [item["_asean_timeline"]["start"] for item in site.feed["items"]]
        links = page.locator("[data-asean-timeline] a").evaluate_all(
            "nodes => nodes.map(n => n.protocol)"
        )
        assert set(links) <= {"https:", "http:", "webcal:"}
        screenshot(page, f"{name}-host-{scheme}")


AXIS_CELLS = "nodes => nodes.map(n => [...n.querySelectorAll('.axis i')].map(i => i.className))"


def test_widget_draws_dates_as_the_page_does(browser: Browser, sites: dict[str, Site]) -> None:
    """The widget words every date and marks every axis cell exactly as index.html does."""
    site = sites["full"]
    with visit(browser, site.page) as seen:
        page_dates = seen.page.locator("article .when").all_text_contents()
        page_axes = seen.page.locator("article").evaluate_all(AXIS_CELLS)
    with visit(browser, site.host) as seen:
        wait_for_widget(seen.page, site)
        widget = seen.page.locator("[data-asean-timeline] article")
        widget_dates = widget.locator(".when").all_text_contents()
        widget_axes = widget.evaluate_all(AXIS_CELLS)
    assert widget_dates == page_dates
    assert widget_axes == page_axes
    assert "16–18 December 2023 (exact day unknown)" in widget_dates


def test_widget_filters_by_country(browser: Browser, sites: dict[str, Site]) -> None:
    """Pressing a country in the widget hides the events without it."""
    site = sites["shipped"]
    with visit(browser, site.host) as seen:
        page = seen.page
        wait_for_widget(page, site)
        button = page.locator('[data-asean-timeline] button[data-value="MY"]')
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        kept = [e.title for e in site.timeline.events if "MY" in e.countries]
        assert widget_articles(page) == kept
        page.locator("[data-asean-timeline] button", has_text="Show all").click()
        assert len(widget_articles(page)) == len(site.ids)


def test_widget_refuses_a_non_http_feed_address(browser: Browser, sites: dict[str, Site]) -> None:
    """A data-asean-timeline that is not http(s) is not fetched; the widget says so."""
    site = sites["shipped"]
    with visit(browser, site.host) as seen:
        page = seen.page
        wait_for_widget(page, site)
        page.evaluate(
            "() => { const d = document.createElement('div');"
            " d.setAttribute('data-asean-timeline', 'javascript:alert(1)');"
            " d.id = 'bad'; document.body.append(d);"
            " const s = document.createElement('script'); s.src = 'embed.js';"
            " document.body.append(s); }"
        )
        expect(page.locator("#bad p")).to_have_text(
            "The timeline's address must be an http(s) address of its feed.json."
        )
