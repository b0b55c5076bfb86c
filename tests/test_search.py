"""Search: one analyser in Python and JavaScript, an index split by term, built from the content."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED_TEXT, write_archive

from arshif.pipeline import REPO_ROOT, build
from arshif.postings import CONTINUE, FORM_BITS, TERMINAL, _varint, js_order, varints
from arshif.text import form_of, normalise, readings, tokens

VECTORS = Path(__file__).parent / "data" / "search_vectors.json"
# Each pair: words the analyser must keep apart on the corpus (a name and a word it is not).
APART = [("بوتين", "بوتان"), ("لبنان", "بن"), ("كورونا", "بروناي"), ("وزارة", "زار"), ("بطالة", "طال"),
         ("طالبان", "طالب"), ("السيولة", "السيول"), ("العبادي", "العبادة"), ("حزمة", "حزم"), ("فكرة", "كره"),
         ("بعيد", "عيد"), ("فيصل", "يصل"), ("كمال", "مال"), ("لجنة", "جنة")]
NAMES = ["بوتين", "لبنان", "كورونا", "طالبان", "وزارة", "فيصل", "التزام"]
# Each group: spellings a reader may type for one word; they must reach the same term.
TOGETHER = [("الكهرباء", "كهرباء", "والكهرباء", "بالكهرباء", "للكهرباء"), ("الفيضانات", "فيضانات"),
            ("روسيا", "وروسيا", "بروسيا", "لروسيا", "وبروسيا"), ("المملكة", "للمملكة", "بالمملكة", "المملكه"),
            ("أمريكا", "امريكا", "إمريكا"), ("مستشفى", "مستشفي", "المستشفى"), ("الالتزام", "التزام")]


def test_vectors_through_the_python_side(corpus_search):
    _, _, analyser = corpus_search
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert len(vectors) > 6000 and len({v[4] for v in vectors}) >= 30
    for written, words, reading, term, kind, form in vectors:
        assert tokens(written) == words, (written, kind)
        assert readings(words[0] if words else "") == reading, (written, kind)
        assert (analyser.query_term(words[0]) if words else None) == term, (written, kind)
        assert (form_of(words[0], term) if term else None) == form, (written, kind)


def test_vectors_through_the_javascript_side(corpus_site):
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    result = subprocess.run(["node", str(Path(__file__).parent / "js" / "check_vectors.js"), str(corpus_site), str(VECTORS)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert ", 0 failed" in result.stdout


def test_names_are_not_cut_and_unrelated_words_not_merged(corpus_search):
    _, _, analyser = corpus_search
    term = lambda w: analyser.query_term(normalise(w))  # noqa: E731
    for a, b in APART:
        assert term(a) != term(b), (a, b)
    for name in NAMES:
        assert term(name) == normalise(name), name


def test_spellings_and_clitics_reach_one_term(corpus_search):
    _, _, analyser = corpus_search
    for group in TOGETHER:
        assert len({analyser.query_term(tokens(w)[0]) for w in group}) == 1, group


def test_latin_greek_and_cyrillic_fold_in_any_case():
    assert tokens("Путин ПУТИН Éric ÉRIC Müller NATO Ελλάδα ΕΛΛΆΔΑ") == [
        "путин", "путин", "eric", "eric", "muller", "nato", "ελλαδα", "ελλαδα"]


def test_varints_read_back():
    numbers = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 10**9]
    text = varints(numbers)
    assert set(text) <= set(TERMINAL + CONTINUE)
    digits = {ch: n for n, ch in enumerate(TERMINAL)} | {ch: n + 32 for n, ch in enumerate(CONTINUE)}
    back, n = [], 0
    for ch in text:
        if digits[ch] < 32:
            back.append(n * 32 + digits[ch])
            n = 0
        else:
            n = n * 32 + digits[ch] - 32
    assert back == numbers
    assert "".join(map(_varint, numbers)) == text  # the one-at-a-time writer agrees


def read_script(path: Path, call: str):
    text = path.read_text(encoding="utf-8")
    assert call + "(" in text and text.endswith(");\n")
    return json.loads("[" + text[text.index(call + "(") + len(call) + 1 : -3] + "]")


def test_search_files_in_the_site(repo_site):
    [manifest] = read_script(repo_site / "search" / "manifest.js", ".manifest")
    assert manifest["documents"] == 3 and manifest["pipeline"][2] == "arshif-base-v2"
    docs = []
    for path in sorted((repo_site / "search" / "d").glob("*.js")):
        docs += read_script(path, "ARSHIF_SEARCH.docs")[1]
    assert {d[0] for d in docs} == {p.relative_to(repo_site).as_posix() for p in (repo_site / "articles").glob("*.html")}
    terms = {}
    for number in range(len(manifest["firsts"])):
        terms.update(read_script(repo_site / "search" / "t" / f"{number}.js", "ARSHIF_SEARCH.part")[1]["p"])
    assert "بوتين" in terms and "وتين" not in terms  # the name whole, never cut
    assert list(terms) == sorted(terms, key=js_order)
    for page in ("index.html", "articles/000_d54b0313dd64e2d7.html"):
        assert 'name="q"' in (repo_site / page).read_text(encoding="utf-8")  # a search box on every page


def search_bytes(site: Path) -> dict[str, bytes]:
    files = [*sorted((site / "search").rglob("*.js")), site / "assets" / "arshif-text-data.js"]
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in files}


def test_a_template_edit_changes_no_search_file(tmp_path):
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT, "b.txt": "بوتين في موسكو\nقال بوتين إن روسيا...\n"})
    build(root, tmp_path / "one")
    (root / "templates").mkdir()
    base = (REPO_ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    (root / "templates" / "base.html").write_text(base.replace("</footer>", "<p>تعديل</p></footer>"), encoding="utf-8")
    (root / "templates" / "static").mkdir()
    (root / "templates" / "static" / "style.css").write_text("body { color: red; }\n", encoding="utf-8")
    build(root, tmp_path / "two")
    assert "تعديل" in (tmp_path / "two" / "index.html").read_text(encoding="utf-8")
    assert search_bytes(tmp_path / "one") == search_bytes(tmp_path / "two")


def test_search_files_are_the_same_in_two_processes(tmp_path):
    """Different hash seeds and LANG=C: the same bytes (the fold table is written sorted)."""
    root = write_archive(tmp_path / "archive", seeds={"a.txt": SEED_TEXT, "b.txt": "بوتين في موسكو\nقال بوتين إن روسيا...\n"})
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "LANG": "C"}
        subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), str(root), "--out", str(out), "--quiet"],
                       check=True, env=env, cwd=tmp_path)
        outs.append(search_bytes(out))
    assert outs[0] == outs[1]


def test_readings_of_words_the_archive_does_not_hold(corpus_search):
    """A typed clitic the corpus never wrote still reaches the word: the reading that most documents hold."""
    _, _, analyser = corpus_search
    assert analyser.query_term("للبنان") == analyser.query_term("لبنان") == "لبنان"
    assert analyser.query_term("عراق") == analyser.query_term("العراق")
    assert analyser.query_term("بهدف") == analyser.query_term("هدف")
    assert analyser.query_term(normalise("وللكهرباء")) == analyser.query_term(normalise("الكهرباء"))


def test_surface_forms_read_back_in_the_browser(corpus_search, corpus_site):
    """For terms with many forms and few, the browser reads, for every document, exactly the
    surface forms (وروسيا, بروسيا, روسيا) its headline and body hold."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    _, docs, analyser = corpus_search
    held: dict[str, dict[int, set[str]]] = {}
    for doc in docs:
        for word in doc.words[0] + doc.words[4]:
            term = analyser.base.get(word)
            if term:
                held.setdefault(term, {}).setdefault(doc.ref, set()).add(form_of(word, term))
    ranked = sorted(held, key=lambda t: (-len({f for fs in held[t].values() for f in fs}), t))
    terms = ranked[:40] + random.Random(3).sample(ranked[40:], 160)
    result = subprocess.run(["node", str(Path(__file__).parent / "js" / "term_forms.js"), str(corpus_site)],
                            input=json.dumps(terms), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert max(len(got[t][0]) for t in terms) > FORM_BITS  # some term has more forms than bits
    for term in terms:
        forms, bits_of = got[term]
        assert set(forms) == {f for fs in held[term].values() for f in fs}, term
        assert {int(r) for r in bits_of} == set(held[term]), term
        for ref, holds in held[term].items():
            expected = 0
            for form in holds:
                expected |= 1 << min(forms.index(form), FORM_BITS - 1)
            assert bits_of[str(ref)] == expected, (term, ref, holds)
