// MET: the staff-to-stakeholder projection of meetings, materialised so that the graph reads right in
// Neo4j Browser and Bloom. (Staff)-[:MET {count, first, last}]->(Stakeholder): how many meetings both
// attended, and the dates of the first and the last. It is derived data: imports refresh the edges of
// every stakeholder whose meetings changed, and a full rebuild gives the same edges.

// name: refresh_met
// Recompute, from their meetings, the MET edges of these stakeholders (old ones are replaced; ids of
// staff members are skipped).
UNWIND $ids AS id
MATCH (c:Person {id: id})
WHERE c:Stakeholder
OPTIONAL MATCH (c)<-[old:MET]-(:Person)
DELETE old
WITH DISTINCT c
MATCH (c)-[:ATTENDED]->(m:Meeting)<-[:ATTENDED]-(s:Staff)
WITH c, s, count(m) AS meetings, min(m.date) AS first, max(m.date) AS last
CREATE (s)-[:MET {count: meetings, first: first, last: last}]->(c)
RETURN count(*) AS written

// name: create_met
// MET edges worked out by the importer for stakeholders it has just created (all their meetings are
// in the same import, so nothing stored can add to them): one row per staff member, one entry per
// stakeholder.
UNWIND $rows AS row
MATCH (s:Person {id: row.staff})
UNWIND row.met AS met
MATCH (c:Person {id: met.stakeholder})
CREATE (s)-[:MET {count: met.count, first: date(met.first), last: date(met.last)}]->(c)
RETURN count(*) AS written

// name: stakeholder_ids
// The ids of every stakeholder (a full MET rebuild refreshes them in batches).
MATCH (c:Stakeholder)
RETURN c.id AS id

// name: met_edges
// Every MET edge with its count and dates.
MATCH (s:Staff)-[r:MET]->(c:Stakeholder)
RETURN s.id AS staff, c.id AS stakeholder, r.count AS meetings, r.first AS first, r.last AS last
