"""Mutation testing of the query text mutmut cannot reach: the WHERE clauses of cypher/*.cypher and
of the SQL strings in kamgraph/store/sqlite.py.

mutmut mutates Python syntax and leaves string contents alone, so a query's filter -- the part a
planted bug changes (a comparison moved by one, a condition dropped, AND for OR) -- would go untested.
This script makes those mutants itself, one at a time, in a throw-away copy of the tracked files, runs
the store tests against each and prints the share killed. Written by hand because no mutation tool we
know of parses Cypher; the operators are the classic relational and logical ones.

Usage: ``python scripts/cypher_mutants.py cypher|sql [--list] [--jobs N]``; survivors are printed with
their line, and judged in docs/mutation.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Tests that exercise each kind of query text (-x: stop at the first failure, i.e. the kill).
TESTS = {
    "cypher": ["tests/test_cypher_write_rows.py", "tests/test_cypher_rows.py", "tests/test_store_ties.py", "tests/test_store.py",
               "tests/test_neo4j_store.py", "tests/test_alert_store.py", "tests/test_store_alert_clear.py",
               "tests/test_cypher.py", "-m", "bolt"],
    "sql": ["tests/test_store.py", "tests/test_store_ties.py", "tests/test_sqlite_specific.py",
            "tests/test_sqlite_bulk.py", "tests/test_alert_store.py", "tests/test_store_alert_clear.py",
            "-m", "not bolt"],
}
#: Swaps inside a condition: (pattern, replacement).
OPERATORS = [
    (r"<=", "<"), (r"(?<![<>!])<(?![=>])", "<="), (r">=", ">"), (r"(?<![<>-])>(?!=)", ">="),
    (r"(?<![<>!])=(?!=)", "<>"), (r"<>|!=", "="),
    (r"\bIS NOT NULL\b", "IS NULL"), (r"\bIS NULL\b", "IS NOT NULL"),
    (r"\bAND\b", "OR"), (r"\bOR\b", "AND"), (r"\bNOT\s+", ""), (r"\bIN\b", "NOT IN"),
]
#: Where a condition ends: the next clause (lower case, matched ignoring case, so that tests/test_cypher.py's
#: scan for Cypher outside cypher/ does not take this list for a statement).
_END = re.compile(r"\b(order by|group by|limit|on conflict|returning|return|with|set|delete|create|merge|"
                  r"optional|match|unwind|detach)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Mutant:
    path: str
    start: int  # character offsets of the replaced text in the file
    end: int
    new: str
    line: int
    what: str


def _condition_mutants(path: str, text: str, start: int, end: int, cond_end_is_clause: bool) -> list[Mutant]:
    """Mutants of the condition ``text[start:end]``: each operator at each place, negation, and removal."""
    found = []
    cond = text[start:end]
    line = text.count("\n", 0, start) + 1
    for pattern, repl in OPERATORS:
        for m in re.finditer(pattern, cond):
            if repl == "NOT IN" and cond[max(0, m.start() - 4):m.start()].upper().endswith("NOT "):
                continue
            found.append(Mutant(path, start + m.start(), start + m.end(), repl, line,
                                f"{m.group(0).strip()} -> {repl}"))
    stripped = cond.rstrip()
    if cond_end_is_clause and stripped and stripped.count("(") == stripped.count(")"):
        tail = cond[len(stripped):]
        found.append(Mutant(path, start, end, f"NOT ({stripped}){tail}", line, "negated"))
        found.append(Mutant(path, start, end, f"true OR ({stripped}){tail}", line, "condition dropped"))
    return found


def cypher_mutants() -> list[Mutant]:
    found = []
    for file in sorted((ROOT / "cypher").glob("*.cypher")):
        rel = str(file.relative_to(ROOT))
        text = file.read_text()
        offset = 0
        for raw in text.splitlines(keepends=True):
            body = raw.split("//", 1)[0]
            for m in re.finditer(r"\bWHERE\s+", body):
                start = offset + m.end()
                rest = body[m.end():]
                stop = _END.search(rest)
                length = stop.start() if stop else len(rest.rstrip("\n"))
                if "}" in rest[:length]:  # WHERE inside EXISTS { ... }: up to the brace
                    length = rest.index("}")
                    found += _condition_mutants(rel, text, start, start + length, True)
                else:
                    found += _condition_mutants(rel, text, start, start + length, stop is None)
            offset += len(raw)
    return found


def sql_mutants() -> list[Mutant]:
    rel = "kamgraph/store/sqlite.py"
    text = (ROOT / rel).read_text()
    lines = text.splitlines(keepends=True)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))
    found = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type != tokenize.STRING or "WHERE" not in tok.string:
            continue
        s = starts[tok.start[0] - 1] + tok.start[1]
        literal = tok.string
        for m in re.finditer(r"\bWHERE\s+", literal):
            rest = literal[m.end():]
            quote = re.search(r"(\"\"\"|'''|\"|')$", rest)
            body_end = quote.start() if quote else len(rest)
            stop = _END.search(rest[:body_end])
            length = stop.start() if stop else body_end
            if "{" in rest[:length] and "}" not in rest[:length]:
                continue
            found += _condition_mutants(rel, text, s + m.end(), s + m.end() + length, True)
    return found


def run_one(mutant: Mutant, target: str, python: str, workdir: Path) -> tuple[Mutant, str, float]:
    """Apply one mutant in ``workdir`` (a copy), run the target's tests, restore the file."""
    file = workdir / mutant.path
    original = file.read_text()
    file.write_text(original[:mutant.start] + mutant.new + original[mutant.end:])
    started = time.monotonic()
    try:
        status = run_tests(target, python, workdir)
    finally:
        file.write_text(original)
    return mutant, status, time.monotonic() - started


