"""Entities: the curators' file, the Arabic matcher, linking policies, pages, and precision/recall on hand-checked text."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from conftest import CORPUS, write_archive
from htmlcheck import broken_links, parse_page

from arshif.enrich.entities import entity_matcher, lint_entities
from arshif.enrich.matcher import Matcher
from arshif.errors import BuildError, Problems
from arshif.load import load_archive
from arshif.load.entities import load_entities
from arshif.pipeline import REPO_ROOT, build

GOLD = Path(__file__).parent / "data" / "entity_gold.toml"


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.entity) for m in matcher.find(text) if not m.adjective]


# -- the matcher ----------------------------------------------------------------

@pytest.fixture(scope="module")
def matcher():
    return Matcher([
        ("فلاديمير بوتين", "putin", False), ("بوتين", "putin", False), ("الرئيس الروسي فلاديمير بوتين", "putin", False),
        ("الكرملين", "kremlin", False), ("روسيا", "russia", False), ("الروسية", "russia", True),
        ("مجلس الأمن", "unsc", False), ("مجلس الأمن القومي", "nsc", False), ("Tu-95MS", "tu95", False),
        ("روسيا اليوم", "rt", False), ("الأمم المتحدة", "un", False),
    ])


def test_longest_match_wins(matcher):
    assert found(matcher, "قال الرئيس الروسي فلاديمير بوتين اليوم") == [("الرئيس الروسي فلاديمير بوتين", "putin")]
    assert found(matcher, "اجتمع مجلس الأمن القومي ثم مجلس الأمن") == [("مجلس الأمن القومي", "nsc"), ("مجلس الأمن", "unsc")]


def test_never_inside_a_longer_word(matcher):
    assert found(matcher, "البوتينية والروسيات وكرملينات") == []


@pytest.mark.parametrize("written", ["وروسيا", "لروسيا", "بروسيا", "فروسيا", "كروسيا", "وبروسيا", "ولروسيا", "فبروسيا"])
def test_proclitics_before_a_name(matcher, written):
    assert found(matcher, f"زار الوفد {written} أمس") == [(written, "russia")]


@pytest.mark.parametrize("written", ["والكرملين", "بالكرملين", "للكرملين", "وللكرملين", "فالكرملين", "وبالكرملين", "كالكرملين"])
def test_proclitics_before_a_name_with_the_article(matcher, written):
    assert found(matcher, f"قال مصدر {written} إن") == [(written, "kremlin")]


def test_a_name_listed_without_the_article_does_not_take_it(matcher):
    assert found(matcher, "البوتين والروسيا") == []
    assert found(matcher, "لالكرملين") == []


@pytest.mark.parametrize("written", ["لألمانيا", "ولألمانيا", "فلألمانيا", "بألمانيا", "وألمانيا", "لالمانيا"])
def test_a_name_whose_alef_has_hamza_takes_proclitics_as_a_plain_word(written):
    """ألمانيا folds to المانيا, but its ال is no article: ل joins it as لألمانيا (folded لالمانيا), never لل."""
    germany = Matcher([("ألمانيا", "germany", False)])
    assert found(germany, f"زار الوفد {written} أمس") == [(written, "germany")]
    assert found(germany, "زار الوفد للمانيا أمس") == []


def test_a_name_with_a_bare_alef_keeps_the_article_reading():
    """Written without hamza, ال is read as the article, as before: الحج -> للحج (not لالحج)."""
    hajj = Matcher([("الحج", "hajj", False)])
    assert found(hajj, "استعدادا للحج وللحج") == [("للحج", "hajj"), ("وللحج", "hajj")]
    assert found(hajj, "قال لالحج") == []


@pytest.mark.parametrize("variant", [
    "بوتِين", "بوتيـــن", "بو\u200cتين", "\u200fبوتين", "بوتين\u200e",  # diacritics, tatweel, zero-width, bidi marks
])
def test_spelling_and_invisible_variants(matcher, variant):
    assert found(matcher, f"قال {variant} إن") == [(variant, "putin")]


def test_alef_hamza_ya_and_ta_marbuta_variants():
    variants = Matcher([("إسرائيل", "israel", False), ("مكة المكرمة", "mecca", False), ("مستشفى الولادة", "hospital", False)])
    assert found(variants, "اسرائيل وأسرائيل") == [("اسرائيل", "israel"), ("وأسرائيل", "israel")]
    assert found(variants, "في مكه المكرمه") == [("مكه المكرمه", "mecca")]
    assert found(variants, "إلى مستشفي الولاده") == [("مستشفي الولاده", "hospital")]


def test_latin_and_digits(matcher):
    assert found(matcher, 'من طراز "Tu-95MS" و tu-95ms') == [("Tu-95MS", "tu95"), ("tu-95ms", "tu95")]


def test_names_do_not_run_across_punctuation(matcher):
    assert found(matcher, 'قناة "روسيا اليوم"') == [("روسيا اليوم", "rt")]
    assert found(matcher, "في روسيا، اليوم") == [("روسيا", "russia")]


def test_adjectives_are_found_but_marked(matcher):
    [match] = matcher.find("الحكومة الروسية")
    assert match.adjective and match.entity == "russia"


def test_a_shared_alias_links_nothing():
    shared = Matcher([("بوش", "george-w-bush", False), ("بوش", "george-h-w-bush", False), ("جورج بوش الابن", "george-w-bush", False)])
    assert found(shared, "قال بوش") == [("بوش", None)]
    assert found(shared, "قال جورج بوش الابن") == [("جورج بوش الابن", "george-w-bush")]


# -- the curators' file -----------------------------------------------------------

ENTITY = '[[entity]]\nid = "{id}"\nname = "{name}"\ntype = "{type}"\n'


def entities_from(tmp_path, text):
    path = tmp_path / "entities.toml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    return load_entities(path, problems), problems


def test_entities_file_errors_have_lines(tmp_path):
    text = (ENTITY.format(id="putin", name="بوتين", type="person")
            + ENTITY.format(id="putin", name="آخر", type="person")  # duplicate id, line 5
            + ENTITY.format(id="Bad Id", name="اسم", type="person")  # line 9
            + ENTITY.format(id="x", name="اسم", type="planet")  # line 13
            + '[[entity]]\nid = "y"\ntype = "place"\ncolour = "red"\n')  # line 17: no name, unknown key on 20
    _, problems = entities_from(tmp_path, text)
    shown = {(p.line, p.message.split(" (")[0]) for p in problems.errors}
    assert (5, "the id 'putin' is used twice") in shown
    assert (10, "the id 'Bad Id' is not lower-case ASCII words joined by '-'") in shown
    assert (16, "unknown type 'planet'") in shown
    assert (17, "the entity has no 'name'") in shown
    assert (20, "unknown key 'colour'") in shown
    assert all(p.hint for p in problems.errors)


def test_same_alias_for_two_entities(tmp_path):
    text = (ENTITY.format(id="a", name="الأول", type="person") + 'aliases = ["بوش"]\n'
            + ENTITY.format(id="b", name="الثاني", type="person") + 'aliases = ["بوش"]\n')
    _, problems = entities_from(tmp_path, text)
    [error] = problems.errors
    assert "the alias 'بوش' belongs to 2 entities (a, b)" in error.message and "shared_aliases" in error.hint
    _, problems = entities_from(tmp_path, text.replace('aliases = ["بوش"]', 'aliases = ["بوش"]\nshared_aliases = ["بوش"]'))
    assert problems.errors == [] and len(problems.warnings) == 1


def test_invalid_toml_line(tmp_path):
    _, problems = entities_from(tmp_path, ENTITY.format(id="a", name="ب", type="person") + 'aliases = ["x"\n')
    [error] = problems.errors
    assert error.line == 5 and "invalid TOML" in error.message


def test_lint_common_word_and_prefix_alias(tmp_path):
    text = (ENTITY.format(id="kyiv", name="كييف", type="place") + 'aliases = ["كيف"]\n'
            + ENTITY.format(id="unsc", name="مجلس الأمن", type="organization")
            + ENTITY.format(id="nsc", name="مجلس الأمن القومي", type="organization"))
    entities, problems = entities_from(tmp_path, text)
    lint_entities(entities, problems)
    messages = [p.message for p in problems.warnings]
    assert any("kyiv" in m and "common Arabic word" in m for m in messages)
    assert any("'unsc'" in m and "begins 'مجلس الأمن القومي'" in m for m in messages)


def test_repo_entities_file_loads_clean():
    entities, problems = load_entities(REPO_ROOT / "content" / "entities.toml", Problems()), Problems()
    assert len(entities) >= 60 and problems.errors == []


# -- precision and recall on hand-checked articles ------------------------------------

def gold_articles():
    for record in tomllib.loads(GOLD.read_text(encoding="utf-8"))["article"]:
        name = record["file"]
        path = CORPUS / "articles" / name[7:] if name.startswith("corpus:") else REPO_ROOT / name
        yield path, [tuple(m) for m in record["mentions"]]


def gold_spans(lines, mentions):
    """(line, start, end, entity) for each annotated mention; a line's mentions are listed in reading order."""
    cursor: dict[int, int] = {}
    for number, text, entity in mentions:
        whole_word = re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")
        match = whole_word.search(lines[number - 1], cursor.get(number, 0))
        assert match, f"annotation {text!r} not found on line {number}"
        cursor[number] = match.end()
        yield number, match.start(), match.end(), entity


