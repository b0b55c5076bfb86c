"""An incremental rebuild gives the same bytes as a clean build, after any edit (issue 13).

A seeded random sequence of curators' edits is applied to a small archive made here;
after each one the archive is rebuilt into one output folder by a new `build.py` process
(so nothing survives between builds but the output folder and its cache), built again
from scratch into a fresh folder, and the two trees are compared file by file. Every edit
kind happens at least once per seed, in a random order, so edits meet each other's
leftovers (an alias added after an entity was removed, a date moved after a rename...).

Also: a damaged cache (truncated, random bytes) and a cache written by another version of
arshif are ignored, never trusted. (No note is printed about an ignored cache: none is
asserted.)
"""

from __future__ import annotations

import difflib
import os
import random
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import write_archive

import arshif.cache
from arshif.cache import BuildCache, cache_path
from arshif.pipeline import REPO_ROOT, build
from arshif.write import MARKER

EPOCH = "1700000000"
# more seeds, to hunt: ARSHIF_EQUIVALENCE_SEEDS=1-40 pytest tests/test_incremental_equivalence.py -k every
_SEEDS = os.environ.get("ARSHIF_EQUIVALENCE_SEEDS", "1-3").partition("-")
SEEDS = tuple(range(int(_SEEDS[0]), int(_SEEDS[2] or _SEEDS[0]) + 1))

SENTENCES = (
    "قال الرئيس فلاديمير بوتين إن موسكو مستعدة للحوار.",
    "وأكد بوتين أن الكرملين يتابع الوضع عن كثب.",
    "وذكرت الرئاسة الروسية في بيان أن المفاوضات ستستمر.",
    "وأعلنت الأمم المتحدة عن جولة جديدة من المفاوضات في جنيف.",
    "وانتقد الناتو التدريبات العسكرية قرب الحدود.",
    "وقال متحدث باسم حلف شمال الأطلسي إن الحلف الأطلسي يراقب التحركات.",
    "وشهدت العاصمة الروسية اجتماعا لبحث مكافحة الإرهاب.",
    "وأحبطت الأجهزة الأمنية عملية إرهابية في المدينة.",
    "وتراجعت أسعار النفط وسط مخاوف على الاقتصاد العالمي.",
    "وقال خبراء إن العقوبات الجديدة تضر بالاقتصاد.",
    "وارتفعت صادرات النفط خلال الشهر الماضي.",
    "وتناول الاجتماع قضايا التعاون الثقافي والعلمي.",
    "وأشار التقرير إلى تحسن المؤشرات الاقتصادية.",
    "والتقى وزير الخارجية سيرغي لافروف نظيره في موسكو.",
)
HEADLINES = (
    "بوتين يبحث الأمن الإقليمي", "الناتو يعلن تدريبات جديدة", "أسعار النفط تتراجع", "مفاوضات جديدة في جنيف",
    "إحباط هجوم إرهابي", "الكرملين يرد على العقوبات", "الأمم المتحدة تدعو إلى التهدئة", "تقرير عن الاقتصاد",
)
SOURCES = ("tass", "sana", "okaz", "ria")
MONTHS = ("2021-10", "2021-11", "2021-12", "2022-01", "2022-02", "2022-03")
# (entity id, alias) an edit may add: each phrase occurs in SENTENCES
NEW_ALIASES = (("kremlin", "الرئاسة الروسية"), ("moscow", "العاصمة الروسية"), ("nato", "الحلف الأطلسي"),
               ("lavrov", "لافروف"))
ENTITIES = (
    {"id": "vladimir-putin", "name": "فلاديمير بوتين", "type": "person", "aliases": ["بوتين"], "description": "الرئيس الروسي"},
    {"id": "moscow", "name": "موسكو", "type": "place", "aliases": []},
    {"id": "nato", "name": "حلف شمال الأطلسي", "type": "organization", "aliases": ["الناتو"]},
    {"id": "united-nations", "name": "الأمم المتحدة", "type": "organization", "aliases": []},
    {"id": "kremlin", "name": "الكرملين", "type": "organization", "aliases": []},
    {"id": "lavrov", "name": "سيرغي لافروف", "type": "person", "aliases": []},
)
TAGS = (
    {"id": "terrorism", "name": "الإرهاب", "match": ["إرهاب"]},
    {"id": "economy", "name": "الاقتصاد", "match": ["اقتصاد", "نفط"], "min_mentions": 2},
    {"id": "diplomacy", "name": "الدبلوماسية", "match": ["مفاوضات"], "description": "المحادثات والوساطات"},
)
ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


# --- the archive, as data, and its files --------------------------------------------


