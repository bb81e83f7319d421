"""Big meetings files imported with reading and writing overlapped (issue #15, item 5).

An import of canonical meetings CSVs spends about half its time reading and
checking rows (Python, holding the interpreter lock) and the other half in
SQLite (which Python's ``sqlite3`` runs with the lock released). Here a reader
thread parses the files a block of :data:`BLOCK` meetings at a time while the
calling thread checks each block's references and writes it, so that SQLite's
part can run on the second core, alongside the reading of the next block.

Everything goes into ONE write transaction (the store's
``import_meeting_blocks``): a bad row in any block rolls the whole import back.
This path only takes the plain case -- only meetings, UTF-8 with commas, no id
twice, a store that can take blocks -- and gives up on anything else, an error
included, by raising :class:`NotStreamableError` or the error, after the transaction has
been rolled back: :func:`kamgraph.ingest.import_files` then runs the ordinary
path, which reports the same ``FILE:LINE: FIELD: problem`` as before and writes
the same rows. The reader thread is stopped and joined before
:func:`import_meetings` returns or raises (KeyboardInterrupt included), and at
most three blocks are held at once (one being read, one waiting, one written).

A thread and not a process: the second core is used by SQLite's C code, and a
block handed to a thread costs nothing, where a process would have to pickle it.
Measured (issue #15, 100,000 meetings, this 2-core machine shared with other
work): the overlap does not show; wall and CPU time are those of the ordinary
path within a few per cent. ``executemany`` takes the lock back after every
statement (a few hundred microseconds of SQLite), and with the reader busy it
gets it only at Python's switch interval, so the two threads mostly take turns
(a shorter switch interval did not change that). What the pipeline does buy is
memory: the ordinary path holds every record of the file at once (942 MB peak
for 1,000,000 meetings), this one a few blocks (304 MB).
(Feeding each block to SQLite as one JSON parameter, one step without the
lock, was tried: ``json_each`` costs twice the CPU of bound parameters.)
A forked reader process was tried too (issue #15; commit f07cc21 has it): the
reading leaves the importing process, but every block then crosses a pipe as
plain tuples and its records are rebuilt here, which costs the writer about
as much as the reading saved it, and about 1 s more CPU in all per 100,000
meetings; side by side on this 2-core machine under other work it took
1.2-1.4x the wall time of this thread (docs/scaling.md).
"""

from __future__ import annotations

import csv
import io
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..domain.dataset import Batch, ImportSummary
from ..errors import InputError
from ..settings import LimitSettings
from ..store.base import GraphStore
from .canonical import csv_blocks
from .parsed import Located
from .progress import SILENT, Progress
from .references import MeetingBlocks
from .sniff import InputLimits, canonical_kind, check_rows, check_size, decode_bytes, delimiter_of
from .tabular import count_lines

__all__ = ["BLOCK", "NotStreamableError", "import_meetings", "meeting_files"]

#: Meetings per block. Smaller blocks overlap sooner; bigger ones pay less per block. Files of fewer than
#: two blocks take the ordinary path (nothing to overlap).
BLOCK = 20_000


class NotStreamableError(Exception):
    """The import is not one this path takes (nothing was written): use the ordinary path."""


def meeting_files(paths: Sequence[str | Path], kind: str | None = None, *,
                  format_of: Callable[[Path], str]) -> list[tuple[Path, str]] | None:
    """Each path with the kind to read it as, when every one is a canonical meetings CSV in UTF-8 with commas.

    None when any file is something else (another kind, format, encoding or separator, or missing): the
    ordinary path reads those. The choice is the one :func:`kamgraph.ingest.files.read_files` makes;
    ``format_of`` is its format of one file (:func:`kamgraph.ingest.files.detect_format`, passed in by
    :func:`kamgraph.ingest.import_files`).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "q3.csv").write_text("id,date,attendees\\nm1,2025-01-15,s1;c1\\n")
    >>> _ = (folder / "staff.csv").write_text("id,name\\ns1,Ann\\n")
    >>> from kamgraph.ingest.files import detect_format
    >>> [(p.name, k) for p, k in meeting_files([folder / "q3.csv"], format_of=detect_format)]
    [('q3.csv', 'meetings')]
    >>> meeting_files([folder / "q3.csv", folder / "staff.csv"], format_of=detect_format) is None
    True
    """
    chosen: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file() or path.suffix.lower() != ".csv":
            return None
        if kind is None and format_of(path) != "canonical":
            return None
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
        try:
            text, encoding = decode_bytes(head, str(path), partial=True)
        except InputError:
            return None
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        if encoding != "UTF-8" or delimiter_of(first) != ",":
            return None
        header = next(csv.reader(io.StringIO(first.rstrip("\r"), newline="")), [])
        if (kind or canonical_kind(header, path)) != "meetings":
            return None
        chosen.append((path, "meetings"))
    return chosen or None


