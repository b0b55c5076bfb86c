"""Tags: rules that understand Arabic word forms without over-matching, the vocabulary file, pages and feeds."""

from __future__ import annotations

import tomllib
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import CORPUS, write_archive
from htmlcheck import broken_links

from arshif.enrich.matcher import Matcher
from arshif.enrich.tags import rule_tags, tag_matcher, word_forms
from arshif.errors import BuildError, Problems
from arshif.load.seeds import load_seed
from arshif.load.tags import load_tags
from arshif.model import Article, Paragraph, Tag
from arshif.pipeline import REPO_ROOT, build
from arshif.text import article_after_lam, clitic_forms, preposition_rests, with_article_after

# rule -> (written forms it must match, words it must not match)
FORMS = {
    "إرهاب": (["إرهاب", "الإرهاب", "إرهابي", "الإرهابية", "الإرهابيين", "الإرهابيون", "وللإرهاب", "بالإرهاب",
               "والإرهاب", "لإرهاب", "إرهابيا", "الإرهابيات", "الارهاب", "إرهابه"],
              ["رهبان", "رهبة", "الرهبان", "ترهيب", "مرهب", "إرهاق"]),
    "صاروخ": (["صاروخ", "الصاروخ", "صاروخي", "الصاروخية", "بصاروخ", "للصاروخ"], ["صراخ", "صرخ", "صواريخ"]),
    "صواريخ": (["الصواريخ", "بالصواريخ", "للصواريخ", "وصواريخ"], ["صاروخ"]),
    "نفط": (["النفط", "نفطي", "النفطية", "بالنفط", "للنفط", "والنفط"], ["نفطر", "منفط"]),
    "صحة": (["صحة", "الصحة", "للصحة", "بالصحة", "صحته", "وصحتهم"], ["صح", "صحيح", "صحف", "الصحفي", "صحي"]),
    "العمرة": (["العمرة", "عمرة", "للعمرة", "عمرته"], ["العمري", "عمر", "عمري"]),
    "توطين الوظائف": (["توطين الوظائف", "وتوطين الوظائف", "لتوطين الوظائف"], ["السعودية", "توطين"]),
    "مكافحة الإرهاب": (["مكافحة الإرهاب", "لمكافحة الإرهاب", "ومكافحة الإرهاب", "مكافحة الإرهابيين"], ["مكافحة", "مكافحة المخدرات"]),
}


@pytest.mark.parametrize("rule", FORMS)
def test_rule_forms(rule):
    matcher = tag_matcher((Tag("t", "وسم", match=(rule,)),))
    must, must_not = FORMS[rule]
    for written in must:
        assert [m.entity for m in matcher.find(f"قال {written} أمس")] == ["t"], written
    for written in must_not:
        assert [m.entity for m in matcher.find(f"قال {written} أمس")] == [], written


def test_lam_before_the_article_is_one_rule():
    """ل + ال is written لل (للكرملين): tags, entities and search all take it from text.py."""
    assert with_article_after("ول", "الكرملين") == "وللكرملين" and with_article_after("ب", "الكرملين") == "بالكرملين"
    assert article_after_lam("للكرملين") == "الكرملين" and article_after_lam("لبنان") is None
    assert clitic_forms("الكرملين") <= word_forms("الكرملين")  # tags know every form entities know
    assert "الكرملين" in preposition_rests("للكرملين")  # and search reads it back
    tags = tag_matcher((Tag("kremlin", "الكرملين", match=("الكرملين",)),))
    entities = Matcher([("الكرملين", "kremlin", False)])
    for written in ("للكرملين", "وللكرملين", "فللكرملين", "بالكرملين"):
        assert [m.entity for m in tags.find(f"قال {written} أمس")] == ["kremlin"], written
        assert [m.entity for m in entities.find(f"قال {written} أمس")] == ["kremlin"], written
    assert [m.entity for m in tags.find("قال لالكرملين أمس")] == []  # ل never keeps the article's alef


