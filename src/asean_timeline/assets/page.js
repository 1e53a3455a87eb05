
(function () {
  "use strict";
  var box = document.getElementById("Filters");
  if (!box || !window.URLSearchParams) return;
  var items = Array.prototype.slice.call(document.querySelectorAll("#Timeline li[data-event]"));
  var years = Array.prototype.slice.call(document.querySelectorAll("#Timeline .year"));
  var buttons = Array.prototype.slice.call(box.querySelectorAll("button[data-kind]"));
  var reset = document.getElementById("Reset");
  var count = document.getElementById("Count");
  var only = document.getElementById("Only");
  var onlyLink = document.getElementById("OnlyLink");
  var chosen = { country: {}, tag: {} };
  function picked(kind) { return Object.keys(chosen[kind]); }
  function matches(values, kind) {
    var wanted = picked(kind);
    if (!wanted.length) return true;
    var list = values ? values.split(" ") : [];
    for (var i = 0; i < list.length; i++) if (chosen[kind][list[i]]) return true;
    return false;
  }
  function apply(remember) {
    var shown = 0;
    items.forEach(function (item) {
      var ok = matches(item.getAttribute("data-countries"), "country") &&
        matches(item.getAttribute("data-tags"), "tag");
      item.hidden = !ok;
      if (ok) shown++;
    });
    years.forEach(function (year) {
      year.hidden = !year.querySelector("li[data-event]:not([hidden])");
    });
    var pressed = buttons.filter(function (b) {
      return chosen[b.getAttribute("data-kind")][b.getAttribute("data-value")];
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", pressed.indexOf(b) >= 0 ? "true" : "false");
    });
    reset.disabled = !pressed.length;
    count.textContent = pressed.length
      ? "Showing " + shown + " of " + items.length + " events."
      : "Showing all " + items.length + " events.";
    var single = pressed.length === 1 ? pressed[0] : null;
    only.hidden = !(single && single.getAttribute("data-calendar"));
    if (!only.hidden) {
      onlyLink.href = single.getAttribute("data-calendar");
      onlyLink.textContent = "Subscribe to " + single.getAttribute("data-label") + " only";
    }
    if (remember && window.history && history.replaceState) {
      var query = new URLSearchParams();
      picked("country").forEach(function (v) { query.append("country", v); });
      picked("tag").forEach(function (v) { query.append("tag", v); });
      var text = query.toString();
      history.replaceState(null, "", location.pathname + (text ? "?" + text : "") + location.hash);
    }
  }
  box.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-kind]") : null;
    if (!button) return;
    var kind = button.getAttribute("data-kind"), value = button.getAttribute("data-value");
    if (chosen[kind][value]) delete chosen[kind][value]; else chosen[kind][value] = true;
    apply(true);
  });
  reset.addEventListener("click", function () {
    chosen = { country: {}, tag: {} };
    apply(true);
    if (buttons.length) buttons[0].focus();
  });
  var query = new URLSearchParams(location.search);
  buttons.forEach(function (b) {
    var kind = b.getAttribute("data-kind"), value = b.getAttribute("data-value");
    if (query.getAll(kind).indexOf(value) >= 0) chosen[kind][value] = true;
  });
  box.hidden = false;
  apply(false);
})();
