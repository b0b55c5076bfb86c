"""The command line as a user runs it: exit codes, the summary line, errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys

from conftest import SEED_TEXT, write_archive

from arshif.pipeline import REPO_ROOT


def run(*args, cwd=None):
    return subprocess.run([sys.executable, str(REPO_ROOT / "build.py"), *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_build_prints_a_summary(small_archive, tmp_path):
    result = run(small_archive, "--out", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built 2 articles, ")
    assert " pages in " in result.stdout and result.stdout.rstrip().endswith(str(tmp_path / "out"))
    assert (tmp_path / "out" / "index.html").is_file()


def test_quiet_prints_nothing(small_archive, tmp_path):
    result = run(small_archive, "--out", tmp_path / "out", "--quiet")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_default_output_is_archive_site(small_archive):
    result = run("build", small_archive, "--quiet")
    assert result.returncode == 0, result.stderr
    assert (small_archive / "site" / "index.html").is_file()


def test_bad_input_gives_errors_not_a_traceback(tmp_path):
    root = write_archive(tmp_path / "a", seeds={"a.txt": SEED_TEXT, "empty.txt": ""},
                         metadata="file,source,date,url,author\na.txt,x,yesterday,,\n")
    result = run(root, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "seeds/empty.txt: the file is empty" in result.stderr
    assert "content/metadata.csv:2: bad date 'yesterday'" in result.stderr
    assert "build failed: 2 error(s)" in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_archive_folder(tmp_path):
    result = run(tmp_path / "nowhere")
    assert result.returncode == 1 and "no such archive folder" in result.stderr


def test_console_script_entry_point():
    result = subprocess.run([sys.executable, "-m", "arshif", "--help"], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0 and "serve" in result.stdout


def test_progress_bar_only_on_a_terminal():
    import io

    from arshif.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(True, stream)
        progress.start("writing", 200)
        for _ in range(200):
            progress.advance()
        progress.finish()
    assert "100% (200/200)" in terminal.getvalue() and terminal.getvalue().count("\r") <= 103
    assert pipe.getvalue() == ""
