"""Write files atomically: a temporary file in the same folder, then a rename. Only regular files are replaced (a
symlink is followed: the file it points to is replaced and the link stays); what a killed run left behind is
removed by the next one.

Temporary entries are named ``.<name>.spacefilms-tmp-<pid>-<random>`` (:func:`temp_prefix`), and only entries of
exactly that form (:func:`temp_pattern`) whose process is gone are ever cleaned: another run's output whose name
merely starts alike (``site.2024`` beside ``site``) is never taken for a leftover. A folder a reader holds
(:func:`hold_shared`, :func:`holding`) is never removed (:func:`remove_unheld`). Also here: reading an input file within a size cap
(:func:`read_text`), and swapping two folders in one step (:func:`exchange`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from spacefilms.errors import SpacefilmsError

TEMP_TAG = "spacefilms-tmp"
_HELD: dict[str, int] = {}  # folder -> descriptor holding its shared lock, for the life of the process


@contextmanager
def atomic_output(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``path`` only if the block finishes without error."""
    with _temporary(path) as (out, commit):
        with out:
            yield out
        commit()


@contextmanager
def staged_files(writes: Mapping[Path, Callable[[BinaryIO], None]]) -> Iterator[None]:
    """Write every file of a multi-file result (``path: write``) to its temporary file before the ``with`` block,
    which does what must come first (e.g. swap in a new store); only once it succeeded are they all moved into
    place, one rename each. A full disk, or a failure anywhere before that, changes none of them."""
    with ExitStack() as stack:
        commits = []
        for path, write in writes.items():
            out, commit = stack.enter_context(_temporary(path))
            with out:
                write(out)
            commits.append(commit)
        yield
        for commit in commits:
            commit()


@contextmanager
def _temporary(path: str | Path) -> Iterator[tuple[BinaryIO, Callable[[], None]]]:
    """A temporary file beside ``path`` and the call that moves it to ``path`` (the temporary file is removed on the
    way out in any case)."""
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()  # follow the link: replace the file it points to, keep the link
    if target.exists() and not target.is_file() and not target.is_dir():
        raise SpacefilmsError("not a regular file (a device, FIFO or socket): refusing to replace it", str(path))
    folder = target.parent if str(target.parent) else Path(".")
    remove_leftovers(folder, temp_pattern(target.name))
    try:
        handle, temp_name = tempfile.mkstemp(prefix=temp_prefix(target.name), dir=folder)
    except OSError as exc:
        raise SpacefilmsError(f"cannot write here: {exc.strerror or exc}", str(target)) from None
    temp = Path(temp_name)

    def commit() -> None:
        try:
            os.chmod(temp, _mode_for(target))
            os.replace(temp, target)
        except IsADirectoryError:
            raise SpacefilmsError("is a directory", str(target)) from None
        except OSError as exc:
            raise SpacefilmsError(f"cannot write: {exc.strerror or exc}", str(target)) from None

    try:
        yield os.fdopen(handle, "wb"), commit
    except OSError as exc:  # a full disk, a vanished folder, a read-only file system: the old file stays
        raise SpacefilmsError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    finally:
        temp.unlink(missing_ok=True)


def temp_prefix(name: str) -> str:
    """How this process's temporary entries beside ``name`` begin (``tempfile`` adds eight random characters)."""
    return f".{name}.{TEMP_TAG}-{os.getpid()}-"


def temp_pattern(name: str) -> re.Pattern[str]:
    """The exact names of temporary entries beside ``name``, of any process (its id in group ``pid``)."""
    return re.compile(re.escape(f".{name}.{TEMP_TAG}-") + r"(?P<pid>[0-9]+)-[a-z0-9_]{8}")


def remove_leftovers(folder: Path, pattern: re.Pattern[str], keep: Path | None = None) -> None:
    """Remove what killed runs left in ``folder``: entries whose whole name matches ``pattern`` (the process id in its
    group ``pid``) whose process is gone, unless a reader holds them (or they are ``keep``)."""
    try:
        found = [(entry, match) for entry in folder.iterdir() if (match := pattern.fullmatch(entry.name))]
    except OSError:
        return
    for entry, match in found:
        if not _alive(int(match["pid"])) and (keep is None or entry.resolve() != keep):
            remove_unheld(entry)


