// Analysis results written back by `kamgraph analyze --write` (kamgraph/store/neo4j.py, "analysis snapshots"),
// and the store's data generation. Every property these statements set or remove is named kg_* (the maps
// in $rows are built by the store with kg_ keys only; a null value removes the property); they add or remove
// no label and no relationship: user properties are never touched.
// See docs/analysis-in-the-graph.md for the property reference.

// name: metrics_data_changed
// Bump the data generation (one KamgraphMeta node); every write that changes records runs this in its transaction.
MERGE (k:KamgraphMeta {key: $key})
ON CREATE SET k.generation = 1
ON MATCH SET k.generation = coalesce(k.generation, 0) + 1
RETURN k.generation AS generation

// name: metrics_data_generation
// The data generation (0 before the first write).
OPTIONAL MATCH (k:KamgraphMeta {key: $key})
RETURN coalesce(k.generation, 0) AS generation

// name: metrics_forget_stakeholders
// Remove the kg_ properties (row.props: every kg_ key set to null) of the stakeholders of these accounts.
UNWIND $rows AS row
MATCH (:Account {id: row.account})<-[:WORKS_AT]-(c:Stakeholder)
SET c += row.props
RETURN count(c) AS written

// name: metrics_forget_ties
// Remove the kg_ properties of the MET edges into the stakeholders of these accounts.
UNWIND $rows AS row
MATCH (:Account {id: row.account})<-[:WORKS_AT]-(:Stakeholder)<-[r:MET]-(:Staff)
SET r += row.props
RETURN count(r) AS written

// name: metrics_staff_of_accounts
// Staff members whose kg_accounts name one of these accounts, with their account lists.
MATCH (s:Staff)
WHERE any(x IN coalesce(s.kg_accounts, []) WHERE x IN $ids)
RETURN s.id AS id, s.kg_accounts AS accounts, s.kg_articulation_accounts AS cut

// name: metrics_staff_lists
// These staff members' kg_accounts and kg_articulation_accounts.
UNWIND $ids AS id
MATCH (s:Person {id: id})
RETURN s.id AS id, s.kg_accounts AS accounts, s.kg_articulation_accounts AS cut

// name: metrics_write_accounts
// Set an account's kg_ summary properties (row.props).
UNWIND $rows AS row
MATCH (a:Account {id: row.id})
SET a += row.props
RETURN count(a) AS written

// name: metrics_write_people
// Set (or, with null values, remove) kg_ properties of people (row.props).
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
SET p += row.props
RETURN count(p) AS written

// name: metrics_write_ties
// Set the kg_ properties of MET edges (row.props).
UNWIND $rows AS row
MATCH (c:Person {id: row.stakeholder})<-[r:MET]-(s:Person {id: row.staff})
SET r += row.props
RETURN count(r) AS written

// name: metrics_staff_totals
// A staff member's kg_threads and kg_sole_threads, counted over their MET edges (every account's latest snapshot).
UNWIND $ids AS id
MATCH (s:Person {id: id})
WHERE s.kg_accounts IS NOT NULL
SET s.kg_threads = size([(s)-[r:MET]->(:Stakeholder) WHERE r.kg_thread = true | r]),
    s.kg_sole_threads = size([(s)-[r:MET]->(:Stakeholder) WHERE r.kg_sole_thread = true | r])
RETURN count(s) AS written

// name: metrics_read_accounts
// The properties of these accounts that carry a stored snapshot (kg_as_of set).
UNWIND $ids AS id
MATCH (a:Account {id: id})
WHERE a.kg_as_of IS NOT NULL
RETURN a.id AS id, properties(a) AS props
