// The store's own bookkeeping: which schema version a database holds.

// name: meta_read
// The recorded schema version (null when none) and whether the database holds anything else.
OPTIONAL MATCH (k:KamgraphMeta {key: $key})
RETURN k.version AS version, EXISTS { MATCH (n) WHERE NOT n:KamgraphMeta } AS has_data

// name: meta_init
// Record the schema version of a new store; an existing record is kept and returned.
MERGE (k:KamgraphMeta {key: $key})
ON CREATE SET k.version = $version
RETURN k.version AS version

// name: meta_upgrade
// Record a newer schema version after its (idempotent) constraints and indexes were applied.
MATCH (k:KamgraphMeta {key: $key})
WHERE k.version < $version
SET k.version = $version
RETURN k.version AS version

// name: declare_types
// Make (then delete) one node of each label set and one relationship of each type, in a new store.
// Neo4j needs no such thing; ArcadeDB keeps a type per label set and per relationship type, made on
// first use, and two transactions making the same new type at once fail -- so a new store makes all
// of them before any import runs. Leaves the database as it was.
CREATE (a:Account {id: $probe})
CREATE (m:Meeting {id: $probe})
CREATE (s:Person:Staff {id: $probe + '/staff'})
CREATE (c:Person:Stakeholder {id: $probe + '/stakeholder'})
CREATE (s)-[:ON_TEAM]->(a), (c)-[:WORKS_AT]->(a), (c)-[:REPORTS_TO {line: 'solid'}]->(c)
CREATE (s)-[:ATTENDED]->(m), (c)-[:ATTENDED]->(m), (s)-[:KNOWS]->(c), (s)-[:INFLUENCES]->(c), (s)-[:MET]->(c)
CREATE (x:Alert {key: $probe}), (y:AlertCheck {account: $probe}), (z:AlertOutbox {id: $probe})
CREATE (o:Objective {id: $probe}), (k:Competitor {name: $probe})
CREATE (o)-[:FOR]->(a), (c)-[:LEANS_TO]->(k)
DETACH DELETE a, m, s, c, x, y, z, o, k
