"""Snapshots from anyone: verify and diff stay within bounded time and memory, refuse what a
snapshot never holds, print nothing that can redraw a terminal, and give one clear error for
every damaged file; snapshot writes its archives whole or not at all."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import write_archive

from arshif import cli, publish
from arshif.pipeline import REPO_ROOT, snapshot
from arshif.publish import MANIFEST, SUMS, verify

SEEDS = {"a.txt": "خبر أول\nنص المقال الأول.\n", "b.txt": "خبر ثان\nنص المقال الثاني.\n",
         "c.txt": "خبر ثالث\nنص المقال الثالث.\n"}
TOP = "arshif-a-2015-08-03"
SECONDS = 10  # any hostile archive is done within this...
PEAK_MB = 200  # ...and this much memory (peak RSS of the whole process)


def archive_with(root: Path, seeds: dict[str, str]) -> Path:
    rows = "".join(f"{name},okaz,2015-08-0{i + 1},,\n" for i, name in enumerate(sorted(seeds)))
    return write_archive(root, seeds=seeds, metadata="file,source,date,url,author\n" + rows)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    """One small snapshot (zip, tar.gz, and its site folder), built once for this module."""
    base = tmp_path_factory.mktemp("made")
    root = archive_with(base / "a", SEEDS)
    _, (zip_path, tar_path) = snapshot(root, base / "site", base / "snaps")
    return {"root": root, "zip": zip_path, "tar": tar_path, "site": base / "site"}


def members_of(tar_path: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(tar_path) as archive:
        return [(m, archive.extractfile(m).read() if m.isfile() else b"") for m in archive.getmembers()]


def write_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return path


def with_sums(members: list[tuple[tarfile.TarInfo, bytes]]) -> list[tuple[tarfile.TarInfo, bytes]]:
    """The members with SHA256SUMS rewritten to list every file as the old reader saw it
    (the name after the first '/'), so only the new rules can tell the archive is wrong."""
    lines = "".join(f"{hashlib.sha256(data).hexdigest()}  {info.name.split('/', 1)[-1]}\n"
                    for info, data in members if info.isfile() and not info.name.endswith(SUMS))
    out = []
    for info, data in members:
        if info.name.endswith("/" + SUMS):
            info, data = file_info(info.name, len(lines.encode())), lines.encode()
        out.append((info, data))
    return out


def file_info(name: str, size: int = 0, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.type, info.linkname, info.mode = size, kind, link, 0o644
    return info


# -- hostile archives, crafted byte by byte where the tools would not write them ---------------

def sparse_tar(path: Path, declared: int) -> Path:
    """A GNU sparse file: a few hundred bytes that say they unpack to `declared` bytes of zeros."""
    info = file_info(f"{TOP}/manifest.json", 0, tarfile.GNUTYPE_SPARSE)
    header = bytearray(info.tobuf(tarfile.GNU_FORMAT))
    header[386:410] = b"%011o\0%011o\0" % (declared - 1, 0)  # one piece of data, empty, at the very end
    header[483:495] = b"\x80" + declared.to_bytes(11, "big")  # the real size, base-256
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    path.write_bytes(gzip.compress(bytes(header) + bytes(1024)))
    return path


def zeros_deflated(mib: int) -> bytes:
    """Raw deflate data of `mib` MiB of zeros, made from one repeated piece (no need to compress a GiB)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = squeeze.compress(bytes(1 << 20)) + squeeze.flush(zlib.Z_FULL_FLUSH)
    return piece * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def zeros_crc(size: int, crc: int = 0) -> int:
    block = bytes(16 << 20)
    for start in range(0, size, len(block)):
        crc = zlib.crc32(block[:min(len(block), size - start)], crc)
    return crc


def raw_zip(path: Path, name: str, data: bytes, size: int, crc: int, repeat: int = 1) -> Path:
    """A zip of one deflated member whose central directory entry is written `repeat` times."""
    encoded = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0) + encoded
    entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded),
                        0, 0, 0, 0, 0o100644 << 16, 0) + encoded
    directory = entry * repeat
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, repeat, repeat, len(directory), len(local) + len(data), 0)
    path.write_bytes(local + data + directory + end)
    return path


def zip_of_zeros(path: Path, mib: int, repeat: int = 1) -> Path:
    return raw_zip(path, f"{TOP}/manifest.json", zeros_deflated(mib), mib << 20, zeros_crc(mib << 20), repeat)


