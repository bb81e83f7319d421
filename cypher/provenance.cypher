// Provenance: where each record came from. No new labels: three parallel list properties on the
// record's own node -- sources (each 'SOURCE SOURCE_ID'), sources_first_seen and sources_last_seen (ISO
// dates, same positions). The store reads them, merges in Python and writes them back, in one write
// transaction (kamgraph/store/neo4j.py, "provenance" section). Meetings deleted at their source are
// deleted here too, their MET edges refreshed with met.cypher's refresh_met.

// name: provenance_read_accounts
// The provenance lists of these accounts (those that exist).
UNWIND $ids AS id
MATCH (n:Account {id: id})
RETURN n.id AS id, 'account' AS kind, n.sources AS sources, n.sources_first_seen AS first,
       n.sources_last_seen AS last

// name: provenance_read_people
// The provenance lists of these people (those that exist), with their kind.
UNWIND $ids AS id
MATCH (n:Person {id: id})
RETURN n.id AS id, CASE WHEN n:Staff THEN 'staff' ELSE 'stakeholder' END AS kind, n.sources AS sources,
       n.sources_first_seen AS first, n.sources_last_seen AS last

// name: provenance_read_meetings
// The provenance lists of these meetings (those that exist).
UNWIND $ids AS id
MATCH (n:Meeting {id: id})
RETURN n.id AS id, 'meeting' AS kind, n.sources AS sources, n.sources_first_seen AS first,
       n.sources_last_seen AS last

// name: provenance_write_accounts
// Replace the provenance lists of these accounts (null lists remove the properties).
UNWIND $rows AS row
MATCH (n:Account {id: row.id})
SET n.sources = row.sources, n.sources_first_seen = row.first, n.sources_last_seen = row.last
RETURN count(n) AS written

// name: provenance_write_people
// Replace the provenance lists of these people (null lists remove the properties).
UNWIND $rows AS row
MATCH (n:Person {id: row.id})
SET n.sources = row.sources, n.sources_first_seen = row.first, n.sources_last_seen = row.last
RETURN count(n) AS written

// name: provenance_write_meetings
// Replace the provenance lists of these meetings (null lists remove the properties).
UNWIND $rows AS row
MATCH (n:Meeting {id: row.id})
SET n.sources = row.sources, n.sources_first_seen = row.first, n.sources_last_seen = row.last
RETURN count(n) AS written

// name: provenance_find
// The records one of whose sources is in $keys ('SOURCE SOURCE_ID'), with their provenance lists. No
// index holds list elements: this reads every record that has provenance (run only for deletions).
MATCH (n)
WHERE (n:Account OR n:Person OR n:Meeting) AND n.sources IS NOT NULL
UNWIND n.sources AS key
WITH n, key
WHERE key IN $keys
RETURN DISTINCT n.id AS id,
       CASE WHEN n:Account THEN 'account' WHEN n:Meeting THEN 'meeting' WHEN n:Staff THEN 'staff'
            ELSE 'stakeholder' END AS kind,
       n.sources AS sources, n.sources_first_seen AS first, n.sources_last_seen AS last

// name: delete_meetings
// Delete these meetings with their ATTENDED links; returns how many were deleted.
UNWIND $ids AS id
MATCH (m:Meeting {id: id})
DETACH DELETE m
RETURN count(*) AS written
