"""Write tests/data/search_vectors.json: real corpus words, each in every kind of spelling
variant, with the search token arshif.text gives it. Run it again only when the stemmer
changes on purpose; the tests then hold Python and JavaScript to the new tokens.

    .venv/bin/python tests/make_search_vectors.py
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from arshif.text import COMMON_WORDS, normalise, stem, tokens

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


def main() -> None:
    vectors = []
    for word in frequent_words():
        for kind, written in variants(word).items():
            [token] = [stem(w) for w in tokens(written)] or [""]
            vectors.append([written, token, kind])
    vectors += [[w, stem(tokens(w)[0]), kind] for w, kind in (
        ("٢٠٢١", "arabic-indic digits"), ("۲۰۲۱", "extended arabic-indic digits"), ("2021", "latin digits"),
        ("Tu", "latin upper case"), ("NATO", "latin upper case"), ("ٱلقدس", "alef wasla"), ("آذار", "alef madda"),
        ("هٰذا", "dagger alef"), ("مسئول", "hamza on ya"), ("مسؤول", "hamza on waw"),
    )]
    path = HERE / "data" / "search_vectors.json"
    lines = ",\n".join(json.dumps(v, ensure_ascii=False) for v in vectors)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")  # [word, token, kind], one a line
    print(f"{len(vectors)} vectors -> {path}")


if __name__ == "__main__":
    main()
