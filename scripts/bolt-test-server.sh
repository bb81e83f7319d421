#!/usr/bin/env bash
# Run kamgraph's Bolt test server -- ArcadeDB from PyPI (arcadedb-embedded, in the `test` extra), which
# speaks Neo4j's Bolt protocol and Cypher -- in the foreground until Ctrl-C. It binds 127.0.0.1 only,
# keeps its databases in a temporary directory (unless --root), and is stopped with SIGTERM.
#
#   export KAMGRAPH_NEO4J_PASSWORD=choose-a-password      # else a random one, see --env-file
#   scripts/bolt-test-server.sh --bolt-port 7687 &
#   kamgraph --store bolt://127.0.0.1:7687 demo            # user neo4j, database neo4j (also: kam, kam_test)
#
# Options: --bolt-port N --http-port N --root DIR --heap 2g --env-file FILE (see --help).
# The test suite does not need this script: its session fixture starts and stops its own server.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
exec "$PYTHON" -m tests.bolt_server "$@"
