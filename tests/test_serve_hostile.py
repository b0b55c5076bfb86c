"""`serve` under a hostile or careless user: addresses that try to leave the built folder or that
no file system can hold, links planted in the site or in the sources, file names that are not
UTF-8, the site folder deleted, other web sites and many open event streams, and Ctrl+C in the
middle of a rebuild. Each runs `arshif serve` as a subprocess on a free port."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEED_TEXT, write_archive
from test_browser import browser  # noqa: F401  (the Chromium fixture)
from test_serve import ARTICLE, TAB_SECONDS, Served, fetch, wait_until, write_seed

from arshif.pipeline import REPO_ROOT


def request(server: Served, path: str, method: str = "GET", headers: dict | None = None, timeout: float = 5):
    """(status, body) of one request sent as given: the path is not normalised or quoted on the way."""
    host, port = server.url.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.putrequest(method, path, skip_host=headers is not None and "Host" in headers, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read() if method != "HEAD" else b""
    finally:
        connection.close()


def status(server: Served) -> dict:
    return json.loads(fetch(server.url + "__arshif/status"))


def threads_of(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as info:
        return int(next(line for line in info if line.startswith("Threads:")).split()[1])


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:  # the thread ended meanwhile
            pass
    return found


def site_files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture
def served(small_archive, tmp_path):
    server = Served(small_archive, tmp_path / "out")
    yield server
    server.stop()


# The HTTP handler --------------------------------------------------------------------------------

def test_nothing_outside_the_built_folder_is_served(served, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the browser", encoding="utf-8")
    out = tmp_path / "out"
    (out / "leak.txt").symlink_to(secret)  # planted in the site by someone: a build never writes a link
    (out / "outside").symlink_to(tmp_path)
    (out / "alias.html").symlink_to(out / "index.html")  # a link that stays inside is still followed
    for path in ("/leak.txt", "/outside/secret.txt", "/outside/", "/../secret.txt", "/%2e%2e/secret.txt",
                 "/..%2fsecret.txt", "/articles/..%2f..%2fsecret.txt", "//" + str(secret), "/%2e%2e%2f%2e%2e%2fsecret.txt"):
        code, body = request(served, path)
        assert code == 404 and b"not for the browser" not in body, path
    assert request(served, "/alias.html")[0] == 200
    assert request(served, "/" + ARTICLE)[0] == 200  # the control


def test_a_folder_without_an_index_is_not_listed(served):
    """As on a static host: a link to a folder must look broken in the preview too."""
    for path in ("/assets/", "/articles/", "/assets"):
        code, body = request(served, path)
        assert code in (301, 404) and b"style.css" not in body, path
    assert request(served, "/archive/")[0] == 200  # a folder with its index.html


def test_addresses_no_file_system_can_hold_are_answered(served):
    long = "a" * 300
    for path in ("/%00", "/x%00.html", "/%ed%a0%80", "/%ed%a0%80.html", f"/{long}", f"/{long}.html", f"/{long}/",
                 f"/__arshif/events?page=/{long}.html&digest=x", "/__arshif/events?page=%2500&digest=x"):
        code, _ = request(served, path, timeout=5)  # an answer, not a connection closed on the browser
        assert code in (200, 400, 404), path
    assert served.count("answering a request") == 0, "\n".join(served.lines)
    code, _ = request(served, "/__arshif/anything-else")
    assert code == 404


def test_a_head_request_for_the_event_stream_is_headers_only(served):
    """HEAD is answered with headers: no body, and no thread left streaming events to nobody."""
    host, port = served.url.split("//")[1].rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"HEAD /__arshif/events?page=/&digest=x HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(4096):  # until serve closes it (a timeout fails the test)
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"\r\n\r\n"), answer


def test_another_web_site_cannot_use_serve(served):
    """DNS rebinding (a site's name made to point at 127.0.0.1) would let any web page read the
    preview: serve answers only its own names. And a page of another site that opens event
    streams to serve is refused at once, so it cannot hold the browser's few connections to it."""
    port = served.url.rstrip("/").rsplit(":", 1)[1]
    with pytest.raises(OSError):  # bound to 127.0.0.1 alone by default, not to every address of the computer
        socket.create_connection(("127.0.0.2", int(port)), timeout=5).close()
    assert request(served, "/" + ARTICLE, headers={"Host": f"attacker.example:{port}"})[0] == 403
    assert request(served, "/__arshif/status", headers={"Host": f"attacker.example:{port}"})[0] == 403
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"LOCALHOST:{port}"):
        assert request(served, "/" + ARTICLE, headers={"Host": host})[0] == 200, host
    started = time.monotonic()
    code, _ = request(served, "/__arshif/events?page=/&digest=x", headers={"Origin": "https://attacker.example"}, timeout=10)
    assert code == 403 and time.monotonic() - started < 5
    assert request(served, "/__arshif/status", headers={"Origin": "https://attacker.example"})[0] == 403
    assert request(served, "/__arshif/status", headers={"Origin": served.url.rstrip("/")})[0] == 200


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="counts threads in /proc")
def test_many_open_event_streams_hold_a_bounded_number_of_threads(served):
    host, port = served.url.split("//")[1].rstrip("/").split(":")
    digest = re.search(r'data-digest="(\w+)"', fetch(served.url + ARTICLE)).group(1)  # a tab whose page is current: it waits
    streams = []
    try:
        for _ in range(100):
            stream = socket.create_connection((host, int(port)), timeout=10)
            stream.sendall(f"GET /__arshif/events?page=/{ARTICLE}&digest={digest} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            streams.append(stream)
        time.sleep(1)
        assert threads_of(served.process.pid) < 60
        started = time.monotonic()
        assert "عنوان المقال الأول" in fetch(served.url + ARTICLE)  # and serve still answers
        assert time.monotonic() - started < 5
    finally:
        for stream in streams:
            stream.close()


def test_a_page_whose_text_holds_the_end_of_the_body_gets_the_script_at_the_real_end(small_archive, tmp_path):
    write_seed(small_archive, "عنوان </body></html><script>alert(1)</script>")
    server = Served(small_archive, tmp_path / "out")
    try:
        page = fetch(server.url + ARTICLE)
    finally:
        server.stop()
    assert page.count('src="/__arshif/reload.js"') == 1
    assert page.rstrip().endswith('data-digest="' + page.split('data-digest="')[1].split('"')[0] + '"></script>\n</body>\n</html>')
    assert "&lt;/body&gt;" in page and "<script>alert" not in page


# Watching the sources ----------------------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_does_not_stop_serve(served, small_archive):
    """watchfiles cannot decode such a name and raises: the watcher must go on (and the build
    report the file), never leave serve showing an old site without a word."""
    bad = os.path.join(os.fsencode(small_archive / "seeds"), b"bad\xff.txt")
    with open(bad, "wb") as handle:
        handle.write("عنوان\nنص.\n".encode())
    wait_until(lambda: not status(served)["ok"], TAB_SECONDS, "the file with a name that is not UTF-8 was not built")
    os.unlink(bad)
    write_seed(small_archive, "عنوان بعد الاسم")
    wait_until(lambda: "عنوان بعد الاسم" in fetch(served.url + ARTICLE), TAB_SECONDS, "serve stopped rebuilding")
    assert status(served)["ok"]


CRASHING_BUILD = """
import arshif.serve, pathlib
_build = arshif.serve.build
def build(root, *args, **kwargs):
    if (pathlib.Path(root) / "seeds" / "crash.txt").exists():
        raise RuntimeError('<img src="x" onerror="alert(1)"> a bug')
    return _build(root, *args, **kwargs)
arshif.serve.build = build
"""


def test_a_build_that_crashes_leaves_serve_serving_and_says_so(small_archive, tmp_path):
    """A bug in the build (here one put in by sitecustomize): serve goes on with the last good
    site, says so in the terminal and in the status the tab shows, and the next edit recovers."""
    (tmp_path / "crash").mkdir()
    (tmp_path / "crash" / "sitecustomize.py").write_text(CRASHING_BUILD, encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "crash"), os.environ.get("PYTHONPATH", "")])}
    server = Served(small_archive, tmp_path / "out", env=environment)
    try:
        write_seed(small_archive, "عنوان", "crash.txt")
        wait_until(lambda: not status(server)["ok"], TAB_SECONDS, "the crash was not reported")
        assert "internal error: RuntimeError" in status(server)["summary"] and '<img src="x"' in status(server)["summary"]
        server.wait_for(r"^internal error: RuntimeError")
        assert "عنوان المقال الأول" in fetch(server.url + ARTICLE)  # the last good site
        (small_archive / "seeds" / "crash.txt").unlink()
        write_seed(small_archive, "عنوان بعد العطل")
        wait_until(lambda: "عنوان بعد العطل" in fetch(server.url + ARTICLE), TAB_SECONDS, "serve did not recover")
        assert status(server)["ok"] and server.process.poll() is None
    finally:
        server.stop()


