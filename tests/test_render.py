"""The render step's rules: templates ask the model for paths, the interface's words live in
the theme's strings.toml, and the count of pages is the list of pages."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from arshif import model
from arshif.errors import BuildError
from arshif.pipeline import DEFAULT_TEMPLATES, build
from arshif.progress import Progress

RENDER = Path(model.__file__).parent / "render"
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _url_arguments(source: str):
    """The first argument of every url(...) call in a template."""
    tree = jinja2.Environment().parse(source)
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "url" and call.args:
            yield call.args[0]


def _spells_a_path(argument) -> bool:
    """A literal string or a concatenation holding one: a path written in the template."""
    return isinstance(argument, nodes.Const) or any(isinstance(n, nodes.Const) and isinstance(n.value, str)
                                                    for n in argument.find_all(nodes.Const) if isinstance(argument, nodes.Concat))


@pytest.mark.parametrize("template", sorted(p.name for p in DEFAULT_TEMPLATES.glob("*.html")))
def test_templates_ask_the_model_for_paths(template):
    source = (DEFAULT_TEMPLATES / template).read_text(encoding="utf-8")
    spelled = [a for a in _url_arguments(source) if _spells_a_path(a)]
    assert not spelled, f"{template} spells a path instead of asking paths.*: {spelled}"


def test_the_path_check_catches_a_spelled_path():
    for source in ("{{ url('archive/index.html') }}", "{{ url('archive/' ~ year ~ '/index.html') }}"):
        assert any(_spells_a_path(a) for a in _url_arguments(source))
    assert not any(_spells_a_path(a) for a in _url_arguments("{{ url(paths.year(year)) }} {{ url(view.path) }}"))


def _code_strings(path: Path):
    """String constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.value


def test_interface_words_are_in_the_strings_file_not_in_code():
    for path in sorted(RENDER.glob("*.py")):
        arabic = [s for s in _code_strings(path) if ARABIC.search(s)]
        assert not arabic, f"{path.name} writes interface words in code: {arabic}"


def test_every_string_of_the_theme_is_used():
    table = tomllib.loads((DEFAULT_TEMPLATES / "strings.toml").read_text(encoding="utf-8"))
    code = "\n".join(p.read_text(encoding="utf-8") for p in RENDER.glob("*.py"))
    for section, strings in table.items():
        for name in strings:
            used = f'"{section}.{name}"' in code or (section == "entity_types" and name in model.ENTITY_TYPES
                                                     and 'f"entity_types.{' in code)
            assert used, f"strings.toml's {section}.{name} is used nowhere"


def _archive_with_strings(small_archive: Path, text: str) -> Path:
    (small_archive / "templates").mkdir()
    (small_archive / "templates" / "strings.toml").write_text(text, encoding="utf-8")
    return small_archive


def test_an_archive_can_replace_the_interface_words(small_archive, tmp_path):
    _archive_with_strings(small_archive, '[nav]\nhome = "البداية"\n\n[search]\ntitle = "ابحث هنا في {site}"\n')
    out = tmp_path / "site"
    build(small_archive, out)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert ">البداية</a>" in home and ">الرئيسية</a>" not in home
    assert "<title>ابحث هنا في" in (out / "search.html").read_text(encoding="utf-8")
    assert ">الأرشيف</a>" in home  # the rest keep the theme's words


@pytest.mark.parametrize("text, line, message", [
    ('[nav]\nhome = "x"\nhomepage = "البداية"\n', 3, "'nav.homepage' is not one of the theme's strings"),
    ('[search]\n\ntitle = "{query} في {site}"\n', 3, "'search.title' uses {query}, which it is not given"),
    ('[nav\nhome = "x"\n', None, "the interface strings cannot be read"),
    ('home = "x"\n', None, "'home' is not a [section] of strings"),
])
def test_bad_interface_words_are_named_with_their_line(small_archive, tmp_path, text, line, message):
    _archive_with_strings(small_archive, text)
    out = tmp_path / "site"
    with pytest.raises(BuildError) as caught:
        build(small_archive, out)
    problem = caught.value.problems[0]
    assert problem.path == small_archive / "templates" / "strings.toml"
    assert problem.line == line and message in problem.message
    assert not out.exists()


class Counting(Progress):
    def __init__(self):
        super().__init__(False)
        self.totals: dict[str, int] = {}
        self.steps: dict[str, int] = {}

    def start(self, label, total):
        super().start(label, total)
        self.totals[label] = total
        self.steps[label] = 0

    def advance(self, steps=1):
        super().advance(steps)
        self.steps[self.label] += steps


def test_the_count_of_pages_is_the_pages_written(small_archive, tmp_path):
    (small_archive / "content" / "entities.toml").write_text(
        '[[entity]]\nid = "okaz"\nname = "عكاظ"\ntype = "organization"\n', encoding="utf-8")
    for rebuild in (False, True):
        if rebuild:  # a rebuild that reuses most pages (one with nothing changed writes nothing)
            seed = next((small_archive / "seeds").iterdir())
            seed.write_text(seed.read_text(encoding="utf-8") + "فقرة أخرى.\n", encoding="utf-8")
        progress = Counting()
        result = build(small_archive, tmp_path / "site", progress)
        written = [p for p in (tmp_path / "site").rglob("*")
                   if p.is_file() and p.suffix in (".html", ".xml") and "assets" not in p.parts and "search" not in p.parts]
        assert progress.totals["writing"] == progress.steps["writing"] == result.pages == len(written), rebuild


def test_the_theme_alone_renders_unsandboxed_and_the_same_bytes_as_in_the_sandbox(tmp_path, monkeypatch):
    """arshif's own theme is not a visitor's code: without templates of the archive's own the
    pages render in a plain Jinja environment (faster), and they are the sandbox's bytes; an
    archive with templates of its own renders every template in the sandbox."""
    from conftest import SEED_TEXT, write_archive
    from test_build import site_digest

    from arshif import pipeline
    from arshif.sandbox import ArchiveSandbox
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT, "b.txt": "عنوان ثان\nنص <b>فيه</b> وسم.\n"},
                         metadata="file,source,date,url,author\na.txt,okaz,2015-08-01,https://example.com/a,كاتب\nb.txt,sabq,2015-08-02,,\n")
    kinds, real = [], pipeline.site_pages

    def recorded(*args, **kwargs):
        site, jobs = real(*args, **kwargs)
        kinds.append(type(site.env))
        return site, jobs
    monkeypatch.setattr(pipeline, "site_pages", recorded)
    pipeline.build(root, tmp_path / "plain", use_cache=False)
    monkeypatch.setattr(pipeline, "site_pages", lambda *a, **k: recorded(*a, **{**k, "own_templates": True}))
    pipeline.build(root, tmp_path / "sandboxed", use_cache=False)
    assert kinds == [jinja2.Environment, ArchiveSandbox]
    assert site_digest(tmp_path / "plain") == site_digest(tmp_path / "sandboxed")
    monkeypatch.setattr(pipeline, "site_pages", recorded)
    (root / "templates").mkdir()
    (root / "templates" / "_date.html").write_text("<span>تاريخ</span>", encoding="utf-8")
    pipeline.build(root, tmp_path / "own", use_cache=False)
    assert kinds[-1] is ArchiveSandbox
