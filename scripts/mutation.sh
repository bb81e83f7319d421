#!/usr/bin/env bash
# Mutation testing, on demand (not in CI): prints the share of killed mutants per package.
#
#   scripts/mutation.sh                 # every target below
#   scripts/mutation.sh analysis graph  # some of them
#   JOBS=2 PYTHON=/path/to/python scripts/mutation.sh cypher
#   REV=027f546 scripts/mutation.sh graph   # the tests of an older commit (a baseline), same targets
#
# Python targets run mutmut (>= 3, the `mutation` extra) in a throw-away copy of the tracked files
# (/tmp/kamgraph-mutation-<target>), each restricted to the tests that exercise it, with the kernels'
# Python twins (KAMGRAPH_PURE_PYTHON=1) so the compiled kernels need not be built in the copy.
# The `cypher` and `sql` targets run scripts/cypher_mutants.py, our own mutator for the WHERE clauses of
# cypher/*.cypher and the SQL strings of kamgraph/store/sqlite.py (mutmut does not mutate inside strings).
# Survivors judged equivalent are listed, with the reason, in docs/mutation.md.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$(command -v python3)}"
BIN="$(dirname "$PYTHON")"
JOBS="${JOBS:-2}"
PYTEST_ARGS="-p no:cacheprovider -q -x --no-header -p no:randomly"

# target -> files to mutate (globs) | test files that must kill them
declare -A MUTATE TESTS
MUTATE[cadence]="kamgraph/analysis/cadence.py"
TESTS[cadence]="tests/test_cadence_bands.py tests/test_analysis.py"
MUTATE[analysis]="kamgraph/analysis/*.py"
TESTS[analysis]="tests/test_analysis_edges.py tests/test_cli_values.py tests/test_public_graphs.py tests/test_demo_xray.py tests/test_analysis.py tests/test_fragility.py tests/test_cadence_bands.py tests/test_graph_reference.py tests/test_departure.py tests/test_properties.py"
MUTATE[graph]="kamgraph/graph/*.py"
TESTS[graph]="tests/test_graph_reference.py tests/test_strength.py tests/test_analysis.py tests/test_fragility.py tests/test_properties.py tests/test_public_graphs.py"
MUTATE[kernels]="kamgraph/kernels/python.py"
TESTS[kernels]="tests/test_kernels.py tests/test_strength.py tests/test_graph_reference.py tests/test_analysis.py"
MUTATE[store]="kamgraph/store/*.py"
TESTS[store]="tests/test_store.py tests/test_store_ties.py tests/test_sqlite_specific.py tests/test_cypher.py tests/test_neo4j_store.py"
MUTATE[escaping]="kamgraph/views/report/html.py kamgraph/views/report/markdown.py kamgraph/views/graph_export.py"
TESTS[escaping]="tests/test_escaping.py tests/test_report.py tests/test_export.py"
DEFAULT_TARGETS="analysis graph kernels store escaping cypher sql"

copy_tree() {  # tracked files + untracked new ones (or the files of commit $REV), no build artefacts
  local dest="$1"
  rm -rf "$dest"; mkdir -p "$dest"
  if [ -n "${REV:-}" ]; then
    (cd "$ROOT" && git archive "$REV" | tar -x -C "$dest")
  else
    (cd "$ROOT" && git ls-files --cached --others --exclude-standard -z | xargs -0 -I{} cp -P --parents {} "$dest" 2>/dev/null || true)
  fi
}

run_mutmut() {
  local target="$1" dest="/tmp/kamgraph-mutation-$1${REV:+-$REV}"
  copy_tree "$dest"
  {
    echo "[mutmut]"
    echo "source_paths=kamgraph"
    echo "only_mutate="; for g in ${MUTATE[$target]}; do echo "    $g"; done
    echo "do_not_mutate=kamgraph/*/__init__.py"
    echo "also_copy="; for d in cypher kamgraph/cypher cli.py kamgraph_commands tests; do echo "    $d"; done
    echo "pytest_add_cli_args="; for a in $PYTEST_ARGS; do echo "    $a"; done
    echo "pytest_add_cli_args_test_selection="; for t in ${TESTS[$target]}; do [ -e "$dest/$t" ] && echo "    $t"; done
  } > "$dest/setup.cfg"
  sed -i '/^\[tool.mutmut\]/,/^\[/d' "$dest/pyproject.toml" 2>/dev/null || true
  (cd "$dest" && KAMGRAPH_PURE_PYTHON=1 "$BIN/mutmut" run --max-children "$JOBS" >mutmut-run.log 2>&1 || true)
  (cd "$dest" && "$BIN/mutmut" results --all true > mutmut-results.txt 2>/dev/null || true)
  "$PYTHON" - "$target" "$dest/mutmut-results.txt" <<'PY'
import collections, sys
target, path = sys.argv[1:]
counts = collections.Counter()
for line in open(path):
    if ":" in line:
        counts[line.rsplit(":", 1)[1].strip()] += 1
killed = counts["killed"] + counts["timeout"] + counts["caught by type check"]
total = sum(v for k, v in counts.items() if k not in ("skipped", "not checked"))
score = 100 * killed / total if total else 0.0
detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
print(f"{target:10s} {killed:5d}/{total:<5d} killed  {score:5.1f} %   ({detail})")
PY
}

cd "$ROOT"
for target in ${*:-$DEFAULT_TARGETS}; do
  case "$target" in
    cypher|sql) "$PYTHON" scripts/cypher_mutants.py "$target" --jobs "$JOBS" ${REV:+--rev "$REV"} ;;
    *) [ -n "${MUTATE[$target]:-}" ] || { echo "unknown target $target" >&2; exit 2; }; run_mutmut "$target" ;;
  esac
done