def tar_of_zeros(path: Path, mib: int) -> Path:
    """A .tar.gz holding one member of `mib` MiB of zeros (about a thousandth of that packed)."""
    header = file_info(f"{TOP}/index.html", mib << 20).tobuf(tarfile.PAX_FORMAT)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = squeeze.compress(header) + squeeze.flush(zlib.Z_FULL_FLUSH)
    zeros = (mib + 1) << 20  # the data, then tar's end blocks and padding
    trailer = struct.pack("<II", zeros_crc(zeros, zlib.crc32(header)), (len(header) + zeros) & 0xFFFFFFFF)
    path.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + start + zeros_deflated(mib + 1) + trailer)
    return path


def json_bomb(path: Path, mib: int) -> Path:
    """A zip whose manifest.json is `mib` MiB of empty objects: a few KB packed, 25 times its size once parsed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(f"{TOP}/{MANIFEST}", b"[" + b"{}," * ((mib << 20) // 3) + b"{}]")
        archive.writestr(f"{TOP}/{SUMS}", b"")
    return path


def many_entries(path: Path, count: int) -> Path:
    """`count` empty files: a few bytes each, packed (a snapshot packs about 1,400 bytes a file)."""
    names = [f"{TOP}/x/{number}" for number in range(count)]
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w") as archive:
            for name in names:
                archive.writestr(name, b"")
        return path
    return write_tar(path, [(file_info(name), b"") for name in names])


def pax_header_bomb(path: Path, declared: int) -> Path:
    """A pax extended header that says it is `declared` bytes long (tarfile reads such headers whole)."""
    info = file_info("././@PaxHeader", declared, tarfile.XHDTYPE)
    path.write_bytes(gzip.compress(info.tobuf(tarfile.USTAR_FORMAT) + bytes(1 << 20)))
    return path


# -- running the command as a user would, measured ------------------------------------------------

MEASURED = """
import sys
from arshif.cli import main

try:
    code = main(sys.argv[2:])
finally:  # VmHWM: this process's peak memory since it started (ru_maxrss would count its parent's, before exec)
    status = open("/proc/self/status").read().splitlines()
    open(sys.argv[1], "w").write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
sys.exit(code)
"""


def peak_mb(report: Path) -> float:
    return int(report.read_text()) / 1024 if report.exists() else float("inf")


def run_measured(*args: str, timeout: float = 120) -> tuple[int, str, str, float, float]:
    """arshif's command line in a process of its own: exit code, stdout, stderr, seconds and
    peak memory (MB). An address-space cap of 2 GB keeps a regression from taking the
    machine's memory: it would end in MemoryError instead."""
    def cap_memory():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "peak"
        started = time.perf_counter()
        try:
            run = subprocess.run([sys.executable, "-c", MEASURED, str(report), *args], capture_output=True, text=True, timeout=timeout,
                                 preexec_fn=cap_memory, env={**os.environ, "PYTHONUTF8": "1"}, cwd=REPO_ROOT)
        except subprocess.TimeoutExpired as exc:
            return -1, "", f"timed out\n{exc.stderr}", time.perf_counter() - started, peak_mb(report)
        return run.returncode, run.stdout, run.stderr, time.perf_counter() - started, peak_mb(report)


def assert_clear_error(code: int, stderr: str, *words: str) -> None:
    assert code == 1, stderr
    assert stderr.startswith("error: "), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    for word in words:
        assert word in stderr, (word, stderr)


BOMBS = {  # name: (how to make it, words the error must hold)
    "sparse-3GB.tar.gz": (lambda p: sparse_tar(p, 3 * 10**9), ["manifest.json", "sparse file"]),
    "sparse-1TiB.tar.gz": (lambda p: sparse_tar(p, 1 << 40), ["manifest.json", "sparse file"]),
    "zeros-1GiB.zip": (lambda p: zip_of_zeros(p, 1024), ["bytes", "archive bomb"]),
    "zeros-1GiB.tar.gz": (lambda p: tar_of_zeros(p, 1024), ["bytes", "archive bomb"]),
    "entry-300-times.zip": (lambda p: zip_of_zeros(p, 80, repeat=300), ["archive bomb"]),
    "pax-header-1GiB.tar.gz": (lambda p: pax_header_bomb(p, 1 << 30), ["tar header"]),
    "manifest-30MiB-of-objects.zip": (lambda p: json_bomb(p, 30), [MANIFEST, "is larger than"]),
    "20000-empty-files.zip": (lambda p: many_entries(p, 20_000), ["entries, more than a snapshot of its size holds"]),
    "20000-empty-files.tar.gz": (lambda p: many_entries(p, 20_000), ["entries, more than a snapshot of its size holds"]),
}


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {name: make(folder / name) for name, (make, _) in BOMBS.items()}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_is_refused_quickly_in_little_memory(bombs, made, name):
    for command in (["verify", str(bombs[name])], ["diff", str(made["zip"]), str(bombs[name])]):
        code, _, stderr, seconds, peak_mb = run_measured(*command)
        print(f"{name} {command[0]}: {seconds:.2f} s, {peak_mb:.0f} MB peak; {stderr.splitlines()[0] if stderr else ''}")
        assert_clear_error(code, stderr, str(bombs[name]), *BOMBS[name][1])
        assert seconds < SECONDS and peak_mb < PEAK_MB, (seconds, peak_mb)


