"""Fuzz every importer with mutated real fixtures and hostile values.

For each case the harness copies a store that already holds the canonical sample, writes one mutated input
file, and imports it through the command line (in-process). The properties:

* the exit status is 0 or 2, never a traceback (exit 1 with an exception);
* an error is one line (``Error: FILE:LINE: FIELD: problem``);
* a failed import leaves the store exactly as it was (its full dump compared);
* a successful import, repeated, changes nothing;
* no case runs longer than 10 s.

Short run in CI (the ``ci`` profile of ``tests/fuzz/conftest.py``); the long run is
``pytest -m fuzz --hypothesis-profile=long tests/fuzz``.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli import cli
from kamgraph.ingest import import_files
from kamgraph.store import open_store

pytestmark = pytest.mark.fuzz

DATA = Path(__file__).resolve().parent.parent / "data"

#: Importer -> (fixture files, the one the case mutates, import --format, extra CLI arguments).
CASES: dict[str, tuple[list[Path], str]] = {
    "canonical-meetings": ([DATA / "canonical" / "meetings.csv"], "canonical"),
    "canonical-stakeholders": ([DATA / "canonical" / "stakeholders.csv"], "canonical"),
    "canonical-json": ([DATA / "canonical.json"], "canonical"),
    "ics": ([DATA / "calendar" / "google-kim.ics"], "ics"),
    "vcard": ([DATA / "vcard" / "contacts.vcf"], "vcard"),
    "salesforce": ([DATA / "salesforce" / "Contact.csv"], "salesforce"),
    "hubspot": ([DATA / "hubspot" / "hubspot-crm-exports-all-contacts-2025-03-14.csv"], "hubspot"),
    "mapping": ([DATA / "mapping" / "pipedrive-persons.csv"], "mapping"),
}

#: Values that broke importers before, or are known to break parsers.
HOSTILE = [
    "", " ", "\x00", "\x1b[31m", "=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\u202egnp.exe",
    "0001-01-01", "9999-12-31", "2025-02-30", "1e309", "nan", "-0", "99999999999999999999",
    "a" * 300, "é" * 50, "日本語の名前", "'; DROP TABLE stakeholder; --", "\"unbalanced", "a,b;c\td",
    "RRULE:FREQ=SECONDLY", "RRULE:FREQ=DAILY;INTERVAL=0", "TZID=" + "X" * 300, "mailto:a;b@host",
    "DTSTART:00010101T000000Z", "DTSTART;TZID=Europe/Berlin:99991231T235959", "{\"a\": [[[[[[]]]]]]}",
    "[" * 1000, "\r", "\n", "\ufeff", "\ud7ff", "null", "true", "[1]",
]


def _mutate(data: bytes, ops: list[tuple[int, float, bytes]]) -> bytes:
    """Apply byte- and line-level mutations: 0 replace, 1 insert, 2 delete, 3 duplicate a line, 4 drop a line."""
    buf = bytearray(data)
    for op, where, payload in ops:
        pos = int(where * len(buf)) if buf else 0
        if op == 0 and buf:
            buf[pos:pos + len(payload)] = payload
        elif op == 1:
            buf[pos:pos] = payload
        elif op == 2 and buf:
            del buf[pos:pos + max(1, len(payload))]
        elif op in (3, 4):
            lines = bytes(buf).split(b"\n")
            i = min(int(where * len(lines)), len(lines) - 1)
            if op == 3:
                lines.insert(i, lines[i])
            elif len(lines) > 1:
                del lines[i]
            buf = bytearray(b"\n".join(lines))
    return bytes(buf)


payloads = st.one_of(st.sampled_from([h.encode("utf-8", "surrogatepass") for h in HOSTILE]),
                     st.binary(min_size=1, max_size=12))
mutations = st.lists(st.tuples(st.integers(0, 4), st.floats(0, 1), payloads), min_size=1, max_size=6)


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store file holding the canonical sample (what the mutated file is imported into)."""
    path = tmp_path_factory.mktemp("fuzz") / "seed.db"
    with open_store(str(path), create=True) as store:
        import_files(sorted((DATA / "canonical").glob("*.csv")), store)
    return path


def _fingerprint(path: Path) -> str:
    with open_store(str(path)) as store:
        dump = repr(store.dump()) + repr(sorted(store.counts().items()))
    return hashlib.sha256(dump.encode()).hexdigest()


@pytest.mark.parametrize("importer", sorted(CASES))
@given(ops=mutations)
def test_an_importer_never_crashes_hangs_or_half_writes(importer: str, ops: list[tuple[int, float, bytes]],
                                                         seeded_store: Path, tmp_path: Path) -> None:
    files, fmt = CASES[importer]
    work = tmp_path / f"case-{time.monotonic_ns()}"
    work.mkdir()
    store = work / "kam.db"
    shutil.copyfile(seeded_store, store)
    before = _fingerprint(store)
    target = work / files[0].name
    target.write_bytes(_mutate(files[0].read_bytes(), ops))
    args = ["--store", str(store), "import", "--format", fmt, "--quiet"]
    if fmt == "mapping":
        args += ["--mapping", str(DATA / "mapping" / "pipedrive.toml")]
    if fmt == "ics":
        args += ["--since", "2024-01-01", "--until", "2025-12-31"]
    started = time.monotonic()
    result = CliRunner().invoke(cli, [*args, str(target)])
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"{importer}: {elapsed:.1f} s"
    assert result.exit_code in (0, 2), f"{importer}: exit {result.exit_code}: {result.output}\n{result.exception!r}"
    if result.exit_code == 2:
        message = result.output.strip()
        assert message.startswith("Error: ") and "\n" not in message, message
        assert "Traceback" not in result.output
        assert _fingerprint(store) == before, f"{importer}: a failed import changed the store"
    else:
        again = CliRunner().invoke(cli, [*args, str(target)])
        assert again.exit_code == 0, again.output
        assert "created 0, updated 0" in again.output, again.output
