#!/usr/bin/env bash
# Mutation testing, on demand (not in CI): prints the share of killed mutants per package.
#
#   scripts/mutation.sh                 # every target below
#   scripts/mutation.sh analysis graph  # some of them
#   scripts/mutation.sh alerts          # the alert rules and the departure impact (kamgraph/monitor/alerts.py, departure.py)
#   JOBS=2 PYTHON=/path/to/python scripts/mutation.sh cypher
#   REV=027f546 scripts/mutation.sh graph   # the tests of an older commit (a baseline), same targets
#   RECHECK=1 TESTS_ONLY="tests/test_mut_analysis.py" scripts/mutation.sh analysis
#       # after new tests: only the survivors of the last full run of the target, against only these tests;
#       # prints the target's score with the survivors these tests kill counted as killed (RECHECK=2: the
#       # survivors of recheck 1, and so on)
#   MUTATE_ONLY="kamgraph/analysis/attitude.py" scripts/mutation.sh analysis
#       # only these files of the target, with its tests, in a copy of their own (/tmp/kamgraph-mutation-<target>-only)
#   PENDING=1 scripts/mutation.sh store
#       # the mutants the last full run left unrun ("not checked", "no tests"), in a fresh copy of their own
#       # (/tmp/kamgraph-mutation-<target>-pending) with today's test list and call records; PENDING_MATCH (a
#       # glob of mutant names, e.g. 'kamgraph.store.sqlite.*') and PENDING_STATUS ('not checked') restrict them; prints the target's score with
#       # their outcomes in place of the first run's (RECHECK=1 PENDING=1: the survivors of that run)
#   RESUME=1 scripts/mutation.sh analysis
#       # continue a run that was stopped: the copy is updated in place, not made afresh; mutmut keeps the
#       # outcome of every mutant whose function is unchanged (it stores a hash per function in
#       # mutants/*.meta) and runs only the others (new, changed or not reached); for `cypher` and `sql`,
#       # the outcomes recorded in /tmp/kamgraph-mutation-<target>.jsonl for the same query text are kept
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

