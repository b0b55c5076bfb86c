"""Arabic text core: pure functions over strings, shared by every step."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import NamedTuple

# Characters that never reach a page: C0/C1 controls (the corpus has U+001A
# remnants), the byte-order mark inside text, Unicode noncharacters (the HTML
# checker rejects them), and the bidi embeddings, overrides and isolates
# (U+202A-202E, U+2066-2069): scrapers leave them unbalanced, and an unclosed
# override reverses the rest of a paragraph. The marks LRM/RLM/ALM stay: they
# only steer the neutral character beside them. Tabs become spaces.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufdd0-\ufdef\u202a-\u202e\u2066-\u2069"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))  # each plane's two
    + "]"
)
_SPACES = re.compile(r"\s+")  # any run of spaces, tabs, line breaks, no-break or wide spaces


def clean_line(line: str) -> str:
    """A line of article text as it will be shown: controls removed, spaces collapsed."""
    line = FORBIDDEN.sub("", line.replace("\t", " "))
    return _SPACES.sub(" ", line).strip()


def clean_lines(lines: list[str]) -> list[str]:
    """clean_line of each line (none holds a line break). A printable line (str.isprintable: no
    control, format or unassigned character, which every FORBIDDEN one is) holds nothing to
    remove, and str.split collapses the same spaces as \\s+: most lines take that path, three
    times as fast as the two patterns (3.4 s of a 20,000-article build's loading)."""
    return [" ".join(line.split()) if line.isprintable() else clean_line(line) for line in lines]


def digest(text: str) -> str:
    """A short, stable hash of a text (hex)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def has_letters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith(("L", "N")) for ch in text)


def shorten(text: str, limit: int) -> str:
    """Cut text at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip("،,.؛:") + "…"


# The end of a sentence: a full stop, question or exclamation mark (Arabic or Latin) or an
# ellipsis before a space or the end, or a line break.
SENTENCE_END = re.compile(r"[.!?؟…]\s|[.!?؟…]$|[\n]")
CLAUSE_END = re.compile(r"[،؛:,;]\s")  # where a long sentence is best cut: after a comma, semicolon or colon


# -- numbers and counted nouns ------------------------------------------------

_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def digits(value: int | str, style: str) -> str:
    """A number in the archive's digit style: "arabic" (١٢٣) or "latin" (123)."""
    text = str(value)
    return text.translate(_ARABIC_DIGITS) if style == "arabic" else text


class CountedNoun(NamedTuple):
    """The forms a noun takes after a number (Arabic counted-noun agreement)."""

    one: str  # 1, said in words: مقال واحد
    two: str  # 2, the dual: مقالان
    few: str  # 3-10 (103-110 ...), the plural: مقالات
    many: str  # 11-99 (111-199 ...), the singular accusative: مقالًا
    hundreds: str  # 0, 100-102, 200-202 ..., the singular genitive: مقال


ARTICLES = CountedNoun("مقال واحد", "مقالان", "مقالات", "مقالًا", "مقال")
TIMES = CountedNoun("مرة واحدة", "مرتين", "مرات", "مرة", "مرة")  # ذُكر مرتين: the accusative dual
YEARS = CountedNoun("سنة", "سنتين", "سنوات", "سنة", "سنة")  # في كل سنتين: the genitive dual
MINUTES = CountedNoun("دقيقة واحدة", "دقيقتان", "دقائق", "دقيقة", "دقيقة")  # مدة القراءة: دقيقتان


def counted(n: int, noun: CountedNoun, style: str) -> str:
    """n and the noun in the form n asks for: 'مقال واحد', 'مقالان', '٣ مقالات', '١١ مقالًا',
    '١٠٠ مقال', '١٠٢ مقال', '١٠٣ مقالات'. The last two digits decide, as news style writes them."""
    if n == 1:
        return noun.one
    if n == 2:
        return noun.two
    rest = n % 100
    form = noun.few if 3 <= rest <= 10 else noun.many if 11 <= rest <= 99 else noun.hundreds
    return f"{digits(n, style)} {form}"


def count_articles(n: int, style: str) -> str:
    return counted(n, ARTICLES, style)


def count_times(n: int, style: str) -> str:
    """How often: 'مرة واحدة', 'مرتين', '٣ مرات', '١١ مرة', '١٠١ مرة'."""
    return counted(n, TIMES, style)


# -- normalisation ------------------------------------------------------------
#
# One str.translate table does all of it (about 7x faster than chaining pyarabic
# calls). pyarabic gives the lists of marks; it is not used for the mapping itself
# because its normalize_alef also maps ى to ا, normalize_hamza turns أ into ء, and
# strip_tashkeel keeps the dagger alef (U+0670).
#
# `fold` keeps the text's length: every character that matching ignores becomes
# IGNORED, so a position in the folded text is the same position in the original,
# and a link can wrap exactly the word as written. `normalise` then drops IGNORED.

from pyarabic import araby  # noqa: E402

IGNORED = "\ue000"
_IGNORABLE = (
    set(araby.DIACRITICS)  # tashkeel, shadda, Quranic marks, dagger alef
    | {araby.TATWEEL}
    | set("\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
)
_FOLD = {ord(ch): IGNORED for ch in _IGNORABLE}
_FOLD.update({ord(ch): "ا" for ch in "أإآٱ"})
_FOLD.update({ord("ى"): "ي", ord("ة"): "ه"})
_FOLD.update({ord(d): str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")})
_FOLD.update({ord(d): str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")})


def _letter_fold(ch: str) -> str | None:
    """Case and accents, one character for one: Latin and Greek lose their accents and case
    (É, é -> e; Ί -> ι), Cyrillic its case (П -> п; й stays a letter of its own). The same table runs in the browser, so a word
    typed in any case finds the article (lunr.js would lower-case only the query)."""
    if "\u00c0" <= ch <= "\u03ff" or ch.isascii():
        base = unicodedata.normalize("NFD", ch)[0].lower()
        return base if len(base) == 1 and base.isalpha() and base != ch else None
    low = ch.lower()
    return low if len(low) == 1 and low != ch else None


for _code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x370, 0x400), *range(0x400, 0x530)]:
    _folded = _letter_fold(chr(_code))
    if _folded and _code not in _FOLD:
        _FOLD[_code] = _folded
_FOLD[ord("ς")] = "σ"  # Greek final sigma
_FOLD.update({code: IGNORED for code in range(0x300, 0x370)})  # combining accents typed apart (e\u0301cole)
# Hamza on its seat: مسؤول, مسئول and مسءول are one word (so are شؤون and شئون).
_FOLD.update({ord("ؤ"): "ء", ord("ئ"): "ء"})
# Persian letters that Arabic writes otherwise (روسیا, کرة), and the letters a PDF copy
# leaves as presentation forms or full-width (ﻣﺮﺣﻠﺔ, ＡＢＣ): each to the one letter it shows.
_FOLD.update({ord("ی"): "ي", ord("ک"): "ك", ord("ە"): "ه"})
for _code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00), *range(0xFF01, 0xFF5F)]:
    _shown = unicodedata.normalize("NFKC", chr(_code))
    if len(_shown) == 1 and _shown != chr(_code) and _code not in _FOLD:
        _FOLD[_code] = _FOLD.get(ord(_shown), _shown.lower() if _shown.isascii() else _shown)
_FOLD_TABLE = str.maketrans(_FOLD)

# A token: letters and digits (Arabic or Latin) and the ignored marks inside them.
WORD = re.compile(r"[^\W_]+(?:[\ue000]+[^\W_]*)*|[\ue000]+[^\W_]+(?:[\ue000]+[^\W_]*)*")


# Only about 6% of a news text's characters change, so a regular expression that finds
# them and a lookup for each is 2.5 times faster than str.translate over every character.
_FOLDED = {chr(code): to for code, to in _FOLD.items()}
_TO_FOLD = re.compile("[" + re.escape("".join(sorted(_FOLDED))) + "]")


def _fold_one(match: re.Match) -> str:
    return _FOLDED[match.group()]


def fold(text: str) -> str:
    """Normalised text of the same length as `text` (ignored marks become IGNORED)."""
    return _TO_FOLD.sub(_fold_one, text)


def normalise(text: str) -> str:
    """Diacritics, tatweel and invisible marks removed; alef forms, ى/ي, ة/ه and digits unified."""
    return fold(text).replace(IGNORED, "")


def tokens(text: str) -> list[str]:
    """Normalised words: Arabic, Latin (lower-cased) and numbers; punctuation dropped."""
    folded = fold(text)
    if IGNORED not in folded:
        return WORD.findall(folded)
    return [t.replace(IGNORED, "") for t in WORD.findall(folded)]


def token_spans(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised token) for each word of an already folded text."""
    return [(m.start(), m.end(), m.group().replace(IGNORED, "")) for m in WORD.finditer(folded)]


def written_words(text: str) -> list[str]:
    """Each word of a text as it is written, marks and hamza kept: the words `tokens` normalises."""
    return [text[start:end] for start, end, _ in token_spans(fold(text))]


# -- clitics and suffixes: the one place that holds them ------------------------
#
# Proclitics that may stand before a word: the conjunctions و ف, then the prepositions
# ب ك ل, then the article ال; ل + ال is written لل (للكرملين). Entities, tags and search
# all read them from here. The entity step strips them only when what remains is a known
# name; a name listed without the article never takes it (so هادي is not found in
# المحيط الهادي).

CONJUNCTIONS = "وف"
PREPOSITIONS = "بكل"
# ب ل may stand before any word; ك (as) only before the article (كالعادة): too many words
# begin with it (كبير، كتاب، كلمة).
PREPOSITIONS_BEFORE_ANY_WORD = "بل"
ARTICLE = "ال"
MIN_BASE = 3  # letters that must remain: ولي, الله, بحر are never cut
# Letters that must follow ال for it to be read as the article before a proclitic: الحج is
# ال + حج, so ل joins it as لل (للحج); الم (ألم) is a word. Two letters are too few to
# stand without the article (حج، لحج are other words), so a tag rule keeps it on them.
ARTICLE_MIN_REST = 2
# An alef written with hamza or madda begins the word itself, never the article: ألمانيا,
# إلغاء, آلية fold to المانيا, الغاء, اليه, but ل joins them as لألمانيا (folded لالمانيا).
HAMZA_ALEFS = "أإآ"
PROCLITICS = ("وب", "وك", "ول", "فب", "فك", "فل", "و", "ف", "ب", "ك", "ل")
# ل before the article drops the article's alef: ل + الكرملين is written للكرملين. The one
# rule for it: with_article_after writes it, article_after_lam reads it back.
LAM_ARTICLE = "لل"


def with_article_after(prefix: str, word: str) -> str:
    """A proclitic before a word that has the article: ل + الكرملين is written للكرملين."""
    if prefix.endswith("ل") and word.startswith(ARTICLE):
        return prefix[:-1] + LAM_ARTICLE + word[len(ARTICLE):]
    return prefix + word


def article_after_lam(word: str) -> str | None:
    """The word with the article that a word written with لل holds after its ل:
    للكرملين -> الكرملين; None for a word that does not start with لل."""
    return ARTICLE + word[len(LAM_ARTICLE):] if word.startswith(LAM_ARTICLE) else None


def proclitic_forms(word: str, has_article: bool) -> set[str]:
    """`word` after each proclitic; `has_article` says its ال is the article, which ل joins
    as لل: الكرملين -> والكرملين، بالكرملين، للكرملين، وللكرملين."""
    if has_article:
        return {with_article_after(prefix, word) for prefix in PROCLITICS}
    return {prefix + word for prefix in PROCLITICS}


def has_article(written: str) -> bool:
    """Is the ال a word starts with the article? Yes for a bare ال before ARTICLE_MIN_REST
    letters or more (الكرملين، الحج); no where its alef carries a hamza or madda (ألمانيا،
    إلغاء), which only the spelling as written shows: normalised, both start with ال."""
    word = normalise(written)
    if not word.startswith(ARTICLE) or len(word) - len(ARTICLE) < ARTICLE_MIN_REST:
        return False
    first = next(ch for ch, folded in zip(written, fold(written)) if folded != IGNORED)
    return unicodedata.normalize("NFKC", first) not in HAMZA_ALEFS  # NFKC: a presentation form (ﺃ) too


def clitic_forms(written: str) -> set[str]:
    """The normalised forms a name's first word, as written, takes after a proclitic:
    روسيا -> وروسيا، لروسيا، وبروسيا...; الكرملين -> والكرملين، بالكرملين، للكرملين، وللكرملين;
    ألمانيا -> والمانيا، بالمانيا، لالمانيا (لألمانيا)."""
    return proclitic_forms(normalise(written), has_article(written))


def split_article(word: str) -> tuple[str, str]:
    """(ARTICLE, the rest) for a word that starts with the article and keeps MIN_BASE letters
    without it (الكرملين -> ال + كرملين; الله, البر stay whole); ("", word) otherwise. The search
    analyser's cut, made on normalised words; tags and entities read a written word with has_article."""
    if word.startswith(ARTICLE) and len(word) - len(ARTICLE) >= MIN_BASE:
        return ARTICLE, word[len(ARTICLE):]
    return "", word


# What may follow a tag rule's stem (normalised: ة is written ه): nisba adjectives, sound
# plurals, duals, pronouns. Search strips no suffix: طالبان is not طالب, حزمة is not حزم.
PRONOUN_SUFFIXES = ("ه", "ها", "هم")  # his, her, their
FEMININE_PLURAL = "ات"
SUFFIXES = ("", "ي", "يه", "يين", "يون", "ين", "ون", FEMININE_PLURAL, "يات", "ان", "يا", *PRONOUN_SUFFIXES)
# After the ت that a final ة becomes (صحة -> صحته) a pronoun may also be my or our
# (صحتي، صحتنا); SUFFIXES lacks نا, which after a bare stem also ends verbs (حزمنا: we packed).
AFTER_TA_SUFFIXES = (*PRONOUN_SUFFIXES, "ي", "نا")


def suffixed_forms(stem: str, suffixes: tuple[str, ...] = SUFFIXES) -> set[str]:
    """The stem with each allowed suffix. A final ة (normalised ه) becomes ت before a
    pronoun (صحته) and gives way to the plural ات (منظمات); it does not give way to the
    nisba ي: that would read العمري (a surname) as a form of العمرة, and السعودية as
    السعودة. A curator lists nisba forms like صحي themselves."""
    forms = {stem + s for s in suffixes}
    if stem.endswith("ه") and len(stem) >= 3 and "" in suffixes and len(suffixes) > 1:
        forms |= {stem[:-1] + "ت" + s for s in AFTER_TA_SUFFIXES} | {stem[:-1] + FEMININE_PLURAL}
    return forms


# -- common words -------------------------------------------------------------
# Function words and very frequent words of news Arabic. An alias that is one of
# them (كيف "how" as Kyiv) would link ordinary text, so the build warns; search
# later drops them as stop words.

COMMON_WORDS = frozenset(normalise(w) for w in """
في من إلى الى على عن مع ثم أو أم بل لا لم لن ما ماذا لماذا كيف أين متى هل كم أي إن أن إنه أنه إنها أنها
كان كانت يكون تكون كانوا يكن ليس ليست لقد قد هذا هذه ذلك تلك هؤلاء أولئك هنا هناك الذي التي الذين اللذان اللتان
اللاتي الى حتى إذا اذا إذ لو لولا كل بعض غير سوى عند عندما بين بينما خلال حول ضد منذ قبل بعد فوق تحت أمام وراء
خلف دون نحو لدى لكن لكنه ولكن أيضا ايضا فقط جدا كذلك هو هي هم هن نحن أنا أنت أنتم له لها لهم به بها بهم فيه فيها
فيهم منه منها منهم عليه عليها عليهم إليه إليها عنه عنها وهو وهي وهم وقد وقال قال قالت يقول تقول أكد أضاف وأضاف
وأكد أشار مشيرا مؤكدا اليوم أمس غدا الآن عام العام سنة السنة شهر يوم أول آخر الأول الأخير ثاني الثاني جديد الجديد
كبير الكبير كبيرة عدد عدة أكثر أقل كما مثل حيث أجل لأن لان وفق وفقا إطار ضمن عبر لدي ذات نفس عدم تم يتم تمت
وقت الوقت مرة بشكل خاصة عامة عبد أبو بن ابن بنت آل ال وال الي واحد اثنين ثلاث أربع خمس ست سبع ثمان تسع عشر مئة
ألف مليون مليار نعم وما ولا ولم وفي ومن وعلى وعن وإلى فيما بما مما كما عما لما إنما أما إما
""".split())


# -- the search analyser --------------------------------------------------------
#
# A word reaches the index as its base: the word without the proclitics and the article
# that Arabic allows before it, taken off only where what remains is itself a word of
# the archive. The archive's vocabulary decides, because the letters alone cannot: بوتين
# is not ب + وتين, لبنان is not ل + بنان, but بروسيا is ب + روسيا. A layer comes off when
#   - a conjunction (و ف) or preposition (ب ل; ك only before the article): the rest is at
#     least as frequent in the archive as the whole word, and the whole word does not
#     itself take the article (الوادي, البعيد, الفعالية say وادي, بعيد, فعالية are words);
#   - the article: the bare word occurs (twice at least, and not 50 times rarer), and the
#     word does not take the article itself, so الكهرباء and كهرباء meet, but التزام (a
#     verbal noun, not ال + تزام) and ألوان (الألوان: colours, not ال + وان) stay whole;
#   - one conjunction, one preposition, never a conjunction after a preposition
#     (بوروسيا is Borussia, not ب + و + روسيا).
# No suffix is stripped: طالبان, السيولة, العبادي, حزمة stay what they are.
# A word the archive does not hold (only a query has those) takes the first reading, in
# the order of `readings`, that the archive holds; the browser does the same with the
# same data (assets/arshif-text.js), so a query finds what the index holds.


def _count(counts, word: str) -> int:
    return counts.get(word, 0)


def _clitic_ok(counts, word: str, rest: str) -> bool:
    """May a proclitic come off `word`, leaving `rest`? Only if the rest is a word of the
    archive not much rarer than the whole, and the whole never behaves as a word itself:
    it takes no article (الوادي) and no proclitic of the same kind before it (ووادي: no
    conjunction before a conjunction; للبنان: no preposition before a preposition)."""
    n = _count(counts, word)
    if _count(counts, rest) * 4 < max(n, 1) or _count(counts, ARTICLE + word) * 20 > n:
        return False
    before = CONJUNCTIONS if word[0] in CONJUNCTIONS else PREPOSITIONS
    return sum(_count(counts, clitic + word) for clitic in before) * 10 < max(n, 1)


def _strip_conjunction(word: str, counts) -> str:
    rest = word[1:]
    if word[:1] in CONJUNCTIONS and len(rest) >= MIN_BASE and _clitic_ok(counts, word, rest):
        # one conjunction only: in وفتحت the ف belongs to فتحت
        if not (rest[0] in CONJUNCTIONS and len(rest) - 1 >= MIN_BASE and _clitic_ok(counts, rest, rest[1:])):
            return rest
    return word


def _strip_preposition(word: str, counts) -> str:
    # no conjunction or second preposition follows a preposition: بوروسيا (Borussia) is
    # not ب + و + روسيا, so لبوروسيا is ل + بوروسيا; of two readings (للبنان: ل + البنان or
    # ل + لبنان) the more frequent rest wins
    rests = [rest for rest in preposition_rests(word)
             if _clitic_ok(counts, word, rest) and _strip_conjunction(rest, counts) == rest
             and not any(_clitic_ok(counts, rest, again) for again in preposition_rests(rest))]
    return max(rests, key=lambda rest: _count(counts, rest)) if rests else word


def preposition_rests(word: str) -> list[str]:
    """What may remain after a preposition: لل+X is ل + الX; ك only before the article."""
    after_lam = article_after_lam(word)
    if after_lam and len(after_lam) - len(ARTICLE) >= ARTICLE_MIN_REST:
        return [after_lam, word[1:]]  # ل + الكرملين (للحج: ل + الحج), or ل + لبنان
    if word[:1] in PREPOSITIONS_BEFORE_ANY_WORD and not word.startswith(ARTICLE) and len(word) - 1 >= MIN_BASE:
        return [word[1:]]
    if word.startswith("ك" + ARTICLE) and len(word) - 3 >= MIN_BASE:
        return [word[1:]]
    return []


def _strip_article(word: str, counts) -> str:
    """الكهرباء -> كهرباء, العراق -> عراق (when the bare word occurs at all); not ألوان
    (normalised الوان), which takes the article itself: الألوان."""
    article, rest = split_article(word)
    if article and _count(counts, rest) >= 1 and _count(counts, ARTICLE + word) * 20 <= _count(counts, word):
        return rest
    return word


def base_form(word: str, counts) -> str:
    """The base of a normalised word of the archive, given how often each word occurs in it."""
    if not word or not ("\u0621" <= word[0] <= "\u064a"):
        return word
    return _strip_article(_strip_preposition(_strip_conjunction(word, counts), counts), counts)


def reading_groups(word: str) -> list[list[str]]:
    """The words a word the archive does not hold may stand for, in groups tried in turn:
    without its conjunction; without its preposition (للبنان: البنان or لبنان); without the
    article; with the article."""
    if not word or not ("\u0621" <= word[0] <= "\u064a"):
        return []
    stages = [word]
    conjunction = [word[1:]] if word[0] in CONJUNCTIONS and len(word) - 1 >= MIN_BASE else []
    stages += conjunction
    preposition = [rest for stage in stages for rest in preposition_rests(stage)]
    stages += preposition
    article = [rest for has_article, rest in map(split_article, stages) if has_article]
    stages += article
    with_article = [ARTICLE + stage for stage in stages if not stage.startswith(ARTICLE)]
    seen, groups = {word}, []
    for group in (conjunction, preposition, article, with_article):
        kept = [reading for reading in dict.fromkeys(group) if reading not in seen]
        seen.update(kept)
        groups.append(kept)
    return groups


def readings(word: str) -> list[str]:
    """All the readings of a word, in the order they are tried."""
    return [reading for group in reading_groups(word) for reading in group]


def lexicon_code(word: str, base: str) -> int:
    """How the browser gets a base back from its word: k = drop k letters; -k = drop k, then add ال."""
    if word.endswith(base) and len(base) < len(word):
        return len(word) - len(base)
    assert base.startswith(ARTICLE) and word.endswith(base[2:]), (word, base)
    return -(len(word) - len(base) + 2)


def from_lexicon_code(word: str, code: int) -> str:
    return word[code:] if code > 0 else ARTICLE + word[-code:]


def form_of(word: str, term: str) -> str | None:
    """The surface form of a word of its term: the clitics written before it, but for a
    conjunction, which never changes what a word says ("" for روسيا and وروسيا, "ب" for
    بروسيا, "ال"; "لل+" for للبيت, whose لل holds the term's ال). A reader's word and a word of
    the text are the same surface form when their forms are equal."""
    if word.endswith(term):
        form = word[: len(word) - len(term)]
    elif term.startswith(ARTICLE) and word.endswith(term[len(ARTICLE):]):
        form = word[: len(word) - len(term) + len(ARTICLE)] + "+"
    else:
        return None
    return form[1:] if form[:1] and form[0] in CONJUNCTIONS else form


def text_core_for_js() -> dict:
    """The data arshif-text.js needs to fold and read words exactly as this module does (sorted: byte-identical builds)."""
    return {
        # the fold table in three strings (a third of a JSON object's size): the characters
        # matching ignores, then each other character above the one it becomes
        "ignoredChars": "".join(chr(k) for k in sorted(_FOLD) if _FOLD[k] == IGNORED),
        "foldFrom": "".join(chr(k) for k in sorted(_FOLD) if _FOLD[k] != IGNORED),
        "foldTo": "".join(_FOLD[k] for k in sorted(_FOLD) if _FOLD[k] != IGNORED),
        "ignored": IGNORED,
        "stopWords": sorted(COMMON_WORDS),
        "conjunctions": CONJUNCTIONS,
        "article": ARTICLE,
        "minBase": MIN_BASE,
    }
