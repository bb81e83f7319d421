// kamgraph relationship map: light up a person's ties and warm path on hover, focus or tap; live filters.
// Our own small script (no library, nothing from another host). The page works without it.
(function () {
  "use strict";
  var svg = document.getElementById("relmap");
  if (!svg) { return; }
  var nodes = Array.prototype.slice.call(svg.querySelectorAll(".node"));
  var ties = Array.prototype.slice.call(svg.querySelectorAll(".tie"));
  var byId = {};
  nodes.forEach(function (n) { byId[n.getAttribute("data-id")] = n; });
  var status = document.getElementById("map-status");
  var armed = null;

  function clear() {
    svg.classList.remove("lit");
    nodes.forEach(function (n) { n.classList.remove("on", "onpath"); });
    ties.forEach(function (t) { t.classList.remove("on", "onpath"); });
  }

  function light(node) {
    clear();
    var id = node.getAttribute("data-id");
    var path = (node.getAttribute("data-path") || "").split(" ").filter(Boolean);
    var pairs = {};
    for (var i = 0; i + 1 < path.length; i++) {
      pairs[path[i] + "|" + path[i + 1]] = true;
      pairs[path[i + 1] + "|" + path[i]] = true;
    }
    var count = 0;
    svg.classList.add("lit");
    node.classList.add("on");
    ties.forEach(function (t) {
      var a = t.getAttribute("data-a"), b = t.getAttribute("data-b");
      if (a === id || b === id) {
        t.classList.add("on");
        count++;
        var other = byId[a === id ? b : a];
        if (other) { other.classList.add("on"); }
      }
      if (pairs[a + "|" + b]) { t.classList.add("onpath"); }
    });
    path.forEach(function (p) { if (byId[p]) { byId[p].classList.add("onpath"); } });
    if (status) {
      var name = node.querySelector("text").textContent;
      status.textContent = name + ": " + count + " ties" + (path.length ? ", path to our team: " + path.length + " people" : "");
    }
  }

  nodes.forEach(function (n) {
    n.addEventListener("mouseenter", function () { light(n); });
    n.addEventListener("focus", function () { light(n); });
    n.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "touch" && armed !== n) { armed = n; light(n); n.setAttribute("data-armed", "1"); }
    });
    n.addEventListener("click", function (e) {
      if (n.getAttribute("data-armed") === "1") { n.removeAttribute("data-armed"); e.preventDefault(); }
    });
  });
  svg.addEventListener("mouseleave", function () { armed = null; clear(); });

  var select = document.getElementById("map-filter");
  function applyFilter() {
    var f = select.value;
    nodes.forEach(function (n) {
      var kind = n.getAttribute("data-kind");
      var hide = (f === "key" && !n.classList.contains("key")) ||
        (f === "uncovered" && (kind === "staff" || !n.classList.contains("uncovered"))) ||
        (f.indexOf("dept:") === 0 && n.getAttribute("data-dept") !== f.slice(5));
      n.classList.toggle("dim", hide);
    });
    ties.forEach(function (t) {
      var a = byId[t.getAttribute("data-a")], b = byId[t.getAttribute("data-b")];
      t.classList.toggle("dim", Boolean(f) && ((a && a.classList.contains("dim")) || (b && b.classList.contains("dim"))));
    });
  }
  if (select) {
    select.addEventListener("change", applyFilter);
    applyFilter();
    var button = document.querySelector("#map-filters .nojs");
    if (button) { button.hidden = true; }
  }
})();
