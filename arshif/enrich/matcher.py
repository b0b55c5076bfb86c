"""Find entity mentions in text: a token trie, leftmost-longest, with proclitics on the first token.

Speed matters (10,000 aliases, megabytes of text a second), so the common path
stays in C: one str.translate folds the text, one regex split cuts it into
words, and a set lookup finds the few words that can start a name; only those
reach Python-level trie walking. Folding keeps the text's length, so a match's
span in the folded text is its span in the original, clitic and marks included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from ..text import IGNORED, WORD, clitic_forms, fold, normalise, written_words

_SPLIT = re.compile(f"({WORD.pattern})")
# What may stand between the words of one name: spaces, quotes, hyphens. A name never
# runs across a comma or a full stop ("روسيا، اليوم" is not "روسيا اليوم").
_JOINER = re.compile(f"[\\s\"'«»“”„‘’\\-–—{IGNORED}]*")  # IGNORED: marks folded away
END = ""  # trie key of a node where an alias ends (no token is empty)
AMBIGUOUS = None  # an alias shared by two entities: it ends a match that links nothing
NISBA = "nisba"  # an alias that is also an adjective (السعودية): which it is, the words before it say
# A nisba adjective follows the definite noun it describes, without a comma or a conjunction
# (الحكومة السعودية, الصقور السعودية); the name follows a preposition or a verb, or starts a
# phrase (في السعودية, أعلنت السعودية). Words with the article that are no nouns:
# (and time words: أعلنت اليوم السعودية, وصل الوفد الخميس السعودية)
_NOT_NOUNS = frozenset(normalise(w) for w in (
    "إلى", "الى", "إلا", "التي", "الذي", "الذين", "اللذين", "اللتين", "اللاتي", "اللواتي", "الآن", "اليوم", "الليلة",
    "السبت", "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"))
_DEFINITE = ("ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل")


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entity: str | None  # None: an ambiguous alias
    adjective: bool


class Matcher:
    def __init__(self, entries: list[tuple], clitics: bool = True):
        """entries: (alias text or its normalised words, entity id, is adjective). With
        `clitics`, a first word is also found after a proclitic; without, the entries
        list every written form themselves."""
        self.trie: dict = {}
        written_firsts: dict[str, set[str]] = {}  # an alias's first word -> its spellings (ألمانيا, المانيا)
        for alias, entity, adjective in entries:
            written = alias if isinstance(alias, tuple) else written_words(alias)
            if not written:
                continue
            words = written if isinstance(alias, tuple) else tuple(map(normalise, written))
            written_firsts.setdefault(words[0], set()).add(written[0])
            node = self.trie
            for word in words:
                node = node.setdefault(word, {})
            previous = node.get(END)
            if previous is not None and previous[0] != entity:
                node[END] = (AMBIGUOUS, False)
            else:
                node[END] = (entity, adjective)
        # written first word -> the alias first words it can stand for (itself, or after a
        # proclitic); the spelling as written tells a name's own ال (ألمانيا) from the article
        self.starts: dict[str, tuple[str, ...]] = {word: (word,) for word in self.trie}
        for word, spellings in written_firsts.items() if clitics else ():
            for form in set().union(*map(clitic_forms, spellings)):
                if word not in self.starts.get(form, ()):
                    self.starts[form] = self.starts.get(form, ()) + (word,)

    def find(self, text: str, before: str = "") -> list[Match]:
        """The matches in `text`; `before` is the text just before it in the same block (a
        Markdown article's text is cut by its inline elements), which only a nisba alias reads."""
        folded = fold(text)
        parts = _SPLIT.split(folded)
        words = parts[1::2]
        if IGNORED in folded:
            words = [w.replace(IGNORED, "") for w in words]
        starts = self.starts
        hits = [i for i, w in enumerate(words) if w in starts]
        if not hits:
            return []
        offsets = [0, *accumulate(map(len, parts))]  # word i spans offsets[2i+1]:offsets[2i+2]
        matches, resume = [], 0
        for i in hits:
            if i < resume:
                continue
            found = self._longest(words, parts, i)
            if found is not None:
                last, (entity, adjective) = found
                if adjective == NISBA:
                    adjective = _reads_as_adjective(words, parts, i, before)
                matches.append(Match(offsets[2 * i + 1], offsets[2 * last + 2], entity, adjective))
                resume = last + 1
        return matches

    def _longest(self, words: list[str], parts: list[str], i: int):
        """(index of the last word, trie value) of the longest alias starting at word i, or None."""
        best = None
        for first in self.starts[words[i]]:
            node = self.trie[first]
            j = i
            while True:
                if END in node and (best is None or j > best[0]):
                    best = (j, node[END])
                j += 1
                # parts[2j] is what stands between words j-1 and j
                if j >= len(words) or words[j] not in node or not _JOINER.fullmatch(parts[2 * j]):
                    break
                node = node[words[j]]
        return best


def _reads_as_adjective(words: list[str], parts: list[str], i: int, before: str) -> bool:
    """Whether the nisba alias at word i is an adjective: written bare (a proclitic, as in
    والسعودية, makes it a name), right after a word with the article that is a noun, with
    nothing but spaces between (a comma or a full stop starts a new phrase). For the first
    word, the word before is the last of `before` (the text before this one in its block)."""
    if not words[i].startswith("ال"):
        return False
    if i > 0:
        previous, between = words[i - 1], parts[2 * i]
    else:
        earlier = _SPLIT.split(fold(before))
        if len(earlier) < 3:
            return False
        previous, between = earlier[-2].replace(IGNORED, ""), earlier[-1] + parts[0]
    if between.strip():
        return False
    return previous.startswith(_DEFINITE) and previous not in _NOT_NOUNS and len(previous) > 3