# target -> files to mutate (globs) | test files that must kill them | extra pytest arguments (one a line).
# Targets that do not need the Neo4j store run without the Bolt test server (-m "not bolt"): mutmut runs
# the tests of each mutant in a fresh pytest session, which would start the server once per mutant.
NOBOLT=$'-m\nnot bolt\n--no-bolt'
declare -A MUTATE TESTS ARGS SCORED
MUTATE[cadence]="kamgraph/analysis/cadence.py"
TESTS[cadence]="tests/test_cadence_bands.py tests/test_analysis.py"
ARGS[cadence]="$NOBOLT"
MUTATE[analysis]="kamgraph/analysis/*.py"
TESTS[analysis]="tests/test_mut_analysis.py tests/test_mut_actions.py tests/test_mut_analysis_more.py tests/test_attitude.py tests/test_writeback.py tests/test_analysis_edges.py tests/test_cli_values.py tests/test_public_graphs.py tests/test_demo_xray.py tests/test_analysis.py tests/test_fragility.py tests/test_cadence_bands.py tests/test_graph_reference.py tests/test_departure.py tests/test_trend.py tests/test_team.py tests/test_people.py tests/test_kernels.py tests/test_properties.py tests/test_plant6_analysis.py tests/test_plant7_analysis.py"
ARGS[analysis]="$NOBOLT"
MUTATE[graph]="kamgraph/graph/*.py"
TESTS[graph]="tests/test_mut_graph.py tests/test_graph_reference.py tests/test_strength.py tests/test_analysis.py tests/test_fragility.py tests/test_properties.py tests/test_public_graphs.py tests/test_plant6_analysis.py tests/test_plant7_analysis.py tests/test_packed_meetings.py"
ARGS[graph]="$NOBOLT"
MUTATE[kernels]="kamgraph/kernels/python.py"
TESTS[kernels]="tests/test_mut_kernels.py tests/test_kernels.py tests/test_strength.py tests/test_graph_reference.py tests/test_analysis.py tests/test_fastpath.py tests/test_plant7_analysis.py tests/test_packed_meetings.py"
ARGS[kernels]="$NOBOLT"
# store/: the SQLite side and the shared modules without the Bolt server; neo4j.py with it (slow).
MUTATE[store]="kamgraph/store/base.py kamgraph/store/sqlite.py kamgraph/store/cypher.py kamgraph/store/executor.py kamgraph/store/packed_rows.py kamgraph/store/transfer.py kamgraph/store/trusted.py kamgraph/store/upsert.py kamgraph/store/url.py"
TESTS[store]="tests/test_mut_store_python.py tests/test_mut_store_load.py tests/test_mut_store_erasure.py tests/test_mut_store.py tests/test_store.py tests/test_store_ties.py tests/test_sqlite_specific.py tests/test_sqlite_bulk.py tests/test_sqlite_query_plans.py tests/test_cypher.py tests/test_executor.py tests/test_store_creation.py tests/test_alert_store.py tests/test_store_alert_clear.py tests/test_plans_store.py tests/test_competitors_store.py tests/test_copy_alerts.py tests/test_neo4j_config.py tests/test_forget.py tests/test_connectors_provenance.py tests/test_writeback.py tests/test_departure.py tests/test_store_date_edges.py tests/test_plant8_store.py tests/test_account_meetings.py tests/test_mut_store_round6.py tests/test_mut_store_round7.py tests/test_mut_store_round8.py tests/test_plant6_store.py tests/test_plant6_import.py tests/test_plant7_store.py tests/test_packed_meetings.py"
ARGS[store]="$NOBOLT"
MUTATE[store-neo4j]="kamgraph/store/neo4j.py kamgraph/store/neo4j_config.py"
TESTS[store-neo4j]="tests/test_store.py tests/test_store_ties.py tests/test_neo4j_store.py tests/test_neo4j_config.py tests/test_cypher_rows.py tests/test_plant6_store.py tests/test_plant7_store.py tests/test_neo4j_bulk_read.py tests/test_forget.py tests/test_forget_edges.py tests/test_connectors_provenance.py tests/test_competitors_store.py tests/test_plant8n_store.py"
ARGS[store-neo4j]=""
MUTATE[escaping]="kamgraph/views/report/html.py kamgraph/views/report/markdown.py kamgraph/views/graph_export.py kamgraph/views/csv_text.py"
# Of those files, only the escaping functions count in the score (graph_export also builds the graphs).
SCORED[escaping]='report\.(html|markdown)\.|csv_text\.x_(safe_cell|csv_text|_plain_cell)__|graph_export\.x_(plain|encode_token|decode_token|to_graphml|_gexf_value|to_gexf|_csv_value|to_csv)__'
TESTS[escaping]="tests/test_mut_escaping.py tests/test_mut_report.py tests/test_escaping.py tests/test_report.py tests/test_export.py tests/test_hostile_input.py tests/test_plant6_export.py tests/test_plant6_escaping.py tests/test_plant7_escaping.py tests/test_export_ids_edges.py tests/test_svg_attributes.py tests/test_markdown_report_exact.py"
ARGS[escaping]="$NOBOLT"
MUTATE[import]="kamgraph/ingest/*.py kamgraph/ingest/connectors/*.py"
TESTS[import]="tests/test_import.py tests/test_import_calendar.py tests/test_import_crm.py tests/test_import_sniff.py tests/test_fastpath.py tests/test_cli_import.py tests/test_hostile_input.py tests/test_plant6_import.py tests/test_plant7_import.py tests/test_plant8n_import.py tests/test_plant9_import.py tests/test_plant8_import.py tests/test_sync.py tests/test_connectors.py tests/test_connectors_google.py tests/test_connectors_hubspot.py tests/test_connectors_salesforce.py tests/test_connectors_provenance.py tests/test_import_pipeline.py tests/test_crm_imports_across_commands.py"
ARGS[import]="$NOBOLT"
# alerts: the alert rules and the departure impact (kamgraph alerts, kamgraph leave, the web app's departures).
# Not tests/test_races.py: it runs the command line in fresh interpreters, which fail under mutmut (no config there).
MUTATE[alerts]="kamgraph/monitor/alerts.py kamgraph/monitor/departure.py"
TESTS[alerts]="tests/test_mut_alerts.py tests/test_alerts.py tests/test_alert_rule_edges.py tests/test_alert_past_points.py tests/test_alerts_plans.py tests/test_departure.py tests/test_departure_rule_edges.py tests/test_team_handover.py tests/test_attitude.py tests/test_portfolio_fast_paths.py tests/test_portfolio.py tests/test_cli_wiring.py tests/test_copy_alerts.py tests/test_delivery.py tests/test_webhook.py tests/test_forget.py tests/test_people.py tests/test_terminal.py tests/test_store_creation.py tests/test_web.py tests/test_web_leave_get.py tests/test_executor.py tests/test_plant7_analysis.py tests/test_plant7_escaping.py tests/test_plant8_escaping.py"
ARGS[alerts]="$NOBOLT"
DEFAULT_TARGETS="analysis graph kernels store escaping import alerts cypher sql"