@dataclass
class Archive:
    root: Path
    rng: random.Random
    seeds: dict[str, str] = field(default_factory=dict)  # file name -> text
    rows: dict[str, dict] = field(default_factory=dict)  # file name -> metadata columns
    entities: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)  # archive's own templates/: name -> text
    page: dict = field(default_factory=dict)
    curated: dict = field(default_factory=dict)
    next_number: int = 0

    def new_name(self) -> str:
        self.next_number += 1
        return f"{self.next_number:03d}_{self.rng.choice(('a', 'b', 'c'))}.txt"

    def random_text(self) -> str:
        rng = self.rng
        headline = f"{rng.choice(HEADLINES)} {self.next_number}"
        paragraphs = [" ".join(rng.sample(SENTENCES, rng.randint(1, 3))) for _ in range(rng.randint(2, 4))]
        return "\n".join([headline, *paragraphs]) + "\n"

    def random_date(self) -> str:
        return f"{self.rng.choice(MONTHS)}-{self.rng.randint(1, 28):02d}"

    def random_row(self) -> dict:
        rng = self.rng
        tags = rng.choice(("", "", "", "الاقتصاد", "diplomacy", "محلي"))  # by name, by id, one outside the vocabulary
        return {"source": rng.choice(SOURCES), "date": self.random_date() if rng.random() > 0.05 else "",
                "url": f"https://example.org/news/{self.next_number}", "author": rng.choice(("", "", "سامي")),
                "tags": tags, "title": ""}

    # the files' texts, and writing them

    def metadata_text(self) -> str:
        lines = ["file,source,date,url,author,tags,title"]
        for name in sorted(self.rows):
            r = self.rows[name]
            lines.append(",".join([name, r["source"], r["date"], r["url"], r["author"], r["tags"], r["title"]]))
        return "\n".join(lines) + "\n"

    def settings_text(self) -> str:
        plain = {k: v for k, v in self.settings.items() if k != "sources"}
        text = "".join(f"{k} = {_toml(v)}\n" for k, v in plain.items())
        return text + "[sources]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in self.settings["sources"].items())

    def page_text(self) -> str:
        p = self.page
        return f"---\ntitle: {p['title']}\nsummary: {p['summary']}\n---\n{p['body']}"

    def curated_text(self) -> str:
        c = self.curated
        return (f"---\ntitle: {c['title']}\ndate: {c['date']}\nsource: {c['source']}\ntags: [{', '.join(c['tags'])}]\n"
                f"summary: {c['summary']}\n---\n{c['body']}")

    def write_all(self) -> None:
        write_archive(self.root, seeds=self.seeds, metadata=self.metadata_text(), articles={"dossier.md": self.curated_text()},
                      pages={"about.md": self.page_text()}, toml=self.settings_text())
        self.write_entities()
        self.write_tags()

    def write_seed(self, name: str) -> None:
        (self.root / "seeds" / name).write_text(self.seeds[name], encoding="utf-8")

    def write_metadata(self) -> None:
        (self.root / "content" / "metadata.csv").write_text(self.metadata_text(), encoding="utf-8")

    def write_entities(self) -> None:
        (self.root / "content" / "entities.toml").write_text(_tables("entity", self.entities), encoding="utf-8")

    def write_tags(self) -> None:
        (self.root / "content" / "tags.toml").write_text(_tables("tag", self.tags), encoding="utf-8")

    def write_settings(self) -> None:
        (self.root / "archive.toml").write_text(self.settings_text(), encoding="utf-8")

    def write_templates(self) -> None:
        folder = self.root / "templates"
        shutil.rmtree(folder, ignore_errors=True)
        for name, text in self.templates.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def write_page(self) -> None:
        (self.root / "content" / "pages" / "about.md").write_text(self.page_text(), encoding="utf-8")

    def write_curated(self) -> None:
        (self.root / "content" / "articles" / "dossier.md").write_text(self.curated_text(), encoding="utf-8")


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tables(name: str, items: list[dict]) -> str:
    return "".join(f"[[{name}]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in item.items()) + "\n" for item in items)


def make_archive(root: Path, seed: int, count: int = 30) -> Archive:
    """About 30 seeds over six months of two years, four sources, entities, tag rules, a page
    and a curated article; pages of 3 (months, tags...) and 4 (home) so lists paginate."""
    a = Archive(root, random.Random(seed))
    for _ in range(count):
        name = a.new_name()
        a.seeds[name] = a.random_text()
        a.rows[name] = a.random_row()
    a.rows[sorted(a.rows)[3]]["title"] = "عنوان من المنسقين"  # the title column replaces line 1
    a.entities = [dict(e, aliases=list(e["aliases"])) for e in ENTITIES]
    a.tags = [dict(t, match=list(t["match"])) for t in TAGS]
    a.settings = {"title": "أرشيف الاختبار", "description": "أرشيف صغير لاختبار البناء التدريجي.", "id": "test-archive",
                  "base_url": "https://example.org/archive/", "home_page_size": 4, "list_page_size": 3, "feed_size": 5,
                  "sources": {"tass": "وكالة أنباء تاس", "sana": "سانا"}}
    a.page = {"title": "عن الأرشيف", "summary": "ما هذا الأرشيف.", "body": "# عن الأرشيف\n\nأرشيف **صغير** للاختبار.\n"}
    a.curated = {"title": "ملف: روسيا والناتو", "date": "2022-01-15", "source": "أرشيف المنسقين", "tags": ["diplomacy"],
                 "summary": "ملخص من المنسقين.",
                 "body": "## الخلفية\n\nقال بوتين إن الناتو يقترب من الحدود، وردت الأمم المتحدة بالدعوة إلى المفاوضات.\n\n"
                         "وفي موسكو أكد الكرملين موقفه.\n"}
    a.write_all()
    return a


# --- the edits: each changes the archive and its files, and says what it did ---------


def edit_text(a: Archive) -> str:
    name = a.rng.choice(sorted(a.seeds))
    lines = a.seeds[name].splitlines()
    what = a.rng.choice(("headline", "paragraph", "append"))
    if what == "headline":
        lines[0] = f"{a.rng.choice(HEADLINES)} معدل {a.rng.randint(1, 99)}"
    elif what == "paragraph":
        lines[a.rng.randrange(1, len(lines))] = " ".join(a.rng.sample(SENTENCES, 2))
    else:
        lines.append(a.rng.choice(SENTENCES))
    a.seeds[name] = "\n".join(lines) + "\n"
    a.write_seed(name)
    return f"text edit ({what}) of {name}"


def edit_text_same_size_and_mtime(a: Archive) -> str:
    """One letter of the body replaced by another, the file's size and mtime kept: only its bytes differ."""
    name = a.rng.choice(sorted(a.seeds))
    path = a.root / "seeds" / name
    before = path.stat()
    text = a.seeds[name]
    body_start = text.index("\n") + 1
    positions = [i for i in range(body_start, len(text)) if text[i] in ARABIC_LETTERS]
    i = a.rng.choice(positions)
    letter = a.rng.choice([c for c in ARABIC_LETTERS if c != text[i]])
    a.seeds[name] = text[:i] + letter + text[i + 1 :]
    a.write_seed(name)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    return f"same-size, same-mtime edit of {name}: letter {i} {text[i]} -> {letter}"


def edit_add(a: Archive) -> str:
    name = a.new_name()
    a.seeds[name] = a.random_text()
    a.write_seed(name)
    if a.rng.random() < 0.15:
        return f"added {name} with no metadata row (undated, with a warning)"
    a.rows[name] = a.random_row()
    a.write_metadata()
    return f"added {name} dated {a.rows[name]['date'] or '(undated)'}"


def edit_delete(a: Archive) -> str:
    name = a.rng.choice(sorted(a.seeds))
    del a.seeds[name]
    a.rows.pop(name, None)
    (a.root / "seeds" / name).unlink()
    a.write_metadata()
    return f"deleted {name}"


def edit_rename(a: Archive) -> str:
    old = a.rng.choice(sorted(a.rows))
    new = a.new_name()
    a.seeds[new], a.rows[new] = a.seeds.pop(old), a.rows.pop(old)
    (a.root / "seeds" / old).rename(a.root / "seeds" / new)
    a.write_metadata()
    return f"renamed {old} -> {new}"


def edit_date(a: Archive) -> str:
    name = a.rng.choice(sorted(n for n in a.rows if a.rows[n]["date"]))
    old = a.rows[name]["date"]
    new = a.random_date()
    while new[:7] == old[:7]:
        new = a.random_date()
    a.rows[name]["date"] = new
    a.write_metadata()
    return f"date of {name}: {old} -> {new}"


def edit_source(a: Archive) -> str:
    name = a.rng.choice(sorted(a.rows))
    old = a.rows[name]["source"]
    a.rows[name]["source"] = a.rng.choice([s for s in (*SOURCES, "aawsat") if s != old])
    a.write_metadata()
    return f"source of {name}: {old} -> {a.rows[name]['source']}"


def edit_metadata_fields(a: Archive) -> str:
    """A metadata column other than the date and source: the URL, author, title or curators' tags."""
    name = a.rng.choice(sorted(a.rows))
    what = a.rng.choice(("url", "author", "title", "tags"))
    row = a.rows[name]
    if what == "url":
        row["url"] = "" if row["url"] else f"https://example.org/other/{a.rng.randint(1, 99)}"
    elif what == "author":
        row["author"] = "" if row["author"] else "ليلى"
    elif what == "title":
        row["title"] = "" if row["title"] else f"عنوان آخر {a.rng.randint(1, 99)}"
    else:
        row["tags"] = a.rng.choice([t for t in ("", "الاقتصاد", "terrorism", "محلي", "جديد") if t != row["tags"]])
    a.write_metadata()
    return f"{what} of {name} -> {row[what]!r}"


def edit_add_alias(a: Archive) -> str:
    by_id = {e["id"]: e for e in a.entities}
    choices = [(e, alias) for e, alias in NEW_ALIASES if e in by_id and alias not in by_id[e]["aliases"]]
    if not choices:  # every alias is there, or its entity was removed: bring an entity back
        missing = [e for e in ENTITIES if e["id"] not in by_id]
        if not missing:
            entity = a.rng.choice(a.entities)
            entity["aliases"].append(f"{entity['name']} {a.rng.randint(100, 999)}")
            a.write_entities()
            return f"alias added to {entity['id']} (one no text names)"
        entity = dict(a.rng.choice(missing))
        entity["aliases"] = [*entity["aliases"], *(alias for e, alias in NEW_ALIASES if e == entity["id"])]
        a.entities.append(entity)
        a.write_entities()
        return f"entity {entity['id']} added back with aliases {entity['aliases']}"
    entity_id, alias = a.rng.choice(choices)
    by_id[entity_id]["aliases"].append(alias)
    a.write_entities()
    return f"alias {alias} added to {entity_id}"


def edit_remove_entity(a: Archive) -> str:
    if len(a.entities) <= 1:
        return edit_add_alias(a)
    entity = a.entities.pop(a.rng.randrange(len(a.entities)))
    a.write_entities()
    return f"entity {entity['id']} removed"


def edit_entity_details(a: Archive) -> str:
    """What entities.toml says of an entity besides its aliases: name, description, type, adjectives."""
    entity = a.rng.choice(a.entities)
    what = a.rng.choice(("name", "description", "type", "adjectives"))
    if what == "name":  # the old name stays an alias, so the texts still name it
        entity["aliases"] = [*entity["aliases"], entity["name"]]
        entity["name"] = f"{entity['name']} {a.rng.choice(('الأول', 'الكبير', 'الجديد'))}"
    elif what == "description":
        entity["description"] = f"وصف {a.rng.randint(1, 99)}"
    elif what == "type":
        entity["type"] = a.rng.choice([t for t in ("person", "organization", "place", "event", "other") if t != entity["type"]])
    else:
        entity["adjectives"] = [] if entity.get("adjectives") else ["الروسية"]
    a.write_entities()
    return f"entity {entity['id']}: {what} -> {entity.get(what)}"


def edit_tag_rule(a: Archive) -> str:
    what = a.rng.choice(("add word", "drop word", "min_mentions", "name", "description", "new tag", "tag removed"))
    if what == "new tag" or (what == "tag removed" and len(a.tags) < 2):
        tag = {"id": f"tag-{a.rng.randint(100, 999)}", "name": f"وسم {a.rng.randint(100, 999)}", "match": [a.rng.choice(("عقوبات", "حدود", "اجتماع"))]}
        a.tags.append(tag)
        a.write_tags()
        return f"tag added: {tag}"
    if what == "tag removed":
        tag = a.tags.pop(a.rng.randrange(len(a.tags)))
        a.write_tags()
        return f"tag {tag['id']} removed"
    tag = a.rng.choice(a.tags)
    if what == "add word":
        word = a.rng.choice([w for w in ("عقوبات", "حدود", "تدريب", "اجتماع") if w not in tag["match"]])
        tag["match"].append(word)
    elif what == "drop word" and len(tag["match"]) > 1:
        tag["match"].pop(a.rng.randrange(len(tag["match"])))
    elif what == "drop word":  # its only word: replaced
        tag["match"] = ["حدود" if tag["match"] != ["حدود"] else "تدريب"]
    elif what == "min_mentions":
        tag["min_mentions"] = 1 + tag.get("min_mentions", 1) % 3
    elif what == "name":
        tag["name"] = f"{tag['name']} {a.rng.choice(('والعالم', 'اليوم', 'الدولي'))}"
    else:
        tag["description"] = f"وصف {a.rng.randint(1, 99)}"
    a.write_tags()
    return f"tag {tag['id']}: {what} -> {tag}"


def edit_setting(a: Archive) -> str:
    s = a.settings
    what = a.rng.choice(("title", "description", "list_page_size", "home_page_size", "feed_size", "digits", "hijri",
                         "link_mentions", "source name", "base_url", "id"))
    if what == "base_url":  # removed (no sitemap, no canonical links, feeds with URNs) or put back
        if s.pop("base_url", None) is None:
            s["base_url"] = "https://example.org/moved/"
    elif what == "id":
        s["id"] = f"test-archive-{a.rng.randint(1, 99)}"
    elif what == "title":
        s["title"] = f"أرشيف الاختبار {a.rng.randint(1, 99)}"
    elif what == "description":
        s["description"] = f"وصف الأرشيف {a.rng.randint(1, 99)}"
    elif what in ("list_page_size", "home_page_size", "feed_size"):
        s[what] = a.rng.choice([n for n in (2, 3, 4, 5, 7) if n != s.get(what)])
    elif what == "digits":
        s["digits"] = "latin" if s.get("digits", "arabic") == "arabic" else "arabic"
    elif what == "hijri":
        s["hijri"] = not s.get("hijri", True)
    elif what == "link_mentions":
        s["link_mentions"] = a.rng.choice([p for p in ("first", "paragraph", "all") if p != s.get("link_mentions", "first")])
    else:
        source = a.rng.choice(SOURCES)
        s["sources"] = dict(s["sources"], **{source: f"مصدر {source} {a.rng.randint(1, 99)}"})
    a.write_settings()
    return f"setting {what} -> {s.get(what, s['sources'])}"


def _default_template(name: str) -> str:
    return (REPO_ROOT / "templates" / name).read_text(encoding="utf-8")


TEMPLATE_EDITS = {  # name -> (old, new) in the default file
    "article.html": ("المقال الأقدم", "المقال السابق"),
    "_item.html": ('class="summary"', 'class="summary brief"'),
    "base.html": ("انتقل إلى المحتوى", "اذهب إلى المحتوى"),
    "static/style.css": ("", "/* an archive's own style */\n"),
    "strings.toml": None,
}


def edit_template(a: Archive) -> str:
    name = a.rng.choice(sorted(TEMPLATE_EDITS))
    if name in a.templates and a.rng.random() < 0.4:
        del a.templates[name]
        a.write_templates()
        return f"template override {name} removed"
    if name == "strings.toml":
        a.templates[name] = f'[nav]\nhome = "البداية {a.rng.randint(1, 99)}"\n'
    else:
        old, new = TEMPLATE_EDITS[name]
        text = _default_template(name)
        a.templates[name] = text.replace(old, new, 1) if old else new + text
        assert a.templates[name] != text
    a.write_templates()
    return f"template {name} overridden"


def edit_page(a: Archive) -> str:
    what = a.rng.choice(("body", "title", "summary", "a second page"))
    second = a.root / "content" / "pages" / "sources.md"
    if what == "a second page":  # added, or removed if there: every page's navigation changes
        if second.exists():
            second.unlink()
            return "page sources.md removed"
        second.write_text("---\ntitle: مصادر الأرشيف\n---\nوكالات الأنباء.\n", encoding="utf-8")
        return "page sources.md added"
    if what == "body":
        a.page["body"] += f"\nفقرة جديدة رقم {a.rng.randint(1, 99)}.\n"
    elif what == "title":
        a.page["title"] = f"عن الأرشيف {a.rng.randint(1, 99)}"
    else:
        a.page["summary"] = f"ملخص {a.rng.randint(1, 99)}."
    a.write_page()
    return f"page about.md: {what}"


def edit_curated(a: Archive) -> str:
    what = a.rng.choice(("body", "title", "date", "tags"))
    c = a.curated
    if what == "body":  # the sentence that names an entity changes, the mention's place in it does not
        old = c["body"]
        c["body"] = old.replace("يقترب من الحدود", a.rng.choice(("يتمدد شرقا", "يقترب من الحدود مجددا", "يحشد قواته")), 1)
        if c["body"] == old:
            c["body"] += f"\n{a.rng.choice(SENTENCES)}\n"
    elif what == "title":
        c["title"] = f"ملف: روسيا والناتو {a.rng.randint(1, 99)}"
    elif what == "date":
        c["date"] = a.random_date()
    else:
        c["tags"] = a.rng.sample(["diplomacy", "الإرهاب", "ملفات"], 2)
    a.write_curated()
    return f"curated article: {what}"


def edit_nothing(a: Archive) -> str:
    """A touch: new mtime, same bytes. Nothing may change, and nothing stale may appear."""
    path = a.rng.choice([a.root / "seeds" / a.rng.choice(sorted(a.seeds)), a.root / "content" / "entities.toml",
                         a.root / "content" / "metadata.csv", a.root / "archive.toml", a.root / "content" / "pages" / "about.md"])
    os.utime(path, None)
    return f"touched {path.relative_to(a.root)}"


EDITS = (edit_text, edit_text_same_size_and_mtime, edit_add, edit_delete, edit_rename, edit_date, edit_source,
         edit_metadata_fields, edit_add_alias, edit_remove_entity, edit_entity_details, edit_tag_rule, edit_setting,
         edit_template, edit_page, edit_curated, edit_nothing)
EXTRA_EDITS = 0  # random ones beyond one of each kind


def edit_sequence(rng: random.Random) -> list:
    edits = list(EDITS)
    rng.shuffle(edits)
    return edits + [rng.choice(EDITS) for _ in range(EXTRA_EDITS)]


# --- building and comparing ---------------------------------------------------------


def start_incremental_build(root: Path, out: Path, limit_memory: bool = False) -> subprocess.Popen:
    """A build in a new process, as a curator runs it: only the output folder and its cache carry over."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.Popen([sys.executable, "build.py", str(root), "--out", str(out), "--quiet"], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_limit_memory if limit_memory else None)


def finished(build: subprocess.Popen) -> None:
    stdout, stderr = build.communicate(timeout=120)
    assert build.returncode == 0, f"the incremental build failed:\n{stdout}\n{stderr}"


def build_incrementally(root: Path, out: Path, limit_memory: bool = False) -> None:
    finished(start_incremental_build(root, out, limit_memory))


def _limit_memory() -> None:
    """1 GiB of address space: what a small container allows; a build of a small archive needs far less."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def build_clean(root: Path, out: Path, monkeypatch) -> Path:
    """A build from nothing into a new folder (no cache beside it, none used)."""
    assert not out.exists() and not cache_path(out).exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(root, out, use_cache=False)
    return out


def build_first(root: Path, out: Path, monkeypatch) -> None:
    """The build a test starts from, with its cache (in this process: only what follows is under test)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(root, out)
    assert cache_path(out).is_file()


def tree(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))}


def differences(incremental: Path, clean: Path, shown: int = 4) -> str:
    """'' when both trees hold the same files with the same bytes (and mtimes); else the first differences, diffed."""
    mine, theirs = tree(incremental), tree(clean)
    problems = []
    if mine.keys() != theirs.keys():
        problems.append(f"only in the incremental build: {sorted(mine.keys() - theirs.keys())[:10]}")
        problems.append(f"only in the clean build: {sorted(theirs.keys() - mine.keys())[:10]}")
    differing = [rel for rel in sorted(mine.keys() & theirs.keys())
                 if mine[rel].is_file() and (not theirs[rel].is_file() or mine[rel].read_bytes() != theirs[rel].read_bytes())]
    if differing:
        problems.append(f"{len(differing)} file(s) differ: {differing[:20]}")
    for rel in differing[:shown]:
        old = theirs[rel].read_bytes().decode("utf-8", "replace").splitlines()
        new = mine[rel].read_bytes().decode("utf-8", "replace").splitlines()
        diff = list(difflib.unified_diff(old, new, f"clean/{rel}", f"incremental/{rel}", n=0, lineterm=""))
        problems.append("\n".join(line[:300] for line in diff[:16]))
    stale_times = [rel for rel, p in mine.items() if p.is_file() and p.stat().st_mtime != int(EPOCH)]
    if stale_times:
        problems.append(f"not dated SOURCE_DATE_EPOCH: {stale_times[:10]}")
    return "\n".join(problems)


@dataclass
class Builds:
    """One incremental output folder, compared after each step with a clean build of its own."""

    root: Path
    work: Path
    monkeypatch: object
    steps: int = 0
    reused: list[float] = field(default_factory=list)  # per build: the share of its files kept from the last (same inode)

    @property
    def out(self) -> Path:
        return self.work / "site"

    def check(self, history: list[str]) -> None:
        self.steps += 1
        before = _inodes(self.out)
        incremental = start_incremental_build(self.root, self.out)
        try:  # the clean build, in this process, meanwhile (two cores)
            clean = build_clean(self.root, self.work / f"clean-{self.steps}", self.monkeypatch)
        finally:
            finished(incremental)
        after = _inodes(self.out)
        self.reused.append(sum(before.get(rel) == inode for rel, inode in after.items()) / len(after))
        found = differences(self.out, clean)
        assert not found, "the incremental build differs from a clean one after:\n  " + "\n  ".join(history) + "\n" + found
        shutil.rmtree(clean)


def _inodes(folder: Path) -> dict[str, int]:
    return {rel: p.stat().st_ino for rel, p in tree(folder).items() if p.is_file()} if folder.is_dir() else {}


# --- the tests ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_every_incremental_build_equals_a_clean_build(seed, tmp_path, monkeypatch):
    archive = make_archive(tmp_path / "archive", seed)
    builds = Builds(archive.root, tmp_path, monkeypatch)
    history = [f"seed {seed}: the first build"]
    builds.check(history)
    for number, edit in enumerate(edit_sequence(archive.rng), start=1):
        history.append(f"{number}. {edit(archive)}")
        builds.check(history)
    # the comparisons were of incremental builds: most files of some of them were the previous build's
    assert max(builds.reused) > 0.5, builds.reused


def test_every_serve_build_equals_a_clean_build(tmp_path, monkeypatch):
    """serve's builds: one long-lived session (what it keeps in memory: the cache, the files'
    digests, the articles and rows made from unchanged sources, the related articles), two
    passes after each edit (the pages with the previous search files, then the search). After
    both, the site equals a clean build; after the first, every page but the search does."""
    from arshif.pipeline import Session
    archive = make_archive(tmp_path / "archive", SEEDS[0])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "site"
    session = Session(out)
    history = [f"seed {SEEDS[0]}: the first build (from the command line; serve finds nothing to do, and warms up)"]
    build(archive.root, out)
    build(archive.root, out, session=session)
    session.warm(archive.root)
    assert session.warmed
    for number, edit in enumerate(edit_sequence(archive.rng), start=1):
        history.append(f"{number}. {edit(archive)}")
        first = build(archive.root, out, session=session, search_later=True)
        clean = build_clean(archive.root, tmp_path / f"clean-{number}", monkeypatch)
        found = differences(out, clean)
        if first.search_pending:  # only the search may differ, until the second pass
            mine, theirs = tree(out), tree(clean)
            differing = (mine.keys() ^ theirs.keys()) | {rel for rel in mine.keys() & theirs.keys() if mine[rel].is_file()
                                                         and mine[rel].read_bytes() != theirs[rel].read_bytes()}
            assert all(rel.startswith("search/") for rel in differing), "\n".join(history) + "\n" + found
            build(archive.root, out, session=session)
            found = differences(out, clean)
        assert not found, "serve's site differs from a clean build after:\n  " + "\n  ".join(history) + "\n" + found
        shutil.rmtree(clean)


def source_states(root: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def changed_paths(before: dict, after: dict) -> set[str]:
    """What serve's watcher reports: every file added, removed, written or touched."""
    return {str(p) for p in before.keys() ^ after.keys()} | {str(p) for p in before.keys() & after.keys() if before[p] != after[p]}


