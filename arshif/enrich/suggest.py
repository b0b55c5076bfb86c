"""suggest-entities: likely names the entity list lacks, found by rules (no NER model works offline here).

Two rules: the words after a title (الرئيس، وزير، المتحدث باسم ...), skipping the
portfolio and nationality words that start with ال ("وزير الخارجية الروسي سيرغي
لافروف" gives "سيرغي لافروف"); and word sequences that recur across articles
although none of their words is a common word or already a known name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..model import Archive
from ..text import ARTICLE, COMMON_WORDS, CONJUNCTIONS, IGNORED, PREPOSITIONS_BEFORE_ANY_WORD, WORD, fold, normalise
from .entities import entity_matcher

TITLES = {normalise(t) for t in (
    "الرئيس رئيس وزير الوزير المتحدث مستشار نائب الأمير أمير الملك الشيخ السفير الأمين قائد مدير محافظ "
    "الدكتور د المهندس اللواء العميد الفريق العقيد المستشار الناطق زعيم خادم"
).split()}
# words that join the parts of a name: محمد بن نايف، عبد الله، آل سعود، أبو بكر
CONNECTORS = {normalise(w) for w in "بن بنت ابن آل أبو أبي عبد".split()}
# honorifics and the generic nouns of news prose: never part of a suggested name
NOT_NAMES = {normalise(w) for w in (
    "ولي صاحب سمو السمو معالي فخامة حفظه رحمه الملكي جلالة سعادة "
    "جهة ناحية مؤتمر برميل درجة جميع مختلف أنحاء مجلس لجنة إدارة هيئة جمعية مركز وزارة شركة جامعة "
    "منطقة محافظة مدينة دولة دول حكومة رئيس مدير عضو أعضاء قرار مشروع برنامج خطة نظام قانون سوق "
    "أسعار ريال دولار بالمئة نسبة أخرى يوميا سنويا صحفي مئوية فرع قسم إمارة مكتب مستشفى مطار طريق "
    "شارع حي نادي منتخب فريق مباراة موسم بطولة كأس دوري مجموعة قوات قوة جيش تنظيم جماعة حزب"
).split()}
TITLE_FILLERS = {normalise(w) for w in "باسم العام لشؤون للشؤون لشئون".split()}
PROCLITIC_LETTERS = CONJUNCTIONS + PREPOSITIONS_BEFORE_ANY_WORD  # letters read as a proclitic before any word
_JOIN = re.compile(r"\s+")
MAX_NAME_WORDS = 6


@dataclass
class Suggestion:
    name: str
    count: int
    sample: str
    kind: str  # "person" after a title, "other" for recurring sequences


def suggest_entities(archive: Archive, min_count: int = 2, limit: int = 50) -> list[Suggestion]:
    matcher = entity_matcher(archive.entities)
    after_title: Counter = Counter()
    sequences: Counter = Counter()
    articles_with: dict[str, set] = {}
    samples: dict[str, str] = {}
    for article in archive.articles:
        for text in [article.title] + [p.text for p in article.paragraphs]:
            known = {i for m in matcher.find(text) for i in range(m.start, m.end)}
            words = [(m.group(), m.start()) for m in WORD.finditer(fold(text)) if m.start() not in known]
            for name in _names_after_titles(text, words):
                after_title[name] += 1
                samples.setdefault(name, _sentence_around(text, name))
            for name in _unknown_sequences(text, words):
                sequences[name] += 1
                articles_with.setdefault(name, set()).add(article.id)
                samples.setdefault(name, _sentence_around(text, name))
    found = [Suggestion(n, c, samples[n], "person") for n, c in after_title.items() if c >= min_count]
    taken = {normalise(s.name) for s in found}
    # a recurring sequence must recur across articles, not just within one
    found += [Suggestion(n, c, samples[n], "other") for n, c in sequences.items()
              if c >= min_count and len(articles_with[n]) >= 2 and normalise(n) not in taken]
    found.sort(key=lambda s: (-s.count, s.name))
    return found[:limit]


def _names_after_titles(text: str, words: list[tuple[str, int]]):
    """The non-ال words (up to three) that follow a title and its portfolio/nationality words."""
    for index, (word, _) in enumerate(words):
        if _plain(word) not in TITLES:
            continue
        j = index + 1
        while j < len(words) and j - index <= 4 and (_plain(words[j][0]).startswith(ARTICLE) or _plain(words[j][0]) in TITLE_FILLERS):
            j += 1
        name = _name_at(text, words, j)
        if name:
            yield _surface(text, words, name)


def _name_at(text: str, words, j: int, surnames: bool = True) -> list[int]:
    """Indices of the name starting at word j: name words, joined by connectors (بن، عبد، آل);
    with `surnames`, words after the first may start with ال (حسن الشهري)."""
    name: list[int] = []
    while j < len(words) and len(name) < MAX_NAME_WORDS and _adjacent(text, words, j, name):
        plain = _plain(words[j][0])
        # one ال-surname at most in a row: حسن الشهري, not حسن الشهري الخبر
        after_surname = bool(name) and _plain(words[name[-1]][0]).startswith(ARTICLE)
        may_be_surname = surnames and bool(name) and not after_surname
        if _is_name_word(words[j][0], first=not may_be_surname) or (name and plain in CONNECTORS and j + 1 < len(words)):
            name.append(j)
            j += 1
        else:
            break
    while name and _plain(words[name[-1]][0]) in CONNECTORS:
        name.pop()
    return name


def _unknown_sequences(text: str, words: list[tuple[str, int]]):
    """Names of two words or more (joined by spaces or connectors), none common, none starting with ال."""
    j = 0
    while j < len(words):
        name = _name_at(text, words, j, surnames=False) if _is_name_word(words[j][0]) else []
        if len(name) >= 2:
            yield _surface(text, words, name)
        j = (name[-1] + 1) if name else j + 1


def _plain(word: str) -> str:
    return word.replace(IGNORED, "")


def _is_name_word(word: str, first: bool = True) -> bool:
    """A word that can be part of a name; a later word may start with ال (surnames: حسن الشهري)."""
    plain = _plain(word)
    if len(plain) <= 2 or plain.isdigit() or (first and plain.startswith(ARTICLE)):
        return False
    bare = plain[1:] if plain[0] in PROCLITIC_LETTERS and len(plain) > 4 else plain  # بمنطقة، لرئيس
    return not ({plain, bare} & (COMMON_WORDS | TITLES | NOT_NAMES))


def _adjacent(text: str, words, j: int, run: list[int]) -> bool:
    """Only spaces stand between word j and the last word of the run."""
    if not run:
        return True
    last_word, last_start = words[run[-1]]
    gap = text[last_start + len(last_word) : words[j][1]]
    return bool(_JOIN.fullmatch(gap))


def _surface(text: str, words, indices: list[int]) -> str:
    first_word, first_start = words[indices[0]]
    last_word, last_start = words[indices[-1]]
    return text[first_start : last_start + len(last_word)]


def _sentence_around(text: str, name: str) -> str:
    at = text.find(name)
    start = max(0, at - 60)
    return ("…" if start else "") + text[start : at + len(name) + 60].strip() + ("…" if at + len(name) + 60 < len(text) else "")


_LATIN = str.maketrans({
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh",
    "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a",
    "ئ": "y", "ؤ": "w", "ء": "",
})


def suggested_id(name: str) -> str:
    """A rough ASCII id from the Arabic name, for the curator to correct."""
    latin = normalise(name).translate(_LATIN).lower()
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-") or "entity"


def as_toml(suggestions: list[Suggestion]) -> str:
    blocks = []
    for s in suggestions:
        sample = s.sample.replace("\n", " ")
        blocks.append(
            f"# {s.count} times, e.g.: {sample}\n[[entity]]\n"
            f'id = "{suggested_id(s.name)}"  # check the spelling\nname = "{s.name}"\ntype = "{s.kind}"\naliases = []\n'
        )
    return "\n".join(blocks)
