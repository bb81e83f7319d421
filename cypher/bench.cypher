// Statements of benchmarks/bolt_import.py: the server's raw MERGE rate, measured on throw-away nodes
// in a scratch database, to compare kamgraph's import rate with.

// name: bench_schema
// Benchmark nodes are unique by id (so that MATCH by id uses an index, as kamgraph's writes do).
CREATE CONSTRAINT kamgraph_bench_id IF NOT EXISTS FOR (n:BenchNode) REQUIRE n.id IS UNIQUE

// name: bench_create_nodes
// Throw-away nodes to link.
UNWIND $rows AS row
CREATE (:BenchNode {id: row.id})

// name: bench_merge_edges
// The raw rate: MERGE one relationship per row between two nodes looked up by id.
UNWIND $rows AS row
MATCH (a:BenchNode {id: row.a})
MATCH (b:BenchNode {id: row.b})
MERGE (a)-[:BENCH_LINK]->(b)

// name: count_relationships
// Every relationship in the database, of any type.
MATCH ()-[r]->()
RETURN count(r) AS relationships