def shown_site(out: Path, session, to: Path) -> Path:
    """The site serve shows: the site folder with the quick passes' files (Session.overlay) over it."""
    shutil.copytree(out, to, symlinks=True)
    for rel in list(session.overlay):
        (to / rel).write_bytes(session.overlay_file(rel))
        os.utime(to / rel, (int(EPOCH), int(EPOCH)))
    return to


QUICK_SEEDS = (3, 8)


@pytest.mark.parametrize("seed", QUICK_SEEDS)
def test_every_quick_pass_shows_a_clean_build(seed, tmp_path, monkeypatch):
    """serve's quick pass (build with the watcher's `changed` paths): after an edit of articles'
    text, the pages that can show them are rendered into the session's overlay. The site serve
    shows (the folder, the overlay over it) must equal a clean build but for the search, after
    any sequence: text edits mostly, among edits of every other kind (which take whole builds),
    with the second pass (the whole build) after some edits only, so that quick passes follow
    quick passes."""
    from arshif.pipeline import Session
    archive = make_archive(tmp_path / "archive", seed)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out, root = tmp_path / "site", archive.root
    session = Session(out)
    build(root, out)
    build(root, out, session=session)
    session.warm(root)
    assert session.shown is not None  # the site is up to date: quick passes may start from what warm() loaded
    edits = [edit_text] * 14 + [edit_text_same_size_and_mtime] * 3 + [edit_curated] * 4 + list(EDITS)
    archive.rng.shuffle(edits)
    history, quick = [f"seed {seed}: the first build, then serve's (warmed)"], 0
    for number, edit in enumerate(edits, start=1):
        before = source_states(root)
        history.append(f"{number}. {edit(archive)}")
        first = build(root, out, session=session, search_later=True, changed=changed_paths(before, source_states(root)))
        history[-1] += " (quick pass)" if first.in_memory is not None else " (whole build)"
        quick += first.in_memory is not None
        clean = build_clean(root, tmp_path / f"clean-{number}", monkeypatch)
        shown = shown_site(out, session, tmp_path / f"shown-{number}")
        mine, theirs = tree(shown), tree(clean)
        differing = (mine.keys() ^ theirs.keys()) | {rel for rel in mine.keys() & theirs.keys() if mine[rel].is_file()
                                                     and mine[rel].read_bytes() != theirs[rel].read_bytes()}
        assert all(rel.startswith("search/") for rel in differing), "\n".join(history) + "\n" + differences(shown, clean)
        if first.search_pending and archive.rng.random() < 0.4:  # serve's second pass
            build(root, out, session=session)
            assert not session.overlay
            found = differences(out, clean)
            assert not found, "serve's site differs from a clean build after:\n  " + "\n  ".join(history) + "\n" + found
            history.append("   the second pass")
        shutil.rmtree(clean)
        shutil.rmtree(shown)
    assert quick >= 10, history  # the text edits took the quick pass


