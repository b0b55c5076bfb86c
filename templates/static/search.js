/* The search page: loads the index shards (plain scripts, so it works from file://),
   newest first, runs the query in the URL, and shows results as soon as a shard is in. */
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var base = document.documentElement.getAttribute("data-root") || "";
  var shards = [];  // {index, docs}
  var expected = -1;  // shards in the index, once the manifest says
  var MAX_SHOWN = 50;

  window.ARSHIF_SEARCH = {
    manifest: function (info) {
      expected = info.shards;
      if (info.shards) loadShard(info.shards - 1); else show();  // the newest articles' shard first
    },
    add: function (number, data) {
      shards.push({index: lunr.Index.load(expand(data.index)), docs: data.docs});
      show();
      // one shard at a time, with a pause to paint: the first results show while the rest loads
      if (number > 0) requestAnimationFrame(function () { setTimeout(function () { loadShard(number - 1); }, 0); });
    }
  };
  // for tests and the benchmark: how many articles a query finds, over the shards loaded
  window.arshifSearch = {
    count: function (q) { return search(prepare(q)).length; },
    loaded: function () { return shards.length; },
    done: function () { return expected >= 0 && shards.length === expected; }
  };

  function loadShard(number) {
    loadScript(base + "search/shard-" + number + ".js");
  }

  function loadScript(src) {
    var script = document.createElement("script");
    script.src = src;
    script.onerror = function () { status.textContent = "تعذر تحميل فهرس البحث (" + src + ")."; };
    document.body.appendChild(script);
  }

  // The shards hold lunr's serialized index in a compact form (arshif/search.py: compact); this is its inverse.
  function expand(c) {
    var inverted = c.t.map(function (term, i) {
      var posting = {_index: i};
      c.f.forEach(function (field) { posting[field] = {}; });
      return [term, posting];
    });
    var vectors = c.x.map(function (x) {
      var field = c.f[x[0]], ref = x[1], coded = x[2], flat = [], term = 0;
      for (var i = 0; i < coded.length; i += 2) {
        term += coded[i];
        flat.push(term, coded[i + 1] / c.w);
        inverted[term][1][field][ref] = {};
      }
      return [field + "/" + ref, flat];
    });
    return {version: c.v, fields: c.f, fieldVectors: vectors, invertedIndex: inverted, pipeline: c.p};
  }

  function queryText() {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    return q.trim();
  }

  // Readers type Arabic with punctuation, marks and any kind of space: keep words and lunr's operators.
  function prepare(q) {
    return arshifText.fold(q).split("\uE000").join("")
      .replace(/[^\p{L}\p{N}\s+\-*~^:]+/gu, " ").replace(/\s+/gu, " ").trim()
      .split(" ").map(function (term) {
        // a prefix search (term*) skips lunr's pipeline: reduce the word part here
        var m = term.match(/^([+\-]?)(.+)\*$/u);
        return m ? m[1] + arshifText.stem(m[2].toLowerCase()) + "*" : term;
      }).join(" ");
  }

  function search(q) {
    var found = [];
    shards.forEach(function (shard) {
      shard.index.search(q).forEach(function (r) { found.push({score: r.score, doc: shard.docs[r.ref]}); });
    });
    found.sort(function (a, b) { return b.score - a.score; });
    return found;
  }

  function show() {
    var q = queryText();
    list.textContent = "";
    if (!q) { status.textContent = "اكتب كلمة أو أكثر ثم اضغط «ابحث»."; return; }
    var results;
    try {
      results = search(prepare(q));
    } catch (error) {
      status.textContent = "تعذر فهم البحث: " + (error.message || error) + ". راجع طريقة كتابة الرموز + - * في المساعدة أدناه.";
      return;
    }
    var loading = shards.length < expected ? " (ما زال جزء من الفهرس يُحمَّل…)" : "";
    if (!results.length) {
      status.textContent = (loading ? "لا نتائج حتى الآن" : "لا توجد نتائج لـ«" + q + "».") + loading;
      return;
    }
    status.textContent = "عدد النتائج: " + results.length.toLocaleString("ar-EG") + loading;
    var stems = new Set(arshifText.words(q).map(function (w) { return arshifText.stem(w.toLowerCase()); }));
    results.slice(0, MAX_SHOWN).forEach(function (r) { list.appendChild(resultItem(r.doc, stems)); });
  }

  function resultItem(doc, stems) {
    var li = document.createElement("li");
    li.className = "item";
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = base + doc[0];
    a.textContent = doc[1];
    h.appendChild(a);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = [doc[2], doc[3]].filter(Boolean).join(" · ");
    var snippet = document.createElement("p");
    snippet.className = "summary";
    highlight(snippet, doc[4], stems);
    li.append(h, meta, snippet);
    return li;
  }

  // Marks the words of the snippet whose stem the query holds; text only, never markup.
  function highlight(element, text, stems) {
    text.split(/(\s+)/u).forEach(function (part) {
      var word = arshifText.words(part)[0];
      if (word && stems.has(arshifText.stem(word.toLowerCase()))) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        element.appendChild(mark);
      } else {
        element.appendChild(document.createTextNode(part));
      }
    });
  }

  input.value = queryText();  // once: a reader may be typing while the shards load
  // The form submits as a plain GET to this page (?q=...): it works from file://, where
  // history.pushState is refused, and every search is a link that can be shared.
  loadScript(base + "search/manifest.js");
})();
