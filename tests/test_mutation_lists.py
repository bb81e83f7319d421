"""``scripts/mutation.sh`` names test files and files to mutate that exist (a stale name made pytest stop at once).

``TESTS[import]`` named ``tests/test_mut_import.py``, a file that never existed: the script skips a missing
file, but the list given to pytest by hand (as the planted-bug rounds do) stopped with "file or directory not
found" before running a test.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (ROOT / "scripts" / "mutation.sh").read_text()


def _lists(kind: str) -> dict[str, list[str]]:
    return {m.group(1): m.group(2).split()
            for m in re.finditer(rf'^{kind}\[([a-z0-9-]+)\]="([^"]*)"$', SCRIPT, re.M)}


def test_every_test_file_a_target_names_exists() -> None:
    lists = _lists("TESTS")
    # the targets the script's own header and docs/mutation.md describe, each with its tests
    assert {"cadence", "analysis", "graph", "kernels", "store", "store-neo4j", "escaping", "import"} <= set(lists)
    missing = [(target, name) for target, names in lists.items() for name in names if not (ROOT / name).is_file()]
    assert missing == []
    assert all(len(names) == len(set(names)) for names in lists.values())  # no file run twice


def test_every_file_a_target_mutates_exists() -> None:
    lists = _lists("MUTATE")
    assert set(lists) == set(_lists("TESTS"))  # a target without tests, or tests without a target, is a typo
    empty = [(target, glob) for target, globs in lists.items() for glob in globs if not list(ROOT.glob(glob))]
    assert empty == []
