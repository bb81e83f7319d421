#!/usr/bin/env python3
"""Fetch Microsoft's Adaptive Cards library and JSON schema from npm into ``tests/schemas/adaptivecards/``.

* The library (npm ``adaptivecards``): the Teams tests parse, validate and
  render kamgraph's cards with the vendor's own implementation of the format
  (``AdaptiveCard.parse`` reports unknown element types and invalid
  properties, ``validateProperties`` the rest) in headless Chromium. Only
  ``dist/adaptivecards.min.js`` and the package's ``package.json`` and licence
  are kept.
* The JSON schema (``adaptive-card.json``): no Microsoft package on npm or
  PyPI ships it as a ``.json`` file (``adaptivecards`` 3.0.6 has none; neither
  has ``@microsoft/adaptivecards-tools``). The Adaptive Card designer (npm
  ``adaptivecards-designer``, Microsoft, MIT) embeds Microsoft's schema --
  ``"id": "http://adaptivecards.io/schemas/adaptive-card.json"``, JSON Schema
  draft-06 -- as one object literal in ``src/adaptive-card-schema.ts``; it is
  cut out of that file, parsed as JSON and written as ``adaptive-card.json``.
  That schema describes the elements of card versions up to 1.1 (no
  ``ActionSet``, which came with 1.2), and its arrays of card elements use the
  tuple form (only the first item is checked), so the test also validates every
  element on its own against the definition of its type.

Nothing is committed (the folder is git-ignored): ``npm pack`` downloads the published packages from npm.

Usage: ``python tests/fetch_adaptivecards.py [TARGET_DIR]``; exit status 0 when the library and the schema are in
place.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "adaptivecards@3.0.6"
DEFAULT_TARGET = Path(__file__).parent / "schemas" / "adaptivecards"
KEEP = ("package/dist/adaptivecards.min.js", "package/package.json", "package/LICENSE")
SCHEMA_PACKAGE = "adaptivecards-designer@2.4.4"
SCHEMA_SOURCE = "package/src/adaptive-card-schema.ts"


def _pack(package: str, folder: str) -> Path | None:
    """``npm pack`` one package into ``folder``; the archive, or None."""
    npm = shutil.which("npm")
    if npm is None:
        return None
    try:
        subprocess.run([npm, "pack", package, "--silent"], cwd=folder, check=True, capture_output=True, timeout=180)
    except (OSError, subprocess.SubprocessError):
        return None
    name = package.rsplit("@", 1)[0].lstrip("@").replace("/", "-")
    archives = sorted(Path(folder).glob(f"{name}-*.tgz"))
    return archives[0] if archives else None


def schema_from_typescript(source: str) -> dict[str, object]:
    """The JSON object of ``export const adaptiveCardSchema = {...};`` (the literal is plain JSON)."""
    start = source.index("{", source.index("adaptiveCardSchema"))
    end = source.rindex("}") + 1
    schema = json.loads(source[start:end])
    if schema.get("id") != "http://adaptivecards.io/schemas/adaptive-card.json":
        raise ValueError("not the Adaptive Card schema")
    return schema


def fetch_schema(target: Path = DEFAULT_TARGET) -> Path | None:
    """The path of ``adaptive-card.json`` (Microsoft's schema), downloading it when needed (None: failed)."""
    out = target / "adaptive-card.json"
    if out.exists():
        return out
    with tempfile.TemporaryDirectory() as tmp:
        archive = _pack(SCHEMA_PACKAGE, tmp)
        if archive is None:
            return None
        with tarfile.open(archive) as tar:
            try:
                member = tar.extractfile(tar.getmember(SCHEMA_SOURCE))
            except KeyError:
                return None
            if member is None:
                return None
            try:
                schema = schema_from_typescript(member.read().decode("utf-8"))
            except ValueError:
                return None
        target.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(schema, indent=1), encoding="utf-8")
    return out


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
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET
    found = fetch(folder)
    schema = fetch_schema(folder)
    print(found or "could not fetch the adaptivecards package")
    print(schema or f"could not fetch the Adaptive Card schema ({SCHEMA_PACKAGE})")
    sys.exit(0 if found and schema else 1)