def test_linker_precision_and_recall():
    if not (CORPUS / "articles").is_dir():
        pytest.skip("../shared/corpus is not here")
    matcher = entity_matcher(load_entities(REPO_ROOT / "content" / "entities.toml", Problems()))
    true_positive = false_positive = gold_total = 0
    misses, extras = [], []
    for path, mentions in gold_articles():
        lines = path.read_text(encoding="utf-8").split("\n")
        gold = list(gold_spans(lines, mentions))
        gold_total += len(gold)
        unmatched = set(gold)
        for number, line in enumerate(lines, 1):
            for match in matcher.find(line):
                if match.adjective or match.entity is None:
                    continue
                hit = next((g for g in unmatched if g[0] == number and g[3] == match.entity and g[1] < match.end and match.start < g[2]), None)
                if hit:
                    unmatched.discard(hit)
                    true_positive += 1
                else:
                    false_positive += 1
                    extras.append((path.name, number, line[match.start:match.end], match.entity))
        misses += [(path.name, g[0], lines[g[0] - 1][g[1]:g[2]], g[3]) for g in unmatched]
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / gold_total
    print(f"\nentity linking on {gold_total} hand-checked mentions: precision {precision:.3f}, recall {recall:.3f}")
    print("missed:", misses, "\nextra:", extras)
    assert precision >= 0.95 and recall >= 0.95