def hold_shared(link: Path) -> Path:
    """The folder ``link`` points to now, held with a shared lock until this process ends: :func:`remove_unheld`
    leaves it in place while it is read, though a newer one replaced it (a store version a build superseded).

    A folder removed between resolving the link and taking the lock is noticed (it is no longer at its path) and the
    link resolved again."""
    for _ in range(100):
        folder = link.resolve()
        if str(folder) in _HELD:
            return folder
        try:
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue  # replaced and removed since the link was read
        except OSError:
            return folder  # not a folder: whoever opens it says what is wrong
        fcntl.flock(handle, fcntl.LOCK_SH)
        try:
            same = os.path.samestat(os.fstat(handle), os.stat(folder))
        except FileNotFoundError:
            same = False
        if same:
            _HELD[str(folder)] = handle
            return folder
        os.close(handle)
    return link.resolve()


@contextmanager
def holding(folder: Path) -> Iterator[None]:
    """Hold ``folder`` with a shared lock for the ``with`` block (e.g. while it is being written)."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield
    finally:
        os.close(handle)


def remove_unheld(entry: Path) -> bool:
    """Remove ``entry`` (a file or folder) unless some process holds it (:func:`hold_shared`); whether it went."""
    try:
        handle = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | (os.O_DIRECTORY if entry.is_dir() else 0))
    except FileNotFoundError:
        return True
    except OSError:  # a symlink, or unreadable: not a held folder
        entry.unlink(missing_ok=True)
        return True
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return False
    try:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    finally:
        os.close(handle)
    return not entry.exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mode_for(target: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the replaced file's: mkstemp's 0600 would hide it from others."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def check_writable(path: str | Path) -> None:
    """Refuse at once an output whose folder is missing or not writable, or that is a folder: before minutes of work
    that would end in that error."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SpacefilmsError(f"no such folder: {folder}", str(path))
    if target.is_dir():
        raise SpacefilmsError("is a directory", str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SpacefilmsError(f"cannot write in {folder}", str(path))


def write_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write`` with a temporary file, then move it to ``path``. Ctrl-C stops it at once, the temporary file
    removed (see :mod:`spacefilms.threads`)."""
    from spacefilms.threads import in_background

    with atomic_output(path) as out:
        in_background(write, out, name="spacefilms-writer")
    return Path(path)


MAX_INPUT = 4 * 1024 * 1024  # the largest input file read (a query): /dev/zero or a wrong file is refused, not read


def read_text(path: str | Path, limit: int = MAX_INPUT) -> str:
    """The UTF-8 text of an input file, read only up to ``limit`` bytes (an endless or huge file is refused at
    once); a UTF-8 byte order mark is read as one, not as text."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SpacefilmsError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    if len(data) > limit:
        raise SpacefilmsError(f"larger than {limit:,} bytes: refusing to read it", str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpacefilmsError(f"not UTF-8 text (byte {exc.start}): it must be UTF-8", str(path)) from None


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step (Linux's ``renameat2`` with ``RENAME_EXCHANGE``): at every moment each name
    names one of them. False, with nothing changed, where the system or the file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_in(new: Path, target: Path) -> None:
    """Make the folder ``new`` the folder ``target`` (the website, a shipped snapshot); the previous ``target`` (if
    any) ends up at ``new``'s name, for the caller to remove. In one step where the file system can
    (:func:`exchange`), so that ``target`` never names nothing; else the old one is moved aside and put back if the
    new one cannot be moved in."""
    try:
        os.rename(new, target)  # no folder yet, or an empty one
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if exchange(new, target):
        return
    aside = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=target.parent))
    os.rename(target, aside)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(aside, target)  # put the previous one back
        raise
    shutil.rmtree(aside, ignore_errors=True)
