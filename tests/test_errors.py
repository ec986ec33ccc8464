"""Bad input anywhere: one readable `error:` line, a non-zero exit, nothing on disk changed (no traceback)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from spacefilms.errors import SpacefilmsError
from spacefilms.files import write_atomically


def only_an_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
    assert result.stderr.startswith("error: ")
    return result.stderr


def test_a_store_under_a_file_is_one_line(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert "cannot create the store's folder" in only_an_error_line(cli("build", store=blocker / "store"))


def test_a_damaged_store_is_one_line(cli, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "CURRENT").write_text("MANIFEST-999999\n")
    for args in (["stats"], ["export", "-o", str(tmp_path / "out.ttl")], ["query", "cast"]):
        assert "store" in only_an_error_line(cli(*args, store=damaged))
    assert not (tmp_path / "out.ttl").exists()


def test_a_store_with_an_empty_current_file_is_one_line(cli, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "CURRENT").write_bytes(b"")
    for args in (["stats"], ["query", "cast"], ["stats", "--sources"]):
        assert "cannot open the store" in only_an_error_line(cli(*args, store=damaged))


def test_query_file_that_is_not_utf8_is_one_line(cli, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.rq"
    bad.write_bytes('SELECT * WHERE { ?s ?p "caf\xe9" }'.encode("latin-1"))
    assert "not UTF-8 text" in only_an_error_line(cli("query", "--file", str(bad)))


def test_a_query_name_is_not_a_path(cli) -> None:
    assert "is not a query name" in only_an_error_line(cli("query", "../../../tmp/x"))


def test_a_parameter_given_twice_is_refused(cli) -> None:
    assert "given twice" in only_an_error_line(cli("query", "cast", "-p", "film=sfr:the-challenge", "-p", "film=sfr:iss"))


def test_a_full_disk_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    target.write_bytes(b"old")

    def full(out) -> None:
        out.write(b"partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(SpacefilmsError, match="No space left on device"):
        write_atomically(target, full)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.ttl"]