def test_lam_before_a_short_word_with_the_article():
    """الحج is ال + حج, as entities and search read it: ل joins it as لل (للحج). The article
    stays on every form: لالحج is no word, and the two letters left (حج، لحج) are other words."""
    assert clitic_forms("الحج") <= word_forms("الحج")
    hajj = tag_matcher((Tag("hajj", "الحج", match=("الحج",)),))
    for written in ("للحج", "وللحج", "فللحج", "بالحج", "والحج", "كالحج", "الحج"):
        assert [m.entity for m in hajj.find(f"قال {written} أمس")] == ["hajj"], written
    assert not {"لالحج", "والالحج", "حج", "لحج", "بحج"} & word_forms("الحج")
    for written in ("لالحج", "حج", "لحج", "بحج", "وحج"):
        assert [m.entity for m in hajj.find(f"قال {written} أمس")] == [], written


@pytest.mark.parametrize("written", ["لألمانيا", "ولألمانيا", "بألمانيا", "وألمانيا", "ألمانيا", "لالمانيا"])
def test_a_word_whose_alef_has_hamza_takes_no_article_reading(written):
    """ألمانيا folds to المانيا, but its ال is no article: ل joins it as لألمانيا (folded لالمانيا),
    and مانيا is not its stem."""
    germany = tag_matcher((Tag("germany", "ألمانيا", match=("ألمانيا",)),))
    assert [m.entity for m in germany.find(f"زار الوفد {written} أمس")] == ["germany"]
    assert clitic_forms("ألمانيا") <= word_forms("ألمانيا")
    assert not {"مانيا", "لمانيا", "بمانيا", "للمانيا"} & word_forms("ألمانيا")


def article(title, *paragraphs):
    return Article("a", title, tuple(Paragraph(p, i + 2) for i, p in enumerate(paragraphs)), Path("a.txt"))


def test_min_mentions_and_headline():
    tag = Tag("terrorism", "الإرهاب", match=("إرهاب",), min_mentions=2)
    matcher, minimum = tag_matcher((tag,)), {"terrorism": 2}
    assert rule_tags(article("خبر", "هجوم إرهابي واحد."), matcher, minimum) == set()
    assert rule_tags(article("خبر", "هجوم إرهابي.", "مكافحة الإرهاب."), matcher, minimum) == {"terrorism"}
    assert rule_tags(article("الإرهاب يضرب", "نص."), matcher, minimum) == {"terrorism"}  # a headline match is enough
    assert rule_tags(article("خبر عن الرهبان", "الرهبان في الدير.", "رهبة المكان."), matcher, minimum) == set()


def test_a_form_shared_by_two_tags_applies_both():
    tags = (Tag("oil", "النفط", match=("نفط",)), Tag("economy", "الاقتصاد", match=("نفط", "اقتصاد")))
    assert rule_tags(article("أسعار النفط", "نص."), tag_matcher(tags), {"oil": 1, "economy": 1}) == {"oil", "economy"}


def tags_from(tmp_path, text):
    path = tmp_path / "tags.toml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    return load_tags(path, problems), problems


def test_tags_file_errors(tmp_path):
    _, problems = tags_from(tmp_path, (
        '[[tag]]\nid = "a"\nname = "أ"\n'                      # lines 1-3
        '[[tag]]\nid = "a"\nname = "ب"\n'                      # 4-6: duplicate id
        '[[tag]]\nid = "c"\nname = "ج"\nmin_mentions = 0\n'     # 7-10
        '[[tag]]\nid = "D d"\nname = "د"\nmatch = "x"\n'        # 11-14: bad id, match not a list
        '[[tag]]\nid = "e"\nname = "أ"\ncolour = "x"\n'         # 15-18: unknown key on 18
        '[[tag]]\nid = "f"\nname = "أ"\n'                      # 19-21: same name as 'a'
    ))
    found = {(p.line, p.message.split(" (")[0].split(",")[0]) for p in problems.errors}
    assert (4, "the id 'a' is used twice") in found
    assert (10, "'min_mentions' must be a whole number of 1 or more") in found
    assert (12, "the id 'D d' is not lower-case ASCII words joined by '-'") in found
    assert (14, "'match' must be a list of non-empty strings") in found
    assert (18, "unknown key 'colour'") in found
    assert (19, "the name 'أ' is also the name of 'a'") in found
    assert all(p.hint for p in problems.errors)