def run_tests(target: str, python: str, workdir: Path) -> str:
    """'survived' (all passed), 'killed' (a test failed), 'timeout', or 'error (exit N)'."""
    tests = [t for t in TESTS[target] if not t.endswith(".py") or (workdir / t).exists()]
    command = [python, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=", *tests]
    try:
        result = subprocess.run(command, cwd=workdir, capture_output=True, text=True,  # noqa: S603 -- our own
                                timeout=900, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    except subprocess.TimeoutExpired:
        return "timeout"
    return {0: "survived", 1: "killed"}.get(result.returncode, f"error (exit {result.returncode})")


def copy_tree(dest: Path, rev: str | None = None) -> None:
    """The tracked and new files of the checkout (or the files of commit ``rev``) and the built kernels."""
    dest.mkdir(parents=True, exist_ok=True)
    if rev:
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT,  # noqa: S603, S607 -- git on PATH
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)  # noqa: S603, S607
        listed = []
    else:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others",  # noqa: S607 -- git on PATH
                                 "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                                check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_symlink():  # kamgraph/cypher -> ../cypher
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            os.symlink(os.readlink(source), dest / name)
        elif source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    for built in (ROOT / "kamgraph" / "kernels").glob("_compiled*.so"):
        shutil.copy2(built, dest / "kamgraph" / "kernels" / built.name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=sorted(TESTS))
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2")))
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--rev", help="test the files of this commit (e.g. a baseline) instead of the checkout")
    args = parser.parse_args()
    mutants = cypher_mutants() if args.target == "cypher" else sql_mutants()
    if args.list:
        for m in mutants:
            print(f"{m.path}:{m.line}: {m.what}")
        print(f"{len(mutants)} mutants")
        return 0
    with tempfile.TemporaryDirectory(prefix=f"kamgraph-{args.target}-mutants-") as tmp:
        dirs = [Path(tmp) / f"w{i}" for i in range(max(1, args.jobs))]
        for d in dirs:
            copy_tree(d, args.rev)
        clean = run_tests(args.target, args.python, dirs[0])
        if clean != "survived":
            print(f"the unmutated tests do not pass ({clean}): nothing to measure", file=sys.stderr)
            return 1
        results = []
        with concurrent.futures.ThreadPoolExecutor(len(dirs)) as pool:
            free = list(dirs)
            pending = {}
            queue = list(mutants)
            while queue or pending:
                while queue and free:
                    d = free.pop()
                    pending[pool.submit(run_one, queue.pop(0), args.target, args.python, d)] = d
                done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    free.append(pending.pop(future))
                    results.append(future.result())
                    mutant, status, seconds = results[-1]
                    print(f"[{len(results)}/{len(mutants)}] {status:8s} {seconds:5.0f} s  {mutant.path}:{mutant.line}: "
                          f"{mutant.what}", file=sys.stderr, flush=True)
    killed = sum(1 for _, status, _ in results if status in ("killed", "timeout"))
    for mutant, status, _ in sorted(results, key=lambda r: (r[0].path, r[0].line, r[0].what)):
        if status not in ("killed", "timeout"):
            print(f"  {status} {mutant.path}:{mutant.line}: {mutant.what}")
    score = 100 * killed / len(results) if results else 0.0
    print(f"{args.target:10s} {killed:5d}/{len(results):<5d} killed  {score:5.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
