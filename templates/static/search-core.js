/* The search engine in the browser (and in node for the tests): loads the index parts a
   query needs, builds a lunr.Index of just those terms, and lets lunr.js run the query.
   The parts are written by arshif/search.py; their weights are the whole archive's, so
   lunr scores exactly as against one index of everything (tests/test_search_equivalence.py).
   Every file is a plain script calling ARSHIF_SEARCH.<kind>(key, data): from file://,
   fetch and XHR fail, a <script> element does not. */
(function (root) {
  "use strict";
  var lunr = root.lunr, text = root.arshifText;
  var TERMINAL = "0123456789ABCDEFGHIJKLMNOPQRSTUV", CONTINUE = "WXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {};
  for (var d = 0; d < 32; d++) { DIGIT[TERMINAL.charCodeAt(d)] = d; DIGIT[CONTINUE.charCodeAt(d)] = d + 32; }
  var MAX_WORDS = 32;  // a pasted paragraph is searched by its first words
  var MAX_PREFIX_PARTS = 64;
  var QUOTES = /["«»“”„]/;

  function now() { return typeof performance !== "undefined" ? performance.now() : Date.now(); }

  // arshif.search.varints, read back
  function decode(str) {
    var out = [], n = 0;
    for (var i = 0; i < str.length; i++) {
      var v = DIGIT[str.charCodeAt(i)];
      if (v < 32) { out.push(n * 32 + v); n = 0; } else { n = n * 32 + (v - 32); }
    }
    return out;
  }

  /* The files: one pending promise per file, settled by its script's call or its error. */
  function Registry(fetchScript) {
    this.fetchScript = fetchScript;  // (path, onerror, onload) -> runs the file
    this.waiting = {};
    this.data = {};
    this.failed = [];
    this.loaded = [];
    this.early = {};
  }
  Registry.prototype.get = function (kind, key, path) {
    var id = kind + ":" + key, self = this;
    if (!this.waiting[id] && Object.prototype.hasOwnProperty.call(this.early, id)) {
      this.waiting[id] = Promise.resolve(this.early[id]);
      this.data[id] = {};
      this.loaded.push(path);
    }
    if (!this.waiting[id]) {
      this.waiting[id] = new Promise(function (resolve) {
        var slot = self.data[id] = {resolve: resolve};
        var failed = function () {  // missing, or ran without handing over its data (damaged)
          if (!slot.resolve) return;
          if (self.failed.indexOf(path) < 0) self.failed.push(path);
          slot.resolve(undefined);
          slot.resolve = null;
        };
        self.fetchScript(path, failed, failed);
        self.loaded.push(path);
      });
    }
    return this.waiting[id];
  };
  Registry.prototype.arrive = function (kind, key, value) {
    var id = kind + ":" + key, slot = this.data[id];
    if (slot && slot.resolve) { slot.resolve(value); slot.resolve = null; }
    else if (!slot) this.early[id] = value;  // a file the page loaded itself (the manifest), before anyone asked
  };
  Registry.prototype.api = function () {
    var self = this, api = {};
    ["manifest", "part", "positions", "docs", "facet", "pages", "text"].forEach(function (kind) {
      api[kind] = kind === "manifest" ? function (m) { self.arrive("manifest", 0, m); } : function (key, value) { self.arrive(kind, key, value); };
    });
    return api;
  };

  function SearchIndex(registry, manifest) {
    this.r = registry;
    this.m = manifest;
    this.parts = {};
    this.queryMs = 0;  // time spent building indexes and running lunr (not loading)
    var self = this;
    text.setLookup(function (word) { return self.lookup(word); }, function (term) { return self.documentsWith(term); });
  }

  SearchIndex.prototype.partOf = function (key) {
    var firsts = this.m.firsts, lo = 0, hi = firsts.length - 1;
    while (lo < hi) {  // the last part whose first key is <= key
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= key) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  SearchIndex.prototype.loadParts = function (numbers) {
    var self = this;
    return Promise.all(Array.from(new Set(numbers)).map(function (n) {
      return self.r.get("part", n, "search/t/" + n + ".js").then(function (part) { if (part) self.parts[n] = part; });
    }));
  };

  // What the index knows of a word (see arshif.search.Analyser.lookup): its term, null for a
  // common word, false if the archive does not hold it (or its part is not here).
  SearchIndex.prototype.lookup = function (word) {
    var part = this.parts[this.partOf(word)];
    if (!part) return false;
    if (Object.prototype.hasOwnProperty.call(part.p, word)) return word;  // a term first, as in Python
    if (Object.prototype.hasOwnProperty.call(part.x, word)) {
      var code = part.x[word];
      return code === 0 ? null : text.fromLexiconCode(word, code);
    }
    return false;
  };

  SearchIndex.prototype.posting = function (term) {
    var part = this.parts[this.partOf(term)];
    return part && Object.prototype.hasOwnProperty.call(part.p, term) ? part.p[term] : undefined;
  };

  // lunr's count of the documents holding a term (once for each field), from its postings.
  SearchIndex.prototype.documentsWith = function (term) {
    var posting = this.posting(term);
    if (posting === undefined) return 0;
    var nums = decode(posting), at = 0, n = 0;
    while (at < nums.length) { n += nums[at + 1]; at += 2 + nums[at + 1] * 2; }
    return n;
  };

  // Loads what the words need (their parts and their readings' parts; for a word the archive
  // does not hold, its readings' terms' parts, to choose among them), then their terms' parts.
  SearchIndex.prototype.resolve = function (words) {
    var self = this, unknown = function (w) { return !text.isStopWord(w) && self.lookup(w) === false; };
    return this.loadParts(words.map(function (w) { return self.partOf(w); })).then(function () {
      var readings = [];  // only for the words the archive does not hold
      words.filter(unknown).forEach(function (w) { text.readings(w).forEach(function (c) { readings.push(self.partOf(c)); }); });
      return self.loadParts(readings);
    }).then(function () {
      var terms = [];
      words.filter(unknown).forEach(function (w) {
        text.readings(w).forEach(function (c) { var t = self.lookup(c); if (t) terms.push(self.partOf(t)); });
      });
      return self.loadParts(terms);
    }).then(function () {
      var terms = words.map(text.queryTerm);
      return self.loadParts(terms.filter(Boolean).map(function (t) { return self.partOf(t); })).then(function () { return terms; });
    });
  };

  // A prefix search: the terms that start with the prefix as typed, and with it after the
  // proclitics and article typed before it are set aside (الجزائر* finds الجزائر and جزائري).
  SearchIndex.prototype.prefixTerms = function (prefix) {
    var self = this, bare = prefix.replace(/^(?:[وف]?(?:[بك]?ال|لل)|[وف]?[بل])(?=...)/u, "");
    var prefixes = Array.from(new Set([prefix, bare])), numbers = [], tooBroad = false;
    prefixes.forEach(function (p) {
      var from = self.partOf(p), to = self.partOf(p + "\uffff");
      if (to - from >= MAX_PREFIX_PARTS) tooBroad = true;
      for (var n = from; n <= to; n++) numbers.push(n);
    });
    if (tooBroad || prefix.length < 2) return Promise.resolve({prefix: prefix, terms: [], tooBroad: tooBroad, tooShort: prefix.length < 2});
    return this.loadParts(numbers).then(function () {
      var terms = new Set();
      numbers.forEach(function (n) {
        var part = self.parts[n];
        if (part) Object.keys(part.p).forEach(function (t) {
          if (prefixes.some(function (p) { return t.startsWith(p); })) terms.add(t);
        });
      });
      return {prefix: prefix, terms: Array.from(terms).sort()};
    });
  };

  // A lunr.Index of the given terms, with the whole archive's weights.
  SearchIndex.prototype.index = function (terms) {
    var self = this, fields = this.m.fields, scale = this.m.scale;
    var sorted = Array.from(new Set(terms)).filter(function (t) { return self.posting(t) !== undefined; }).sort();
    var inverted = {}, vectors = {};
    sorted.forEach(function (term, i) {
      var posting = {_index: i};
      fields.forEach(function (f) { posting[f] = {}; });
      var nums = decode(self.posting(term)), at = 0;
      while (at < nums.length) {
        var field = fields[nums[at++]], count = nums[at++], ref = 0;
        for (var k = 0; k < count; k++) {
          ref += nums[at++];
          posting[field][ref] = {};
          var key = field + "/" + ref;
          (vectors[key] || (vectors[key] = [])).push(i, nums[at++] / scale);
        }
      }
      inverted[term] = posting;
    });
    var fieldVectors = {};
    Object.keys(vectors).forEach(function (key) { fieldVectors[key] = new lunr.Vector(vectors[key]); });
    return new lunr.Index({invertedIndex: inverted, fieldVectors: fieldVectors, tokenSet: lunr.TokenSet.fromArray(sorted),
                           fields: fields, pipeline: lunr.Pipeline.load(this.m.pipeline)});
  };

  // The documents of a term's postings: {field index: [refs]}, in the order they are written.
  SearchIndex.prototype.refsOf = function (term) {
    var posting = this.posting(term), found = {};
    if (posting === undefined) return found;
    var nums = decode(posting), at = 0;
    while (at < nums.length) {
      var field = nums[at], count = nums[at + 1], ref = 0, refs = found[field] = [];
      at += 2;
      for (var k = 0; k < count; k++) { ref += nums[at]; refs.push(ref); at += 2; }
    }
    return found;
  };

  // Positions of a term: {field index: {ref: [positions]}}; the documents are its postings'.
  // Also its surface forms (`forms`, the most frequent first) and, for each document, the
  // bits of the forms its headline and body hold (`formsOf[ref]`; bit k: forms[k]).
  SearchIndex.prototype.positions = function (term) {
    var self = this, n = this.partOf(term), has = Object.prototype.hasOwnProperty;
    return this.r.get("positions", n, "search/p/" + n + ".js").then(function (part) {
      var found = {forms: [""], formsOf: {}};
      if (!part || !has.call(part, term)) return found;
      var nums = decode(part[term]), at = 1 + nums[0], refsByField = self.refsOf(term);
      if (nums[0]) found.forms = nums.slice(1, at).map(function (place) { return self.m.forms[place]; });
      while (at < nums.length) {
        var field = nums[at++], count = nums[at++], refs = found[field] = {}, order = refsByField[field] || [];
        for (var k = 0; k < count; k++) {
          var head = nums[at++], many = head >> 1, ref = order[k];
          refs[ref] = nums.slice(at, at + many);
          at += many;
          found.formsOf[ref] = (found.formsOf[ref] || 0) | (head & 1 ? nums[at++] : 1);
        }
      }
      return found;
    });
  };

  /* How many of the reader's words ({term, form}) a document holds as they were typed
     (وروسيا, not only روسيا through its clitic): a function of the document's number.
     A form past the last bit (a rare form) cannot be told apart, so it does not count. */
  SearchIndex.prototype.exactness = function (typed) {
    var last = this.m.formBits - 1;
    return this.positionsOf(typed.map(function (t) { return t.term; })).then(function (byTerm) {
      var checks = [];
      typed.forEach(function (t) {
        var found = byTerm[t.term], place = found.forms.indexOf(t.form);
        if (place >= 0 && place < last) checks.push({formsOf: found.formsOf, bit: 1 << place});
      });
      return function (ref) {
        var n = 0;
        checks.forEach(function (c) { if ((c.formsOf[ref] || 0) & c.bit) n += 1; });
        return n;
      };
    });
  };

  SearchIndex.prototype.details = function (refs) {
    var self = this, per = this.m.docsPerFile;
    var numbers = Array.from(new Set(refs.map(function (ref) { return Math.floor(ref / per); })));
    return Promise.all(numbers.map(function (n) { return self.r.get("docs", n, "search/d/" + n + ".js"); })).then(function (files) {
      var byNumber = {};
      numbers.forEach(function (n, i) { byNumber[n] = files[i]; });
      return refs.map(function (ref) { var file = byNumber[Math.floor(ref / per)]; return file ? file[ref % per] : undefined; });
    });
  };

  SearchIndex.prototype.texts = function (refs) {
    var self = this;
    return Promise.all(refs.map(function (ref) { return self.r.get("text", ref, "search/x/" + ref + ".js"); }));
  };

  SearchIndex.prototype.facet = function (kind) {
    return this.r.get("facet", kind, "search/f/" + kind + ".js").then(function (data) {
      if (!data) return undefined;
      var docs = data.docs.map(function (deltas) {
        var refs = new Set(), ref = 0;
        deltas.forEach(function (d) { ref += d; refs.add(ref); });
        return refs;
      });
      return {values: data.values, docs: docs};
    });
  };

  /* The reader's query: words (all required), "exact phrases", -excluded words or -"phrases",
     prefix*. Anything else (colons, brackets, lunr's ~ and ^) is text: words are what letters make. */
  function parse(query) {
    var items = [], pieces = String(query).split(QUOTES);
    pieces.forEach(function (piece, i) {
      if (i % 2 === 1 && i < pieces.length - 1) {  // inside a pair of quotes
        var phrase = text.words(piece), excluded = /[-\u2212\u2013]\s*$/u.test(pieces[i - 1]);
        if (phrase.length) items.push({kind: excluded ? "excludedPhrase" : phrase.length > 1 ? "phrase" : "word", words: phrase});
        return;
      }
      piece.split(/\s+/u).forEach(function (raw) {
        raw = raw.replace(/[~^][0-9]*$/u, "");  // lunr's fuzzy and boost marks: the word is searched as typed
        var ws = text.words(raw);
        if (!ws.length) return;
        if (/^[-\u2212\u2013]/u.test(raw)) items.push({kind: "excluded", words: ws});
        else if (/[\p{L}\p{N}]\*+$/u.test(raw)) {
          if (ws.length > 1) items.push({kind: "word", words: ws.slice(0, -1)});
          items.push({kind: "prefix", words: ws.slice(-1)});
        } else items.push({kind: "word", words: ws});
      });
    });
    var parsed = {words: [], excluded: [], phrases: [], excludedPhrases: [], prefixes: [], truncated: false}, count = 0;
    items.forEach(function (item) {
      if (parsed.truncated || count + item.words.length > MAX_WORDS) { parsed.truncated = true; return; }
      count += item.words.length;
      if (item.kind === "phrase") parsed.phrases.push(item.words);
      else if (item.kind === "excludedPhrase") {
        if (item.words.length > 1) parsed.excludedPhrases.push(item.words); else parsed.excluded.push(item.words[0]);
      } else if (item.kind === "prefix") parsed.prefixes.push(item.words[0]);
      else if (item.kind === "excluded") parsed.excluded.push.apply(parsed.excluded, item.words);
      else parsed.words.push.apply(parsed.words, item.words);
    });
    return parsed;
  }

  // A phrase's terms and their offsets: a common word inside the phrase keeps its place.
  function phraseTerms(words) {
    return words.map(function (w, j) { return {term: text.queryTerm(w), offset: j}; }).filter(function (x) { return x.term; });
  }

  function phraseOk(positionsByTerm, phrase, ref) {
    for (var f in {0: 1, 4: 1}) {  // the headline, the body
      var lists = [], missing = false;
      for (var i = 0; i < phrase.length && !missing; i++) {
        var at = (positionsByTerm[phrase[i].term] || {})[f];
        if (!at || !at[ref]) missing = true; else lists.push(new Set(at[ref]));
      }
      if (missing) continue;
      var first = Array.from(lists[0]);
      for (var s = 0; s < first.length; s++) {
        var start = first[s] - phrase[0].offset, all = true;
        for (var j = 1; j < phrase.length && all; j++) all = lists[j].has(start + phrase[j].offset);
        if (all) return true;
      }
    }
    return false;
  }

  SearchIndex.prototype.positionsOf = function (terms) {
    var self = this, unique = Array.from(new Set(terms));
    return Promise.all(unique.map(function (t) { return self.positions(t); })).then(function (lists) {
      var byTerm = {};
      unique.forEach(function (t, i) { byTerm[t] = lists[i]; });
      return byTerm;
    });
  };

  /* Runs a parsed query: every word required (mode "all"), or any of them ("any"). A
     prefix is its expanded terms, each an optional clause (as lunr expands a wildcard),
     then at least one of them required of every result. */
  SearchIndex.prototype.run = function (parsed, mode) {
    var self = this, phraseWords = [];
    parsed.phrases.forEach(function (p) { phraseWords.push.apply(phraseWords, p); });
    var positive = parsed.words.concat(phraseWords), excludedWords = parsed.excluded.slice();
    parsed.excludedPhrases.forEach(function (p) { excludedWords.push.apply(excludedWords, p); });
    return Promise.all([this.resolve(positive), this.resolve(excludedWords),
                        Promise.all(parsed.prefixes.map(function (p) { return self.prefixTerms(p); }))]).then(function (got) {
      var terms = got[0], excludedTerms = got[1].slice(0, parsed.excluded.length);
      var prefixes = got[2].filter(function (p) { return !p.tooShort && !p.tooBroad; });
      var allTerms = terms.concat(excludedTerms).filter(Boolean);
      prefixes.forEach(function (p) { allTerms.push.apply(allTerms, p.terms); });
      var started = now(), index = self.index(allTerms), Q = lunr.Query;
      var presence = mode === "all" ? Q.presence.REQUIRED : Q.presence.OPTIONAL;
      // common words never reach lunr: its pipeline would drop them, and a required clause
      // left with no term makes lunr.js fail (or match nothing)
      var results = index.query(function (q) {
        positive.forEach(function (w, i) { if (terms[i]) q.term(w, {presence: presence}); });
        prefixes.forEach(function (p) { p.terms.forEach(function (t) { q.term(t, {usePipeline: false}); }); });
        parsed.excluded.forEach(function (w, i) { if (excludedTerms[i]) q.term(w, {presence: Q.presence.PROHIBITED}); });
      });
      if (mode === "all") {
        results = results.filter(function (r) {
          return prefixes.every(function (p) { return p.terms.some(function (t) { return t in r.matchData.metadata; }); });
        });
      }
      self.queryMs += now() - started;
      var usable = terms.some(Boolean) || prefixes.some(function (p) { return p.terms.length; });
      if (!usable) results = [];
      var phrases = mode === "all" ? parsed.phrases.map(phraseTerms).filter(function (p) { return p.length > 1; }) : [];
      var excludedPhrases = parsed.excludedPhrases.map(phraseTerms).filter(function (p) { return p.length > 1; });
      var typed = [];
      positive.forEach(function (w, i) { if (terms[i]) typed.push({term: terms[i], form: text.formOf(w, terms[i])}); });
      var outcome = {terms: terms.filter(Boolean), typed: typed, prefixes: prefixes, skipped: got[2].filter(function (p) { return p.tooShort || p.tooBroad; }),
                     droppedExcluded: parsed.excluded.filter(function (w, i) { return !excludedTerms[i]; })};
      if (!results.length || (!phrases.length && !excludedPhrases.length)) { outcome.results = results; return outcome; }
      var needed = [];
      phrases.concat(excludedPhrases).forEach(function (p) { p.forEach(function (x) { needed.push(x.term); }); });
      return self.positionsOf(needed).then(function (byTerm) {
        outcome.results = results.filter(function (r) {
          return phrases.every(function (p) { return phraseOk(byTerm, p, r.ref); }) &&
                 !excludedPhrases.some(function (p) { return phraseOk(byTerm, p, r.ref); });
        });
        return outcome;
      });
    });
  };

  var api = {decode: decode, Registry: Registry, SearchIndex: SearchIndex, parse: parse, MAX_WORDS: MAX_WORDS};
  root.arshifSearchCore = api;
  if (typeof module !== "undefined") module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