# --- single edits, each of which once reached the site only in a clean build ---------


def one_edit(tmp_path, monkeypatch, edit, before=None) -> None:
    """Build (after `before`, if any), make one edit, rebuild, and compare with a clean build."""
    archive = make_archive(tmp_path / "archive", 7)
    if before is not None:
        before(archive)
    builds = Builds(archive.root, tmp_path, monkeypatch)
    build_first(archive.root, builds.out, monkeypatch)
    builds.check([edit(archive)])


def test_a_curated_articles_edited_sentence_reaches_the_pages_of_the_entities_it_names(tmp_path, monkeypatch):
    """Entity pages quote the sentence of each article's first mention; a Markdown article
    has no digest of its text, so its pages' keys must hold the text itself."""
    def edit(a):
        a.curated["body"] = a.curated["body"].replace("يقترب من الحدود", "يقترب من الحدود مجددا")
        a.write_curated()
        return "the curated article's first sentence, after its mentions, edited"
    one_edit(tmp_path, monkeypatch, edit)


def test_a_tag_renamed_in_tags_toml_reaches_the_pages_of_its_articles(tmp_path, monkeypatch):
    def edit(a):
        a.tags[1]["name"] = "الاقتصاد اليوم"
        a.write_tags()
        return "tag economy renamed"
    one_edit(tmp_path, monkeypatch, edit)


