"""Mutation testing of the query text mutmut cannot reach: the WHERE clauses of cypher/*.cypher and
of the SQL strings in kamgraph/store/sqlite.py.

mutmut mutates Python syntax and leaves string contents alone, so a query's filter -- the part a
planted bug changes (a comparison moved by one, a condition dropped, AND for OR) -- would go untested.
This script makes those mutants itself, one at a time, in a throw-away copy of the tracked files, runs
the store tests against each and prints the share killed. Written by hand because no mutation tool we
know of parses Cypher; the operators are the classic relational and logical ones.

Each mutant runs only the tests that reach its query (mutmut's per-mutant selection, done by hand):
one traced run of the whole list first records, per test (set-up included), the functions of
sqlite.py it executes (coverage.py, one context per test: :data:`SQL_TRACE_PLUGIN`) or the named
Cypher queries it looks up (:data:`TRACE_PLUGIN`); a mutant whose code no test reaches is reported as
``no tests``.

Usage: ``python scripts/cypher_mutants.py cypher|sql [--list] [--jobs N] [--resume]``; survivors are
printed with their line, and judged in docs/mutation.md. Every outcome is also written, as it comes, to
``/tmp/kamgraph-mutation-TARGET.jsonl`` (``--results``); ``--resume`` keeps the outcomes recorded there for
the same query text (a digest of the mutated files) and runs only the other mutants, so a stopped run
continues where it stopped.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import hashlib
import io
import json
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
    "cypher": ["tests/test_cypher_write_rows.py", "tests/test_cypher_rows.py", "tests/test_store_ties.py",
               "tests/test_store.py", "tests/test_neo4j_store.py", "tests/test_alert_store.py",
               "tests/test_store_alert_clear.py", "tests/test_departure.py", "tests/test_alerts.py",
               "tests/test_cypher.py", "tests/test_plant6_store.py", "-m", "bolt"],
    "sql": ["tests/test_mut_store.py", "tests/test_store.py", "tests/test_store_ties.py",
            "tests/test_sqlite_specific.py", "tests/test_sqlite_bulk.py", "tests/test_alert_store.py",
            "tests/test_store_alert_clear.py", "tests/test_store_creation.py", "tests/test_departure.py",
            "tests/test_trend.py", "tests/test_team.py", "tests/test_portfolio.py", "tests/test_alerts.py",
            "tests/test_sync.py", "tests/test_cli_values.py", "tests/test_plant6_store.py", "-m", "not bolt"],
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


#: A pytest plugin (written into the copy) recording which test looks up which named query.
TRACE_PLUGIN = '''
import json, os
import pytest
from kamgraph.store import cypher as _cypher

_current, _seen = [None], {}
_getitem = _cypher.QueryBook.__getitem__


def _traced(self, name):
    if _current[0]:
        _seen.setdefault(name, set()).add(_current[0])
    return _getitem(self, name)


_cypher.QueryBook.__getitem__ = _traced


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current[0] = item.nodeid
    yield
    _current[0] = None


def pytest_sessionfinish(session):
    with open(os.environ["KAMGRAPH_QUERY_TRACE"], "w") as out:
        json.dump({k: sorted(v) for k, v in _seen.items()}, out)
'''


#: The same for SQL: coverage of sqlite.py with one context per test (its node id), set-up included.
SQL_TRACE_PLUGIN = '''
import os
import coverage
import pytest

_cov = coverage.Coverage(data_file=os.environ["KAMGRAPH_SQL_TRACE"], include=["*/kamgraph/store/sqlite.py"])
_cov.start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _cov.switch_context(item.nodeid)
    yield
    _cov.switch_context("")


def pytest_unconfigure(config):
    _cov.stop()
    _cov.save()
'''


def _options(target: str) -> tuple[list[str], list[str]]:
    """The target's test files (those present) and its other pytest arguments."""
    files = [t for t in TESTS[target] if t.endswith(".py")]
    return files, [t for t in TESTS[target] if not t.endswith(".py")]