# -- pages ------------------------------------------------------------------------

ENTITIES_TOML = """
[[entity]]
id = "putin"
name = "فلاديمير بوتين"
type = "person"
aliases = ["بوتين"]
description = "الرئيس الروسي"

[[entity]]
id = "russia"
name = "روسيا"
type = "place"
adjectives = ["الروسية"]

[[entity]]
id = "kremlin"
name = "الكرملين"
type = "organization"
"""


@pytest.fixture
def entity_archive(tmp_path):
    root = write_archive(
        tmp_path / "archive",
        seeds={
            "a.txt": "بوتين يزور روسيا\nقال بوتين للكرملين إن روسيا قوية. وأضاف بوتين كلاما.\nوكرر بوتين قوله.\n",
            "b.txt": "خبر عن الكرملين\nأعلن الكرملين أن الحكومة الروسية اجتمعت.\n",
            "c.txt": "خبر آخر\nلا أسماء هنا.\n",
        },
        metadata="file,source,date,url,author\na.txt,x,2015-08-02,,\nb.txt,x,2015-07-01,,\nc.txt,x,2015-08-03,,\n",
        toml='title = "أرشيف"\n',
    )
    (root / "content" / "entities.toml").write_text(ENTITIES_TOML, encoding="utf-8")
    return root


