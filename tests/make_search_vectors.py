"""Write tests/data/search_vectors.json: real corpus words, each in every kind of spelling
variant, with what arshif.text makes of it (its normalised words, the readings of the first)
and the index term the 2,000-article corpus gives it. Run it again only when the analyser
changes on purpose; the tests then hold Python and JavaScript to the new answers.

    .venv/bin/python tests/make_search_vectors.py
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from arshif.errors import Problems
from arshif.load import load_archive
from arshif.pipeline import enrich
from arshif.search import Analyser, analyse, build_index, search_docs
from arshif.text import COMMON_WORDS, form_of, normalise, readings, tokens

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "articles"
WORDS = 300


def frequent_words() -> list[str]:
    counts: Counter = Counter()
    for path in sorted(CORPUS.glob("*.txt"))[:600]:
        for line in path.read_text(encoding="utf-8").split("\n"):
            counts.update(w for w in line.split() if w.isalpha())
    ranked = [w for w, n in counts.most_common(6000) if normalise(w) not in COMMON_WORDS and len(w) > 2]
    return random.Random(5).sample(ranked, WORDS)


def variants(word: str) -> dict[str, str]:
    """kind -> a spelling of the word a reader or a writer might use."""
    bare = normalise(word)
    found = {
        "as written": word,
        "tashkeel": word[0] + "\u064e" + word[1:] + "\u064f",
        "shadda": word[:2] + "\u0651" + word[2:],
        "tatweel": word[:2] + "\u0640\u0640" + word[2:],
        "zero-width": word[:2] + "\u200c" + word[2:],
        "bidi mark": "\u200f" + word + "\u200e",
        "bare alef": bare,
        "hamza on alef": bare.replace("ا", "أ", 1),
        "hamza below alef": bare.replace("ا", "إ", 1),
        "ya as alef maqsura": bare[:-1] + "ى" if bare.endswith("ي") else bare,
        "ta marbuta as ha": word[:-1] + "ه" if word.endswith("ة") else word,
        "ha as ta marbuta": bare[:-1] + "ة" if bare.endswith("ه") else bare,
        "wa": "و" + word,
        "bi": "ب" + word,
        "li": ("لل" + word[2:]) if bare.startswith("ال") else "ل" + word,
        "wa-li": ("ولل" + word[2:]) if bare.startswith("ال") else "ول" + word,
        "ka": "ك" + word,
        "fa": "ف" + word,
        "al": word if bare.startswith("ال") else "ال" + word,
        "wal": ("و" + word) if bare.startswith("ال") else "وال" + word,
    }
    return found


# The faults the analyser must not make (names cut, unrelated words merged), and letters
# other than Arabic: each is a vector of its own.
EXTRA = (
    ("٢٠٢١", "arabic-indic digits"), ("۲۰۲۱", "extended arabic-indic digits"), ("2021", "latin digits"),
    ("Tu", "latin upper case"), ("NATO", "latin upper case"), ("ٱلقدس", "alef wasla"), ("آذار", "alef madda"),
    ("هٰذا", "dagger alef"), ("مسئول", "hamza on ya"), ("مسؤول", "hamza on waw"),
    ("Путин", "cyrillic"), ("ПУТИН", "cyrillic upper case"), ("путин", "cyrillic"), ("Éric", "accented latin"),
    ("ÉRIC", "accented latin upper case"), ("Müller", "accented latin"), ("Ελλάδα", "greek"),
    *((w, "name or word not to cut") for w in (
        "بوتين", "لبنان", "كورونا", "طالبان", "وزارة", "بوتان", "بروناي", "بطالة", "طالب", "السيولة", "السيول",
        "العبادي", "العبادة", "حزمة", "حزم", "فكرة", "واحد", "بعيد", "فيصل", "كمال", "لجنة", "التزام", "الالتزام")),
    *((w, "with and without the article") for w in ("الكهرباء", "كهرباء", "الفيضانات", "فيضانات", "الكورونا", "كورونا")),
)


def corpus_analyser() -> Analyser:
    problems = Problems()
    archive = enrich(load_archive(CORPUS_ARCHIVE(), problems), problems)
    docs = search_docs(archive)
    words, analyser = analyse(docs)
    build_index(docs, analyser, words)
    return analyser


def CORPUS_ARCHIVE() -> Path:
    """An archive folder over the corpus, made in a temporary folder (never in the repo)."""
    import os
    import shutil
    import tempfile
    root = Path(tempfile.mkdtemp()) / "archive"
    (root / "content").mkdir(parents=True)
    os.symlink(CORPUS, root / "seeds")
    shutil.copy(CORPUS.parent / "metadata.csv", root / "content" / "metadata.csv")
    return root


def vector(written: str, kind: str, analyser: Analyser) -> list:
    words = tokens(written)
    first = words[0] if words else ""
    term = analyser.query_term(first) if first else None
    return [written, words, readings(first), term, kind, form_of(first, term) if term else None]


def main() -> None:
    analyser = corpus_analyser()
    vectors = []
    for word in frequent_words():
        for kind, written in variants(word).items():
            vectors.append(vector(written, kind, analyser))
    vectors += [vector(w, kind, analyser) for w, kind in EXTRA]
    path = HERE / "data" / "search_vectors.json"
    lines = ",\n".join(json.dumps(v, ensure_ascii=False) for v in vectors)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")  # [written, words, readings, term on the corpus, kind, surface form], one a line
    print(f"{len(vectors)} vectors -> {path}")


if __name__ == "__main__":
    main()
