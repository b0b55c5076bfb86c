"""Write step: the only code that touches the output folder.

Pages go to a staging folder beside the output; only a build that finished is
swapped in (atomically, where Linux's renameat2 allows), so a failed or killed
build leaves the previous site whole. The writer refuses an output folder that
is or holds the archive's sources, or one that arshif did not make.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import marshal
import multiprocessing
import os
import re
import select
import shutil
import signal
import stat
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import BuildError, fail
from .inputs import listed, source_folder_names
from .workers import can_fork, die_with_parent

MARKER = ".arshif-site"  # names a folder as arshif's output, safe to replace
_RENAME_EXCHANGE = 2
# the last build's remover of the replaced site holds the lock for the moment it takes to let go
# of it (fork, then close): the next build (serve's second pass) waits that long before refusing
LOCK_WAIT_SECONDS = 2.0
CANCEL_POLL_SECONDS = 0.05  # how soon a build waiting for its background writer sees that it is cancelled


def check_output_folder(out: Path, protected: list[Path], source_folders: list[Path]) -> None:
    """Refuse an output folder whose replacement would lose anything that is not a built site:
    one that is or holds a protected folder or a source folder, or lies inside a source folder
    (the registry's, arshif.inputs, and the default theme's): its pages would become input."""
    target = resolved_or_fail(out)
    for source in (*protected, *source_folders):
        source = resolved_or_fail(source)
        if target == source or target in source.parents:
            raise fail(out, None, f"the output folder is or contains {source}, which holds the archive's sources", "choose another output folder, e.g. site/")
    for source in source_folders:
        source = resolved_or_fail(source)
        if source in target.parents:
            raise fail(out, None, f"the output folder is inside the source folder {source}",
                       f"choose a folder outside {listed([f'{name}/' for name in source_folder_names()])}")
    if target.exists() and not target.is_dir():
        raise fail(out, None, "the output path exists and is not a folder", "remove it or choose another output folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise fail(out, None, "the output folder is not empty and was not made by arshif, so the build will not replace it", "choose a new or empty folder, or delete this one yourself if you are sure")


def resolved_or_fail(path: Path) -> Path:
    """The path with every link followed; a link in a loop is the user's to remove, not a crash."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        raise fail(path, None, "a link that leads nowhere (a loop of links)", "remove the link, or point it at a folder") from None