def test_article_links_first_mentions_written_as_they_are(entity_archive, tmp_path):
    out = tmp_path / "out"
    build(entity_archive, out)
    html = (out / "articles" / "a.html").read_text(encoding="utf-8")
    body = html[html.index('<div class="article-body">'):html.index("</div>", html.index('<div class="article-body">'))]
    assert body.count('class="entity"') == 3  # first بوتين, للكرملين, روسيا in the body
    assert '<a class="entity" href="../entities/kremlin.html">للكرملين</a>' in body  # the clitic is inside the link
    assert "<h1>بوتين يزور روسيا</h1>" in html  # a headline is never linked: its names are, in the body
    assert 'href="../entities/putin.html">فلاديمير بوتين</a>' in html  # the "named here" list
    assert broken_links(out) == []


@pytest.mark.parametrize("policy, links", [("paragraph", 4), ("all", 5)])
def test_link_policies(entity_archive, tmp_path, policy, links):
    (entity_archive / "archive.toml").write_text(f'link_mentions = "{policy}"\n', encoding="utf-8")
    out = tmp_path / "out"
    build(entity_archive, out)
    html = (out / "articles" / "a.html").read_text(encoding="utf-8")
    body = html[html.index('<div class="article-body">'):html.index("</div>", html.index('<div class="article-body">'))]
    assert body.count('class="entity"') == links


def test_entity_page_and_index(entity_archive, tmp_path):
    out = tmp_path / "out"
    build(entity_archive, out)
    page = parse_page(out / "entities" / "putin.html")
    assert page.texts["h1"] == ["فلاديمير بوتين"]
    html = (out / "entities" / "putin.html").read_text(encoding="utf-8")
    assert "الرئيس الروسي" in html and "ذُكر 4 مرات" in html.replace("٤", "4")
    assert "قال بوتين للكرملين إن روسيا قوية." in html  # the sentence of the first mention in the body
    assert 'href="../entities/kremlin.html"' in html  # named alongside it
    assert "<svg" in html  # the timeline
    russia = (out / "entities" / "russia.html").read_text(encoding="utf-8")
    assert 'href="../articles/b.html"' in russia  # related by the adjective, never linked by it
    b = (out / "articles" / "b.html").read_text(encoding="utf-8")
    assert "entities/russia.html" not in b.split('<div class="article-body">')[1].split("</div>")[0]
    index = (out / "entities" / "index.html").read_text(encoding="utf-8")
    assert index.index("أشخاص") if "أشخاص" in index else True
    assert 'href="../entities/putin.html"' in index and 'href="../entities/kremlin.html"' in index
    assert broken_links(out) == []


def test_related_articles_share_entities(entity_archive, tmp_path):
    archive = load_archive(entity_archive, Problems())
    from arshif.pipeline import enrich

    enriched = enrich(archive, Problems())
    by_id = {a.id: a for a in enriched.articles}
    assert by_id["a"].related[0] == "b"  # both name the Kremlin and Russia
    assert "c" not in by_id["a"].related


def test_markdown_articles_are_linked_outside_links_and_code(entity_archive, tmp_path):
    (entity_archive / "content" / "articles").mkdir(parents=True)
    (entity_archive / "content" / "articles" / "note.md").write_text(
        "---\ntitle: ملاحظة\ndate: 2015-08-04\n---\nقال **بوتين** و[بوتين](https://example.org) و`بوتين` وبوتين.\n", encoding="utf-8")
    out = tmp_path / "out"
    build(entity_archive, out)
    html = (out / "articles" / "note.html").read_text(encoding="utf-8")
    assert '<strong><a class="entity" href="../entities/putin.html">بوتين</a></strong>' in html
    assert '<a href="https://example.org">بوتين</a>' in html and "<code>بوتين</code>" in html
    assert html.count('class="entity"') == 1  # "first": the later mentions stay text


def test_unknown_entity_type_stops_the_build(entity_archive, tmp_path):
    path = entity_archive / "content" / "entities.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('type = "place"', 'type = "country"'), encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(entity_archive, tmp_path / "out")
    [problem] = info.value.problems
    assert problem.path == path and problem.line == 12


