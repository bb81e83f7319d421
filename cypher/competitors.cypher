// Competitive position: stakeholders leaning toward a named competitor,
// (:Stakeholder)-[:LEANS_TO {strength, since, note}]->(:Competitor {name}). Written by imports (after the
// stakeholders), read with every account snapshot and by `kamgraph competitors list`. Patterns start from
// the indexed (:Person {id}) (the constraint is on Person) or a bound account.

// name: upsert_competitor_ties
// Create or update LEANS_TO ties (one competitor node per name); a row whose stakeholder does not exist
// writes nothing, which the count returned shows.
UNWIND $rows AS row
MATCH (s:Person {id: row.stakeholder})
WHERE s:Stakeholder
MERGE (c:Competitor {name: row.competitor})
MERGE (s)-[r:LEANS_TO]->(c)
SET r.strength = row.strength, r.since = date(row.since), r.note = row.note
RETURN count(r) AS written

// name: competitor_ties_of_stakeholders
// The LEANS_TO ties of these stakeholders (to compare an import with what is stored).
UNWIND $ids AS id
MATCH (s:Person {id: id})-[r:LEANS_TO]->(c:Competitor)
WHERE s:Stakeholder
RETURN s.id AS stakeholder, c.name AS competitor, r.strength AS strength, r.since AS since, r.note AS note

// name: competitor_ties_of_accounts
// The LEANS_TO ties of the stakeholders of these accounts, with the account.
UNWIND $ids AS acc
MATCH (:Account {id: acc})<-[:WORKS_AT]-(s:Stakeholder)-[r:LEANS_TO]->(c:Competitor)
RETURN acc AS account, s.id AS stakeholder, c.name AS competitor, r.strength AS strength, r.since AS since,
       r.note AS note

// name: all_competitor_ties
// Every LEANS_TO tie in the store (dump, copy).
MATCH (s:Stakeholder)-[r:LEANS_TO]->(c:Competitor)
RETURN s.id AS stakeholder, c.name AS competitor, r.strength AS strength, r.since AS since, r.note AS note

// name: remove_competitor_tie
// Delete one LEANS_TO tie ($id the stakeholder, $key the competitor's name); returns how many were deleted.
MATCH (s:Person {id: $id})-[r:LEANS_TO]->(:Competitor {name: $key})
WHERE s:Stakeholder
DELETE r
RETURN count(*) AS removed
