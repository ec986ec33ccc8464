"""Replace a website folder atomically: build into a temporary folder beside it, then swap the two in one step
(:func:`spacefilms.files.swap_in`), so that the site's name never names nothing, even when the run is killed.

A failed build leaves the previous site as it was (and its temporary folder is removed); what a killed build left
is removed by the next one, and only that: temporary folders are named ``.<name>.spacefilms-tmp-<pid>-<random>``
and only that exact form is cleaned, so two runs writing ``site`` and ``site.2024`` side by side never touch each
other's. Only an empty folder or a previous site (it holds :data:`MARKER`) is ever replaced. Where the file system
cannot swap in one step (e.g. NFS), the old site is moved aside and the new one moved in: two renames.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spacefilms.errors import SpacefilmsError
from spacefilms.files import remove_leftovers, swap_in, temp_pattern, temp_prefix

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
    remove_leftovers(parent, temp_pattern(target.name))
    try:
        temp = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=parent))
    except OSError as exc:
        raise SpacefilmsError(f"cannot write here: {exc.strerror or exc}", str(parent)) from None
    try:
        yield temp
        (temp / MARKER).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
        os.chmod(temp, 0o755 & ~_umask())
        swap_in(temp, target)
    except OSError as exc:
        raise SpacefilmsError(f"cannot write the site: {exc.strerror or exc}", str(target)) from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)  # the new site if it failed, else the old one


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
