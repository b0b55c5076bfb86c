/* arshif's Arabic text core for the browser: the twin of arshif/text.py.
   The data (fold table, common words, clitics) comes from Python in arshif-text-data.js,
   so only the algorithm is written twice; tests/data/search_vectors.json holds both to
   the same words and readings. How a word of the archive becomes its index term is not
   decided here but read from the index's lexicon (see search-core.js): `setLookup`. */
(function (root) {
  "use strict";
  var data = root.ARSHIF_TEXT;
  var stopWords = new Set(data.stopWords);
  var ARTICLE = data.article, MIN_BASE = data.minBase;
  var lookup = function () { return false; };

  function fold(text) {
    var out = "";
    for (var ch of text) {  // code points, as Python sees them
      var mapped = data.fold[ch];
      out += mapped === undefined ? ch : mapped;
    }
    return out;
  }

  function normalise(text) {
    return fold(text).split(data.ignored).join("");
  }

  // like arshif.text.tokens: fold, drop the ignored marks (they join a word's parts), take
  // the runs of letters and numbers (Python's [^\W_]: \p{L} and \p{N})
  function words(text) {
    return fold(text).split(data.ignored).join("").match(/[\p{L}\p{N}]+/gu) || [];
  }

  function isArabic(word) {
    return word.length > 0 && word[0] >= "\u0621" && word[0] <= "\u064a";
  }

  function prepositionRests(word) {
    if (word.startsWith("لل") && word.length - 2 >= MIN_BASE) return [ARTICLE + word.slice(2)];
    if ("بل".includes(word[0]) && !word.startsWith(ARTICLE) && word.length - 1 >= MIN_BASE) return [word.slice(1)];
    if (word.startsWith("كال") && word.length - 3 >= MIN_BASE) return [word.slice(1)];
    return [];
  }

  // arshif.text.readings: what a word the archive does not hold may stand for, in order
  function readings(word) {
    if (!isArabic(word)) return [];
    var stages = [word];
    if (data.conjunctions.includes(word[0]) && word.length - 1 >= MIN_BASE) stages.push(word.slice(1));
    stages.slice().forEach(function (stage) { stages.push.apply(stages, prepositionRests(stage)); });
    stages.slice().forEach(function (stage) {
      if (stage.startsWith(ARTICLE) && stage.length - 2 >= MIN_BASE) stages.push(stage.slice(2));
    });
    var found = stages.slice(1);
    stages.forEach(function (stage) { if (!stage.startsWith(ARTICLE)) found.push(ARTICLE + stage); });
    return Array.from(new Set(found)).filter(function (reading) { return reading !== word; });
  }

  function fromLexiconCode(word, code) {
    return code > 0 ? word.slice(code) : ARTICLE + word.slice(-code);
  }

  // arshif.search.Analyser.query_term: the word's term if the archive holds it, else the
  // first reading it holds; null for a common word. `lookup` answers from the loaded parts.
  function queryTerm(word) {
    if (stopWords.has(word)) return null;
    var candidates = [word].concat(readings(word));
    for (var i = 0; i < candidates.length; i++) {
      var found = lookup(candidates[i]);
      if (found !== false) return found;
    }
    return word;
  }

  var api = {
    fold: fold, normalise: normalise, words: words, readings: readings, queryTerm: queryTerm,
    fromLexiconCode: fromLexiconCode, isStopWord: function (w) { return stopWords.has(w); },
    setLookup: function (fn) { lookup = fn; }, article: ARTICLE, minBase: MIN_BASE
  };

  if (root.lunr) {
    var normaliseToken = function (token) {
      token.update(function (s) { return normalise(s); });
      return token.toString() ? token : undefined;
    };
    var dropStopWord = function (token) { return stopWords.has(token.toString()) ? undefined : token; };
    var baseToken = function (token) {
      var term = queryTerm(token.toString());
      return term ? token.update(function () { return term; }) : undefined;
    };
    root.lunr.Pipeline.registerFunction(normaliseToken, "arshif-normalise-v2");
    root.lunr.Pipeline.registerFunction(dropStopWord, "arshif-stopwords-v2");
    root.lunr.Pipeline.registerFunction(baseToken, "arshif-base-v2");
  }
  root.arshifText = api;
  if (typeof module !== "undefined") module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