def _pytest(python: str) -> list[str]:
    return [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts="]


def trace_tests(mutants: list[Mutant], target: str, python: str, workdir: Path) -> dict[Mutant, list[str]]:
    """For each mutant, the tests (node ids, in list order) that reach its query, from one traced run."""
    files, extra = _options(target)
    files = [f for f in files if (workdir / f).exists()]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if target == "cypher":
        (workdir / "_mutation_query_trace.py").write_text(TRACE_PLUGIN)
        trace = workdir / ".query-trace.json"
        subprocess.run([*_pytest(python), "-p", "_mutation_query_trace", *files, *extra], cwd=workdir,  # noqa: S603
                       capture_output=True, env={**env, "KAMGRAPH_QUERY_TRACE": str(trace)}, check=False)
        seen = json.loads(trace.read_text()) if trace.exists() else {}
        selected = {}
        for m in mutants:
            text = (workdir / m.path).read_text()
            names = re.findall(r"^// name: (\w+)", text[:m.start], re.MULTILINE)
            selected[m] = seen.get(names[-1], []) if names else []
        return selected
    import coverage  # the test extra's

    (workdir / "_mutation_sql_trace.py").write_text(SQL_TRACE_PLUGIN)
    trace = workdir / ".sql-trace"
    subprocess.run([*_pytest(python), "-p", "_mutation_sql_trace", *files, *extra], cwd=workdir,  # noqa: S603
                   capture_output=True, env={**env, "KAMGRAPH_SQL_TRACE": str(trace)}, check=False)
    data = coverage.CoverageData(str(trace))
    data.read()
    by_line: dict[int, set[str]] = {}
    for measured in data.measured_files():
        for line, contexts in (data.contexts_by_lineno(measured) or {}).items():
            by_line.setdefault(line, set()).update(c for c in contexts if c)
    tree = ast.parse((workdir / "kamgraph/store/sqlite.py").read_text())
    functions = sorted(((f.lineno, f.end_lineno or f.lineno) for f in ast.walk(tree)
                        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)), key=lambda r: r[1] - r[0])
    order = {f: i for i, f in enumerate(files)}
    selected = {}
    for m in mutants:
        span = next(((a, b) for a, b in functions if a <= m.line <= b), None)
        if span is None:  # a module-level constant (DDL): every test of the list
            selected[m] = files
            continue
        ids = set().union(*(by_line.get(n, set()) for n in range(span[0], span[1] + 1)))
        selected[m] = sorted(ids, key=lambda i: (order.get(i.split("::")[0], len(order)), i))
    return selected


def run_one(mutant: Mutant, target: str, python: str, workdir: Path,
            tests: list[str] | None = None) -> tuple[Mutant, str, float]:
    """Apply one mutant in ``workdir`` (a copy), run its tests (default: the target's), restore the file."""
    if tests is not None and not tests:
        return mutant, "no tests", 0.0
    file = workdir / mutant.path
    original = file.read_text()
    file.write_text(original[:mutant.start] + mutant.new + original[mutant.end:])
    started = time.monotonic()
    try:
        status = run_tests(target, python, workdir, tests)
    finally:
        file.write_text(original)
    return mutant, status, time.monotonic() - started


def run_tests(target: str, python: str, workdir: Path, tests: list[str] | None = None) -> str:
    """'survived' (all passed), 'killed' (a test failed), 'timeout', or 'error (exit N)'."""
    files, extra = _options(target)
    chosen = tests if tests is not None else [f for f in files if (workdir / f).exists()]
    command = [*_pytest(python), "-x", *chosen, *extra]
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


def _keys(mutants: list[Mutant]) -> dict[Mutant, str]:
    """A stable name per mutant: ``path:line: what`` and, for a repeated one, its number among those."""
    seen: dict[str, int] = {}
    keys = {}
    for m in mutants:
        label = f"{m.path}:{m.line}: {m.what}"
        seen[label] = seen.get(label, 0) + 1
        keys[m] = label if seen[label] == 1 else f"{label} #{seen[label]}"
    return keys