def test_an_article_moved_to_a_source_of_the_same_name_links_the_new_sources_page(tmp_path, monkeypatch):
    def two_ids_one_name(a):
        a.settings["sources"]["ria"] = a.settings["sources"]["tass"]
        a.write_settings()

    def edit(a):
        name = sorted(n for n in a.rows if a.rows[n]["source"] == "tass")[0]
        a.rows[name]["source"] = "ria"
        a.write_metadata()
        return f"{name} moved from tass to ria, which show the same name"
    one_edit(tmp_path, monkeypatch, edit, before=two_ids_one_name)


# --- damaged and foreign caches -----------------------------------------------------


def _built(tmp_path, monkeypatch) -> tuple[Archive, Path]:
    archive = make_archive(tmp_path / "archive", 11)
    out = tmp_path / "site"
    build_first(archive.root, out, monkeypatch)
    assert cache_path(out).is_file()
    return archive, out


def _same_as_clean(archive: Archive, out: Path, tmp_path, monkeypatch, limit_memory: bool = False) -> None:
    build_incrementally(archive.root, out, limit_memory)
    found = differences(out, build_clean(archive.root, tmp_path / "clean", monkeypatch))
    assert not found, found


def _one_letter_changed(data: bytes, archive: Archive) -> bytes:
    """The cache with one letter of a seed's headline changed, in the parsed seed it keeps:
    the file's size and shape are whole, only the CRC can tell."""
    headline = archive.seeds[sorted(archive.seeds)[0]].splitlines()[0]
    where = data.index(headline.encode("utf-8"))
    letter = "ب" if headline[0] != "ب" else "ت"
    return data[:where] + letter.encode("utf-8") + data[where + len(headline[0].encode("utf-8")) :]


