from arshif.config import Settings, load_settings
from arshif.errors import Problems


def settings_from(tmp_path, text):
    (tmp_path / "archive.toml").write_text(text, encoding="utf-8")
    problems = Problems()
    return load_settings(tmp_path, problems), problems


def test_defaults_without_a_file(tmp_path):
    settings = load_settings(tmp_path, Problems())
    assert settings.title == Settings().title and settings.base_url == ""


def test_values_read(tmp_path):
    settings, problems = settings_from(tmp_path, 'title = "أرشيف"\nbase_url = "https://example.org/a/"\nhome_page_size = 5\n[sources]\nokaz = "عكاظ"\n')
    assert problems.items == []
    assert settings.title == "أرشيف" and settings.home_page_size == 5 and settings.source_name("okaz") == "عكاظ"


def test_every_bad_key_reported_with_its_line(tmp_path):
    _, problems = settings_from(tmp_path, 'title = "x"\ncolour = "red"\nhome_page_size = 0\nbase_url = "example.org"\ndigits = "roman"\n')
    found = {(p.line, p.message.split("'")[1]) for p in problems.errors}
    assert found == {(2, "colour"), (3, "home_page_size"), (4, "base_url"), (5, "digits")}


def test_syntax_error_line(tmp_path):
    _, problems = settings_from(tmp_path, 'title = "x"\n\ndescription = \n')
    [problem] = problems.errors
    assert problem.line == 3 and "invalid TOML" in problem.message
