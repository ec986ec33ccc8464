"""Write files atomically: a temporary file in the same folder, then a rename."""

from __future__ import annotations

import os
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
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
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
    finally:
        temp.unlink(missing_ok=True)


def _mode_for(target: Path) -> int:
    """The mode a new file gets (0666 less the umask), or the replaced file's: mkstemp's 0600 would hide it from others."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: str | Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write`` with a temporary file, then move it to ``path``."""
    with atomic_output(path) as out:
        write(out)
    return Path(path)