def _digest(mutants: list[Mutant]) -> str:
    """What the recorded outcomes hold for: the text of the mutated files."""
    digest = hashlib.sha256()
    for path in sorted({m.path for m in mutants}):
        digest.update(path.encode() + b"\0" + (ROOT / path).read_bytes())
    return digest.hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=sorted(TESTS))
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2")))
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--rev", help="test the files of this commit (e.g. a baseline) instead of the checkout")
    parser.add_argument("--tests", help="these test files (separated by commas) instead of the target's list, "
                                        "e.g. only the new tests when rechecking survivors")
    parser.add_argument("--all-tests", action="store_true", help="run the whole test list for every mutant")
    parser.add_argument("--only", help="only the mutants whose 'path:line: what' contains one of these texts "
                                       "(separated by commas), e.g. a survivor list to recheck")
    parser.add_argument("--results", type=Path, help="where each outcome is recorded as it comes "
                                                     "(default /tmp/kamgraph-mutation-TARGET.jsonl)")
    parser.add_argument("--resume", action="store_true", help="keep the outcomes recorded for the same query "
                                                              "text and run only the other mutants")
    args = parser.parse_args()
    mutants = cypher_mutants() if args.target == "cypher" else sql_mutants()
    keys, digest = _keys(mutants), _digest(mutants)
    record = args.results or Path(tempfile.gettempdir()) / f"kamgraph-mutation-{args.target}.jsonl"
    if args.tests:
        TESTS[args.target] = [*args.tests.split(","), *(t for t in TESTS[args.target] if not t.endswith(".py"))]
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        mutants = [m for m in mutants if any(w in f"{m.path}:{m.line}: {m.what}" for w in wanted)]
    if args.list:
        for m in mutants:
            print(f"{m.path}:{m.line}: {m.what}")
        print(f"{len(mutants)} mutants")
        return 0
    results: list[tuple[Mutant, str, float]] = []
    if args.resume and record.exists():
        done = {}
        for line in record.read_text().splitlines():
            entry = json.loads(line)
            if entry["digest"] == digest:
                done[entry["key"]] = (entry["status"], entry["seconds"])
        results = [(m, *done[keys[m]]) for m in mutants if keys[m] in done]
        mutants = [m for m in mutants if keys[m] not in done]
        print(f"resuming: {len(results)} outcomes recorded, {len(mutants)} mutants to run", file=sys.stderr)
    elif not args.only and record.exists():
        record.unlink()
    with tempfile.TemporaryDirectory(prefix=f"kamgraph-{args.target}-mutants-") as tmp, \
            record.open("a") as log:
        dirs = [Path(tmp) / f"w{i}" for i in range(max(1, args.jobs))]
        for d in dirs:
            copy_tree(d, args.rev)
        clean = run_tests(args.target, args.python, dirs[0])
        if clean != "survived":
            print(f"the unmutated tests do not pass ({clean}): nothing to measure", file=sys.stderr)
            return 1
        chosen = trace_tests(mutants, args.target, args.python, dirs[0]) if not args.all_tests else {}
        first = len(results)
        with concurrent.futures.ThreadPoolExecutor(len(dirs)) as pool:
            free = list(dirs)
            pending = {}
            queue = list(mutants)
            while queue or pending:
                while queue and free:
                    d = free.pop()
                    mutant = queue.pop(0)
                    pending[pool.submit(run_one, mutant, args.target, args.python, d, chosen.get(mutant))] = d
                done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    free.append(pending.pop(future))
                    results.append(future.result())
                    mutant, status, seconds = results[-1]
                    log.write(json.dumps({"key": keys[mutant], "status": status, "seconds": round(seconds, 1),
                                          "digest": digest}) + "\n")
                    log.flush()
                    print(f"[{len(results) - first}/{len(mutants)}] {status:8s} {seconds:5.0f} s  {keys[mutant]}",
                          file=sys.stderr, flush=True)
    killed = sum(1 for _, status, _ in results if status in ("killed", "timeout"))
    # (the survivor list below includes "no tests": a query no test of the list reaches)
    for mutant, status, _ in sorted(results, key=lambda r: (r[0].path, r[0].line, r[0].what)):
        if status not in ("killed", "timeout"):
            print(f"  {status} {mutant.path}:{mutant.line}: {mutant.what}")
    score = 100 * killed / len(results) if results else 0.0
    print(f"{args.target:10s} {killed:5d}/{len(results):<5d} killed  {score:5.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