# -- 5. a snapshot holds regular files and folders, under one top folder, once each ---------------

def tar_with(made, tmp_path: Path, extra: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    """The real snapshot's members plus `extra`, every file listed in SHA256SUMS."""
    return write_tar(tmp_path / "tampered.tar.gz", with_sums(members_of(made["tar"]) + extra))


def data_info(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return file_info(name, len(data)), data


TAR_ENTRIES = {  # what is added: the entry's name as reported, and what it is called
    "parent": ([data_info(f"{TOP}/../../evil.sh", b"echo owned\n")], f"{TOP}/../../evil.sh", "not allowed in a path"),
    "absolute": ([data_info("/tmp/evil.sh", b"echo owned\n")], "/tmp/evil.sh", "an absolute path"),
    "symlink": ([(file_info(f"{TOP}/assets/passwd", 0, tarfile.SYMTYPE, "/etc/passwd"), b"")], f"{TOP}/assets/passwd", "symbolic link"),
    "hard link": ([(file_info(f"{TOP}/assets/passwd", 0, tarfile.LNKTYPE, "/etc/passwd"), b"")], f"{TOP}/assets/passwd", "hard link"),
    "fifo": ([(file_info(f"{TOP}/pipe", 0, tarfile.FIFOTYPE), b"")], f"{TOP}/pipe", "FIFO"),
    "device": ([(file_info(f"{TOP}/tty", 0, tarfile.CHRTYPE), b"")], f"{TOP}/tty", "character device"),
    "twice": ([data_info(f"{TOP}/robots.txt", b"x"), data_info(f"{TOP}/robots.txt", b"x")], f"{TOP}/robots.txt", "twice"),
    "other folder": ([data_info("elsewhere/evil.sh", b"echo owned\n")], "elsewhere/evil.sh", "outside the top folder"),
    "control characters": ([data_info(f"{TOP}/a\x1b[2Jb.html", b"x")], f"{TOP}/a\\x1b[2Jb.html", "a control character"),
    "file and folder": ([data_info(f"{TOP}/articles/a.html/x", b"x")], f"{TOP}/articles/a.html/x", "both a file and a folder"),
}


@pytest.mark.parametrize("case", sorted(TAR_ENTRIES))
def test_a_tar_entry_a_snapshot_never_holds_is_named(made, tmp_path, case, capsys):
    extra, shown, what = TAR_ENTRIES[case]
    path = tar_with(made, tmp_path, extra)
    [problem] = verify(path)
    assert shown in problem and what in problem, problem
    for command in (["verify", str(path)], ["diff", str(made["tar"]), str(path)]):
        assert_clear_error(cli.main(command), capsys.readouterr().err, shown, what)


def test_a_file_beside_the_top_folder_is_named(made, tmp_path):
    path = write_tar(tmp_path / "tampered.tar.gz", with_sums([data_info("evil.sh", b"echo owned\n")] + members_of(made["tar"])))
    [problem] = verify(path)
    assert "evil.sh: a file beside the top folder" in problem


def rezip(made, tmp_path: Path, change) -> Path:
    """The real zip snapshot, each entry passed through change(info, data) -> [(info, data), ...]."""
    path = tmp_path / "tampered.zip"
    with zipfile.ZipFile(made["zip"]) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            for new_info, data in change(info, source.read(info)):
                target.writestr(new_info, data)
    return path


def renamed(info: zipfile.ZipInfo, name: str, mode: int = 0o100644) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(name, info.date_time)
    new.external_attr, new.compress_type = mode << 16, zipfile.ZIP_DEFLATED
    return new


ZIP_ENTRIES = {  # change(info, data) for robots.txt-like extra entries after index.html
    "symlink": (lambda info, data: [(renamed(info, f"{TOP}/assets/passwd", 0o120777), b"/etc/passwd")], "symbolic link"),
    "twice": (lambda info, data: [(info, data), (info, data)], "twice"),
    "parent": (lambda info, data: [(renamed(info, f"{TOP}/../evil.sh"), data)], "not allowed in a path"),
    "absolute": (lambda info, data: [(renamed(info, "/evil.sh"), data)], "an absolute path"),
    "backslash": (lambda info, data: [(renamed(info, f"{TOP}/..\\..\\evil.sh"), data)], "not allowed in a path"),
    "bzip2": (lambda info, data: [(bzipped(info), data)], "compression method 12"),
}


def bzipped(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = renamed(info, info.filename)
    new.compress_type = zipfile.ZIP_BZIP2
    return new


@pytest.mark.parametrize("case", sorted(ZIP_ENTRIES))
def test_a_zip_entry_a_snapshot_never_holds_is_named(made, tmp_path, case):
    change, what = ZIP_ENTRIES[case]
    with pytest.warns(UserWarning) if case == "twice" else contextlib.nullcontext():  # zipfile warns of the duplicate it writes
        path = rezip(made, tmp_path, lambda info, data: change(info, data) if info.filename == f"{TOP}/index.html" else [(info, data)])
    problems = verify(path)
    assert len(problems) == 1 and what in problems[0], problems


def test_a_zip_repacked_by_zip_r_and_a_tar_repacked_by_tar_verify(made, tmp_path):
    """Re-packing keeps a snapshot valid: folder entries (zip -r, tar) and GNU tar's long-name headers are fine."""
    unpacked = tmp_path / "unpacked"
    with tarfile.open(made["tar"]) as archive:
        archive.extractall(unpacked, filter="data")
    long_name = "م" * 60 + ".html"  # 120+ bytes: GNU tar writes a long-name header for it
    (unpacked / TOP / "articles" / long_name).write_bytes(b"x")
    sums = unpacked / TOP / SUMS
    sums.write_text(sums.read_text(encoding="utf-8") + f"{hashlib.sha256(b'x').hexdigest()}  articles/{long_name}\n", encoding="utf-8")
    zipped = tmp_path / "repacked.zip"
    if shutil.which("zip"):
        subprocess.run(["zip", "-q", "-r", str(zipped), TOP], cwd=unpacked, check=True)
    else:  # what zip -r writes: a folder entry before each folder's files
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted((unpacked / TOP).rglob("*")):
                archive.write(path, path.relative_to(unpacked).as_posix())
    with zipfile.ZipFile(zipped) as archive:
        assert any(info.is_dir() for info in archive.infolist())
    tarred = tmp_path / "repacked.tar.gz"
    subprocess.run(["tar", "-czf", str(tarred), TOP], cwd=unpacked, check=True)
    assert verify(zipped) == [] and verify(tarred) == [] and verify(unpacked / TOP) == []


def test_a_built_folder_with_a_symlink_or_a_fifo_is_refused(made, tmp_path):
    folder = unpacked(made, tmp_path)
    (folder / "assets" / "passwd").symlink_to("/etc/passwd")
    [problem] = verify(folder)
    assert "assets/passwd: a symbolic link" in problem
    (folder / "assets" / "passwd").unlink()
    os.mkfifo(folder / "pipe")
    [problem] = verify(folder)  # named, never opened (opening a FIFO would wait for ever)
    assert "pipe: a FIFO" in problem


def test_entries_sizes_and_kept_files_are_bounded(made, tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "MAX_ENTRIES", 10)
    for path in (made["zip"], made["tar"], made["site"]):
        [problem] = verify(path)
        assert "entries, more than any snapshot holds" in problem, problem
    monkeypatch.undo()
    monkeypatch.setattr(publish, "MAX_FILE_SIZE", 1000)
    [problem] = verify(made["tar"])
    assert "bytes, more than any file of a site (1,000)" in problem


# -- 6. nothing printed from an archive can redraw the terminal -----------------------------------

UNPRINTABLE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def test_printable_escapes_controls_and_bidi_overrides_and_keeps_arabic():
    assert publish.printable("\x1b[2J\x9b31m\x7f\u202eabc\u2066") == "\\x1b[2J\\x9b31m\\x7f\\u202eabc\\u2066"
    assert publish.printable("line\nforged: 0\r") == "line\\nforged: 0\\r"
    arabic = "بوتين يعلن إحباط ٣٢ هجوما\u200f، ومُحمّد"  # letters, digits, marks and RLM stay
    assert publish.printable(arabic) == arabic
    assert publish.printable("\udcff") == "\\udcff"  # a name that is not UTF-8 prints, as an escape


def unpacked(made, folder: Path) -> Path:
    """The snapshot unpacked: its folder (with SHA256SUMS, which a built site has not)."""
    with tarfile.open(made["tar"]) as archive:
        archive.extractall(folder, filter="data")
    return folder / TOP


@pytest.fixture
def two_sites(made, tmp_path) -> tuple[Path, Path]:
    return unpacked(made, tmp_path / "old"), unpacked(made, tmp_path / "new")


def edit_manifest(site: Path, change) -> None:
    path = site / MANIFEST
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


FORGED_ID = "x\x1b[2J\x1b[H\nadded: 0\nremoved: 0\x9b1A\u202e"


def test_diff_prints_ids_and_keys_from_the_archive_escaped(two_sites, capsys):
    old, new = two_sites

    def forge(data):
        data["articles"].append({"id": FORGED_ID, "title": "\x1b]0;owned\x07", "path": "articles/x.html", "hash": "0", "date": ""})
        data["articles"].append({"id": "مقال-جديد", "title": "عنوان", "path": "articles/y.html", "hash": "0", "date": ""})
        data["tags"]["\x1b[31mtag\u2066"] = {"count": 1, "articles": [FORGED_ID]}

    edit_manifest(new, forge)
    assert cli.main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert not UNPRINTABLE & set(out.replace("\n", "")), repr(out)
    lines = out.splitlines()
    assert [line for line in lines if line.startswith(("added", "removed", "changed"))] == ["added: 2", "removed: 0", "changed: 0"]
    assert "  مقال-جديد" in lines and "  " + publish.printable(FORGED_ID) in lines
    assert cli.main(["diff", str(old), str(new), "--json"]) == 0
    out = capsys.readouterr().out
    assert not UNPRINTABLE & set(out.replace("\n", "")), repr(out)
    assert json.loads(out)["added"] == sorted([FORGED_ID, "مقال-جديد"])  # the same values, for machines


def test_verify_prints_paths_from_the_archive_escaped(two_sites, capsys):
    _, site = two_sites
    with open(site / SUMS, "a", encoding="utf-8") as sums:
        sums.write(f"{'0' * 64}  \x1b]0;owned\x07\u202egnp.exe\n")
    assert cli.main(["verify", str(site)]) == 1
    err = capsys.readouterr().err
    assert "error: \\x1b]0;owned\\x07\\u202egnp.exe: listed in SHA256SUMS but missing" in err
    assert not UNPRINTABLE & set(err.replace("\n", ""))


# -- 7. a malformed manifest.json or SHA256SUMS is one clear error ----------------------------

BAD_MANIFESTS = {
    "bad JSON": b'{"articles": [',
    "a list": b"[1, 2]",
    "missing keys": b'{"articles": []}',
    "articles not a list": b'{"date": "", "input_hash": "", "articles": {}, "entities": {}, "tags": {}}',
    "an id that is a number": b'{"date": "", "input_hash": "", "articles": [{"id": 1, "title": "", "path": "", "hash": ""}], '
                              b'"entities": {}, "tags": {}}',
    "an entity that is a list": b'{"date": "", "input_hash": "", "articles": [], "entities": {"e": []}, "tags": {}}',
    "not UTF-8": b'{"date": "\xff\xfe"}',
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
    "a number of 100,000 digits": b'{"date": ' + b"9" * 100_000 + b"}",
}
BAD_SUMS = {
    "a bad line": b"not a checksum line\n",
    "not UTF-8": b"0" * 64 + b"  \xff\xfe.html\n",
    "a path twice": (b"0" * 64 + b"  index.html\n") * 2,
    "a short digest": b"abc  index.html\n",
}


@pytest.mark.parametrize("case", sorted(BAD_MANIFESTS))
def test_a_malformed_manifest_is_one_clear_error(two_sites, case, capsys):
    old, new = two_sites
    (new / MANIFEST).write_bytes(BAD_MANIFESTS[case])
    for command in (["verify", str(new)], ["diff", str(old), str(new)], ["diff", str(new), str(old), "--json"]):
        code = cli.main(command)
        err = capsys.readouterr().err
        assert_clear_error(code, err, f"{new}: {MANIFEST}")
        assert len(err.splitlines()) == 2  # the error and its fix


@pytest.mark.parametrize("case", sorted(BAD_SUMS))
def test_a_malformed_sha256sums_is_one_clear_error(two_sites, case, capsys):
    _, site = two_sites
    (site / SUMS).write_bytes(BAD_SUMS[case])
    code = cli.main(["verify", str(site)])
    err = capsys.readouterr().err
    assert_clear_error(code, err, f"{site}: {SUMS}")
    assert len(err.splitlines()) == 2


SUBCOMMANDS = {  # the subcommand's arguments, and the function inside main's error handler that it calls
    "build": ([], "run_build"),
    "check": ([], "run_check"),
    "snapshot": ([], "run_snapshot"),
    "suggest-entities": ([], "suggest"),
    "verify": (["SNAPSHOT"], "run_compare"),
    "diff": (["SNAPSHOT", "SNAPSHOT"], "run_compare"),
}


@pytest.mark.parametrize("command", sorted(SUBCOMMANDS) + ["serve"])
def test_an_internal_error_is_reported_by_every_subcommand(made, command, monkeypatch, capsys):
    def bug(*args, **kwargs):
        raise RuntimeError("a bug")

    if command == "serve":
        import arshif.serve

        monkeypatch.setattr(arshif.serve, "serve", bug)
        args = []
    else:
        args, function = SUBCOMMANDS[command]
        monkeypatch.setattr(cli, function, bug)
    args = [str(made["zip"]) if arg == "SNAPSHOT" else arg for arg in args] or [str(made["root"])]
    assert cli.main([command, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: a bug") and "AttributeError" not in err, err
    assert cli.main([command, *args, "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err


# -- 8. snapshot writes whole archives or none ------------------------------------------------------

KILL_WHILE_PACKING = """
import gzip, os, signal, sys, zipfile
from arshif.cli import main

kind = sys.argv[4]
def kill_when(packing_name):
    if kind in packing_name:
        os.kill(os.getpid(), signal.SIGKILL)

real_gzip_write, real_zip_open = gzip.GzipFile.write, zipfile.ZipFile.open
def gzip_write(self, data):
    kill_when(str(getattr(self.fileobj, "name", "")))
    return real_gzip_write(self, data)
def zip_open(self, name, mode="r", **kwargs):
    if mode == "w" and getattr(name, "filename", name).endswith("feed.xml"):  # some entries are already written
        kill_when(str(getattr(self.fp, "name", self.filename)))
    return real_zip_open(self, name, mode, **kwargs)
gzip.GzipFile.write, zipfile.ZipFile.open = gzip_write, zip_open
sys.exit(main(["snapshot", sys.argv[1], "--out", sys.argv[2], "--dest", sys.argv[3], "--quiet"]))
"""


@pytest.mark.parametrize("kind", [".zip", ".tar.gz"])
def test_a_snapshot_killed_while_packing_leaves_the_previous_archives_whole(tmp_path, kind):
    root = archive_with(tmp_path / "a", SEEDS)
    dest = tmp_path / "snaps"
    assert cli.main(["snapshot", str(root), "--out", str(tmp_path / "site"), "--dest", str(dest), "--quiet"]) == 0
    before = {path.name: path.read_bytes() for path in dest.iterdir()}
    (root / "seeds" / "d.txt").write_text("خبر رابع\nنص.\n", encoding="utf-8")  # same date: the same names
    killed = subprocess.run([sys.executable, "-c", KILL_WHILE_PACKING, str(root), str(tmp_path / "site"), str(dest), kind],
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    for name, data in before.items():
        assert (dest / name).read_bytes() == data, name  # whole, not the half-written new one
    assert cli.main(["snapshot", str(root), "--out", str(tmp_path / "site"), "--dest", str(dest), "--quiet"]) == 0
    assert sorted(path.name for path in dest.iterdir()) == sorted(before)  # the killed run's temporary is gone
    assert all(verify(dest / name) == [] for name in before)


def test_a_full_disk_while_packing_leaves_the_previous_archives_and_no_temporary(tmp_path, monkeypatch, capsys):
    import errno

    root = archive_with(tmp_path / "a", SEEDS)
    dest = tmp_path / "snaps"
    arguments = ["snapshot", str(root), "--out", str(tmp_path / "site"), "--dest", str(dest), "--quiet"]
    assert cli.main(arguments) == 0
    before = {path.name: path.read_bytes() for path in dest.iterdir()}
    real_write = gzip.GzipFile.write

    def full_disk(self, data):
        if ".tar.gz" in str(getattr(self.fileobj, "name", "")):
            real_write(self, data[:100])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(self, data)

    monkeypatch.setattr(gzip.GzipFile, "write", full_disk)
    assert cli.main(arguments) == 1
    err = capsys.readouterr().err
    assert f"error: {dest}: the snapshot could not be written: No space left on device" in err and "internal error" not in err
    assert {path.name: path.read_bytes() for path in dest.iterdir()} == before


@pytest.mark.parametrize("inside", ["content", "content/snapshots", "seeds", "site", "site/snapshots"])
def test_a_snapshot_folder_inside_the_sources_or_the_site_is_refused_before_building(tmp_path, inside, capsys):
    root = archive_with(tmp_path / "a", SEEDS)
    assert cli.main(["snapshot", str(root), "--dest", str(root / inside)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {inside}: the snapshot folder is inside {(root / inside.split('/')[0]).resolve()}"), err
    assert "\n  fix: choose a folder outside" in err
    assert not (root / "site").exists()  # nothing was built
    assert not list(root.rglob("*.zip"))


# -- fuzz: a few hundred damaged snapshots, each one clear error or an honest ok -------------------

def mutant_manifest(rng: random.Random, data: bytes) -> bytes:
    """manifest.json damaged one way or another."""
    manifest = json.loads(data)
    choice = rng.randrange(8)
    if choice == 0:
        return data[:rng.randrange(len(data))]
    if choice == 1:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    if choice == 2:
        del manifest[rng.choice(sorted(manifest))]
    elif choice == 3:
        manifest[rng.choice(sorted(manifest))] = rng.choice([None, 1, "x", [], {}, [1], {"a": 1}])
    elif choice == 4 and manifest["articles"]:
        article = rng.choice(manifest["articles"])
        article[rng.choice(sorted(article))] = rng.choice([None, 1, [], {}, "\x1b[2J", "\ud800"])
    elif choice == 5:
        manifest[rng.choice(["entities", "tags"])]["\x1b]0;x\x07"] = rng.choice([[], {"articles": "a"}, {"articles": [1]}, 3])
    elif choice == 6:
        return rng.choice([b"[]", b"null", b'"x"', b"[" * 5000, b"\xff\xfe{}", b"{}" + b"\x00"])
    else:
        manifest = rng.choice([[manifest], {"manifest": manifest}])
    return json.dumps(manifest, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


def mutant_sums(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")[:-1]
    choice = rng.randrange(6)
    index = rng.randrange(len(lines))
    if choice == 0:
        del lines[index]
    elif choice == 1:
        lines.insert(index, lines[index])
    elif choice == 2:
        lines[index] = bytes([rng.choice(b"0123456789abcdef".replace(lines[index][:1], b""))]) + lines[index][1:]
    elif choice == 3:
        lines.insert(index, rng.choice([b"garbage", b"", b"0" * 64 + b" one-space", b"\xff\xfe  x", b"0" * 64 + b"  ../../etc/passwd"]))
    elif choice == 4:
        return data[:rng.randrange(len(data))]
    else:
        lines[index] = lines[index] + b"\x1b[2J"
    return b"\n".join(lines) + b"\n"


def mutant_entries(rng: random.Random, entries: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """(name, data) entries renamed, doubled, dropped, edited or with the manifest or sums damaged."""
    entries = list(entries)
    index = rng.randrange(len(entries))
    name, data = entries[index]
    choice = rng.randrange(7)
    if choice == 0:
        entries[index] = (rng.choice([f"{TOP}/../x", f"/{name}", f"other/{name}", name + "\x1b[A", f"{TOP}//x", f"{TOP}/./x",
                                      entries[(index + 1) % len(entries)][0], name.split("/", 1)[-1], f"{TOP}\\x"]), data)
    elif choice == 1:
        entries.insert(index, (name, data))
    elif choice == 2:
        del entries[index]
    elif choice == 3 and data:
        position = rng.randrange(len(data))
        bit = rng.choice([1, 2, 4, 8, 16, 64, 128])  # not 32: in SHA256SUMS that changes a digit's case, the same digest
        entries[index] = (name, data[:position] + bytes([data[position] ^ bit]) + data[position + 1:])
    elif choice in (4, 5):
        wanted = MANIFEST if choice == 4 else SUMS
        index = next(i for i, (n, _) in enumerate(entries) if n.endswith("/" + wanted))
        mutate = mutant_manifest if choice == 4 else mutant_sums
        entries[index] = (entries[index][0], mutate(rng, entries[index][1]))
    else:
        entries.append((f"{TOP}/extra.html", b"not listed"))
    return entries


def packed(rng: random.Random, entries: list[tuple[str, bytes]], as_zip: bool) -> bytes:
    buffer = io.BytesIO()
    if as_zip:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the duplicate names are the point
            for name, data in entries:
                archive.writestr(zipfile.ZipInfo(name), data)
        return buffer.getvalue()
    odd = rng.randrange(len(entries) * 5)  # one time in five, one entry is a link or a FIFO
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for number, (name, data) in enumerate(entries):
            kind = rng.choice([tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.FIFOTYPE]) if number == odd else tarfile.REGTYPE
            archive.addfile(file_info(name, len(data) if kind == tarfile.REGTYPE else 0, kind, "/etc/passwd"),
                            io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    return gzip.compress(buffer.getvalue(), 1, mtime=0)


def flipped(rng: random.Random, data: bytes, flips: int) -> bytes:
    data = bytearray(data)
    for _ in range(flips):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def mutants(made, folder: Path, count: int, seed: int = 20251201) -> dict[Path, bool]:
    """`count` damaged snapshots: {path: whether verify must fail} (a flipped byte in an archive's
    own bookkeeping, such as a time stamp, may leave every file intact)."""
    rng = random.Random(seed)
    with zipfile.ZipFile(made["zip"]) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    raw = {".zip": made["zip"].read_bytes(), ".tar.gz": made["tar"].read_bytes()}
    tar_bytes = gzip.decompress(raw[".tar.gz"])
    found = {}
    for number in range(count):
        suffix = rng.choice([".zip", ".tar.gz"])
        kind = rng.choice(["truncated", "flipped", "end flipped", "tar flipped", "entries", "entries", "entries"])
        if kind == "truncated":
            data, must_fail = raw[suffix][:rng.randrange(len(raw[suffix]))], True
        elif kind == "flipped":
            data, must_fail = flipped(rng, raw[suffix], rng.randrange(1, 5)), False
        elif kind == "end flipped":  # in a zip's central directory, which says where each entry is and how big
            suffix, must_fail = ".zip", False
            data = raw[suffix][:-4096] + flipped(rng, raw[suffix][-4096:], rng.randrange(1, 5))
        elif kind == "tar flipped":  # inside the gzip layer, where tar's headers are
            suffix, must_fail = ".tar.gz", False
            data = gzip.compress(flipped(rng, tar_bytes[:rng.choice([len(tar_bytes), 20000])], rng.randrange(1, 5)), 1, mtime=0)
        else:
            data, must_fail = packed(rng, mutant_entries(rng, entries), suffix == ".zip"), True
        path = folder / f"{number:03d}-{kind.replace(' ', '-')}{suffix}"
        path.write_bytes(data)
        found[path] = must_fail
    return found


RUNNER = """
import contextlib, io, json, sys, time, traceback
from arshif.cli import main

good, results = sys.argv[1], []
for path in sys.argv[2:]:
    for command in (["verify", path], ["diff", good, path]):
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(command)
            except BaseException:
                code = None
                traceback.print_exc()
        results.append({"command": command, "code": code, "out": out.getvalue(), "err": err.getvalue(),
                        "seconds": time.perf_counter() - started})
status = open("/proc/self/status").read().splitlines()  # VmHWM: this process's own peak (see MEASURED)
peak_mb = int(next(line.split()[1] for line in status if line.startswith("VmHWM:"))) / 1024
print(json.dumps({"results": results, "peak_mb": peak_mb}))
"""


def test_fuzz_verify_and_diff_give_only_clear_errors(made, tmp_path):
    cases = mutants(made, tmp_path, 300)
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", RUNNER, str(made["zip"]), *map(str, cases)], capture_output=True, text=True, cwd=REPO_ROOT,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    print(f"fuzz: {len(report['results'])} runs in {time.perf_counter() - started:.1f} s, peak {report['peak_mb']:.0f} MB, "
          f"slowest {max(r['seconds'] for r in report['results']):.2f} s")
    failures = []
    for result in report["results"]:
        command, code, err, out = result["command"], result["code"], result["err"], result["out"]
        must_fail = command[0] == "verify" and cases[Path(command[-1])]
        clear = code in (0, 1) and "Traceback" not in err and "internal error" not in err
        clear = clear and all(line.startswith(("error: ", "  fix: ", "... and ")) for line in err.splitlines())
        clear = clear and (code == 0 or err.startswith("error: ")) and not UNPRINTABLE & set((out + err).replace("\n", ""))
        if not clear or (must_fail and code != 1) or result["seconds"] > 2:
            failures.append(f"{command}: exit {code}, {result['seconds']:.2f} s\n{err[-1500:]}")
    assert not failures, "\n\n".join(failures[:5]) + f"\n\n({len(failures)} in all)"
    verified = [r for r in report["results"] if r["command"][0] == "verify"]
    assert sum(r["code"] == 1 for r in verified) > 0.9 * len(verified)
    assert report["peak_mb"] < PEAK_MB


def test_names_colliding_elsewhere_and_data_before_the_zip_are_refused(made, tmp_path):
    """Two names one file on macOS or Windows (case, NFC/NFD), and a tar hidden in front of
    the zip (tar unpacks it, zip readers skip it): each unpacks differently elsewhere."""
    import unicodedata

    top = made["zip"].stem
    for first, second in (("pages/A.html", "pages/a.html"), (unicodedata.normalize("NFC", "pages/é.html"),
                                                              unicodedata.normalize("NFD", "pages/é.html"))):
        members = [(file_info(f"{top}/{name}", 1), b"x") for name in (first, second)]
        members.append((file_info(f"{top}/{MANIFEST}", 2), b"{}"))
        path = write_tar(tmp_path / "collide.tar.gz", with_sums(members + [(file_info(f"{top}/{SUMS}"), b"")]))
        problems = verify(path)
        assert problems and "only in letter case or Unicode form" in problems[0], problems
    front = tmp_path / "front.zip"
    front.write_bytes(b"\0" * 1024 + made["zip"].read_bytes())
    problems = verify(front)
    assert problems and "before the first entry" in problems[0], problems
    assert verify(made["zip"]) == []
