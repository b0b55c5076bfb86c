"""Properties of the text core and the parsers, over any input hypothesis can think of."""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arshif.enrich.matcher import Matcher
from arshif.errors import BuildError, Problems
from arshif.load import load_archive
from arshif.text import base_form, clean_line, clean_lines, fold, from_lexicon_code, lexicon_code, normalise, readings, tokens

ARABIC = "".join(chr(c) for c in range(0x0600, 0x0700))
arabic_text = st.text(alphabet=st.sampled_from(ARABIC + " \u200c\u200f\u202e\u0640" + string.ascii_letters + string.digits + "،.«»\"'-"))


@given(st.text())
def test_normalise_never_raises_and_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_fold_keeps_the_length(text):
    assert len(fold(text)) == len(text)


@given(arabic_text)
def test_tokens_are_normalised_words(text):
    for word in tokens(text):
        assert word and normalise(word) == word and " " not in word


@given(arabic_text)
def test_base_forms_are_the_word_or_a_reading_of_it(text):
    words = tokens(text)
    counts = Counter(words)
    for word in words:
        base = base_form(word, counts)
        assert base == word or base in readings(word)
        if base != word:  # the browser gets it back from the lexicon's code
            assert from_lexicon_code(word, lexicon_code(word, base)) == base
        assert len(base) >= min(len(word), 3)


@given(st.text())
def test_clean_line_removes_what_pages_must_not_hold(text):
    cleaned = clean_line(text)
    assert cleaned == cleaned.strip()
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F or ch in "\ufeff\u202a\u202b\u202c\u202d\u202e" for ch in cleaned)


@given(arabic_text, st.lists(st.text(alphabet=ARABIC[0x21:0x4B], min_size=2, max_size=6), min_size=1, max_size=5))
def test_matches_are_whole_words_of_the_text(text, aliases):
    matcher = Matcher([(alias, f"e{i}", False) for i, alias in enumerate(aliases)])
    previous_end = 0
    for match in matcher.find(text):
        assert previous_end <= match.start < match.end <= len(text)
        assert tokens(text[match.start:match.end])  # a span of real words
        previous_end = match.end


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_as_an_article_build_or_give_the_documented_error(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("bytes")
    (root / "seeds").mkdir()
    (root / "seeds" / "x.txt").write_bytes(data)
    try:
        archive = load_archive(root, Problems())
    except BuildError as exc:
        [problem] = exc.problems
        assert problem.path.name == "x.txt" and problem.hint
        assert any(words in problem.message for words in ("not UTF-8", "Windows-1256", "empty", "headline", "UTF-16"))
    else:
        [article] = archive.articles
        assert article.title and article.paragraphs


SPACES_AND_CONTROLS = " \t\r\x0b\x0c\x1c\x85\xa0\u1680\u2000\u200b\u200f\u2028\u2029\u202e\u2066\u3000\ufeff\ufdd0\U0001fffe\x00\x9f"


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\n") | st.sampled_from(SPACES_AND_CONTROLS), max_size=40),
                min_size=1, max_size=6))
def test_cleaning_a_seeds_lines_at_once_is_cleaning_each(lines):
    assert clean_lines(lines) == [clean_line(line) for line in lines]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(["ا", "ب", "a", "\ue000", "\uffff", "😀", "𝐀", "\ud7ff"]), max_size=4), max_size=12))
def test_js_sorted_is_javascripts_order(keys):
    """Code-point order is UTF-16's unless a key holds a character beyond U+FFFF (😀 sorts
    before U+E000 in JavaScript, after it in Python): js_sorted must match the browser either way."""
    from arshif.postings import js_order, js_sorted
    assert js_sorted(keys) == sorted(keys, key=js_order)


def test_an_articles_quick_copy_is_dataclasses_replace():
    import dataclasses
    from pathlib import Path

    import pytest

    from arshif.model import Article, Paragraph
    article = Article("a", "عنوان", (Paragraph("نص", 2),), Path("seeds/a.txt"), source="sana", tags=("x",))
    changed = article.with_changes(title="عنوان آخر", related=("b",))
    assert changed == dataclasses.replace(article, title="عنوان آخر", related=("b",)) and hash(changed) == hash(dataclasses.replace(article, title="عنوان آخر", related=("b",)))
    assert article.title == "عنوان" and article.related == ()  # the original is untouched
    with pytest.raises(TypeError):
        article.with_changes(titel="typo")
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.title = "x"


_WORD = st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=1, max_size=12)
_GLUE = st.sampled_from([" "] * 6 + ["، ", ", ", "؛ ", "  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORD, _GLUE), min_size=1, max_size=120), st.data())
def test_a_long_sentences_quote_holds_the_mention_and_is_cut_between_words(parts, data):
    """An entity page quotes the sentence of an article's first mention; one over the limit is
    cut around the mention, never inside a word (13% of the corpus's quotes began mid-word)."""
    from arshif.model import Mention
    from arshif.render.entities import SENTENCE_LIMIT, _around
    text = "".join(word + glue for word, glue in parts).strip()
    start, end = data.draw(st.sampled_from([(m.start(), m.end()) for m in re.finditer(r"\w+", text)]))
    lo, hi = _around(text, 0, len(text), Mention("e", 0, start, end))
    assert lo <= start and end <= hi and hi - lo <= SENTENCE_LIMIT
    assert lo == 0 or not text[lo - 1].isalnum()  # begins between words
    assert hi == len(text) or not text[hi].isalnum()  # ends between words
    assert len(text) <= SENTENCE_LIMIT or hi - lo >= SENTENCE_LIMIT // 3  # and keeps enough around the mention


def test_a_long_sentences_quote_is_marked_where_it_is_cut():
    from arshif.model import Article, Mention, Paragraph
    from arshif.render.entities import SENTENCE_LIMIT, mention_sentence
    before, after = "قال المتحدث " * 30, " في المؤتمر الصحفي الذي عقد اليوم" * 10
    text = f"جملة أولى. {before}بوتين{after}. جملة أخيرة."
    start = text.index("بوتين")
    article = Article(id="a", title="عنوان", paragraphs=(Paragraph(text, 2),), origin=Path("a.txt"))
    quote = mention_sentence(article, Mention("e", 0, start, start + 5))
    assert quote.startswith("…قال ") and quote.endswith("…") and "بوتين" in quote and len(quote) <= SENTENCE_LIMIT + 2
    short = "جملة أولى. قال بوتين كلاما. جملة أخيرة."
    at = short.index("بوتين")
    assert mention_sentence(Article(id="b", title="ع", paragraphs=(Paragraph(short, 2),), origin=Path("b.txt")),
                            Mention("e", 0, at, at + 5)) == "قال بوتين كلاما."
