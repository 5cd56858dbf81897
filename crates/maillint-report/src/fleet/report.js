// maillint HTML report: sortable and filterable tables. No network, no library.
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v === null) { v = cell.textContent.trim(); }
    var n = Number(v);
    return v !== "" && !isNaN(n) ? n : v.toLowerCase();
  }
  function compare(x, y) {
    if (typeof x !== typeof y) { return typeof x === "number" ? -1 : 1; }
    return x < y ? -1 : x > y ? 1 : 0;
  }
  function sortBy(table, index, th) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var c = compare(key(a.cells[index]), key(b.cells[index]));
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    each(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  each(document.querySelectorAll("table.sortable"), function (table) {
    each(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, i, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, i, th); }
      });
    });
  });
  function filter(input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    var q = input.value.toLowerCase();
    var shown = 0;
    each(table.tBodies[0].rows, function (row) {
      row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
      if (!row.hidden) { shown += 1; }
    });
    table.setAttribute("data-shown", String(shown));
  }
  each(document.querySelectorAll("input[data-filter]"), function (input) {
    input.addEventListener("input", function () { filter(input); });
  });
  // `#sort=TABLE:COLUMN[:desc]` and `#filter=TABLE:TEXT` act as the clicks and typing would:
  // links into the report (and the browser test) use them.
  var hash = decodeURIComponent(location.hash);
  var sort = /^#sort=([\w-]+):(\d+)(:desc)?$/.exec(hash);
  if (sort) {
    var table = document.getElementById(sort[1]);
    var th = table && table.tHead.rows[0].cells[Number(sort[2])];
    if (th) { th.click(); if (sort[3]) { th.click(); } }
  }
  var wanted = /^#filter=([\w-]+):(.*)$/.exec(hash);
  if (wanted) {
    var input = document.querySelector("input[data-filter='" + wanted[1] + "']");
    if (input) { input.value = wanted[2]; filter(input); }
  }
})();
