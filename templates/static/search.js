/* The search page: reads the query and the filters from the URL (so every search is a
   link), loads the index parts the query needs (search-core.js), and shows the results:
   their number, ten a page, snippets around the words found with exactly those words
   marked, the entity and tag pages the query names, and filters by year, source, tag and
   entity with counts. */
(function () {
  "use strict";
  var PER_PAGE = 10, FACET_SHOWN = 8, SNIPPET_WORDS = 36, QUERY_SHOWN = 60;
  var FACETS = [["source", "المصدر"], ["tag", "الوسم"], ["entity", "العلم"]];
  var html = document.documentElement;
  var status = document.getElementById("search-status");
  var missing = [["lunr", "assets/lunr.min.js"], ["ARSHIF_TEXT", "assets/arshif-text-data.js"],
                 ["arshifText", "assets/arshif-text.js"], ["arshifSearchCore", "assets/search-core.js"]]
    .filter(function (needed) { return !window[needed[0]]; });
  if (missing.length) {
    status.textContent = "تعذر تحميل ملف البحث (" + missing[0][1] + ").";
    html.setAttribute("data-search", "error");
    return;
  }
  var core = window.arshifSearchCore, text = window.arshifText;
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var named = document.getElementById("search-named");
  var pager = document.getElementById("search-pager");
  var narrow = document.getElementById("search-narrow");
  var narrowBody = document.getElementById("search-narrow-body");
  var base = html.getAttribute("data-root") || "";
  var RUN = new RegExp("([\\p{L}\\p{N}\\p{M}" + text.ignoredChars.replace(/[\]\\^-]/g, "\\$&") + "]+)", "u");
  var registry = new core.Registry(function (path, onerror, onload) {
    var script = document.createElement("script");
    script.src = base + path;
    script.onerror = onerror;
    script.onload = onload;  // a file that ran without handing its data over is damaged
    document.body.appendChild(script);
  });
  var early = window.ARSHIF_SEARCH && window.ARSHIF_SEARCH.early;  // the manifest, if it ran before this script
  window.ARSHIF_SEARCH = registry.api();
  if (early) Object.keys(early).forEach(function (id) { registry.early[id] = early[id]; });
  var engine = null, last = null, digitsOf = "0123456789", lastRefs = null;

  function params() { return new URLSearchParams(window.location.search); }

  function number(n) {
    return String(n).replace(/[0-9]/g, function (d) { return digitsOf[+d]; });
  }

  function setState(state) { html.setAttribute("data-search", state); }

  function quoted(q) {
    q = q.trim();
    return "«" + (q.length > QUERY_SHOWN ? q.slice(0, QUERY_SHOWN) + "…" : q) + "»";
  }

  function start() {
    setState("loading");
    registry.get("manifest", 0, "search/manifest.js").then(function (manifest) {
      if (!manifest) { fail("تعذر تحميل فهرس البحث (search/manifest.js)."); return; }
      digitsOf = manifest.digits || digitsOf;
      engine = new core.SearchIndex(registry, manifest);
      var q = params().get("q") || "";
      input.value = q;  // once: the reader may type while the parts load
      return run(q);
    }).catch(function (error) {
      console.error(error);
      fail("تعذر إجراء البحث بسبب خطأ غير متوقع.");
    });
  }

  function fail(message) {
    status.textContent = message;
    setState("error");
  }

  function nothing(message) {
    status.textContent = message;
    list.textContent = named.textContent = pager.textContent = "";
    pager.hidden = true;
    drawNarrowing({all: [], shown: []});
    setState("done");
    return Promise.resolve(record({total: 0, mode: "none", refs: [], shown: [], ms: 0}));
  }

  /* One search: the words all together, else any of them; filters; order; one page. */
  function run(q) {
    var p = params(), notes = [];
    engine.queryMs = 0;
    if (!q.trim()) return nothing("اكتب كلمة أو أكثر ثم اضغط «ابحث».");
    var parsed = core.parse(q);
    if (parsed.truncated) notes.push("البحث بأول " + number(core.MAX_WORDS) + " كلمة فقط.");
    if (!parsed.words.length && !parsed.phrases.length && !parsed.prefixes.length) {
      return nothing(parsed.excluded.length || parsed.excludedPhrases.length
        ? "أضف كلمة تبحث عنها: علامة «-» تستبعد كلمة من نتائج بحث، ولا تكفي وحدها."
        : "لا كلمات في البحث: اكتب كلمة من حروف أو أرقام.");
    }
    return engine.run(parsed, "all").then(function (all) {
      if (all.results.length || (!all.terms.length && !all.prefixes.length)) return {mode: all.results.length ? "all" : "none", found: all};
      var count = parsed.words.length + parsed.prefixes.length + parsed.phrases.length;
      if (count < 2 && !parsed.phrases.length) return {mode: "none", found: all};
      return engine.run(parsed, "any").then(function (any) { return {mode: any.results.length ? "any" : "none", found: any}; });
    }).then(function (outcome) {
      var found = outcome.found;
      if (!found.terms.length && !found.prefixes.length && !found.skipped.length) notes.push("كل كلمات البحث من الكلمات الشائعة (مثل «في» و«من»)، وهذه لا يُبحث عنها.");
      found.skipped.forEach(function (prefix) {
        notes.push(prefix.tooShort ? "اكتب حرفين على الأقل قبل * («" + prefix.prefix + "*»)."
                                   : "«" + prefix.prefix + "*» تبدأ بها كلمات كثيرة جدًا: اكتب حروفًا أكثر قبل *.");
      });
      if (found.droppedExcluded.length) notes.push("لا تُستبعد الكلمات الشائعة: «" + found.droppedExcluded.join("»، «") + "».");
      return narrowAndOrder(found, p).then(function (refs) {
        return show(q, parsed, outcome.mode, refs, found, notes, engine.queryMs);
      });
    });
  }

  var ACTIVE = ["year"].concat(FACETS.map(function (f) { return f[0]; }));

  // Headline matches first, then the documents holding more of the words as typed (an exact
  // surface form above a match through a clitic), then lunr's score, then the newest; or the
  // newest first. Returns every result (`all`), and the results each filter leaves, but for
  // its own kind (`but`).
  function narrowAndOrder(found, p) {
    var byDate = p.get("sort") === "date";
    return (byDate ? Promise.resolve(null) : engine.exactness(found.typed)).then(function (exact) {
      var all = found.results.map(function (r) {
        var inTitle = 0;
        Object.keys(r.matchData.metadata).forEach(function (term) { if (r.matchData.metadata[term].t) inTitle += 1; });
        return {ref: +r.ref, score: r.score, inTitle: inTitle, exact: exact ? exact(+r.ref) : 0};
      });
      if (byDate) all.sort(function (a, b) { return b.ref - a.ref; });
      else all.sort(function (a, b) { return b.inTitle - a.inTitle || b.exact - a.exact || b.score - a.score || b.ref - a.ref; });
      return withFilters(all, p);
    });
  }

  function withFilters(all, p) {
    var active = ACTIVE.filter(function (key) { return p.get(key) !== null; });
    return Promise.all(active.map(function (key) { return keepOf(key, p.get(key)); })).then(function (keeps) {
      var shown = all.filter(function (r) { return keeps.every(function (keep) { return keep(r.ref); }); });
      var but = {};
      active.forEach(function (key, i) {
        but[key] = all.filter(function (r) { return keeps.every(function (keep, j) { return j === i || keep(r.ref); }); });
      });
      return {all: all, shown: shown, but: but};
    });
  }

  function keepOf(key, value) {
    if (key === "year") {
      var range = engine.m.years.filter(function (y) { return String(y[0]) === value; })[0];
      return Promise.resolve(function (ref) { return range !== undefined && ref >= range[1] && ref <= range[2]; });
    }
    return engine.facet(key).then(function (facet) {
      var at = facet ? facet.values.map(function (v) { return v[0]; }).indexOf(value) : -1;
      var docs = at >= 0 ? facet.docs[at] : new Set();
      return function (ref) { return docs.has(ref); };
    });
  }

  function show(q, parsed, mode, refs, found, notes, ms) {
    var p = params(), total = refs.shown.length, pages = Math.max(1, Math.ceil(total / PER_PAGE));
    var page = Math.min(Math.max(parseInt(p.get("page") || "1", 10) || 1, 1), pages);
    var shown = refs.shown.slice((page - 1) * PER_PAGE, page * PER_PAGE).map(function (r) { return r.ref; });
    return Promise.all([engine.details(shown), namedPages(found.terms), engine.texts(shown),
                        engine.positionsOf(found.terms)]).then(function (got) {
      var details = got[0], texts = got[2], marks = {byTerm: got[3], terms: found.terms, prefixes: prefixList(found.prefixes)};
      list.textContent = "";
      named.textContent = "";
      got[1].forEach(function (page) { named.appendChild(pageItem(page)); });
      details.forEach(function (doc, i) { if (doc) list.appendChild(resultItem(doc, texts[i] || "", shown[i], marks)); });
      var failed = registry.failed.filter(function (path) { return path !== "search/manifest.js"; });
      if (failed.length) notes.push("تعذر تحميل جزء من فهرس البحث (" + failed.join("، ") + ")؛ النتائج من الأجزاء الأخرى.");
      status.textContent = summary(q, parsed, mode, total, page, pages, p) + (notes.length ? " " + notes.join(" ") : "");
      drawPager(page, pages);
      drawNarrowing(refs);
      setState("done");
      return record({total: total, mode: mode, refs: refs.shown.map(function (r) { return r.ref; }), ms: ms,
                     shown: details.filter(Boolean).map(function (d) { return {path: d[0], title: d[1]}; })});
    });
  }

  function record(result) {
    result.files = registry.loaded.slice();
    result.failed = registry.failed.slice();
    last = result;
    return result;
  }

  function summary(q, parsed, mode, total, page, pages, p) {
    var filtered = ACTIVE.some(function (key) { return p.get(key) !== null; }) ? " (مع تضييق النتائج)" : "";
    if (!total) return "لا توجد نتائج لـ" + quoted(q) + filtered + ".";
    var range = pages > 1 ? " (الصفحة " + number(page) + " من " + number(pages) + ")" : "";
    var lead = "";
    if (mode === "any") {
      lead = parsed.phrases.length ? "لا توجد مقالات فيها العبارة متتالية كما كُتبت؛ هذه مقالات فيها بعض كلماتها. "
                                   : "لا توجد مقالات فيها كل كلمات البحث معًا؛ هذه مقالات فيها بعضها. ";
    }
    return lead + "عدد النتائج: " + number(total) + filtered + range + ".";
  }

  // The entity and tag pages whose name (or an alias) is exactly the query's words.
  function namedPages(terms) {
    if (!terms.length) return Promise.resolve([]);
    var key = terms.slice().sort().join(" ");
    return registry.get("pages", 0, "search/pages.js").then(function (pages) {
      return (pages || []).filter(function (page) {
        return page[4].some(function (names) { return names.slice().sort().join(" ") === key; });
      });
    });
  }

  function pageItem(page) {
    var li = document.createElement("li");
    li.className = "named " + page[2];
    var a = document.createElement("a");
    a.href = base + page[0];
    a.textContent = page[1];
    li.append(a, document.createTextNode(": " + page[3] + (page[2] === "tag" ? " (وسم)" : "")));
    return li;
  }

  function resultItem(doc, body, ref, marks) {
    var li = document.createElement("li");
    li.className = "item";
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = base + doc[0];
    appendMarked(a, runs(doc[1]), found(marks, 0, ref), marks.prefixes);
    h.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [doc[2], doc[3]].filter(Boolean).join(" · ");
    var snippet = document.createElement("p");
    snippet.className = "summary";
    snippetOf(snippet, body, found(marks, 4, ref), marks.prefixes);
    li.append(h, meta, snippet);
    return li;
  }

  // The positions, in one field of one article, of the words the query found there.
  function found(marks, field, ref) {
    var at = new Set();
    marks.terms.forEach(function (term) {
      var byField = marks.byTerm[term] && marks.byTerm[term][field];
      ((byField && byField[ref]) || []).forEach(function (position) { at.add(position); });
    });
    return at;
  }

  function prefixList(prefixes) {
    var all = [];
    prefixes.forEach(function (p) { all.push.apply(all, p.terms); });
    return all;
  }

  /* A text as runs of letters (with their marks) between other characters; each run knows
     the index of its first word as the index counts words (arshif.text.tokens), so the
     positions the index holds point at the runs to mark: whole words, never punctuation. */
  function runs(value) {
    var parts = String(value).split(RUN), out = [], index = 0;
    parts.forEach(function (part, i) {
      if (!part) return;
      if (i % 2 === 1) {
        var words = text.words(part);
        out.push({text: part, first: index, words: words});
        index += words.length;
      } else {
        out.push({text: part});
      }
    });
    return out;
  }

  function isMarked(run, at, prefixes) {
    if (!run.words) return false;
    for (var k = 0; k < run.words.length; k++) {
      if (at.has(run.first + k)) return true;
    }
    return prefixes.length > 0 && run.words.some(function (w) {
      return [w].concat(text.readings(w)).some(function (c) { return prefixes.indexOf(c) >= 0; });
    });
  }

  function appendMarked(element, pieces, at, prefixes) {
    pieces.forEach(function (piece) {
      if (isMarked(piece, at, prefixes)) {
        var mark = document.createElement("mark");
        mark.textContent = piece.text;
        element.appendChild(mark);
      } else {
        element.appendChild(document.createTextNode(piece.text));
      }
    });
  }

  // About SNIPPET_WORDS words of the text around the first word found (the start when none is in it).
  function snippetOf(element, body, at, prefixes) {
    var pieces = runs(body), first = 0, words = 0, i;
    for (i = 0; i < pieces.length; i++) {
      if (isMarked(pieces[i], at, prefixes)) { first = i; break; }
    }
    var from = first, before = Math.floor(SNIPPET_WORDS / 3);
    while (from > 0 && before > 0) { from -= 1; if (pieces[from].words) before -= 1; }
    var to = from;
    while (to < pieces.length && words < SNIPPET_WORDS) { if (pieces[to].words) words += 1; to += 1; }
    if (from > 0) element.appendChild(document.createTextNode("… "));
    appendMarked(element, pieces.slice(from, to), at, prefixes);
    if (to < pieces.length) element.appendChild(document.createTextNode(" …"));
  }

  function linkWith(changes) {
    var p = params();
    Object.keys(changes).forEach(function (key) { if (changes[key] === null) p.delete(key); else p.set(key, changes[key]); });
    if (!("page" in changes)) p.delete("page");
    return "?" + p.toString();
  }

  function link(label, changes, current) {
    var a = document.createElement(current ? "strong" : "a");
    if (!current) a.href = linkWith(changes);
    a.textContent = label;
    return a;
  }

  function change(key, value) { var c = {}; c[key] = value; return c; }

  function drawPager(page, pages) {
    pager.textContent = "";
    pager.hidden = pages < 2;
    if (pages < 2) return;
    if (page > 1) pager.appendChild(link("→ السابقة", {page: String(page - 1)}));
    var where = document.createElement("span");
    where.textContent = " الصفحة " + number(page) + " من " + number(pages) + " ";
    pager.appendChild(where);
    if (page < pages) pager.appendChild(link("التالية ←", {page: String(page + 1)}));
  }

  /* Narrowing: the active filters (each with a link that removes it), the order, then years
     at once (document numbers are in date order), sources, tags and entities when the
     reader opens the panel (each its own small file). A filter's counts are those of the
     results the other filters leave, so each count is what its link gives. */
  function drawNarrowing(refs) {
    var p = params(), active = ACTIVE.filter(function (key) { return p.get(key) !== null; });
    lastRefs = refs;
    narrow.hidden = !refs.all.length && !active.length;
    if (active.length) narrow.open = true;
    narrowBody.textContent = "";
    var order = document.createElement("p");
    order.append("الترتيب: ", link("الأكثر صلة", {sort: null}, p.get("sort") !== "date"), " · ",
                 link("الأحدث أولًا", {sort: "date"}, p.get("sort") === "date"));
    narrowBody.appendChild(order);
    if (active.length) {
      var filters = document.createElement("p");
      filters.append("التضييق: ");
      active.forEach(function (key, i) {
        if (i) filters.append(" · ");
        filters.append(p.get(key) + " ", link("× إلغاء", change(key, null)));
      });
      narrowBody.appendChild(filters);
    }
    var pool = function (key) { return refs.but && refs.but[key] ? refs.but[key] : refs.shown; };
    var years = engine.m.years.map(function (y) {
      var n = pool("year").filter(function (r) { return r.ref >= y[1] && r.ref <= y[2]; }).length;
      return [String(y[0]), y[0] ? number(y[0]) : "دون تاريخ", n];
    }).filter(function (y) { return y[2] || y[0] === p.get("year"); }).reverse();
    narrowBody.appendChild(facetList("السنة", "year", years));
    if (!narrow.open) return;
    FACETS.forEach(function (f) {
      var holder = document.createElement("div");
      narrowBody.appendChild(holder);
      engine.facet(f[0]).then(function (facet) {
        if (!facet) { holder.textContent = "تعذر تحميل search/f/" + f[0] + ".js"; return; }
        var counted = facet.values.map(function (v, i) {
          var n = 0;
          pool(f[0]).forEach(function (r) { if (facet.docs[i].has(r.ref)) n += 1; });
          return [v[0], v[1], n];
        }).filter(function (v) { return v[2] || v[0] === p.get(f[0]); });
        counted.sort(function (a, b) { return b[2] - a[2]; });
        holder.appendChild(facetList(f[1], f[0], counted.slice(0, FACET_SHOWN)));
      });
    });
  }

  function facetList(title, key, values) {
    var p = params(), box = document.createElement("div");
    box.className = "facet";
    box.setAttribute("data-facet", key);
    var h = document.createElement("h3");
    h.textContent = title;
    var ul = document.createElement("ul");
    values.forEach(function (v) {
      var li = document.createElement("li"), current = p.get(key) === v[0];
      li.append(link(v[1] + " (" + number(v[2]) + ")", current ? {} : change(key, v[0]), current));
      if (current) li.append(" ", link("× إلغاء", change(key, null)));
      ul.appendChild(li);
    });
    box.append(h, ul);
    return box;
  }

  narrow.addEventListener("toggle", function () { if (narrow.open && lastRefs) drawNarrowing(lastRefs); });

  // For the tests and the benchmark: run a query in this page, read the last result.
  window.arshifSearch = {
    run: function (q) {
      var url = new URL(window.location.href);
      url.searchParams.set("q", q);
      url.searchParams.delete("page");
      try { history.replaceState(null, "", url.toString()); } catch (e) { /* file:// may refuse */ }
      input.value = q;
      setState("loading");
      return run(q);
    },
    last: function () { return last; }
  };
  window.addEventListener("unhandledrejection", function (event) {
    console.error(event.reason);
    fail("تعذر إجراء البحث بسبب خطأ غير متوقع.");
  });
  start();
})();