class SiteWriter:
    def __init__(self, out: Path, epoch: int | None = None):
        self.out = out.resolve()
        self.epoch = epoch
        # a mount point (a Docker volume, a web root) cannot be renamed or swapped: the new
        # site is staged inside it, on its own file system, and its contents are swapped
        self.in_place = _is_mount_point(self.out)
        self.staging = (self.out if self.in_place else self.out.parent) / f".{self.out.name}.arshif-tmp-{os.getpid()}"
        self.written: set[str] = set()
        self._dirs: set[str] = set()  # folders made in the staging folder (strings: 50,000 Paths cost a second)
        self._lock_file = None
        self._background: list[Background] = []

    def __enter__(self) -> SiteWriter:
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
            self._remove_stale_staging()
            self.staging.mkdir()
            (self.staging / MARKER).write_text("This folder was built by arshif and is replaced by each build.\n")
        except OSError as exc:
            self.__exit__(type(exc), exc, None)
        self.written.add(MARKER)
        return self

    def __exit__(self, exc_type, exc, tb):
        for background in self._background:  # a build that failed: stop its writers before clearing up
            background.stop()
        if exc_type is not None and self.staging.exists():
            shutil.rmtree(self.staging, ignore_errors=True)
        if self._lock_file is not None:
            self._lock_file.close()
        if isinstance(exc, OSError):  # a full disk, a read-only folder: the user's to fix, said plainly
            raise output_problem(exc) from None
        return False

    def _lock(self) -> None:
        """One build at a time per output folder: a second one is refused, not interleaved."""
        lock_path = self.out.parent / f".{self.out.name}.arshif-lock"
        self._lock_file = open(lock_path, "a")
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
        self._lock_file.close()
        self._lock_file = None
        raise fail(self.out, None, "another build is writing to this output folder", "wait for it to finish, then build again")

    def _remove_stale_staging(self) -> None:
        """Staging folders left by killed builds (we hold the lock, so none is in use)."""
        for folder in (self.out.parent, self.out):
            for leftover in folder.glob(f".{self.out.name}.arshif-*-*") if folder.is_dir() else ():
                if leftover.is_dir() and leftover.name.startswith(f".{self.out.name}.arshif-old-"):
                    remove_in_background(leftover)  # a replaced site: perhaps being removed already
                elif leftover.is_dir() and ((leftover / MARKER).is_file() or not any(leftover.iterdir())):
                    shutil.rmtree(leftover, ignore_errors=True)

    def write(self, rel_path: str, content: str | bytes) -> None:
        self._claim(rel_path)
        _write_file(self.staging / rel_path, content, self.epoch)

    def _claim(self, rel_path: str) -> None:
        """Reserve a path in the new site (refusing a second page there) and make its folder."""
        if rel_path in self.written:
            raise fail(None, None, f"two pages would be written to {rel_path}", "rename one of the sources so their ids differ")
        self.written.add(rel_path)
        self._folder_for(rel_path)

    def _folder_for(self, rel_path: str) -> str:
        """The staging path of rel_path, its folder made."""
        target = os.path.join(self.staging, rel_path)
        parent = os.path.dirname(target)
        if parent not in self._dirs:
            os.makedirs(parent, exist_ok=True)
            self._dirs.add(parent)
        return target

    def write_rendered(self, jobs: list[tuple[str, Callable[[], str]]], progress=None, slow: int = 0) -> None:
        """Render and write pages; a large batch is spread over the cores (forked workers
        inherit the jobs and write their own files; the swap still happens only here).
        The first `slow` jobs are slow ones: each goes out on its own, first."""
        for rel_path, _ in jobs:
            self._claim(rel_path)
        workers = can_fork(len(jobs), PARALLEL_FROM)
        if not workers:
            for rel_path, render in jobs:
                _write_file(self.staging / rel_path, render(), self.epoch)
                if progress is not None:
                    progress.advance()
            return
        _SHARED.update(jobs=jobs, staging=self.staging, epoch=self.epoch, lock_fd=self._lock_file.fileno())
        try:
            ranges = [(i, i + 1) for i in range(slow)]
            ranges += [(start, min(start + CHUNK, len(jobs))) for start in range(slow, len(jobs), CHUNK)]
            with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_start) as pool:
                for done in pool.imap_unordered(_write_range, ranges):
                    if progress is not None:
                        progress.advance(done)
        finally:
            _SHARED.clear()

    def write_in_background(self, produce: Callable[[], Iterable[tuple[str, str | bytes]]],
                            previous: dict[str, bytes] | None = None) -> Background:
        """Write the files `produce` yields from a forked process, while this one goes on (the
        search index, on the core page rendering leaves idle); `Background.finish` claims them,
        and gives each one's content_digest. A file whose digest is its `previous` one (the
        current site's file there, as the last build wrote it) is hard-linked from the current site."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: write, send the paths written, leave
            status = 1
            try:
                os.close(read_end)
                os.close(self._lock_file.fileno())
                die_with_parent()
                written = {}
                for rel_path, content in produce():
                    target = self._folder_for(rel_path)  # (this process's copy of the folders made)
                    data = content.encode("utf-8") if isinstance(content, str) else content
                    written[rel_path] = digest = content_digest(data)
                    if not (previous and previous.get(rel_path) == digest and self._link_current(rel_path, target, len(data))):
                        _write_file(target, data, self.epoch)
                _send(write_end, ("written", written))
                status = 0
            except OSError as exc:  # a full disk: the parent says so as it would for its own write
                _send(write_end, ("oserror", exc.errno, os.fsdecode(exc.filename or "")))
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)
        os.close(write_end)
        self._background.append(Background(self, pid, read_end))
        return self._background[-1]

    def previous_site_id(self):
        return site_id(self.out)

    def _link_current(self, rel_path: str, target: str | Path, size: int | None = None) -> bool:
        """Hard-link the current site's file at rel_path to target; False if that cannot be done,
        or if the file is not `size` bytes long (edited by hand since it was written)."""
        current = os.path.join(self.out, rel_path)
        try:
            status = os.lstat(current)
            if not stat.S_ISREG(status.st_mode) or (size is not None and status.st_size != size):
                return False  # a link planted in the site is never carried into the next one
            os.link(current, target)
        except OSError:
            return False
        if self.epoch is not None:
            os.utime(target, (self.epoch, self.epoch))
        return True

    def reuse_previous(self, rel_path: str) -> bool:
        """Hard-link an unchanged page from the current site into the new one; False if that fails."""
        if rel_path in self.written:
            raise fail(None, None, f"two pages would be written to {rel_path}", "rename one of the sources so their ids differ")
        if not self._link_current(rel_path, self._folder_for(rel_path)):
            return False
        self.written.add(rel_path)
        return True

    def reuse_all(self, rel_paths: list[str]) -> bool:
        """Link all of these from the current site, or none (False): a set of files that must
        stay together, as the search's parts."""
        linked = []
        for rel_path in rel_paths:
            if not self.reuse_previous(rel_path):
                for done in linked:  # a link, never written through: the old site's file is untouched
                    (self.staging / done).unlink()
                    self.written.discard(done)
                return False
            linked.append(rel_path)
        return True

    def copy(self, source: Path, rel_path: str) -> None:
        self.write(rel_path, source.read_bytes())

    def commit(self) -> None:
        """Swap the finished staging folder in for the output folder."""
        if self.epoch is not None:
            for folder in self._dirs | {self.staging}:
                os.utime(folder, (self.epoch, self.epoch))
            os.utime(self.staging / MARKER, (self.epoch, self.epoch))
        if self.in_place:
            self._swap_contents()
        elif self.out.exists():
            replaced = self._replaced_name()
            if _exchange(self.staging, self.out):  # one atomic step: readers see the old site or the new
                os.rename(self.staging, replaced)
            else:
                os.rename(self.out, replaced)
                os.rename(self.staging, self.out)
            remove_in_background(replaced)
        else:
            os.rename(self.staging, self.out)

    def _replaced_name(self) -> Path:
        """Where the replaced site goes to be removed: unique, as serve's rebuilds share one pid
        and the last one's may still be being removed."""
        return self.out.parent / f".{self.out.name}.arshif-old-{os.getpid()}-{time.monotonic_ns()}"

    def _swap_contents(self) -> None:
        """For a mount point: move the old site's entries aside, the new ones in, then delete
        the old. Renames within one file system, done only once the new site is whole."""
        old = self.out / f".{self.out.name}.arshif-old-{os.getpid()}"
        old.mkdir()
        ours = f".{self.out.name}.arshif-"
        for entry in sorted(self.out.iterdir()):
            if not entry.name.startswith(ours):
                os.rename(entry, old / entry.name)
        (old / MARKER).touch()  # so a killed build's leftovers are recognised and removed
        for entry in sorted(self.staging.iterdir()):
            os.rename(entry, self.out / entry.name)
        self.staging.rmdir()
        shutil.rmtree(old, ignore_errors=True)


