/* arshif's Arabic text core for the browser: the twin of arshif/text.py.
   The data (fold table, common words, clitics) comes from Python in arshif-text-data.js,
   so only the algorithm is written twice; tests/data/search_vectors.json holds both to
   the same words and readings. How a word of the archive becomes its index term is not
   decided here but read from the index's lexicon (see search-core.js): `setLookup`. */
(function (root) {
  "use strict";
  var data = root.ARSHIF_TEXT, foldMap = {};
  Array.from(data.ignoredChars).forEach(function (ch) { foldMap[ch] = data.ignored; });
  var foldTo = Array.from(data.foldTo);
  Array.from(data.foldFrom).forEach(function (ch, i) { foldMap[ch] = foldTo[i]; });
  var stopWords = new Set(data.stopWords);
  var ARTICLE = data.article, MIN_BASE = data.minBase;
  var lookup = function () { return false; };
  var documentsWith = function () { return 0; };

  function fold(text) {
    var out = "";
    for (var ch of text) {  // code points, as Python sees them
      var mapped = foldMap[ch];
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
    if (word.startsWith("لل") && word.length - 2 >= 2) return [ARTICLE + word.slice(2), word.slice(1)];
    if ("بل".includes(word[0]) && !word.startsWith(ARTICLE) && word.length - 1 >= MIN_BASE) return [word.slice(1)];
    if (word.startsWith("كال") && word.length - 3 >= MIN_BASE) return [word.slice(1)];
    return [];
  }

  // arshif.text.reading_groups: what a word the archive does not hold may stand for, in groups tried in turn
  function readingGroups(word) {
    if (!isArabic(word)) return [];
    var stages = [word];
    var conjunction = data.conjunctions.includes(word[0]) && word.length - 1 >= MIN_BASE ? [word.slice(1)] : [];
    stages = stages.concat(conjunction);
    var preposition = [];
    stages.forEach(function (stage) { preposition.push.apply(preposition, prepositionRests(stage)); });
    stages = stages.concat(preposition);
    var article = stages.filter(function (stage) { return stage.startsWith(ARTICLE) && stage.length - 2 >= MIN_BASE; })
      .map(function (stage) { return stage.slice(2); });
    stages = stages.concat(article);
    var withArticle = stages.filter(function (stage) { return !stage.startsWith(ARTICLE); }).map(function (stage) { return ARTICLE + stage; });
    var seen = new Set([word]);
    return [conjunction, preposition, article, withArticle].map(function (group) {
      var kept = Array.from(new Set(group)).filter(function (reading) { return !seen.has(reading); });
      kept.forEach(function (reading) { seen.add(reading); });
      return kept;
    });
  }

  function readings(word) {
    return [].concat.apply([], readingGroups(word));
  }

  function fromLexiconCode(word, code) {
    return code > 0 ? word.slice(code) : ARTICLE + word.slice(-code);
  }

  // arshif.text.form_of: the clitics written before the term but a conjunction ("" for the term itself), null if none fit
  function formOf(word, term) {
    var form;
    if (word.endsWith(term)) form = word.slice(0, word.length - term.length);
    else if (term.startsWith(ARTICLE) && word.endsWith(term.slice(ARTICLE.length))) {
      form = word.slice(0, word.length - term.length + ARTICLE.length) + "+";
    } else return null;
    return form && data.conjunctions.includes(form[0]) ? form.slice(1) : form;
  }

  // arshif.search.Analyser.query_term: the word's term if the archive holds it, else a
  // reading of the first group of readings the archive holds, the one whose term the most
  // documents hold; null for a common word. `lookup` and `documentsWith` answer from the loaded parts.
  function queryTerm(word) {
    if (stopWords.has(word)) return null;
    var found = lookup(word);
    if (found !== false) return found;
    var groups = readingGroups(word);
    for (var g = 0; g < groups.length; g++) {  // the first group the archive holds a reading of
      var best = word, most = -2;
      groups[g].forEach(function (candidate) {
        var term = lookup(candidate);
        if (term === false) return;
        var weight = term ? documentsWith(term) : -1;
        if (weight > most) { best = term; most = weight; }
      });
      if (most > -2) return best;
    }
    return word;
  }

  var ignoredChars = data.ignoredChars;

  var api = {ignoredChars: ignoredChars,
    fold: fold, normalise: normalise, words: words, readings: readings, queryTerm: queryTerm,
    fromLexiconCode: fromLexiconCode, formOf: formOf, isStopWord: function (w) { return stopWords.has(w); },
    setLookup: function (find, count) { lookup = find; documentsWith = count || documentsWith; }, article: ARTICLE, minBase: MIN_BASE
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