@pytest.mark.parametrize("target", ["/", "tmp_path"], ids=["the whole disk", "the folder of the archive and its site"])
def test_a_link_in_a_source_folder_is_not_watched_through(small_archive, tmp_path, target):
    """The build never reads through a folder linked inside a source folder; the watcher must not
    walk it either: a link to / had it walk the whole disk and give up, one to the archive
    folder had it watch the output folder, so each build made another."""
    (small_archive / "seeds" / "linked").symlink_to(tmp_path if target == "tmp_path" else target)
    server = Served(small_archive, tmp_path / "out")
    try:
        time.sleep(2.5)  # watchfiles groups changes for up to 1.6 s
        assert server.count("rebuilding") == 0, "\n".join(server.lines)
        write_seed(small_archive, "عنوان بعد الرابط")
        wait_until(lambda: "عنوان بعد الرابط" in fetch(server.url + ARTICLE), TAB_SECONDS, "the edit was not built")
        assert server.count("watching the sources") == 0, "\n".join(server.lines)
    finally:
        server.stop()


def test_the_site_folder_deleted_while_serving_is_built_again(served, tmp_path):
    shutil.rmtree(tmp_path / "out")
    wait_until(lambda: request(served, "/" + ARTICLE)[0] == 200, TAB_SECONDS, "the site was not built again")


