"""Importers cap their input: a file bigger than [limits] max_file_mb, or more rows than max_rows, is refused in
one line before it is parsed -- so a hostile file cannot exhaust memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.ingest.contacts import read_contacts
from kamgraph.ingest.mapping import load_mapping
from kamgraph.ingest.sniff import InputLimits
from kamgraph.settings import LimitSettings
from kamgraph.store import open_store

from .conftest import CANONICAL

ROOT = Path(__file__).resolve().parent.parent


def _sparse(path: Path, size: int, head: bytes = b"id,date,kind,attendees\n") -> Path:
    """A file of ``size`` bytes that takes no disk space (a header, then a hole)."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    huge = _sparse(tmp_path / "meetings.csv", 3 * 2**30)  # 3 GB
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        before = store.counts()
        started = time.monotonic()
        with pytest.raises(InputError) as err:
            import_files([*sorted(CANONICAL.glob("*.csv")), huge], store)
        assert time.monotonic() - started < 5
        assert store.counts() == before
    assert str(err.value) == (f"{huge}: 3,072.0 MB, bigger than one import reads (100 MB; [limits] max_file_mb)")


def test_the_limits_come_from_the_settings(tmp_path: Path) -> None:
    files = sorted(CANONICAL.glob("*.csv"))
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        with pytest.raises(InputError, match=r"KB|MB, bigger than one import reads \(0 MB"):
            import_files(files, store, limits=LimitSettings(max_file_mb=0.0001))
        lines = sum(p.read_bytes().count(b"\n") - 1 for p in files)
        with pytest.raises(InputError, match=rf"{lines} rows, more than one import reads \({lines - 1}; "
                                             r"\[limits\] max_rows\)"):
            import_files(files, store, limits=LimitSettings(max_rows=lines - 1))
        assert store.is_empty()
        done = import_files(files, store, limits=LimitSettings(max_rows=lines))
        assert done.kinds["stakeholders"].created == 6


def test_sync_exports_and_mapping_files_are_capped_too(tmp_path: Path) -> None:
    export = _sparse(tmp_path / "contacts.csv", 200 * 2**20, b"id,name\n")
    with pytest.raises(InputError, match=r"contacts.csv: 200.0 MB, bigger than one import reads"):
        read_contacts(export, InputLimits())
    mapping = _sparse(tmp_path / "mapping.toml", 5 * 2**20, b"[files]\n")
    with pytest.raises(InputError, match=r"mapping.toml: 5.0 MB, bigger than one import reads \(1 MB"):
        load_mapping(mapping)


def test_the_command_line_error_is_one_line_and_fast(tmp_path: Path) -> None:
    huge = _sparse(tmp_path / "meetings.csv", 2**31)
    started = time.monotonic()
    run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--store", str(tmp_path / "kam.db"), "import",
                          str(huge)], capture_output=True, text=True, cwd=tmp_path, timeout=60,
                         env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)})
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and run.stderr.startswith(f"Error: {huge}: 2,048.0")
    assert time.monotonic() - started < 20 and not (tmp_path / "kam.db").exists()