copy_tree() {  # tracked files + untracked new ones (or the files of commit $REV), no build artefacts
  local dest="$1"
  if [ -n "${RESUME:-}" ] && [ -z "${RECHECK:-}" ] && [ -d "$dest/mutants" ]; then  # keep mutants/ (outcomes)
    rm -rf "$dest/kamgraph" "$dest/tests" "$dest/cypher" "$dest/kamgraph_commands"
    # mutmut copies a source file into mutants/ only when it is not there yet: drop the old copies (every
    # file but the outcomes, *.meta), so that the unchanged and the mutated files are all made afresh
    find "$dest/mutants/kamgraph" -type f ! -name '*.meta' -delete 2>/dev/null || true
  else
    rm -rf "$dest"
  fi
  mkdir -p "$dest"
  if [ -n "${REV:-}" ]; then
    (cd "$ROOT" && git archive "$REV" | tar -x -C "$dest")
  else
    (cd "$ROOT" && git ls-files --cached --others --exclude-standard -z | xargs -0 -I{} cp -P --parents {} "$dest" 2>/dev/null || true)
  fi
}

run_mutmut() {
  local target="$1" dest="/tmp/kamgraph-mutation-$1${REV:+-$REV}${MUTATE_ONLY:+-only}" names=""
  [ -n "${MUTATE_ONLY:-}" ] && MUTATE[$target]="$MUTATE_ONLY"  # some files of the target, in a copy of their own
  if [ -n "${PENDING:-}" ] && [ -z "${RECHECK:-}" ]; then  # the mutants the last full run did not run
    local merged="$dest/mutmut-merged.txt"
    [ -s "$merged" ] || merged="$dest/mutmut-results.txt"
    [ -s "$merged" ] || { echo "PENDING: run scripts/mutation.sh $target first" >&2; exit 2; }
    names="$(grep -E ": (${PENDING_STATUS:-not checked|no tests})\$" "$merged" | awk -F: '{print $1}' | tr -d ' ' \
             | { if [ -n "${PENDING_MATCH:-}" ]; then grep -E "$(printf '%s' "$PENDING_MATCH" | sed 's/\./\\./g; s/\*/.*/g')"; else cat; fi; } \
             | tr '\n' ' ' || true)"
    [ -n "$names" ] || { echo "PENDING: nothing left unrun in $merged" >&2; exit 0; }
    dest="$dest-pending"
  elif [ -n "${PENDING:-}" ]; then dest="$dest-pending"; fi
  if [ -n "${RECHECK:-}" ]; then  # the survivors of the last full run (or recheck), in another copy
    local first="$dest"
    [ "$RECHECK" -gt 1 ] && first="$dest-recheck$((RECHECK - 1))"
    [ "$RECHECK" -eq 2 ] && first="$dest-recheck"
    local merged="$first/mutmut-merged.txt"
    [ -s "$merged" ] || merged="$first/mutmut-results.txt"
    [ -s "$merged" ] || { echo "RECHECK: run scripts/mutation.sh $target first" >&2; exit 2; }
    local source="$merged"  # a pending run's rechecks: only the survivors among the mutants it (re)ran
    [ -n "${PENDING:-}" ] && source="$first/mutmut-results.txt"
    names="$(grep -v ': killed$\|: timeout$\|: not checked$\|: caught by type check$' "$source" \
             | awk -F: '{print $1}' | tr -d ' ' | tr '\n' ' ')"
    dest="$dest-recheck${RECHECK#1}"
  fi
  local resuming=""
  [ -n "${RESUME:-}" ] && [ -z "${RECHECK:-}" ] && [ -s "$dest/setup.cfg" ] && [ -d "$dest/mutants" ] && resuming=1
  copy_tree "$dest"
  [ -n "${TESTS_ONLY:-}" ] && TESTS[$target]="$TESTS_ONLY"
  # A resumed run keeps its setup.cfg: mutmut drops every recorded outcome when the test selection changes.
  [ -n "$resuming" ] || {
    echo "[mutmut]"
    echo "source_paths=kamgraph"
    echo "only_mutate="; for g in ${MUTATE[$target]}; do echo "    $g"; done
    echo "do_not_mutate=kamgraph/*/__init__.py"
    echo "also_copy="; for d in cypher kamgraph/cypher cli.py kamgraph_commands tests benchmarks docs; do echo "    $d"; done
    echo "pytest_add_cli_args="; for a in $PYTEST_ARGS; do echo "    $a"; done
    [ -n "${ARGS[$target]:-}" ] && while IFS= read -r a; do echo "    $a"; done <<<"${ARGS[$target]}"
    echo "pytest_add_cli_args_test_selection="; for t in ${TESTS[$target]}; do [ -e "$dest/$t" ] && echo "    $t"; done
  } > "$dest/setup.cfg"
  sed -i '/^\[tool.mutmut\]/,/^\[/d' "$dest/pyproject.toml" 2>/dev/null || true
  # shellcheck disable=SC2086  # names: one word each
  (cd "$dest" && KAMGRAPH_PURE_PYTHON=1 nice -n "${NICE:-15}" "$BIN/mutmut" run --max-children "$JOBS" $names \
     >mutmut-run.log 2>&1 || true)
  (cd "$dest" && "$BIN/mutmut" results --all true > mutmut-results.txt 2>/dev/null || true)
  local base="${merged:-}"; [ -n "${RECHECK:-}${PENDING:-}" ] || base=""
  SCORED="${SCORED[$target]:-}" PENDING="${PENDING:-}" RECHECK="${RECHECK:-}" "$PYTHON" - "$target" "$dest/mutmut-results.txt" ${base:+"$base"} <<'PY'
import collections, os, re, sys
target, path, *first = sys.argv[1:]
pending = os.environ.get("PENDING") and not os.environ.get("RECHECK")
scored = re.compile(os.environ.get("SCORED") or ".")
def outcomes(path):
    found = {}
    for line in open(path):
        if ":" in line:
            name, outcome = line.rsplit(":", 1)
            if scored.search(name):
                found[name.strip()] = outcome.strip()
    return found
now = outcomes(path)
if first:  # a recheck: the first run's outcomes, with the survivors these tests killed counted as killed
    merged = outcomes(first[0])
    for name, outcome in now.items():
        if pending:  # the unrun mutants of the first run: their outcome now, whatever it is, if they were run
            if merged.get(name) in ("not checked", "no tests") and outcome != "not checked":
                merged[name] = outcome
        elif merged.get(name) not in (None, "killed", "timeout", "not checked") and outcome in ("killed", "timeout"):
            merged[name] = outcome
    now = merged
    with open(path.replace("mutmut-results.txt", "mutmut-merged.txt"), "w") as out:
        out.writelines(f"    {name}: {outcome}\n" for name, outcome in now.items())
counts = collections.Counter(now.values())
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
    cypher|sql) nice -n "${NICE:-15}" "$PYTHON" scripts/cypher_mutants.py "$target" --jobs "$JOBS" \
                  ${REV:+--rev "$REV"} ${RESUME:+--resume} ;;
    *) [ -n "${MUTATE[$target]:-}" ] || { echo "unknown target $target" >&2; exit 2; }; run_mutmut "$target" ;;
  esac
done
