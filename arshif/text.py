"""Arabic text core: pure functions over strings, shared by every step."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Characters that never reach a page: C0/C1 controls (the corpus has U+001A
# remnants), the byte-order mark inside text, Unicode noncharacters (the HTML
# checker rejects them), and the bidi embeddings, overrides and isolates
# (U+202A-202E, U+2066-2069): scrapers leave them unbalanced, and an unclosed
# override reverses the rest of a paragraph. The marks LRM/RLM/ALM stay: they
# only steer the neutral character beside them. Tabs become spaces.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufdd0-\ufdef\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)
_SPACES = re.compile(r"\s+")  # any run of spaces, tabs, line breaks, no-break or wide spaces


def clean_line(line: str) -> str:
    """A line of article text as it will be shown: controls removed, spaces collapsed."""
    line = _FORBIDDEN.sub("", line.replace("\t", " "))
    return _SPACES.sub(" ", line).strip()


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
_FOLD.update({ord(c): c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
_FOLD_TABLE = str.maketrans(_FOLD)

# A token: letters and digits (Arabic or Latin) and the ignored marks inside them.
WORD = re.compile(r"[^\W_]+(?:[\ue000]+[^\W_]*)*|[\ue000]+[^\W_]+(?:[\ue000]+[^\W_]*)*")


def fold(text: str) -> str:
    """Normalised text of the same length as `text` (ignored marks become IGNORED)."""
    return text.translate(_FOLD_TABLE)


def normalise(text: str) -> str:
    """Diacritics, tatweel and invisible marks removed; alef forms, ى/ي, ة/ه and digits unified."""
    return text.translate(_FOLD_TABLE).replace(IGNORED, "")


def tokens(text: str) -> list[str]:
    """Normalised words: Arabic, Latin (lower-cased) and numbers; punctuation dropped."""
    return [t.replace(IGNORED, "") for t in WORD.findall(fold(text))]


def token_spans(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised token) for each word of an already folded text."""
    return [(m.start(), m.end(), m.group().replace(IGNORED, "")) for m in WORD.finditer(folded)]


# -- clitics ------------------------------------------------------------------
#
# Proclitics that may stand before a name: the conjunctions و ف, the prepositions
# ب ك ل, and a conjunction before a preposition (وب، فل...). Before a name that
# starts with the article, ل + ال is written لل (للكرملين). They are stripped only
# when what remains is a known name, so ordinary words are never cut; a name listed
# without the article never takes it (so هادي is not found in المحيط الهادي).

PROCLITICS = ("وب", "وك", "ول", "فب", "فك", "فل", "و", "ف", "ب", "ك", "ل")


def clitic_forms(word: str) -> set[str]:
    """The normalised forms a name's first word takes after a proclitic:
    روسيا -> وروسيا، لروسيا، وبروسيا...; الكرملين -> والكرملين، بالكرملين، للكرملين، وللكرملين."""
    has_article = word.startswith("ال") and len(word) > 3
    forms = set()
    for prefix in PROCLITICS:
        if has_article and prefix.endswith("ل"):
            forms.add(prefix + word[1:])  # ل + الكرملين -> للكرملين
        else:
            forms.add(prefix + word)
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


# -- the search stemmer ---------------------------------------------------------
#
# Light10 (Larkey et al.), the light stemmer that conflated Arabic word families best
# among those that can run identically in Python and in the browser, extended so that a
# word and the same word after a proclitic always give one token (بوتين، لبوتين): ل + ال
# is read as ال (للناتو -> الناتو); then the letters و ف ب ك ل are taken off the front
# while at least four letters remain, and only before the article; then the article;
# then Light10's suffixes (with ة written ه), each once, in order, leaving two letters.
# arshif/templates/static/arshif-text.js is its twin; tests/data/search_vectors.json
# holds the words both must reduce alike.

CLITIC_LETTERS = "وفبكل"
STEM_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
MIN_AFTER_CLITIC = 4


def stem(word: str) -> str:
    """The search token of a normalised word (Latin words and numbers are left as they are)."""
    if not word or not ("\u0621" <= word[0] <= "\u064a"):
        return word
    if len(word) >= 5 and (word.startswith("لل") or (word[0] in "وف" and word[1:3] == "لل")):
        at = word.index("لل")
        word = word[:at] + "ال" + word[at + 2 :]
    while word[0] in CLITIC_LETTERS and len(word) - 1 >= MIN_AFTER_CLITIC:
        word = word[1:]
    if word.startswith("ال") and len(word) - 2 >= 2:
        word = word[2:]
    for suffix in STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


def search_tokens(text: str) -> list[str]:
    """What the search index holds for a text: stems of its words, common words left out."""
    return [stem(w) for w in tokens(text) if w not in COMMON_WORDS]


def text_core_for_js() -> dict:
    """The data arshif-text.js needs to fold and stem exactly as this module does."""
    return {
        "fold": {chr(k): v for k, v in _FOLD.items()},
        "ignored": IGNORED,
        "stopWords": sorted(COMMON_WORDS),
        "cliticLetters": CLITIC_LETTERS,
        "suffixes": list(STEM_SUFFIXES),
        "minAfterClitic": MIN_AFTER_CLITIC,
    }