def test_the_archive_folder_deleted_while_serving_keeps_the_site_until_it_is_back(served, small_archive):
    """A build of a folder that is gone made an empty site of nothing, in place of the last good one."""
    shutil.rmtree(small_archive)
    wait_until(lambda: not status(served)["ok"], TAB_SECONDS, "the missing archive folder was not reported")
    assert "the archive folder is gone" in status(served)["summary"]
    assert "عنوان المقال الأول" in fetch(served.url + ARTICLE)  # the last good site
    write_archive(small_archive, seeds={"001_a.txt": "عنوان بعد العودة\nنص.\n"})
    wait_until(lambda: "عنوان بعد العودة" in fetch(served.url + ARTICLE), TAB_SECONDS, "the archive folder back was not built")
    write_seed(small_archive, "عنوان ثالث")  # and watched again
    wait_until(lambda: "عنوان ثالث" in fetch(served.url + ARTICLE), TAB_SECONDS, "the archive folder back is not watched")


# Stopping -----------------------------------------------------------------------------------------

@pytest.mark.skipif((os.cpu_count() or 1) < 2 or not Path("/proc/self/task").exists(), reason="needs the build's worker processes")
@pytest.mark.parametrize("how", ["Ctrl+C", "SIGTERM"])
def test_stopping_serve_during_a_rebuild_with_workers(tmp_path, how):
    """A rebuild of 400 pages and more renders in forked workers. They inherited serve's
    handlers: each rebuild printed their tracebacks as the pool ended them, and Ctrl+C (which
    the terminal sends to every process of the group) killed them mid-page, so the build, and
    serve waiting for it, never ended. serve stops once the build in progress has finished, and
    the next command-line build equals a clean one."""
    archive = write_archive(tmp_path / "archive", seeds={f"{n:04d}_s.txt": SEED_TEXT.replace("الأول", str(n)) for n in range(900)})
    server = Served(archive, tmp_path / "out", start_new_session=True)
    try:
        base = (REPO_ROOT / "arshif" / "theme" / "base.html").read_text(encoding="utf-8")
        theme = archive / "templates" / "base.html"
        theme.parent.mkdir()
        before = len(server.lines)
        theme.write_text(base.replace("</footer>", "<p>1</p></footer>"), encoding="utf-8")  # every page again
        server.wait_for(r"^built 900 articles", after=before, timeout=120)
        assert server.count("Traceback") == 0, "\n".join(server.lines)

        for attempt in range(2, 8):  # stop it while its workers render
            builds = server.count(r"^built 900")
            theme.write_text(base.replace("</footer>", f"<p>{attempt}</p></footer>"), encoding="utf-8")
            deadline = time.monotonic() + 60
            while len(children_of(server.process.pid)) < 2 and server.count(r"^built 900") == builds and time.monotonic() < deadline:
                time.sleep(0.005)
            if len(children_of(server.process.pid)) >= 2:
                break
        else:
            pytest.skip("never caught the workers at work")
        if how == "Ctrl+C":
            os.killpg(server.process.pid, signal.SIGINT)
        else:
            server.process.terminate()
        try:
            code = server.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            code = "still running after 60 s"
        assert code == 0, f"{code}; serve said:\n" + "\n".join(server.lines)
    finally:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGKILL)
    assert server.count("Traceback") == 0, "\n".join(server.lines)

    command = [sys.executable, str(REPO_ROOT / "build.py"), str(archive), "--quiet", "--out"]
    subprocess.run([*command, str(tmp_path / "out")], check=True, timeout=120)
    subprocess.run([*command, str(tmp_path / "clean")], check=True, timeout=120)
    built, clean = site_files(tmp_path / "out"), site_files(tmp_path / "clean")
    differ = sorted(name for name in built.keys() | clean.keys() if built.get(name) != clean.get(name))
    assert not differ, f"{len(differ)} files differ from a clean build, e.g. {differ[:10]}; serve said:\n" + "\n".join(server.lines)


# In a real browser --------------------------------------------------------------------------------

@pytest.mark.browser
def test_errors_holding_markup_are_shown_as_text(small_archive, tmp_path, browser):  # noqa: F811 (the fixture imported above)
    """The box over the tab shows an error's text (archive text, a file name) as text: never
    parsed as HTML, so markup in it neither shows nor runs."""
    server = Served(small_archive, tmp_path / "out")
    context = browser.new_context()
    try:
        tab = context.new_page()
        problems = []
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        tab.on("dialog", lambda dialog: (problems.append("dialog: " + dialog.message), dialog.dismiss()))
        tab.goto(server.url + ARTICLE)
        time.sleep(0.5)  # the script connects
        markup = '<img src="x" onerror="alert(1)"><b id="injected">bold</b>'
        (small_archive / "archive.toml").write_text(f"'{markup}' = 1\n", encoding="utf-8")  # an unknown setting
        box = tab.locator("#arshif-serve-error")
        box.wait_for(state="visible", timeout=TAB_SECONDS * 1000)
        assert markup in box.inner_text()
        assert box.locator("img, b").count() == 0 and tab.locator("#injected").count() == 0
        time.sleep(0.5)
        assert problems == []
    finally:
        context.close()
        server.stop()