def test_suggest_entities_finds_names_after_titles(tmp_path):
    from arshif.enrich.suggest import suggest_entities, suggested_id

    root = write_archive(tmp_path / "a", seeds={
        f"{i}.txt": f"خبر {i}\nقال وزير الخارجية الروسي سيرغي لافروف إن المحادثات مستمرة مع الرئيس بوتين.\n" for i in range(3)
    })
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "entities.toml").write_text(ENTITIES_TOML, encoding="utf-8")
    suggestions = suggest_entities(load_archive(root, Problems()))
    names = {s.name: s for s in suggestions}
    assert "سيرغي لافروف" in names and names["سيرغي لافروف"].count == 3 and names["سيرغي لافروف"].kind == "person"
    assert "بوتين" not in names  # already known
    assert suggested_id("سيرغي لافروف") == "syrghy-lafrwf"


def test_suggest_entities_command_prints_toml(tmp_path):
    import subprocess
    import sys

    root = write_archive(tmp_path / "a", seeds={f"{i}.txt": f"خبر {i}\nأكد المتحدث باسم الوزارة أحمد الصحاف الخبر.\n" for i in range(2)})
    result = subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), "suggest-entities", str(root)], capture_output=True, text=True)
    assert result.returncode == 0
    parsed = tomllib.loads(result.stdout)
    assert parsed["entity"][0]["name"] == "أحمد الصحاف"


NISBA_TOML = '[[entity]]\nid = "saudi-arabia"\nname = "المملكة العربية السعودية"\ntype = "place"\nnisba = ["السعودية"]\n'


@pytest.mark.parametrize("text, reads_as_name", [
    ("وصل الوفد إلى السعودية أمس", True),  # after a preposition
    ("وصل الوفد الى السعودية أمس", True),  # the preposition as often misspelt: it has the article's letters
    ("أعلنت السعودية أمس", True),  # after a verb
    ("السعودية تعلن موقفها", True),  # starting the text
    ("بين الإمارات والسعودية اتفاق", True),  # after a conjunction: a name
    ("قال الوزير، السعودية ترحب", True),  # a new phrase after a comma
    ("أعلنت الحكومة السعودية أمس", False),  # after a definite noun: the adjective
    ("فاز فريق الصقور السعودية", False),
    ("غنت الفنانة السعودية", False),
    ("وقالت والحكومة السعودية", False),  # the noun with a conjunction is still a definite noun
    ("في المملكة العربية السعودية", True),  # the full name, matched whole
    ("أعلنت اليوم السعودية موقفها", True),  # a time word has the article's letters but is no noun the adjective follows
    ("وصل الوفد الخميس السعودية", True),
])
def test_a_nisba_alias_is_a_name_or_an_adjective_as_the_words_before_it_say(tmp_path, text, reads_as_name):
    """السعودية is the country and the adjective "Saudi": a curator marks it `nisba`, and it is
    linked only where it reads as the name (4 of 6 links on it in a sample were the adjective)."""
    path = tmp_path / "entities.toml"
    path.write_text(NISBA_TOML, encoding="utf-8")
    problems = Problems()
    (entity,) = load_entities(path, problems)
    assert not problems.items and "السعودية" in entity.aliases and entity.nisba == ("السعودية",)
    (match,) = entity_matcher((entity,)).find(text)
    assert match.entity == "saudi-arabia" and match.adjective == (not reads_as_name), text


def test_a_nisba_alias_in_markdown_emphasis_reads_the_words_before_the_emphasis(tmp_path):
    """A curated article's text is cut by its inline elements: «الحكومة *السعودية*» is the
    adjective there too, as in a seed; «إلى *السعودية*» the name."""
    root = write_archive(tmp_path / "archive", articles={"a.md": "---\ntitle: خبر\ndate: 2015-08-01\n---\n\n"
                                                         "قالت الحكومة *السعودية* كلاما.\n\nوسافر الوفد إلى *السعودية* أمس.\n"})
    (root / "content" / "entities.toml").write_text(NISBA_TOML, encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)
    body = (out / "articles" / "a.html").read_text(encoding="utf-8").split('<div class="article-body">')[1]
    first, second = body.split("</p>")[:2]
    assert "entities/saudi-arabia.html" not in first and "entities/saudi-arabia.html" in second
