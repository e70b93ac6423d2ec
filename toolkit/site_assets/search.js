/* Search across employers and recruiters, offline: the index is window.H2GENDER_INDEX, set by
   assets/search-index.js (built by toolkit.site.search_index), loaded on the first use of the box. Names are compared as folded words
   (accents removed, lower case, punctuation to spaces: the same rule as toolkit.site.fold); a
   query word matches a name word when equal, a prefix of it (3+ letters), or within a small
   Levenshtein distance (1 for words of 4-7 letters, 2 for 8+), also against the name word's
   prefix of the same length. No network request; plain ES5. */
(function () {
  "use strict";
  var IGNORE = {llc: 1, inc: 1, co: 1, corp: 1, ltd: 1, the: 1, de: 1, sa: 1, cv: 1, "l": 1};

  function fold(s) {
    return String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  function distance(a, b, max) {  /* Levenshtein distance, or max + 1 when it exceeds max */
    if (Math.abs(a.length - b.length) > max) { return max + 1; }
    var prev = [], cur, i, j, best;
    for (j = 0; j <= b.length; j++) { prev.push(j); }
    for (i = 1; i <= a.length; i++) {
      cur = [i]; best = i;
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        if (cur[j] < best) { best = cur[j]; }
      }
      if (best > max) { return max + 1; }
      prev = cur;
    }
    return prev[b.length];
  }

  function wordScore(q, w) {
    if (q === w) { return 1; }
    if (q.length >= 3 && w.indexOf(q) === 0) { return 0.9; }
    var max = q.length >= 8 ? 2 : (q.length >= 4 ? 1 : 0);
    if (!max) { return 0; }
    var d = distance(q, w, max);
    if (d <= max) { return 0.8 - 0.1 * d; }
    if (w.length > q.length) {
      d = distance(q, w.slice(0, q.length), max);
      if (d <= max) { return 0.7 - 0.1 * d; }
    }
    return 0;
  }

  function score(queryWords, words) {  /* mean best score of the query words; 0 if one finds nothing */
    var total = 0, i, j, best, s;
    for (i = 0; i < queryWords.length; i++) {
      best = 0;
      for (j = 0; j < words.length; j++) {
        s = wordScore(queryWords[i], words[j]);
        if (s > best) { best = s; }
      }
      if (best === 0) { return 0; }
      total += best;
    }
    return total / queryWords.length;
  }

  function search(index, query, limit) {
    var q = fold(query).split(" ").filter(function (w) { return w && !IGNORE[w]; });
    if (!q.length) { return []; }
    var rows = index.rows, hits = [], i, s, words;
    for (i = 0; i < rows.length; i++) {
      words = rows[i][5].split(/[ |]+/);
      s = score(q, words);
      if (s > 0) { hits.push([s, i]); }
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return hits.slice(0, limit || 50).map(function (h) { return rows[h[1]]; });
  }

  function show(form, results, query) {
    var index = window.H2GENDER_INDEX || {rows: []};
    var root = form.getAttribute("data-root") || "";
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!fold(query)) { return; }
    var hits = search(index, query, 50);
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = form.getAttribute("data-none");
      results.appendChild(none);
      return;
    }
    hits.forEach(function (row) {
      var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span");
      a.href = root + row[4];
      a.textContent = row[0];
      kind.className = "kind";
      kind.textContent = " · " + form.getAttribute("data-" + row[1]) + " · " + row[2] + " · " + row[3];
      li.appendChild(a);
      li.appendChild(kind);
      results.appendChild(li);
    });
  }

  /* The index is a script of its own (a file:// page may load a script, not fetch JSON), added to
     the page the first time the search box is focused or typed in; callbacks wait for it. */
  var waiting = null;
  function withIndex(form, done) {
    if (window.H2GENDER_INDEX || !form.getAttribute("data-index")) { done(); return; }
    if (waiting) { waiting.push(done); return; }
    waiting = [done];
    var script = document.createElement("script");
    script.src = form.getAttribute("data-index");
    script.onload = script.onerror = function () {
      var calls = waiting;
      waiting = null;
      if (!window.H2GENDER_INDEX) { window.H2GENDER_INDEX = {rows: []}; }
      calls.forEach(function (f) { f(); });
    };
    document.body.appendChild(script);
  }

  window.H2GENDER_SEARCH = {fold: fold, search: search, distance: distance};
  var form = document.querySelector("form.search");
  if (!form) { return; }
  var input = form.querySelector("input"), results = form.querySelector("#results");
  input.addEventListener("focus", function () { withIndex(form, function () {}); });
  input.addEventListener("input", function () {
    withIndex(form, function () { show(form, results, input.value); });
  });
  if (input.value) { withIndex(form, function () { show(form, results, input.value); }); }
}());
