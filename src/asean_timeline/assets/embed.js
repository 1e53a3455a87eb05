/*! asean-timeline embed widget. No build step, no dependencies.
 *
 * Put this where the timeline should appear:
 *
 *   <div data-asean-timeline="https://example.org/asean-timeline/feed.json"></div>
 *   <script src="https://example.org/asean-timeline/embed.js" defer></script>
 *
 * The script fetches the JSON Feed that asean-timeline renders and draws the
 * timeline inside a shadow root, so the host page's CSS cannot change it and
 * its CSS cannot change the host page. Optional attributes on the element:
 * data-theme="light" or "dark" (default: follow the reader's system setting).
 *
 * Every text from the feed goes in with textContent; only http(s) addresses
 * become links. The host page's Content-Security-Policy, if any, must allow
 * this script (script-src) and the feed's address (connect-src); the styles
 * are a constructed stylesheet, which style-src does not restrict. A feed on
 * another origin must be served with Access-Control-Allow-Origin.
 */
(function () {
  "use strict";

  var ATTRIBUTE = "data-asean-timeline";
  var MAX_ITEMS = 5000;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  var STATUS = { confirmed: "Confirmed", tentative: "Tentative", cancelled: "Cancelled" };
  var FUZZY = { year: true, month: true, "day-in-window": true };

  var LIGHT = "--bg:#fff;--card:#fff;--text:#1b1f24;--muted:#4a5361;--line:#c9d0d8;" +
    "--accent:#0a58a8;--accent-text:#fff;--chip:#e9eef5;--chip-text:#1d3554;--cell:#e3e8ee;" +
    "--here:#b9cde4;--mark:#0a58a8;--focus:#b3470b;--tent-bg:#fff1cc;--tent-text:#5e3d00;" +
    "--canc-bg:#fde4e4;--canc-text:#8f1a1a;--conf-bg:#e3f1e6;--conf-text:#1c5230;";
  var DARK = "--bg:#0e1217;--card:#171d24;--text:#e7eaef;--muted:#aab4c0;--line:#3a4552;" +
    "--accent:#7cbcff;--accent-text:#0e1217;--chip:#233244;--chip-text:#d7e6f8;--cell:#29323d;" +
    "--here:#3e5573;--mark:#7cbcff;--focus:#ffb37a;--tent-bg:#3b2d08;--tent-text:#ffdc8f;" +
    "--canc-bg:#40171a;--canc-text:#ffb8b8;--conf-bg:#17321f;--conf-text:#a9e2b8;";

  var CSS = [
    ":host{display:block}",
    ".root{all:initial;display:block;" + LIGHT + "background:var(--bg);color:var(--text);" +
      "font:1rem/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;" +
      "padding:.75rem;border-radius:.6rem;text-align:left}",
    "@media (prefers-color-scheme:dark){:host(:not([data-theme=light])) .root{" + DARK + "}}",
    ":host([data-theme=dark]) .root{" + DARK + "}",
    ".root *{box-sizing:border-box}",
    "a{color:var(--accent);text-underline-offset:.15em}",
    ":focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}",
    "h2{font-size:1.4rem;line-height:1.2;margin:0 0 .25rem}",
    "h3{font-size:1.15rem;margin:1.25rem 0 0;padding:.1rem .7rem;display:inline-block;" +
      "background:var(--accent);color:var(--accent-text);border-radius:1rem}",
    "h4{font-size:1.05rem;line-height:1.3;margin:0}",
    "p{margin:.4rem 0}",
    ".muted,.n{color:var(--muted)}",
    ".filters{margin:.5rem 0;display:grid;gap:.4rem}",
    ".buttons{display:flex;flex-wrap:wrap;gap:.35rem;margin:0;padding:0;list-style:none}",
    ".label{font-weight:600;margin:0}",
    "button{font:inherit;font-size:.9rem;color:var(--chip-text);background:var(--chip);" +
      "border:1px solid var(--line);border-radius:1rem;padding:.2rem .7rem;cursor:pointer;" +
      "min-height:2rem}",
    "button[aria-pressed=true]{background:var(--accent);color:var(--accent-text);" +
      "border-color:var(--accent);font-weight:600}",
    "button[aria-pressed=true]::before{content:'\\2713\\a0'}",
    "button[aria-pressed=true] .n{color:inherit}",
    "button:disabled{cursor:default;color:var(--muted);background:none}",
    ".foot{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}",
    ".foot p{margin:0}",
    "ol.events{list-style:none;margin:.6rem 0 0 .6rem;padding:0 0 0 1.2rem;" +
      "border-left:3px solid var(--line)}",
    "ol.events>li{position:relative;margin:0 0 .8rem}",
    "ol.events>li::before{content:'';position:absolute;left:-1.85rem;top:1rem;width:.9rem;" +
      "height:.9rem;border-radius:50%;background:var(--mark);border:3px solid var(--bg)}",
    "ol.events>li.fuzzy::before{background:var(--bg);border:2px dashed var(--mark)}",
    "article{background:var(--card);border:1px solid var(--line);border-radius:.6rem;" +
      "padding:.6rem .8rem}",
    "header{display:flex;flex-direction:column;gap:.15rem}",
    ".when{order:-1;margin:0;font-weight:600;color:var(--muted)}",
    ".status{align-self:flex-start;margin:0;font-size:.8rem;font-weight:600;padding:0 .5rem;" +
      "border-radius:.6rem;background:var(--conf-bg);color:var(--conf-text)}",
    ".s-tentative .status{background:var(--tent-bg);color:var(--tent-text)}",
    ".s-cancelled .status{background:var(--canc-bg);color:var(--canc-text)}",
    ".s-cancelled h4{text-decoration:line-through;text-decoration-thickness:2px}",
    ".axis{margin:.5rem 0 .2rem}",
    ".strip{display:grid;grid-auto-flow:column;grid-auto-columns:1fr;gap:2px}",
    ".strip i{display:block;height:.6rem;background:var(--cell);border-radius:1px}",
    ".strip.days{margin-top:.3rem}",
    ".strip.days i{height:.5rem}",
    ".strip i.first{margin-left:3px}",
    ".strip i.here{background:var(--here)}",
    ".strip i.on,.legend i.on{background:var(--mark)}",
    ".strip i.maybe,.legend i.maybe{background:repeating-linear-gradient(135deg,var(--mark) 0 2px," +
      "transparent 2px 5px);box-shadow:inset 0 0 0 1px var(--mark)}",
    ".scale{display:grid;grid-auto-flow:column;grid-auto-columns:1fr;gap:2px;" +
      "text-align:center;font-size:.7rem;color:var(--muted);line-height:1.3}",
    ".scale.days>span{display:flex;justify-content:space-between;gap:.25rem}",
    ".d28{grid-column:span 28}.d29{grid-column:span 29}.d30{grid-column:span 30}" +
      ".d31{grid-column:span 31}",
    ".legend{display:flex;flex-wrap:wrap;gap:.2rem 1rem;margin:.4rem 0;padding:0;" +
      "list-style:none;color:var(--muted);font-size:.85rem}",
    ".legend i{display:inline-block;width:1.4rem;height:.65rem;margin-right:.35rem;" +
      "vertical-align:middle;border-radius:2px}",
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .7rem;margin:.5rem 0}",
    "dt{color:var(--muted);font-weight:600}",
    "dd{margin:0;overflow-wrap:anywhere}",
    ".chips{display:flex;flex-wrap:wrap;gap:.3rem;margin:0;padding:0;list-style:none}",
    ".chips li{background:var(--chip);color:var(--chip-text);border-radius:.8rem;" +
      "padding:0 .5rem;font-size:.85rem}",
    ".sources{margin:0;padding-left:1.1rem}",
    "h4,.description{overflow-wrap:anywhere}",
    "code{font-size:.9em;overflow-wrap:anywhere}",
    "[hidden]{display:none!important}",
    "@media (max-width:30rem){dl{grid-template-columns:1fr}.scale{font-size:.62rem}}",
    "@media (forced-colors:active){.strip i.on,.strip i.maybe{forced-color-adjust:none;" +
      "background:CanvasText}}"
  ].join("\n");

  var sheet = null;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }

  function str(value) {
    return typeof value === "string" ? value : "";
  }

  function list(value) {
    return Array.isArray(value) ? value.filter(function (v) { return typeof v === "string"; }) : [];
  }

  /* An absolute http(s) address, or null: nothing else becomes a link. */
  function webUrl(value, base) {
    if (typeof value !== "string" || !value) return null;
    try {
      var url = new URL(value, base || document.baseURI);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function link(text, href) {
    var url = webUrl(href);
    if (!url) return el("span", null, text);
    var anchor = el("a", null, text);
    anchor.href = url;
    anchor.rel = "noopener noreferrer";
    return anchor;
  }

  // -- dates ------------------------------------------------------------------

  var DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
  var MOMENT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

  function ymd(text) {
    var m = DAY.exec(text);
    return m ? { y: +m[1], m: +m[2], d: +m[3] } : null;
  }

  function iso(y, m, d) {
    return String(y).padStart(4, "0") + "-" + String(m).padStart(2, "0") + "-" +
      String(d).padStart(2, "0");
  }

  function daysIn(y, m) {
    return new Date(Date.UTC(y, m, 0)).getUTCDate();
  }

  function dayPhrase(d) {
    return d.d + " " + MONTHS[d.m - 1] + " " + d.y;
  }

  function daysPhrase(a, b) {
    if (a.y === b.y && a.m === b.m && a.d === b.d) return dayPhrase(a);
    if (a.y === b.y && a.m === b.m) return a.d + "–" + b.d + " " + MONTHS[a.m - 1] + " " + a.y;
    if (a.y === b.y) return a.d + " " + MONTHS[a.m - 1] + " – " + dayPhrase(b);
    return dayPhrase(a) + " – " + dayPhrase(b);
  }

  function zone(offset) {
    return offset === "Z" || offset === "+00:00" ? "UTC" : "UTC" + offset;
  }

  /* The event's date in words; the feed's summary ("<date>: <title>") has the
     page's own wording, with zone abbreviations, so it is preferred. */
  function datePhrase(item, record, title) {
    var summary = str(item.summary);
    var tail = ": " + title;
    if (title && summary.length > tail.length && summary.slice(-tail.length) === tail) {
      return summary.slice(0, -tail.length);
    }
    var start = str(record.start), end = str(record.end);
    switch (record.precision) {
      case "year":
        return start;
      case "month":
        return MONTHS[+start.slice(5, 7) - 1] + " " + start.slice(0, 4);
      case "day":
        return ymd(start) ? dayPhrase(ymd(start)) : start;
      case "day-range":
      case "day-in-window":
        if (!ymd(start) || !ymd(end)) return start;
        return daysPhrase(ymd(start), ymd(end)) +
          (record.precision === "day-in-window" ? " (exact day unknown)" : "");
      case "time": {
        var a = MOMENT.exec(start), b = MOMENT.exec(end);
        if (!a) return start;
        var head = dayPhrase(ymd(a[1])) + ", " + a[2] + ":" + a[3];
        if (!b) return head + " " + zone(a[4]);
        if (a[1] === b[1] && a[4] === b[4]) return head + "–" + b[2] + ":" + b[3] + " " + zone(a[4]);
        return head + " " + zone(a[4]) + " – " + dayPhrase(ymd(b[1])) + ", " + b[2] + ":" + b[3] +
          " " + zone(b[4]);
      }
    }
    return start;
  }

  /* First and last day as the reader of the event sees them (ISO dates). */
  function localDays(record) {
    var start = str(record.start), end = str(record.end);
    switch (record.precision) {
      case "year":
        return [start + "-01-01", start + "-12-31"];
      case "month": {
        var y = +start.slice(0, 4), m = +start.slice(5, 7);
        return [start + "-01", iso(y, m, daysIn(y, m))];
      }
      case "time":
        return [start.slice(0, 10), (end || start).slice(0, 10)];
      default:
        return [start.slice(0, 10), (end || start).slice(0, 10)];
    }
  }

  function months(first, last) {
    var found = [], y = first.y, m = first.m, guard = 0;
    while ((y < last.y || (y === last.y && m <= last.m)) && guard++ < 1200) {
      found.push([y, m]);
      if (m === 12) { y++; m = 1; } else { m++; }
    }
    return found;
  }

  function cell(classes) {
    var node = el("i");
    if (classes) node.className = classes;
    return node;
  }

  /* The date on the months of its year and, for days, on the days of its month(s). */
  function axis(record) {
    var range = localDays(record);
    var first = ymd(range[0]), last = ymd(range[1]);
    if (!first || !last) return null;
    var precision = record.precision;
    var spans = months(first, last);
    var dayStrip = precision !== "year" && precision !== "month" && spans.length <= 2;
    var mark = precision === "day-in-window" ? "maybe" : "on";
    // With a strip of days the months only locate them; without, they carry the mark.
    var covered = dayStrip ? "here" : mark;
    var box = el("div", "axis");
    box.setAttribute("aria-hidden", "true");
    var strip = el("div", "strip"), scale = el("div", "scale");
    for (var m = 1; m <= 12; m++) {
      var state = "";
      if (precision === "year") state = "maybe";
      else if (precision === "month") state = m === first.m ? "on" : "";
      else if (spans.some(function (s) { return s[0] === first.y && s[1] === m; })) state = covered;
      strip.appendChild(cell(state));
      scale.appendChild(el("span", null, MONTHS[m - 1].slice(0, 3)));
    }
    add(box, strip, scale);
    if (dayStrip) {
      var days = el("div", "strip days"), dayScale = el("div", "scale days");
      spans.forEach(function (span, index) {
        var size = daysIn(span[0], span[1]);
        for (var d = 1; d <= size; d++) {
          var day = iso(span[0], span[1], d);
          var classes = day >= range[0] && day <= range[1] ? [mark] : [];
          if (index && d === 1) classes.push("first");
          days.appendChild(cell(classes.join(" ")));
        }
        add(dayScale, add(el("span", "d" + size), el("span", null, "1"),
          el("span", null, MONTHS[span[1] - 1] + " " + span[0]), el("span", null, String(size))));
      });
      add(box, days, dayScale);
    }
    return box;
  }

  // -- rendering ----------------------------------------------------------------

  var regionNames = null;
  try {
    regionNames = new Intl.DisplayNames(["en"], { type: "region" });
  } catch (error) {
    regionNames = null;
  }

  function countryName(code) {
    try {
      return (regionNames && regionNames.of(code)) || code;
    } catch (error) {
      return code;
    }
  }

  function chips(values, name) {
    var ul = el("ul", "chips");
    values.forEach(function (v) { ul.appendChild(el("li", null, name ? name(v) : v)); });
    return ul;
  }

  function fact(dl, term, value) {
    add(dl, el("dt", null, term), add(el("dd"), value));
  }

  function eventNode(item, record) {
    var title = str(record.title) || str(item.title);
    var status = STATUS[record.status] ? record.status : "confirmed";
    var countries = list(record.countries), tags = list(record.tags);
    var li = el("li", FUZZY[record.precision] ? "fuzzy" : "exact");
    li.setAttribute("data-countries", countries.join(" "));
    li.setAttribute("data-tags", tags.join(" "));
    var article = el("article", "s-" + status);
    var header = el("header");
    var when = el("p", "when");
    var time = el("time", null, datePhrase(item, record, title));
    if (str(record.start)) time.setAttribute("datetime", str(record.start));
    add(header, el("h4", null, title), add(when, time), el("p", "status", STATUS[status]));
    add(article, header, axis(record));
    var recurrence = record.recurrence;
    if (recurrence && typeof recurrence.rrule === "string") {
      add(article, add(el("p", "muted"), "Repeats: ", el("code", null, recurrence.rrule)));
    }
    var description = str(record.description).trim();
    if (description) {
      var text = el("div", "description");
      description.split(/\n[ \t]*\n/).forEach(function (paragraph) {
        paragraph = paragraph.trim();
        if (!paragraph) return;
        var p = el("p");
        paragraph.split("\n").forEach(function (line, index) {
          if (index) p.appendChild(el("br"));
          p.appendChild(document.createTextNode(line));
        });
        text.appendChild(p);
      });
      article.appendChild(text);
    }
    var dl = el("dl");
    if (str(record.location)) fact(dl, "Where", str(record.location));
    if (countries.length) fact(dl, "Countries", chips(countries, countryName));
    if (tags.length) fact(dl, "Tags", chips(tags));
    if (webUrl(record.url)) fact(dl, "More", link(str(record.url), record.url));
    var sources = Array.isArray(record.sources) ? record.sources : [];
    if (sources.length) {
      var ul = el("ul", "sources");
      sources.forEach(function (source) {
        if (!source || typeof source !== "object") return;
        var label = [str(source.publisher), str(source.title)].filter(Boolean).join(": ");
        var entry = add(el("li"), link(label || str(source.url), source.url));
        if (str(source.published)) add(entry, " (" + str(source.published) + ")");
        ul.appendChild(entry);
      });
      fact(dl, "Sources", ul);
    }
    if (dl.firstChild) article.appendChild(dl);
    li.appendChild(article);
    return li;
  }

  function filters(root, items, events) {
    var chosen = { country: {}, tag: {} };
    var found = { country: {}, tag: {} };
    events.forEach(function (e) {
      list(e.record.countries).forEach(function (c) { found.country[c] = (found.country[c] || 0) + 1; });
      list(e.record.tags).forEach(function (t) { found.tag[t] = (found.tag[t] || 0) + 1; });
    });
    var box = el("div", "filters");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Filter the timeline");
    var buttons = [];
    [["country", "Countries", countryName], ["tag", "Tags", null]].forEach(function (kind) {
      var values = Object.keys(found[kind[0]]).sort();
      if (!values.length) return;
      var group = el("div");
      group.setAttribute("role", "group");
      var label = el("p", "label", kind[1]);
      label.id = "filter-" + kind[0];
      group.setAttribute("aria-labelledby", label.id);
      var ul = el("ul", "buttons");
      values.forEach(function (value) {
        var button = el("button", null, kind[2] ? kind[2](value) : value);
        button.type = "button";
        button.setAttribute("aria-pressed", "false");
        button.setAttribute("data-kind", kind[0]);
        button.setAttribute("data-value", value);
        add(button, " ", el("span", "n", String(found[kind[0]][value])));
        buttons.push(button);
        ul.appendChild(add(el("li"), button));
      });
      box.appendChild(add(group, label, ul));
    });
    if (!buttons.length) return null;
    var reset = el("button", null, "Show all");
    reset.type = "button";
    var count = el("p", null);
    count.setAttribute("role", "status");
    box.appendChild(add(el("div", "foot"), reset, count));

    function matches(values, kind) {
      var wanted = Object.keys(chosen[kind]);
      if (!wanted.length) return true;
      return values.some(function (v) { return chosen[kind][v]; });
    }
    function apply() {
      var shown = 0, pressed = 0;
      items.forEach(function (entry) {
        var ok = matches(entry.countries, "country") && matches(entry.tags, "tag");
        entry.node.hidden = !ok;
        if (ok) shown++;
      });
      root.querySelectorAll("section.year").forEach(function (year) {
        year.hidden = !year.querySelector("ol.events>li:not([hidden])");
      });
      buttons.forEach(function (b) {
        var on = !!chosen[b.getAttribute("data-kind")][b.getAttribute("data-value")];
        if (on) pressed++;
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
      reset.disabled = !pressed;
      count.textContent = pressed
        ? "Showing " + shown + " of " + items.length + " events."
        : "Showing all " + items.length + " events.";
    }
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-kind]");
      if (!button) return;
      var kind = button.getAttribute("data-kind"), value = button.getAttribute("data-value");
      if (chosen[kind][value]) delete chosen[kind][value]; else chosen[kind][value] = true;
      apply();
    });
    reset.addEventListener("click", function () {
      chosen = { country: {}, tag: {} };
      apply();
      buttons[0].focus();
    });
    apply();
    return box;
  }

  function legend() {
    var ul = el("ul", "legend");
    ul.setAttribute("aria-label", "How dates are drawn");
    var on = cell("on"), maybe = cell("maybe");
    on.setAttribute("aria-hidden", "true");
    maybe.setAttribute("aria-hidden", "true");
    add(ul, add(el("li"), on, "known day or days"),
      add(el("li"), maybe, "one day of the marked span (a year, a month or a window of days)"));
    return ul;
  }

  function subscribeLinks(feed) {
    var extension = feed._asean_timeline && typeof feed._asean_timeline === "object"
      ? feed._asean_timeline : {};
    var calendar = webUrl(extension.calendar_url);
    var home = webUrl(feed.home_page_url);
    if (!calendar && !home) return null;
    var p = el("p", "muted");
    if (calendar) {
      add(p, "Subscribe: ", link("calendar (https)", calendar));
      var anchor = el("a", null, "webcal");
      anchor.href = "webcal://" + calendar.replace(/^https?:\/\//, "");
      add(p, " · ", anchor);
    }
    if (home) add(p, calendar ? " · " : "", link("full timeline", home));
    return p;
  }

  function draw(root, feed) {
    var box = el("section", "root");
    var title = str(feed.title);
    var heading = el("h2", null, title || "Timeline");
    heading.id = "title";
    box.setAttribute("aria-labelledby", heading.id);
    box.appendChild(heading);
    if (str(feed.description)) box.appendChild(el("p", "muted", str(feed.description)));
    add(box, subscribeLinks(feed), legend());
    var events = [];
    (Array.isArray(feed.items) ? feed.items : []).slice(0, MAX_ITEMS).forEach(function (item) {
      if (!item || typeof item !== "object") return;
      var record = item._asean_timeline;
      if (!record || typeof record !== "object" || !/^\d{4}/.test(str(record.start))) return;
      events.push({ item: item, record: record });
    });
    var items = [];
    var main = el("div", "timeline");
    var year = null, ol = null;
    events.forEach(function (e) {
      var y = str(e.record.start).slice(0, 4);
      if (y !== year) {
        year = y;
        var section = el("section", "year");
        ol = el("ol", "events");
        main.appendChild(add(section, el("h3", null, String(+y)), ol));
      }
      var node = eventNode(e.item, e.record);
      ol.appendChild(node);
      items.push({ node: node, countries: list(e.record.countries), tags: list(e.record.tags) });
    });
    if (!events.length) main.appendChild(el("p", null, "No events."));
    add(box, filters(box, items, events), main);
    while (root.lastChild && root.lastChild.nodeName !== "STYLE") root.removeChild(root.lastChild);
    root.appendChild(box);
  }

  function styles(root) {
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      try {
        if (!sheet) {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(CSS);
        }
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (error) {
        sheet = null;
      }
    }
    root.appendChild(el("style", null, CSS));
  }

  function mount(host) {
    if (!host || host.shadowRoot || !host.attachShadow) return;
    var root = host.attachShadow({ mode: "open" });
    styles(root);
    var status = el("p", "root", "Loading the timeline…");
    status.setAttribute("role", "status");
    root.appendChild(status);
    var url = webUrl(host.getAttribute(ATTRIBUTE));
    if (!url) {
      status.textContent = "The timeline's address must be an http(s) address of its feed.json.";
      return;
    }
    fetch(url, { credentials: "omit", headers: { Accept: "application/feed+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (feed) {
        if (!feed || typeof feed !== "object" || !Array.isArray(feed.items)) {
          throw new Error("not a JSON Feed");
        }
        draw(root, feed);
      })
      .catch(function (error) {
        status.textContent = "The timeline could not be loaded.";
        if (window.console) console.warn("asean-timeline: " + url + ": " + error);
      });
  }

  function mountAll() {
    var hosts = document.querySelectorAll("[" + ATTRIBUTE + "]");
    for (var i = 0; i < hosts.length; i++) mount(hosts[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
