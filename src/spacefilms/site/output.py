"""Replace a website folder atomically: build into a temporary folder beside it, then swap the two by renames.

A failed build leaves the previous site as it was (and its temporary folder is removed); what a killed build left
is removed by the next one. Only an empty folder or a previous site (it holds :data:`MARKER`) is ever replaced.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spacefilms.errors import SpacefilmsError
from spacefilms.files import remove_leftovers

MARKER = ".spacefilms-site"


def check_output(output: Path) -> None:
    """Refuse an output that is not a folder, or a non-empty folder that is not a previous site."""
    if output.is_symlink():
        raise SpacefilmsError("is a symbolic link; give the folder itself", str(output))
    if output.exists() and not output.is_dir():
        raise SpacefilmsError("exists and is not a folder: refusing to replace it", str(output))
    if output.is_dir() and not (output / MARKER).is_file() and any(output.iterdir()):
        raise SpacefilmsError(
            f"is a non-empty folder that is not a spacefilms site (no {MARKER} file): refusing to replace it", str(output)
        )
    parent = output.parent
    if not parent.is_dir():
        raise SpacefilmsError("its parent folder does not exist", str(output))


@contextmanager
def site_folder(output: str | Path, stamp: dict) -> Iterator[Path]:
    """Yield an empty temporary folder; when the block finishes, it becomes ``output`` (the old site is removed)."""
    target = Path(output)
    check_output(target)
    parent = target.parent
    prefix = f".{target.name}."
    remove_leftovers(parent, prefix, ".tmp")
    remove_leftovers(parent, prefix, ".old")
    temp = parent / f"{prefix}{os.getpid()}.tmp"
    old = parent / f"{prefix}{os.getpid()}.old"
    try:
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir()
    except OSError as exc:
        raise SpacefilmsError(f"cannot write here: {exc.strerror or exc}", str(parent)) from None
    try:
        yield temp
        (temp / MARKER).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
        os.chmod(temp, 0o755 & ~_umask())
        if target.exists():
            os.rename(target, old)
        try:
            os.rename(temp, target)
        except OSError:
            if old.exists():
                os.rename(old, target)  # put the previous site back
            raise
    except OSError as exc:
        raise SpacefilmsError(f"cannot write the site: {exc.strerror or exc}", str(target)) from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