class _Reader:
    """A thread reading the files into blocks, handing them over one at a time (see the module docs)."""

    def __init__(self, files: list[tuple[Path, str]], size: int) -> None:
        self._files = files
        self._size = size
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kamgraph-import-reader", daemon=True)

    def __enter__(self) -> _Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        try:
            for path, kind in self._files:
                _, blocks = csv_blocks(path, kind, size=self._size)
                for block in blocks:
                    if not self._put(("block", block)):
                        return
            self._put(("end", None))
        except BaseException as exc:  # handed to the caller, who raises it
            self._put(("error", exc))

    def _put(self, item: tuple[str, Any]) -> bool:
        """Hand ``item`` over, waiting while the caller is busy; False once the caller has stopped."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def blocks(self) -> Iterator[list[Located]]:
        """The blocks in file order; raises what the reader raised."""
        while True:
            try:
                tag, value = self._queue.get(timeout=0.05)  # a timeout, so that Ctrl-C is seen promptly
            except queue.Empty:
                if not self._thread.is_alive() and self._queue.empty():
                    raise RuntimeError("the import's reader thread stopped without a word") from None
                continue
            if tag == "end":
                return
            if tag == "error":
                raise value
            yield value

    def close(self) -> None:
        """Stop the thread and wait for it (it stops at its next block)."""
        self._stop.set()
        while self._thread.is_alive():
            with_item = True
            while with_item:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    with_item = False
            self._thread.join(0.05)


def _checked(blocks: Iterator[list[Located]], store: GraphStore, progress: Progress) -> Iterator[Batch]:
    """Each block's batch, its references checked; :class:`NotStreamableError` at the first id seen twice."""
    seen: set[str] = set()
    check = MeetingBlocks(store)
    for block in blocks:
        before = len(seen)
        seen.update([item.record.id for item in block])
        if len(seen) != before + len(block):
            raise NotStreamableError("a meeting id appears twice")  # the ordinary path compares the copies
        batch = check.batch(block)
        del block
        yield batch
        progress.advance(len(batch.meetings))


def import_meetings(paths: Sequence[str | Path], store: GraphStore, *, format_of: Callable[[Path], str],
                    dry_run: bool = False, kind: str | None = None, progress: Progress = SILENT,
                    limits: LimitSettings | None = None, block: int | None = None) -> ImportSummary | None:
    """Import canonical meetings CSVs with reading and writing overlapped, in one transaction.

    Returns None, having done nothing, when the files are not for this path (:func:`meeting_files`),
    hold fewer than two blocks, or the store cannot take blocks. Raises :class:`NotStreamableError`, or the
    :class:`~kamgraph.errors.InputError` of a bad row, after rolling everything back.

    Parameters
    ----------
    paths, store, dry_run, kind, progress, limits
        As for :func:`kamgraph.ingest.import_files`.
    format_of : callable
        The format of one file, as :func:`meeting_files` takes it.
    block : int, optional
        Meetings per block (:data:`BLOCK` when not given).
    """
    size = block or BLOCK
    write = getattr(store, "import_meeting_blocks", None)
    if write is None:
        return None
    files = meeting_files(paths, kind, format_of=format_of)
    if files is None:
        return None
    bounds = InputLimits.of(limits)
    for path, _ in files:
        check_size(path, bounds)
    total = sum(max(count_lines(path) - 1, 0) for path, _ in files)
    check_rows(total, bounds, ", ".join(str(p) for p in paths))
    if total < 2 * size:
        return None
    progress.start("Importing", total)
    try:
        with _Reader(files, size) as reader:
            summary: ImportSummary = write(_checked(reader.blocks(), store, progress), expected=total,
                                           dry_run=dry_run)
    finally:
        progress.finish()
    return summary
