/* arshif's Arabic text core for the browser: the twin of arshif/text.py.
   The data (fold table, common words, clitics, suffixes) comes from Python in
   arshif-text-data.js, so only the algorithm is written twice; the test vectors
   in tests/data/search_vectors.json hold both to the same tokens. */
(function (root) {
  "use strict";
  var data = root.ARSHIF_TEXT;
  var stopWords = new Set(data.stopWords);
  // Python's \w minus "_": letters and numbers (marks are folded away first)
  var NOT_WORD = /[^\p{L}\p{N}\uE000]+/gu;

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

  function isArabicLetter(ch) {
    return ch >= "\u0621" && ch <= "\u064a";
  }

  function stem(word) {
    if (!word || !isArabicLetter(word[0])) return word;
    var at;
    if (word.length >= 5 && (word.startsWith("لل") || ("وف".includes(word[0]) && word.slice(1, 3) === "لل"))) {
      at = word.indexOf("لل");
      word = word.slice(0, at) + "ال" + word.slice(at + 2);
    }
    while (data.cliticLetters.includes(word[0]) && word.length - 1 >= data.minAfterClitic) {
      word = word.slice(1);
    }
    if (word.startsWith("ال") && word.length - 2 >= 2) word = word.slice(2);
    data.suffixes.forEach(function (suffix) {
      if (word.endsWith(suffix) && word.length - suffix.length >= 2) word = word.slice(0, -suffix.length);
    });
    return word;
  }

  function words(text) {
    // like arshif.text.tokens: fold, cut at anything that is not a letter or number, drop the marks
    return fold(text).split(NOT_WORD).map(function (w) { return w.split(data.ignored).join(""); }).filter(Boolean);
  }

  var api = {fold: fold, normalise: normalise, stem: stem, words: words, isStopWord: function (w) { return stopWords.has(w); }};

  if (root.lunr) {
    var normaliseToken = function (token) {
      token.update(function (s) { return normalise(s).toLowerCase(); });
      return token.toString() ? token : undefined;
    };
    var dropStopWord = function (token) { return stopWords.has(token.toString()) ? undefined : token; };
    var stemToken = function (token) { return token.update(function (s) { return stem(s); }); };
    root.lunr.Pipeline.registerFunction(normaliseToken, "arshif-normalise-v1");
    root.lunr.Pipeline.registerFunction(dropStopWord, "arshif-stopwords-v1");
    root.lunr.Pipeline.registerFunction(stemToken, "arshif-stem-v1");
    api.pipeline = {normalise: normaliseToken, stopWords: dropStopWord, stem: stemToken};
  }
  root.arshifText = api;
  if (typeof module !== "undefined") module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
