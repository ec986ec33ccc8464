"""Write files atomically: a temporary file in the same folder, then a rename. Only regular files are replaced (a
symlink is followed: the file it points to is replaced and the link stays); what a killed run left behind is
removed by the next one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from spacefilms.errors import SpacefilmsError


@contextmanager
def atomic_output(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary file that replaces ``path`` only if the block finishes without error."""
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()  # follow the link: replace the file it points to, keep the link
    if target.exists() and not target.is_file() and not target.is_dir():
        raise SpacefilmsError("not a regular file (a device, FIFO or socket): refusing to replace it", str(path))
    folder = target.parent if str(target.parent) else Path(".")
    remove_leftovers(folder, f".{target.name}.", ".tmp")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SpacefilmsError(f"cannot write here: {exc.strerror or exc}", str(target)) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except IsADirectoryError:
        raise SpacefilmsError("is a directory", str(target)) from None
    except OSError as exc:  # a full disk, a vanished folder, a read-only file system: the old file stays
        raise SpacefilmsError(f"cannot write: {exc.strerror or exc}", str(target)) from None
    finally:
        temp.unlink(missing_ok=True)


def remove_leftovers(folder: Path, prefix: str, suffix: str = "", keep: Path | None = None) -> None:
    """Remove what killed runs left in ``folder``: entries named ``<prefix><pid>…<suffix>`` whose process is gone
    (but never ``keep``)."""
    try:
        entries = [entry for entry in folder.glob(f"{prefix}*{suffix}") if keep is None or entry.resolve() != keep]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix) :].split(".", 1)[0].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


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


def write_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write`` with a temporary file, then move it to ``path``. Ctrl-C stops it at once, the temporary file
    removed (see :mod:`spacefilms.threads`)."""
    from spacefilms.threads import in_background

    with atomic_output(path) as out:
        in_background(write, out, name="spacefilms-writer")
    return Path(path)