@pytest.mark.parametrize("damage", ["truncated", "random", "empty", "one letter"])
def test_a_damaged_cache_is_ignored(damage, tmp_path, monkeypatch):
    archive, out = _built(tmp_path, monkeypatch)
    data = cache_path(out).read_bytes()
    damaged = {"truncated": lambda: data[: len(data) // 2], "random": lambda: random.Random(5).randbytes(len(data)),
               "empty": lambda: b"", "one letter": lambda: _one_letter_changed(data, archive)}[damage]()
    assert len(damaged) == len(data) or damage != "one letter"
    cache_path(out).write_bytes(damaged)
    # an edit elsewhere (another seed's date), so the build reads the cache's parsed seeds, and
    # pages change, so a trusted stale entry would show
    name = sorted(archive.seeds)[1]
    archive.rows[name]["date"] = "2021-10-01" if archive.rows[name]["date"] != "2021-10-01" else "2022-03-01"
    archive.write_metadata()
    _same_as_clean(archive, out, tmp_path, monkeypatch)


def test_random_bytes_that_read_as_a_huge_container_cost_neither_memory_nor_time(tmp_path, monkeypatch):
    """marshal reads a container's length before its items: random bytes that begin with the
    code of a tuple ask for a table of two thousand million items (16 GB) before failing."""
    archive, out = _built(tmp_path, monkeypatch)
    cache_path(out).write_bytes(b"(" + (0x7C6F1946).to_bytes(4, "little") + b"\x19" + random.Random(3).randbytes(64))
    _same_as_clean(archive, out, tmp_path, monkeypatch, limit_memory=True)


def _site_id(out: Path):
    info = (out / MARKER).stat()
    return (info.st_dev, info.st_ino)


def _forge_cache(monkeypatch, source_out: Path, target_out: Path, version: bytes | None) -> None:
    """The cache of a build of other inputs (`source_out`'s), made to look as if it had been
    written beside `target_out`'s site, by arshif's version `version` (None: this one)."""
    cache = BuildCache.load(source_out)
    assert cache.pages, "the source build left no cache to forge"
    cache.new_seeds, cache.new_pages, cache.new_mentions = cache.seeds, cache.pages, cache.found_mentions
    if version is None:  # this version: read the code again (another engineer may have saved a file since this process started)
        version = getattr(arshif.cache.code_version, "__wrapped__", arshif.cache.code_version)()
    with monkeypatch.context() as patched:
        patched.setattr(arshif.cache, "code_version", lambda: version)
        cache.save(target_out, _site_id(target_out))


@pytest.mark.parametrize("foreign", [True, False], ids=["foreign-version", "control-same-version"])
def test_a_cache_from_another_version_is_not_trusted(foreign, tmp_path, monkeypatch):
    """A cache that claims every page of the site beside it is up to date, when it is not: from
    another arshif version it is ignored; the control shows the same cache from this version
    would be believed (so the test can fail)."""
    archive, out = _built(tmp_path, monkeypatch)  # the site of the old inputs
    edit_setting(archive)
    edit_text(archive)
    archive.settings["title"] = "عنوان جديد للأرشيف"
    archive.write_settings()
    other = tmp_path / "other"
    build_first(archive.root, other, monkeypatch)  # its cache holds the new inputs' keys
    _forge_cache(monkeypatch, other, out, b"another version!" if foreign else None)
    build_incrementally(archive.root, out)
    found = differences(out, build_clean(archive.root, tmp_path / "clean", monkeypatch))
    if foreign:
        assert not found, found
    else:
        assert found, "the control: a same-version cache that lies should have been believed"