def test_repo_vocabulary_loads_clean():
    tags, problems = load_tags(REPO_ROOT / "content" / "tags.toml", Problems()), Problems()
    assert len(tags) >= 26 and problems.errors == []


def test_rule_tagging_on_hand_labelled_articles():
    if not (CORPUS / "articles").is_dir():
        pytest.skip("../shared/corpus is not here")
    labels = tomllib.loads((Path(__file__).parent / "data" / "tag_labels.toml").read_text(encoding="utf-8"))["labels"]
    tags = load_tags(REPO_ROOT / "content" / "tags.toml", Problems())
    matcher, minimum = tag_matcher(tags), {t.id: t.min_mentions for t in tags}
    right = wrong = expected = 0
    for name, gold in labels.items():
        found = rule_tags(load_seed(CORPUS / "articles" / name, Problems()), matcher, minimum)
        right += len(found & set(gold))
        wrong += len(found - set(gold))
        expected += len(gold)
    precision, recall = right / (right + wrong), right / expected
    print(f"\nrule tagging on {len(labels)} hand-labelled articles ({expected} labels): precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= 0.75 and recall >= 0.8  # a floor against regressions; the figures are printed


def test_seeds_get_their_tags(repo_site):
    html = (repo_site / "articles" / "002_85baf0633fb13047.html").read_text(encoding="utf-8")
    for tag_id in ("russia", "nuclear-deterrence", "cis", "war-in-ukraine", "security-services"):
        assert f'href="../tags/{tag_id}.html"' in html, tag_id
    seed_000 = (repo_site / "articles" / "000_d54b0313dd64e2d7.html").read_text(encoding="utf-8")
    assert 'href="../tags/terrorism.html"' in seed_000 and 'href="../tags/nato.html"' in seed_000


def test_tag_and_source_pages(tmp_path):
    root = write_archive(
        tmp_path / "a",
        seeds={"a.txt": "هجوم إرهابي\nنص عن الإرهاب.\n", "b.txt": "خبر رياضي\nمباراة.\n", "c.txt": "خبر ثالث\nنص.\n"},
        metadata="file,source,date,url,author,tags\na.txt,okaz,2015-08-01,,,وسم حر\nb.txt,okaz,2015-08-02,,,\nc.txt,الرياض نيوز,2015-08-03,,,\n",
        toml='[sources]\nokaz = "عكاظ"\n',
    )
    (root / "content" / "tags.toml").write_text('[[tag]]\nid = "terrorism"\nname = "الإرهاب"\nmatch = ["إرهاب"]\n', encoding="utf-8")
    out = tmp_path / "out"
    build(root, out)
    tag_page = (out / "tags" / "terrorism.html").read_text(encoding="utf-8")
    assert 'href="../articles/a.html"' in tag_page and 'href="../articles/b.html"' not in tag_page
    feed = ElementTree.parse(out / "tags" / "terrorism.xml").getroot()
    assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 1
    index = (out / "tags" / "index.html").read_text(encoding="utf-8")
    assert "الإرهاب" in index and "وسم حر" in index  # a curator's tag outside the vocabulary gets a page too
    okaz = (out / "sources" / "okaz.html").read_text(encoding="utf-8")
    assert "<h1>المصدر: عكاظ</h1>" in okaz and 'href="../articles/b.html"' in okaz
    sources = (out / "sources" / "index.html").read_text(encoding="utf-8")
    assert "الرياض نيوز" in sources  # a non-ASCII source gets a page with an ASCII name
    assert broken_links(out) == []


def test_bad_tags_file_stops_the_build(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": "عنوان\nنص.\n"})
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "tags.toml").write_text('[[tag]]\nid = "x"\n', encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build(root, tmp_path / "out")
    assert info.value.problems[0].message == "the tag has no 'name'"
