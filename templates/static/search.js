/* The search page: reads the query and the filters from the URL (so every search is a
   link), loads the index parts the query needs (search-core.js), and shows the results:
   their number, ten a page, snippets with the query's words marked, the entity and tag
   pages the query names, and filters by year, source, tag and entity with counts. */
(function () {
  "use strict";
  var core = window.arshifSearchCore, text = window.arshifText;
  var PER_PAGE = 10, FACET_SHOWN = 8;
  var FACETS = [["source", "المصدر"], ["tag", "الوسم"], ["entity", "العلم"]];
  var html = document.documentElement;
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var named = document.getElementById("search-named");
  var pager = document.getElementById("search-pager");
  var narrow = document.getElementById("search-narrow");
  var narrowBody = document.getElementById("search-narrow-body");
  var base = html.getAttribute("data-root") || "";
  var registry = new core.Registry(function (path, onerror) {
    var script = document.createElement("script");
    script.src = base + path;
    script.onerror = onerror;
    document.body.appendChild(script);
  });
  window.ARSHIF_SEARCH = registry.api();
  var engine = null, last = null, digitsOf = "0123456789";

  function params() { return new URLSearchParams(window.location.search); }

  function number(n) {
    return String(n).replace(/[0-9]/g, function (d) { return digitsOf[+d]; });
  }

  function setState(state) { html.setAttribute("data-search", state); }

  function start() {
    setState("loading");
    registry.get("manifest", 0, "search/manifest.js").then(function (manifest) {
      if (!manifest) { fail("تعذر تحميل فهرس البحث (search/manifest.js)."); return; }
      digitsOf = manifest.digits || digitsOf;
      engine = new core.SearchIndex(registry, manifest);
      var q = params().get("q") || "";
      input.value = q;  // once: the reader may type while the parts load
      return run(q).catch(function (error) {
        console.error(error);
        fail("تعذر إجراء البحث بسبب خطأ غير متوقع.");
      });
    });
  }

  function fail(message) {
    status.textContent = message;
    setState("error");
  }

  /* One search: the words all together, else any of them; filters; order; one page. */
  function run(q) {
    var p = params(), notes = [];
    if (engine) engine.queryMs = 0;
    if (!q.trim()) { status.textContent = "اكتب كلمة أو أكثر ثم اضغط «ابحث»."; setState("done"); return Promise.resolve(record({total: 0, mode: "none", refs: [], shown: [], ms: 0})); }
    var parsed = core.parse(q);
    if (parsed.truncated) notes.push("البحث بأول " + number(core.MAX_WORDS) + " كلمة فقط.");
    var positive = parsed.words.length + parsed.phrases.length + parsed.prefixes.length;
    if (!positive) {
      status.textContent = parsed.excluded.length ? "أضف كلمة تبحث عنها: علامة «-» تستبعد كلمة من نتائج بحث، ولا تكفي وحدها."
                                                  : "لا كلمات في البحث: اكتب كلمة من حروف أو أرقام.";
      setState("done");
      return Promise.resolve(record({total: 0, mode: "none", refs: [], shown: [], ms: 0}));
    }
    return engine.run(parsed, "all").then(function (all) {
      if (all.results.length || !all.terms.length) return {mode: all.results.length ? "all" : "none", found: all};
      var words = parsed.words.length + parsed.prefixes.length + parsed.phrases.reduce(function (n, ph) { return n + ph.length; }, 0);
      if (words < 2 && !parsed.phrases.length) return {mode: "none", found: all};
      return engine.run(parsed, "any").then(function (any) { return {mode: any.results.length ? "any" : "none", found: any}; });
    }).then(function (outcome) {
      var terms = outcome.found.terms;
      if (!terms.length && !parsed.prefixes.length) notes.push("كل كلمات البحث من الكلمات الشائعة (مثل «في» و«من»)، وهذه لا يُبحث عنها وحدها.");
      parsed.prefixes.forEach(function (prefix) {
        if (text.words(prefix)[0].length < 2) notes.push("بداية الكلمة «" + prefix + "*» قصيرة جدًا: اكتب حرفين على الأقل قبل *.");
      });
      return narrowAndOrder(outcome.found.results, p).then(function (ordered) {
        return show(q, parsed, outcome.mode, ordered, terms, notes, engine.queryMs);
      });
    });
  }

  // Headline matches first, then lunr's score, then the newest; or the newest first.
  function narrowAndOrder(results, p) {
    var refs = results.map(function (r) {
      var inTitle = 0;
      Object.keys(r.matchData.metadata).forEach(function (term) { if (r.matchData.metadata[term].t) inTitle += 1; });
      return {ref: +r.ref, score: r.score, inTitle: inTitle};
    });
    var year = p.get("year");
    if (year) {
      var range = engine.m.years.filter(function (y) { return String(y[0]) === year; })[0];
      refs = refs.filter(function (r) { return range && r.ref >= range[1] && r.ref <= range[2]; });
    }
    var wanted = FACETS.filter(function (f) { return p.get(f[0]); });
    return Promise.all(wanted.map(function (f) { return engine.facet(f[0]); })).then(function (facets) {
      wanted.forEach(function (f, i) {
        var facet = facets[i], at = facet ? facet.values.map(function (v) { return v[0]; }).indexOf(p.get(f[0])) : -1;
        var docs = at >= 0 ? facet.docs[at] : new Set();
        refs = refs.filter(function (r) { return docs.has(r.ref); });
      });
      if (p.get("sort") === "date") refs.sort(function (a, b) { return b.ref - a.ref; });
      else refs.sort(function (a, b) { return b.inTitle - a.inTitle || b.score - a.score || b.ref - a.ref; });
      return refs;
    });
  }

  function show(q, parsed, mode, refs, terms, notes, ms) {
    var p = params(), pages = Math.max(1, Math.ceil(refs.length / PER_PAGE));
    var page = Math.min(Math.max(parseInt(p.get("page") || "1", 10) || 1, 1), pages);
    var slice = refs.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    var marks = markSet(parsed, terms);
    var shown = slice.map(function (r) { return r.ref; });
    return Promise.all([engine.details(shown), namedPages(terms), engine.texts(shown)]).then(function (got) {
      var details = got[0], texts = got[2];
      list.textContent = "";
      named.textContent = "";
      got[1].forEach(function (page) { named.appendChild(pageItem(page)); });
      details.forEach(function (doc, i) { if (doc) list.appendChild(resultItem(doc, texts[i] || "", marks)); });
      var failed = registry.failed.filter(function (path) { return path !== "search/manifest.js"; });
      if (failed.length) notes.push("تعذر تحميل جزء من فهرس البحث (" + failed.join("، ") + ")؛ النتائج من الأجزاء الأخرى.");
      status.textContent = summary(q, mode, refs.length, page, pages) + (notes.length ? " " + notes.join(" ") : "");
      drawPager(page, pages);
      drawNarrowing(refs);
      setState("done");
      return record({total: refs.length, mode: mode, refs: refs.map(function (r) { return r.ref; }), ms: ms,
                     shown: details.filter(Boolean).map(function (d) { return {path: d[0], title: d[1]}; })});
    });
  }

  function record(result) {
    result.files = registry.loaded.slice();
    result.failed = registry.failed.slice();
    last = result;
    return result;
  }

  function summary(q, mode, total, page, pages) {
    if (!total) return "لا توجد نتائج لـ«" + q + "».";
    var range = pages > 1 ? " (الصفحة " + number(page) + " من " + number(pages) + ")" : "";
    var lead = mode === "any" ? "لا توجد مقالات فيها كل كلمات البحث معًا؛ هذه مقالات فيها بعضها. " : "";
    return lead + "عدد النتائج: " + number(total) + range + ".";
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

  function resultItem(doc, body, marks) {
    var li = document.createElement("li");
    li.className = "item";
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = base + doc[0];
    highlight(a, doc[1], marks);
    h.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [doc[2], doc[3]].filter(Boolean).join(" · ");
    var snippet = document.createElement("p");
    snippet.className = "summary";
    highlight(snippet, snippetOf(body, marks), marks);
    li.append(h, meta, snippet);
    return li;
  }

  // The words to mark: the query's terms and words as typed, each with any proclitics and the article before it.
  function markSet(parsed, terms) {
    var set = new Set(terms);
    parsed.words.concat(parsed.prefixes).forEach(function (w) { set.add(w); });
    parsed.phrases.forEach(function (ph) { ph.forEach(function (w) { if (!text.isStopWord(w)) set.add(w); }); });
    return {words: set, prefixes: parsed.prefixes};
  }

  // About SNIPPET_WORDS words of the text around the first word the query found (the start when none).
  var SNIPPET_WORDS = 36;
  function snippetOf(body, marks) {
    var words = body.split(/\s+/u).filter(Boolean), at = 0;
    for (var i = 0; i < words.length; i++) {
      var w = text.words(words[i])[0];
      if (w && marked(w, marks)) { at = i; break; }
    }
    var from = Math.max(0, at - Math.floor(SNIPPET_WORDS / 3)), to = Math.min(words.length, from + SNIPPET_WORDS);
    return (from > 0 ? "… " : "") + words.slice(from, to).join(" ") + (to < words.length ? " …" : "");
  }

  var CLITICS = /^(?:[وف]?[بك]?ال|[وف]?لل|[وف]?[بكل]|[وف])/u;

  function marked(word, marks) {
    var candidates = [word], m = word.match(CLITICS);
    if (m) {
      var rest = word.slice(m[0].length);
      candidates.push(rest, text.article + rest);
      if (m[0].length > 1 && !/ال$/u.test(m[0])) candidates.push(word.slice(1));
    }
    if (word.startsWith(text.article)) candidates.push(word.slice(2));
    return candidates.some(function (c) {
      return c.length > 1 && (marks.words.has(c) || marks.prefixes.some(function (p) { return c.startsWith(p); }));
    });
  }

  // Whole words only: a run of letters (with their marks) is marked when it is one of the query's words.
  function highlight(element, value, marks) {
    String(value).split(/([\p{L}\p{N}\p{M}\u0640\u200c\u200d]+)/u).forEach(function (part, i) {
      var word = i % 2 === 1 ? text.words(part)[0] : null;
      if (word && marked(word, marks)) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        element.appendChild(mark);
      } else if (part) {
        element.appendChild(document.createTextNode(part));
      }
    });
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

  /* Narrowing: years at once (document numbers are in date order), sources, tags and
     entities when the reader opens the panel (each its own small file). */
  function drawNarrowing(refs) {
    var p = params();
    narrow.hidden = !refs.length && !FACETS.some(function (f) { return p.get(f[0]); }) && !p.get("year");
    narrowBody.textContent = "";
    var order = document.createElement("p");
    order.append("الترتيب: ", link("الأكثر صلة", {sort: null}, p.get("sort") !== "date"), " · ",
                 link("الأحدث أولًا", {sort: "date"}, p.get("sort") === "date"));
    narrowBody.appendChild(order);
    var years = engine.m.years.map(function (y) {
      var n = refs.filter(function (r) { return r.ref >= y[1] && r.ref <= y[2]; }).length;
      return [String(y[0]), y[0] ? number(y[0]) : "دون تاريخ", n];
    }).filter(function (y) { return y[2]; }).reverse();
    narrowBody.appendChild(facetList("السنة", "year", years));
    if (!narrow.open) return;
    FACETS.forEach(function (f) {
      var holder = document.createElement("div");
      narrowBody.appendChild(holder);
      engine.facet(f[0]).then(function (facet) {
        if (!facet) { holder.textContent = "تعذر تحميل search/f/" + f[0] + ".js"; return; }
        var counted = facet.values.map(function (v, i) {
          var n = 0;
          refs.forEach(function (r) { if (facet.docs[i].has(r.ref)) n += 1; });
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
      li.append(link(v[1] + " (" + number(v[2]) + ")", current ? {} : (function () { var c = {}; c[key] = v[0]; return c; })(), current));
      if (current) li.append(" ", link("× إلغاء", (function () { var c = {}; c[key] = null; return c; })()));
      ul.appendChild(li);
    });
    box.append(h, ul);
    return box;
  }

  narrow.addEventListener("toggle", function () { if (narrow.open && last && last.refs) drawNarrowing(last.refs.map(function (ref) { return {ref: ref}; })); });

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
