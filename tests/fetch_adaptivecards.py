#!/usr/bin/env python3
"""Fetch Microsoft's Adaptive Cards library (npm ``adaptivecards``) into ``tests/schemas/adaptivecards/`` (git-ignored).

The Teams tests parse, validate and render kamgraph's cards with the
vendor's own implementation of the format (``AdaptiveCard.parse`` reports
unknown element types and invalid properties, ``validateProperties`` the
rest) in headless Chromium. Nothing is committed: ``npm pack`` downloads the
published package from the npm registry; only ``dist/adaptivecards.min.js``
and the package's ``package.json`` and licence are kept.

Usage: ``python tests/fetch_adaptivecards.py [TARGET_DIR]``; exit status 0 when the library is in place.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "adaptivecards@3.0.6"
DEFAULT_TARGET = Path(__file__).parent / "schemas" / "adaptivecards"
KEEP = ("package/dist/adaptivecards.min.js", "package/package.json", "package/LICENSE")


def fetch(target: Path = DEFAULT_TARGET) -> Path | None:
    """The path of ``adaptivecards.min.js``, downloading the package when it is not there yet (None: failed)."""
    script = target / "adaptivecards.min.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if npm is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True,
                           timeout=180)
        except (OSError, subprocess.SubprocessError):
            return None
        archives = list(Path(tmp).glob("adaptivecards-*.tgz"))
        if not archives:
            return None
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archives[0]) as tar:
            for name in KEEP:
                try:
                    member = tar.getmember(name)
                except KeyError:
                    continue
                source = tar.extractfile(member)
                if source is not None:
                    (target / Path(name).name).write_bytes(source.read())
    return script if script.exists() else None


if __name__ == "__main__":
    found = fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET)
    print(found or "could not fetch the adaptivecards package")
    sys.exit(0 if found else 1)