class Cancelled(Exception):
    """A build stopped on request (serve: the sources changed again); the site is as it was."""


class Background:
    """Files being written by a forked process (SiteWriter.write_in_background)."""

    def __init__(self, writer: SiteWriter, pid: int, read_end: int):
        self.writer, self.pid, self.read_end = writer, pid, read_end
        self.digests: dict[str, bytes] = {}  # once finished: each file's content_digest

    def finish(self, cancel: threading.Event | None = None) -> list[str]:
        """Wait for the process; claim its files in the new site; their paths. `cancel` set while
        waiting kills the process and raises Cancelled."""
        while cancel is not None:
            if cancel.is_set():
                self.stop()
                raise Cancelled("stopped while the search was being built")
            if select.select([self.read_end], [], [], CANCEL_POLL_SECONDS)[0]:
                break
        with os.fdopen(self.read_end, "rb") as pipe:
            sent = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        message = marshal.loads(sent) if sent else ("failed",)
        if message[0] == "oserror":
            raise OSError(message[1], os.strerror(message[1]), message[2] or None)
        if status != 0 or message[0] != "written":
            raise RuntimeError(f"the process writing in the background failed (wait status {status}); see the lines above")
        self.digests = message[1]
        for rel_path in self.digests:
            self.writer._claim(rel_path)
        return list(self.digests)

    def stop(self) -> None:
        """Kill the process if it still runs (a build that failed before waiting for it)."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.read_end)
        self.pid = None


def _send(fd: int, message: tuple) -> None:
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(marshal.dumps(message))


def remove_in_background(folder: Path) -> None:
    """Delete the replaced site without making the user wait for it (unlinking 50,000 files
    takes seconds): a detached grandchild process does it, and if it is killed first, the next
    build removes what it left (_remove_stale_staging: the folder holds the site's marker)."""
    try:
        child = os.fork()
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if child:
        os.waitpid(child, 0)  # the child exits at once: nothing is left to reap
        return
    try:  # the child: start the remover, on its own, and leave
        if os.fork() == 0:
            os.setsid()
            os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the build's lock above all: the next build must not wait
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        os._exit(0)


def site_id(out: Path):
    """Identifies the site now in the output folder: (device, inode) of its marker file, which
    every build writes anew; None when there is none."""
    try:
        info = (out / MARKER).stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def output_problem(exc: OSError) -> BuildError:
    """An error writing the output, as a message that says what to do."""
    where = Path(os.fsdecode(exc.filename)) if exc.filename else None
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what, hint = "the disk is full", "free some space (a build needs room for a second copy of the site while it writes), then build again"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what = "the file system is read-only" if exc.errno == errno.EROFS else "permission denied"
        hint = "choose an output folder you can write to (--out DIR), or change the folder's permissions"
    elif exc.errno in (errno.EBUSY, errno.EXDEV):
        what, hint = "the output folder cannot be replaced (a mount point?)", "build into a new folder inside it, with --out"
    elif exc.errno == errno.ENAMETOOLONG:
        what, hint = "a file name is too long for the file system", "shorten the name of the source file this page comes from"
    else:
        what, hint = exc.strerror or str(exc), "check the output folder and the disk, then build again"
    return fail(where, None, f"cannot write the site: {what}", hint)


def _is_mount_point(path: Path) -> bool:
    """True for a mount point, a bind mount of a folder on the same file system included
    (os.path.ismount sees only a change of device)."""
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as mounts:
            points = {line.split()[4] for line in mounts if len(line.split()) > 4}
    except OSError:
        return False
    # mountinfo escapes spaces, tabs, newlines and backslashes as octal
    unescaped = {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), p) for p in points}
    return str(path) in unescaped


PARALLEL_FROM = 400  # pages; fewer are written faster than workers start
CHUNK = 25  # pages a worker takes at a time: small, so slow pages spread out
_SHARED: dict = {}  # what forked workers inherit: the jobs, the staging folder, the time stamp


def _worker_start() -> None:
    """A worker lets go of the build's lock (so a killed build frees it at once) and dies with the build."""
    os.close(_SHARED["lock_fd"])
    die_with_parent()


def _write_range(bounds: tuple[int, int]) -> int:
    start, end = bounds
    for rel_path, render in _SHARED["jobs"][start:end]:
        _write_file(_SHARED["staging"] / rel_path, render(), _SHARED["epoch"])
    return end - start


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _write_file(target: Path, content: str | bytes, epoch: int | None) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(target, "wb") as handle:
        handle.write(data)
    if epoch is not None:
        os.utime(target, (epoch, epoch))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))
